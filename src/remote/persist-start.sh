# shellcheck shell=sh disable=SC2154,SC2153 # _o, _rc, _cv, … are set by lib.sh and persist-lib.sh, which precede this file
# cal-doctor persist: start
# Runs the start command CAL_START the way `ssh host CMD` does (`$SHELL -c`, from $HOME,
# no terminal), bounded by CAL_START_T; then, at once, what the server holds. With
# CAL_SNAPSHOT_DIR, first records that dir's `last` as the shutdown left it.

cal_main() {
	cal_init
	if [ -n "$CAL_SNAPSHOT_DIR" ]; then cal_last pre "$CAL_SNAPSHOT_DIR"; fi
	cal_ping
	cal_str pre.ping "$_rc"
	cd "$HOME" 2>/dev/null || cd /
	cal_str start.t0 "$(cal_now)"
	_so=$(cal_bounded "$CAL_START_T" cal_capture "${SHELL:-/bin/sh}" -c "$CAL_START")
	_src=$?
	cal_str start.t1 "$(cal_now)"
	cal_str start.rc "$_src"
	cal_cut "$_so" 16384
	cal_str start.out "$_cv"
	cal_server srv
	cal_str end 1
}

cal_main </dev/null
