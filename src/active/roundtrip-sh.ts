// The shell of the active round-trip check (checks/resurrect.roundtrip.ts), kept as TS so it
// ships inside the compiled JS. roundtrip.ts assembles one script from these parts: the
// runner (fed to `/bin/sh -s` on the target) carries the per-environment script as data,
// writes it into its temp dir and runs it twice at once, from a login shell and from the
// exec's own environment.
//
// Portable POSIX sh for dash and macOS's bash 3.2 (`/bin/sh`) over BSD or GNU userland, in
// the style of src/probe/probe.sh (watchdogs, base64-framed records). What it writes: one
// `mktemp -d /tmp/cal-doctor.XXXXXXXX` dir (sockets, config, saves, the layout's dirs, the
// sandbox HOME), removed before the output is printed. What it starts: tmux servers on
// sockets inside that dir, killed with their process groups on success, failure, timeout
// and HUP/INT/TERM/PIPE.
//
// Records: `@@<key>\n<base64>\n`; kv records are NUL-ended `name=value` items (see
// roundtrip-output.ts for the keys). Editing: this is shell text in String.raw form; write
// `$\{` where the shell has a dollar-brace (a template literal would interpolate it), and
// no backticks.
import { boundedFunction } from '../shell/watchdog.js';

/** String.raw, except that `$\{` stands for a shell dollar-brace. */
function sh(strings: TemplateStringsArray): string {
  return strings.raw.join('').replace(/\$\\\{/g, '${');
}

export const COMMON_SH =
  sh`# ---------------------------------------------------------------------------------
# helpers shared by the runner and the per-environment script

# rt_bounded SECONDS CMD ARG...: CMD with a watchdog that SIGKILLs it after SECONDS (137)
` +
  boundedFunction('rt_bounded') +
  sh`
# rt_rec KEY ITEM...: prints one record "@@KEY" + base64 of the NUL-ended items.
rt_rec() {
	_k=$1
	shift
	_b=$(printf '%s\0' "$@" | base64)
	printf '@@%s\n%s\n' "$_k" "$_b"
}

# rt_clock_init / rt_now: rt_ms = milliseconds since the epoch. GNU date has %N; BSD
# date has not, macOS has perl; else whole seconds (rt_clk says which).
rt_clock_init() {
	rt_clk=sec
	_n=$(date +%s%N 2>/dev/null)
	case $_n in
	'' | *[!0-9]*) ;;
	*)
		rt_clk=ns
		return 0
		;;
	esac
	if command -v perl >/dev/null 2>&1; then
		_n=$(perl -MTime::HiRes=time -e 'printf("%d\n", time() * 1000)' 2>/dev/null)
		case $_n in
		'' | *[!0-9]*) ;;
		*) rt_clk=perl ;;
		esac
	fi
}

rt_now() {
	case $rt_clk in
	ns)
		_n=$(date +%s%N)
		rt_ms=$\{_n%??????}
		;;
	perl) rt_ms=$(perl -MTime::HiRes=time -e 'printf("%d\n", time() * 1000)') ;;
	*) rt_ms=$(($(date +%s) * 1000)) ;;
	esac
}

# rt_descendants PID...: sets rt_desc to the pids of every live descendant of the PIDs
# (one "ps" snapshot; works with BSD and procps ps).
rt_descendants() {
	rt_desc=
	_known=" $* "
	_ps=$(ps -A -o pid= -o ppid= 2>/dev/null)
	_grew=1
	while [ "$_grew" = 1 ]; do
		_grew=0
		# shellcheck disable=SC2086 # split the pid/ppid columns into words
		set -- $_ps
		while [ $# -ge 2 ]; do
			case $_known in
			*" $2 "*)
				case $_known in
				*" $1 "*) ;;
				*)
					_known="$_known$1 "
					rt_desc="$rt_desc $1"
					_grew=1
					;;
				esac
				;;
			esac
			shift 2
		done
	done
}

# rt_killtree PID...: SIGKILLs the PIDs and all their descendants. Stops them first and
# looks again, so a child forked meanwhile is not missed.
rt_killtree() {
	rt_descendants "$@"
	_kt="$* $rt_desc"
	# shellcheck disable=SC2086 # a list of pids
	kill -STOP $_kt 2>/dev/null
	# shellcheck disable=SC2086
	rt_descendants $_kt
	# shellcheck disable=SC2086
	kill -9 $_kt $rt_desc 2>/dev/null
}
`;

export const ENV_SH = sh`# ---------------------------------------------------------------------------------
# one environment's round trip: runs as /bin/sh "$CAL_RT_SCRIPT" with CAL_RT_W (its own
# empty dir) and CAL_RT_LABEL; writes its records to $CAL_RT_W/rec, server pids to
# $CAL_RT_W/pids, the tmux it uses to $CAL_RT_W/tmux (for the runner's cleanup).

# rt_q STRING: sets _q to STRING quoted for sh (for run-shell's command line).
rt_q() {
	_s=$1
	_q=
	while :; do
		case $_s in
		*"'"*)
			_q=$_q$\{_s%%"'"*}"'\\''"
			_s=$\{_s#*"'"}
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
	_o=$(rt_bounded "$CAL_RT_T" "$rt_tmux" -u -S "$_ts" "$@" 2>&1)
	_rc=$?
}

# rt_runshell SOCKET SCRIPT ARGS LOG: "run-shell 'SCRIPT' ARGS" the way a key binding
# runs it (the job gets the server's environment and $TMUX), its output into LOG; sets
# _rc (the script's status as run-shell reports it; 137: timed out), _o (what the
# client printed) and _log (the script's output, capped).
rt_runshell() {
	rt_q "$2"
	_c="$_q$\{3:+ $3}"
	rt_q "$4"
	_c="$_c >$_q 2>&1"
	_o=$(rt_bounded "$CAL_RT_RS" "$rt_tmux" -u -S "$1" run-shell "$_c" 2>&1)
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
			_line=$\{_rest%%"$NL"*}
			case $_rest in
			*"$NL"*) _rest=$\{_rest#*"$NL"} ;;
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
	rt_now
	rt_t1=$rt_ms
}

# rt_end STATUS ITEM...: the step's record (ok, warn or fail; a later step that never
# ran has no record).
rt_end() {
	_st=$1
	shift
	rt_now
	rt_rec "$rt_label.step.$rt_n" "name=$rt_step" "status=$_st" "ms=$((rt_ms - rt_t1))" "$@" >>"$rt_recf"
	rt_n=$((rt_n + 1))
	# the runner is gone (killed outright): nobody will read on or clean up after us
	if ! kill -0 "$CAL_RT_RUNNER" 2>/dev/null; then
		rt_env_cleanup
		exit 0
	fi
}

rt_raw() {
	printf '@@%s\n' "$1"
	head -c "$(($3 + 1))" 2>/dev/null <"$2" | base64
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
	set -- "path=$\{PATH:-}" "found=$_found" "home=$\{HOME:-}" "shell=$\{SHELL:-}"
	if [ -n "$_found" ]; then
		rt_tmux=$_found
		_how=path
	elif [ -n "$CAL_RT_TMUX" ] && [ -f "$CAL_RT_TMUX" ] && [ -x "$CAL_RT_TMUX" ]; then
		rt_tmux=$CAL_RT_TMUX
		_how=fallback
	else
		rt_end fail "$@" "out=tmux is not on this PATH, and no other tmux binary is executable ($\{CAL_RT_TMUX:-none known})"
		return 1
	fi
	printf '%s\n' "$rt_tmux" >"$rt_w/tmux"
	_o=$(rt_bounded "$CAL_RT_T" "$rt_tmux" -V 2>&1)
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
	PATH=*) _sp=$\{_o#PATH=} ;;
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
		rt_raw "$rt_label.savefile" "$rt_w/save/last" 1048576 >>"$rt_recf"
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
	# not '': a subshell (rt_bounded's watchdog) could not trap a signal ignored here
	trap ':' HUP INT TERM PIPE
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
		rt_bounded 1 "$rt_tmux" -S "$rt_sock" kill-server >/dev/null 2>&1
	fi
	if [ -n "$rt_sock2" ] && [ -z "$rt_pid2" ] && [ -S "$rt_sock2" ]; then
		rt_bounded 1 "$rt_tmux" -S "$rt_sock2" kill-server >/dev/null 2>&1
	fi
	rt_now
	rt_rec "$rt_label.cleanup" "ms=$((rt_ms - rt_t1))" "killed=$_k" >>"$rt_recf"
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
	rt_clock_init
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
`;

export const RUNNER_SH =
  sh`# ---------------------------------------------------------------------------------
# the runner: one temp dir, both environments at once, then cleanup and the records

# rt_budget SECONDS CMD ARG...: like rt_bounded, but on expiry the watchdog kills CMD's
# whole process tree (a login shell's children, the tmux clients of the run).
` +
  boundedFunction('rt_budget', 'rt_killtree "$_bp"') +
  sh`
# rt_launch LABEL: starts one environment's run in the background (pid in rt_bgs).
# login: the user's shell as a login shell execs the script, so it runs with the
# environment ~/.zprofile & co. give (exec: no logout file runs); nonlogin: this very
# exec's environment, as "ssh host cmd" has it.
rt_launch() {
	_lw=$rt_tmp/$1
	mkdir "$_lw" || return 1
	(
		trap - HUP INT TERM PIPE
		CAL_RT_W=$_lw
		CAL_RT_LABEL=$1
		export CAL_RT_W CAL_RT_LABEL
		if [ "$1" = login ]; then
			# shellcheck disable=SC2016 # expanded by the login shell
			rt_budget "$CAL_RT_BUDGET" "$SHELL" -l -c 'exec /bin/sh "$CAL_RT_SCRIPT"'
		else
			rt_budget "$CAL_RT_BUDGET" /bin/sh "$CAL_RT_SCRIPT"
		fi </dev/null >"$_lw/shell.log" 2>&1
		echo "$?" >"$_lw/rc"
	) &
	rt_bgs="$rt_bgs $!"
}

# rt_reap: kills what the runs left (a run killed at the budget never ran its own
# cleanup): the runs' process trees, the servers they recorded (process groups: the
# server and its run-shell jobs), servers on sockets without a recorded pid.
rt_reap() {
	if [ -n "$rt_reaped" ]; then return 0; fi
	rt_reaped=1
	_live=
	for _p in $rt_bgs; do
		if kill -0 "$_p" 2>/dev/null; then _live="$_live $_p"; fi
	done
	if [ -n "$_live" ]; then
		# shellcheck disable=SC2086
		rt_killtree $_live
	fi
	rt_left=0
	for _d in "$rt_tmp"/*/; do
		[ -f "$_d/pids" ] || continue
		while IFS= read -r _p; do
			case $_p in
			'' | *[!0-9]*) continue ;;
			esac
			if kill -0 "$_p" 2>/dev/null || kill -0 -"$_p" 2>/dev/null; then
				rt_left=$((rt_left + 1))
				kill -9 -"$_p" 2>/dev/null
				kill -9 "$_p" 2>/dev/null
			fi
		done <"$_d/pids"
		_tp=
		if [ -f "$_d/tmux" ]; then IFS= read -r _tp <"$_d/tmux"; fi
		for _s in "$_d"cal-doctor-*; do
			if [ -S "$_s" ] && [ -n "$_tp" ] && rt_bounded 1 "$_tp" -S "$_s" kill-server >/dev/null 2>&1; then
				rt_left=$((rt_left + 1))
			fi
		done
	done
	rt_sweep
	if [ "$_swept" -gt 0 ]; then
		sleep 0.05
		rt_sweep
	fi
}

# rt_sweep: SIGKILLs every process whose command line names this run's dir (and its
# process group), counting them in rt_left. A server whose start was cut short has no
# recorded pid and maybe no socket yet; its command line (the starting client's, or
# tmux's own title with the socket) names the dir, as do the runs' own scripts.
rt_sweep() {
	_swept=0
	_mark=/$\{rt_tmp##*/}/
	_rest=$(ps -A -ww -o pid= -o command= 2>/dev/null)
	while [ -n "$_rest" ]; do
		_line=$\{_rest%%"$NL"*}
		case $_rest in
		*"$NL"*) _rest=$\{_rest#*"$NL"} ;;
		*) _rest= ;;
		esac
		case $_line in
		*"$_mark"*) ;;
		*) continue ;;
		esac
		_p=$\{_line#"$\{_line%%[! ]*}"}
		_p=$\{_p%% *}
		case $_p in
		'' | *[!0-9]* | "$$") continue ;;
		esac
		kill -9 -"$_p" 2>/dev/null
		kill -9 "$_p" 2>/dev/null
		_swept=$((_swept + 1))
		rt_left=$((rt_left + 1))
	done
}

rt_remove() {
	if [ -n "$rt_removed" ] || [ -z "$rt_tmp" ]; then return 0; fi
	rt_removed=1
	_i=0
	while :; do
		rm -rf "$rt_tmp" 2>/dev/null
		if [ ! -e "$rt_tmp" ]; then return 0; fi
		# something still wrote into it: once more, after another sweep
		if [ "$_i" -ge 3 ]; then break; fi
		_i=$((_i + 1))
		sleep 0.1
		rt_sweep
	done
	rt_rmfailed=1
}

rt_cleanup() {
	trap ':' HUP INT TERM PIPE
	rt_reap
	rt_remove
}

rt_main() {
	if ! command -v base64 >/dev/null 2>&1; then
		printf '@@nobase64\n@@end\n'
		return 0
	fi
	NL='
'
	rt_bgs=
	rt_tmp=
	rt_reaped=
	rt_removed=
	rt_rmfailed=
	rt_clock_init
	rt_now
	rt_t0=$rt_ms
	# /tmp, not $TMPDIR: the sockets live in this dir, and macOS's $TMPDIR is long
	# enough to break the 104-byte limit of a socket path
	if ! rt_tmp=$(mktemp -d /tmp/cal-doctor.XXXXXXXX 2>&1); then
		rt_rec rt "error=mktemp -d /tmp/cal-doctor.XXXXXXXX failed: $rt_tmp"
		printf '@@end\n'
		return 0
	fi
	# no EXIT trap (see rt_env_main): every way out below cleans up itself
	trap 'rt_cleanup; exit 129' HUP
	trap 'rt_cleanup; exit 130' INT
	trap 'rt_cleanup; exit 143' TERM
	trap 'rt_cleanup; exit 141' PIPE
	CAL_RT_SCRIPT=$rt_tmp/rt.sh
	CAL_RT_RUNNER=$$
	export CAL_RT_SCRIPT CAL_RT_RUNNER CAL_RT_PLUGIN CAL_RT_TMUX CAL_RT_ID CAL_RT_T CAL_RT_RS
	if ! printf '%s\n' "$CAL_RT_ENV_SCRIPT" >"$CAL_RT_SCRIPT"; then
		rt_cleanup
		rt_rec rt "error=cannot write $CAL_RT_SCRIPT"
		printf '@@end\n'
		return 0
	fi
	set -- "tmp=$rt_tmp" "clock=$rt_clk" "budget=$CAL_RT_BUDGET" "shell=$\{SHELL:-}"
	for _e in $CAL_RT_ENVS; do
		if [ "$_e" = login ] && { [ -z "$\{SHELL:-}" ] || [ ! -f "$SHELL" ] || [ ! -x "$SHELL" ]; }; then
			set -- "$@" "login.ran=0"
			continue
		fi
		rt_launch "$_e"
		set -- "$@" "$_e.ran=1"
	done
	wait
	rt_reap
	for _e in $CAL_RT_ENVS; do
		_d=$rt_tmp/$_e
		[ -d "$_d" ] || continue
		_rc=
		if [ -f "$_d/rc" ]; then IFS= read -r _rc <"$_d/rc"; fi
		_log=$(head -c 8192 "$_d/shell.log" 2>/dev/null)
		set -- "$@" "$_e.rc=$_rc" "$_e.log=$_log"
	done
	_recs=$(cat "$rt_tmp"/*/rec 2>/dev/null)
	rt_remove
	rt_now
	set -- "$@" "reaped=$rt_left" "removed=$([ -z "$rt_rmfailed" ] && echo 1 || echo 0)" "ms=$((rt_ms - rt_t0))"
	_out=$(rt_rec rt "$@")
	printf '%s\n%s\n@@end\n' "$_recs" "$_out"
}

rt_main </dev/null
`;
