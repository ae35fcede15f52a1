# shellcheck shell=sh disable=SC2154,SC2153 # _o, _rc, _cv, … are set by lib.sh and persist-lib.sh, which precede this file
# cal-doctor persist: settle
# Waits (at most CAL_MAX s) until the plugins are done: TPM, continuum's restore,
# resurrect's restore; then the server, the pane CAL_CAPTURE's contents and CAL_LAST_DIR's `last`.

cal_main() {
	cal_init
	cal_settle "$CAL_MAX"
	if cal_server srv && [ -n "$CAL_CAPTURE" ]; then
		cal_tmux capture-pane -p -J -S -5000 -t "$CAL_CAPTURE"
		cal_str capture.rc "$_rc"
		cal_cut "$_o" 262144
		cal_str capture "$_cv"
	fi
	if [ -n "$CAL_LAST_DIR" ]; then cal_last post "$CAL_LAST_DIR"; fi
	cal_str end 1
}

cal_main </dev/null
