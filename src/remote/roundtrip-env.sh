# shellcheck shell=sh disable=SC2154 # cal_ms, cal_clk, _r, … are set by lib.sh, which precedes this file
# cal-doctor resurrect.roundtrip, one environment's run: written by the runner into its temp
# dir and run as /bin/sh "$CAL_RT_SCRIPT" (from a login shell or from the exec's own
# environment) with CAL_RT_W (its own empty dir), CAL_RT_LABEL and the runner's CAL_RT_*
# parameters in the environment. Preceded by lib.sh and the layout functions the builder
# generates (rt_layout_mkdirs, rt_layout_start, rt_layout_rest; src/active/roundtrip.ts).
# Writes its records to $CAL_RT_W/rec, server pids to $CAL_RT_W/pids, the tmux it uses to
# $CAL_RT_W/tmux (for the runner's cleanup).

# rt_q STRING: sets _q to STRING quoted for sh (for run-shell's command line).
rt_q() {
	_s=$1
	_q=
	while :; do
		case $_s in
		*"'"*)
			_q=$_q${_s%%"'"*}"'\\''"
			_s=${_s#*"'"}
			;;
		*)
			_q="'$_q$_s'"
			return 0
			;;
		esac
	done
}

# rt_tm SOCKET ARG...: one bounded call of the sandbox's tmux; sets _o and _rc. -u:
# without a UTF-8 locale tmux would print TAB and US in formats as "_".
rt_tm() {
	_ts=$1
	shift
	_o=$(cal_bounded "$CAL_RT_T" "$rt_tmux" -u -S "$_ts" "$@" 2>&1)
	_rc=$?
}

# rt_runshell SOCKET SCRIPT ARGS LOG: "run-shell 'SCRIPT' ARGS" the way a key binding
# runs it (the job gets the server's environment and $TMUX), its output into LOG; sets
# _rc (the script's status as run-shell reports it; 137: timed out), _o (what the
# client printed) and _log (the script's output, capped).
rt_runshell() {
	rt_q "$2"
	_c="$_q${3:+ $3}"
	rt_q "$4"
	_c="$_c >$_q 2>&1"
	_o=$(cal_bounded "$CAL_RT_RS" "$rt_tmux" -u -S "$1" run-shell "$_c" 2>&1)
	_rc=$?
	_log=$(head -c 16384 "$4" 2>/dev/null)
}

# rt_settle SOCKET: waits (up to 2 s) until every pane's process is its timer. Until a
# pane's child has exec'd, its #{pane_current_path} can be empty or the server's own dir.
# (#{pane_current_command} falls back to the configured command while the child has no
# tty yet, so it is "sleep" only with a path, or once the child is sleep.)
rt_settle() {
	_i=0
	while [ "$_i" -lt 40 ]; do
		rt_tm "$1" list-panes -a -F "#{pane_current_command}$US#{pane_current_path}"
		if [ "$_rc" -ne 0 ]; then return 1; fi
		_busy=
		_rest=$_o
		while [ -n "$_rest" ]; do
			_line=${_rest%%"$NL"*}
			case $_rest in
			*"$NL"*) _rest=${_rest#*"$NL"} ;;
			*) _rest= ;;
			esac
			case $_line in
			"sleep$US"?*) ;;
			*) _busy=1 ;;
			esac
		done
		if [ -z "$_busy" ]; then return 0; fi
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

rt_begin() {
	rt_step=$1
	cal_now_ms
	rt_t1=$cal_ms
}

# rt_end STATUS ITEM...: the step's record (ok, warn or fail; a later step that never
# ran has no record).
rt_end() {
	_st=$1
	shift
	cal_now_ms
	cal_kv "$rt_label.step.$rt_n" "name=$rt_step" "status=$_st" "ms=$((cal_ms - rt_t1))" "$@" >>"$rt_recf"
	rt_n=$((rt_n + 1))
	# the runner is gone (killed outright): nobody will read on or clean up after us
	if ! kill -0 "$CAL_RT_RUNNER" 2>/dev/null; then
		rt_env_cleanup
		exit 0
	fi
}


rt_ls() {
	LC_ALL=C ls -lan "$@" 2>&1
}

# rt_alive PID: the process exists and is not a zombie (a dead daemon stays a zombie
# until init reaps it)
rt_alive() {
	_a=$(ps -o stat= -p "$1" 2>/dev/null)
	case $_a in
	'' | Z*) return 1 ;;
	esac
	return 0
}

rt_record_pid() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	printf '%s\n' "$1" >>"$rt_pidf"
}

# 1. which tmux this environment runs, and the plugin
rt_step_env() {
	rt_begin env
	_found=$(command -v tmux 2>/dev/null) || _found=
	case $_found in
	/*) ;;
	*) _found= ;;
	esac
	set -- "path=${PATH:-}" "found=$_found" "home=${HOME:-}" "shell=${SHELL:-}"
	if [ -n "$_found" ]; then
		rt_tmux=$_found
		_how=path
	elif [ -n "$CAL_RT_TMUX" ] && [ -f "$CAL_RT_TMUX" ] && [ -x "$CAL_RT_TMUX" ]; then
		rt_tmux=$CAL_RT_TMUX
		_how=fallback
	else
		rt_end fail "$@" "out=tmux is not on this PATH, and no other tmux binary is executable (${CAL_RT_TMUX:-none known})"
		return 1
	fi
	printf '%s\n' "$rt_tmux" >"$rt_w/tmux"
	_o=$(cal_bounded "$CAL_RT_T" "$rt_tmux" -V 2>&1)
	_rc=$?
	set -- "$@" "tmux=$rt_tmux" "how=$_how" "version=$_o"
	if [ "$_rc" -ne 0 ]; then
		rt_end fail "$@" "rc=$_rc" "out=$_o"
		return 1
	fi
	if [ ! -d "$CAL_RT_PLUGIN" ]; then
		rt_end fail "$@" "out=no such directory: $CAL_RT_PLUGIN"
		return 1
	fi
	rt_end ok "$@"
	# From here on the sandbox's HOME: a save.sh that cannot read @resurrect-dir falls
	# back to ~/.tmux/resurrect or the XDG dir, and must not reach the user's real ones.
	HOME=$rt_w/home
	XDG_DATA_HOME=$rt_w/home/.local/share
	export HOME XDG_DATA_HOME
	unset TMUX TMUX_PANE
	return 0
}

# 2. an isolated server: own socket in the temp dir, generated config (no ~/.tmux.conf,
# no TPM, no continuum), panes that run a 30 s timer instead of the user's shell (no
# rc or logout file runs; a server that outlives everything ends with its panes)
rt_step_start() {
	rt_begin start
	rt_conf=$rt_w/tmux.conf
	if ! mkdir -p "$HOME" "$rt_w/save" "$rt_w/layout" || ! rt_layout_mkdirs; then
		rt_end fail "out=cannot create the sandbox dirs in $rt_w"
		return 1
	fi
	if ! rt_L=$(cd "$rt_w/layout" && pwd -P); then
		rt_end fail "out=cannot resolve $rt_w/layout"
		return 1
	fi
	printf '%s\n' \
		'# cal-doctor sandbox' \
		'set -g default-shell /bin/sh' \
		"set -g default-command 'exec sleep 30'" \
		'set -g base-index 0' \
		'set -g pane-base-index 0' \
		'set -g status off' >"$rt_conf"
	rt_sock=$rt_w/cal-doctor-$CAL_RT_ID-a
	rt_layout_start
	if [ "$_rc" -ne 0 ] || ! rt_record_pid "$_o"; then
		rt_end fail "socket=$rt_sock" "rc=$_rc" "out=$_o"
		return 1
	fi
	rt_pid1=$_o
	rt_tm "$rt_sock" show-environment -g PATH
	_sp=
	case $_o in
	PATH=*) _sp=${_o#PATH=} ;;
	esac
	_st=
	if [ -n "$_sp" ]; then
		_st=$(PATH=$_sp && command -v tmux 2>/dev/null) || _st=
	fi
	rt_end ok "socket=$rt_sock" "pid=$rt_pid1" "srvpath=$_sp" "srvtmux=$_st" "root=$rt_L"
}

# 3. the known layout
rt_step_layout() {
	rt_begin layout
	rt_layout_rest
	if [ "$_rc" -ne 0 ]; then
		rt_end fail "rc=$_rc" "out=$_o"
		return 1
	fi
	rt_settle "$rt_sock"
	rt_tm "$rt_sock" list-panes -a -F "#{session_name}$US#{window_index}$US#{pane_index}$US#{pane_current_path}"
	rt_end ok "panes=$_o" "rc=$_rc"
}

# 4. the installed resurrect, loaded the way TPM does (after @resurrect-dir is set)
rt_step_load() {
	rt_begin load
	rt_tm "$rt_sock" set-option -g @resurrect-dir "$rt_w/save"
	if [ "$_rc" -ne 0 ]; then
		rt_end fail "rc=$_rc" "out=$_o"
		return 1
	fi
	rt_runshell "$rt_sock" "$CAL_RT_PLUGIN/resurrect.tmux" "" "$rt_w/load.log"
	set -- "rc=$_rc" "client=$_o" "out=$_log"
	rt_tm "$rt_sock" show-options -gqv @resurrect-save-script-path
	if [ -n "$_o" ]; then
		rt_end ok "$@" "savepath=$_o"
	else
		rt_end warn "$@" "savepath="
	fi
}

# 5. save through the server, as prefix C-s does (quiet: no spinner)
rt_step_save() {
	rt_begin save
	rt_runshell "$rt_sock" "$CAL_RT_PLUGIN/scripts/save.sh" quiet "$rt_w/save.log"
	set -- "rc=$_rc" "client=$_o" "out=$_log" "dir=$rt_w/save" "ls=$(rt_ls "$rt_w/save")" \
		"script.ls=$(LC_ALL=C ls -lnL "$CAL_RT_PLUGIN/scripts/save.sh" 2>&1)"
	if [ -L "$rt_w/save/last" ]; then set -- "$@" "last.target=$(readlink "$rt_w/save/last" 2>/dev/null)"; fi
	# where save.sh writes when it cannot ask tmux for @resurrect-dir
	_i=0
	for _d in "$HOME/.tmux/resurrect" "$XDG_DATA_HOME/tmux/resurrect"; do
		if [ -d "$_d" ]; then
			set -- "$@" "stray.$_i.dir=$_d" "stray.$_i.ls=$(rt_ls "$_d")"
			_i=$((_i + 1))
		fi
	done
	_st=fail
	if [ -f "$rt_w/save/last" ]; then
		cal_raw "$rt_label.savefile" "$rt_w/save/last" 1048576 >>"$rt_recf"
		if [ -s "$rt_w/save/last" ]; then _st=ok; fi
	fi
	rt_end "$_st" "$@"
	[ "$_st" = ok ]
}

# 6. the server goes away, as with "tart stop"
rt_step_kill() {
	rt_begin kill
	rt_tm "$rt_sock" kill-server
	set -- "rc=$_rc" "out=$_o"
	_i=0
	while rt_alive "$rt_pid1" && [ "$_i" -lt 40 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	if rt_alive "$rt_pid1"; then
		rt_end fail "$@" "alive=1"
		return 1
	fi
	rt_end ok "$@"
}

# 7. a fresh isolated server with one unnamed session, as "tmux new-session" after a
# reboot (restore.sh needs nothing of the plugin loaded but @resurrect-dir)
rt_step_restart() {
	rt_begin restart
	rt_sock2=$rt_w/cal-doctor-$CAL_RT_ID-b
	rt_tm "$rt_sock2" -f "$rt_conf" new-session -d -P -F '#{pid}' -x 160 -y 48 -c "$HOME"
	if [ "$_rc" -ne 0 ] || ! rt_record_pid "$_o"; then
		rt_end fail "socket=$rt_sock2" "rc=$_rc" "out=$_o"
		return 1
	fi
	rt_pid2=$_o
	set -- "socket=$rt_sock2" "pid=$rt_pid2"
	rt_tm "$rt_sock2" set-option -g @resurrect-dir "$rt_w/save"
	if [ "$_rc" -ne 0 ]; then
		rt_end fail "$@" "rc=$_rc" "out=$_o"
		return 1
	fi
	rt_end ok "$@"
}

# 8. restore through the server, as prefix C-r does, and what it rebuilt
rt_step_restore() {
	rt_begin restore
	rt_runshell "$rt_sock2" "$CAL_RT_PLUGIN/scripts/restore.sh" "" "$rt_w/restore.log"
	set -- "rc=$_rc" "client=$_o" "out=$_log" "script.ls=$(LC_ALL=C ls -lnL "$CAL_RT_PLUGIN/scripts/restore.sh" 2>&1)"
	_rrc=$_rc
	rt_settle "$rt_sock2"
	rt_tm "$rt_sock2" list-panes -a -F "#{session_name}$US#{window_index}$US#{pane_index}$US#{pane_current_path}"
	set -- "$@" "panes=$_o" "panes.rc=$_rc"
	if [ "$_rrc" -eq 0 ]; then
		rt_end ok "$@"
	else
		rt_end fail "$@"
	fi
}

rt_env_cleanup() {
	if [ -n "$rt_cleaned" ]; then return 0; fi
	rt_cleaned=1
	# ignored, not trapped: bash 3.2 (macOS /bin/sh) delivers the signal whose trap is
	# running again to every subshell forked meanwhile that does not ignore it, so a
	# watchdog started here would die of it and leave its sleep behind
	trap '' HUP INT TERM PIPE
	rt_begin cleanup
	# each server's process group: the server and its run-shell jobs (the spinner of an
	# interrupted restore.sh would loop on); the panes get SIGHUP from their tty
	_k=
	if [ -f "$rt_pidf" ]; then
		while IFS= read -r _p; do
			case $_p in
			'' | *[!0-9]*) continue ;;
			esac
			kill -9 -"$_p" 2>/dev/null
			kill -9 "$_p" 2>/dev/null
			_k="$_k $_p"
		done <"$rt_pidf"
		: >"$rt_pidf"
	fi
	# a server whose pid was never recorded (its start was cut short)
	if [ -n "$rt_sock" ] && [ -z "$rt_pid1" ] && [ -S "$rt_sock" ]; then
		cal_bounded 1 "$rt_tmux" -S "$rt_sock" kill-server >/dev/null 2>&1
	fi
	if [ -n "$rt_sock2" ] && [ -z "$rt_pid2" ] && [ -S "$rt_sock2" ]; then
		cal_bounded 1 "$rt_tmux" -S "$rt_sock2" kill-server >/dev/null 2>&1
	fi
	cal_now_ms
	cal_kv "$rt_label.cleanup" "ms=$((cal_ms - rt_t1))" "killed=$_k" >>"$rt_recf"
}

rt_env_main() {
	NL='
'
	US=$(printf '\037')
	rt_w=$CAL_RT_W
	rt_label=$CAL_RT_LABEL
	rt_recf=$rt_w/rec
	rt_pidf=$rt_w/pids
	rt_n=0
	rt_tmux=
	rt_sock=
	rt_sock2=
	rt_pid1=
	rt_pid2=
	rt_cleaned=
	: >"$rt_recf" || return 1
	: >"$rt_pidf"
	# No EXIT trap, here or in the runner: bash runs the EXIT trap of the parent in a
	# fresh subshell (a watchdog) that a signal ends before its first command. Every way
	# out calls rt_env_cleanup itself; signals do it through these traps.
	trap 'rt_env_cleanup; exit 129' HUP
	trap 'rt_env_cleanup; exit 130' INT
	trap 'rt_env_cleanup; exit 143' TERM
	trap 'rt_env_cleanup; exit 141' PIPE
	command unset -v CLICOLOR CLICOLOR_FORCE LS_COLORS LSCOLORS TIME_STYLE QUOTING_STYLE \
		BLOCK_SIZE LS_BLOCK_SIZE BLOCKSIZE 2>/dev/null
	cal_clock_init
	rt_env_steps
	rt_env_cleanup
}

rt_env_steps() {
	rt_step_env || return 0
	rt_step_start || return 0
	rt_step_layout || return 0
	rt_step_load || return 0
	rt_step_save || return 0
	rt_step_kill || return 0
	rt_step_restart || return 0
	rt_step_restore
}

rt_env_main </dev/null
