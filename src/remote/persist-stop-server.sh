# shellcheck shell=sh disable=SC2154,SC2153 # _o, _rc, _cv, … are set by lib.sh and persist-lib.sh, which precede this file
# cal-doctor persist: stop-server
# Ends the default server the way a shutdown does: SIGTERM to the server (its panes'
# shells get SIGHUP as their terminals close), then waits for the server, the pane shells and
# any save.sh they started (a logout hook), and SIGKILLs what is left after CAL_GRACE s.

cal_main() {
	cal_init
	cal_ping
	if [ "$_rc" -ne 0 ]; then
		cal_str stop.noserver 1
		cal_str end 1
		return 0
	fi
	cal_tmux display-message -p '#{pid}'
	_spid=$_o
	cal_tmux list-panes -a -F '#{pane_pid}'
	_ppids=$(printf '%s' "$_o" | tr '\n' ' ')
	cal_str stop.server "$_spid"
	cal_str stop.panes "$_ppids"
	case $_spid in
	'' | *[!0-9]*)
		cal_str stop.error "no server pid: $_spid"
		cal_str end 1
		return 0
		;;
	esac
	_t0=$(cal_now)
	kill -TERM "$_spid" 2>/dev/null
	while cal_alive "$_spid" && [ $(($(cal_now) - _t0)) -lt "$CAL_GRACE" ]; do cal_nap; done
	cal_str stop.server_sec "$(($(cal_now) - _t0))"
	_left=
	while :; do
		_left=
		for _p in $_ppids; do
			if cal_alive "$_p"; then _left="$_left $_p"; fi
		done
		cal_procs
		[ -n "$_left$_sv" ] || break
		[ $(($(cal_now) - _t0)) -lt "$CAL_GRACE" ] || break
		cal_nap
	done
	cal_str stop.panes_sec "$(($(cal_now) - _t0))"
	_killed=
	if cal_alive "$_spid"; then
		kill -KILL "$_spid" 2>/dev/null
		_killed="$_killed server:$_spid"
	fi
	cal_procs
	for _p in $_left $_svp; do
		kill -KILL "$_p" 2>/dev/null && _killed="$_killed $_p"
	done
	cal_str stop.killed "$_killed"
	cal_str end 1
}

cal_main </dev/null
