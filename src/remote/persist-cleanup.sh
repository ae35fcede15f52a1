# shellcheck shell=sh disable=SC2154,SC2153 # _o, _rc, _cv, … are set by lib.sh and persist-lib.sh, which precede this file
# cal-doctor persist: cleanup
# Removes the marker session CAL_M (only it) and the marker dirs (only when empty). With
# CAL_SETTLE > 0, first waits for a restore still running (it would bring the marker back).

cal_main() {
	cal_init
	if [ "$CAL_SETTLE" -gt 0 ]; then cal_settle "$CAL_SETTLE"; fi
	cal_ping
	if [ "$_rc" -eq 0 ]; then
		cal_tmux has-session -t "=$CAL_M"
		if [ "$_rc" -eq 0 ]; then
			cal_tmux kill-session -t "=$CAL_M"
			cal_str killed "$_rc"
			cal_cut "$_o" 2000
			cal_str kill.out "$_cv"
		else
			cal_str killed none
		fi
		cal_ping
		if [ "$_rc" -eq 0 ]; then
			cal_tmux list-sessions -F "$CAL_SESSION_FORMAT"
			cal_str left "$_o"
		fi
	else
		cal_str killed noserver
	fi
	rmdir "$CAL_D1" "$CAL_D2" 2>/dev/null
	rmdir "$CAL_D0" 2>/dev/null
	if [ -d "$CAL_D0" ]; then
		cal_str dirs.left "$CAL_D0"
	else
		# its parent (…/cal-doctor) too, when nothing else is in it
		rmdir "${CAL_D0%/*}" 2>/dev/null
	fi
	if [ -n "$CAL_LAST_DIR" ]; then cal_str last.link "$(readlink "$CAL_LAST_DIR/last" 2>/dev/null)"; fi
	cal_str end 1
}

cal_main </dev/null
