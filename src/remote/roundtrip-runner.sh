# shellcheck shell=sh disable=SC2154 # cal_ms, cal_clk, _swept, … are set by lib.sh, which precedes this file
# cal-doctor resurrect.roundtrip: a tmux-resurrect save and restore in isolated tmux servers.
# The runner, fed to `/bin/sh -s` on the target after its parameters and lib.sh
# (src/active/roundtrip.ts builds it): one temp dir, both environments' runs at once (the
# per-environment script, roundtrip-env.sh, comes as the parameter CAL_RT_ENV_SCRIPT), then
# cleanup and the records (read by src/active/roundtrip-output.ts).
#
# What it writes: one `mktemp -d /tmp/cal-doctor.XXXXXXXX` dir (sockets, config, saves, the
# layout's dirs, the sandbox HOME), removed before the output is printed. What it starts:
# tmux servers on sockets inside that dir, killed with their process groups on success,
# failure, timeout and HUP/INT/TERM/PIPE.

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
			cal_watch cal_killtree "$CAL_RT_BUDGET" "$SHELL" -l -c 'exec /bin/sh "$CAL_RT_SCRIPT"'
		else
			cal_watch cal_killtree "$CAL_RT_BUDGET" /bin/sh "$CAL_RT_SCRIPT"
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
		cal_killtree $_live
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
			if [ -S "$_s" ] && [ -n "$_tp" ] && cal_bounded 1 "$_tp" -S "$_s" kill-server >/dev/null 2>&1; then
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
	_mark=/${rt_tmp##*/}/
	_rest=$(ps -A -ww -o pid= -o command= 2>/dev/null)
	while [ -n "$_rest" ]; do
		_line=${_rest%%"$NL"*}
		case $_rest in
		*"$NL"*) _rest=${_rest#*"$NL"} ;;
		*) _rest= ;;
		esac
		case $_line in
		*"$_mark"*) ;;
		*) continue ;;
		esac
		_p=${_line#"${_line%%[! ]*}"}
		_p=${_p%% *}
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
	# ignored, not trapped: see rt_env_cleanup (bash 3.2 would end the watchdogs of
	# rt_reap's kill-server calls with the signal being handled, leaving their sleeps)
	trap '' HUP INT TERM PIPE
	rt_reap
	rt_remove
}

rt_main() {
	if ! command -v base64 >/dev/null 2>&1; then
		cal_key nobase64
		cal_key end
		return 0
	fi
	NL='
'
	rt_bgs=
	rt_tmp=
	rt_reaped=
	rt_removed=
	rt_rmfailed=
	cal_clock_init
	cal_now_ms
	rt_t0=$cal_ms
	# /tmp, not $TMPDIR: the sockets live in this dir, and macOS's $TMPDIR is long
	# enough to break the 104-byte limit of a socket path
	if ! rt_tmp=$(mktemp -d /tmp/cal-doctor.XXXXXXXX 2>&1); then
		cal_kv rt "error=mktemp -d /tmp/cal-doctor.XXXXXXXX failed: $rt_tmp"
		cal_key end
		return 0
	fi
	# no EXIT trap (see rt_env_main): every way out below cleans up itself
	trap 'rt_cleanup; exit 129' HUP
	trap 'rt_cleanup; exit 130' INT
	trap 'rt_cleanup; exit 143' TERM
	trap 'rt_cleanup; exit 141' PIPE
	CAL_RT_SCRIPT=$rt_tmp/rt.sh
	CAL_RT_RUNNER=$$
	# shellcheck disable=SC2090 # parameters are data, passed on as they are
	export CAL_RT_SCRIPT CAL_RT_RUNNER CAL_RT_PLUGIN CAL_RT_TMUX CAL_RT_ID CAL_RT_T CAL_RT_RS
	if ! printf '%s\n' "$CAL_RT_ENV_SCRIPT" >"$CAL_RT_SCRIPT"; then
		rt_cleanup
		cal_kv rt "error=cannot write $CAL_RT_SCRIPT"
		cal_key end
		return 0
	fi
	set -- "tmp=$rt_tmp" "clock=$cal_clk" "budget=$CAL_RT_BUDGET" "shell=${SHELL:-}"
	for _e in $CAL_RT_ENVS; do
		if [ "$_e" = login ] && { [ -z "${SHELL:-}" ] || [ ! -f "$SHELL" ] || [ ! -x "$SHELL" ]; }; then
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
	cal_now_ms
	set -- "$@" "reaped=$rt_left" "removed=$([ -z "$rt_rmfailed" ] && echo 1 || echo 0)" "ms=$((cal_ms - rt_t0))"
	_out=$(cal_kv rt "$@")
	printf '%s\n%s\n' "$_recs" "$_out"
	cal_key end
}

rt_main </dev/null
