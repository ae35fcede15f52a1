# shellcheck shell=sh disable=SC2154,SC2153 # _o, _rc, _cv, … are set by lib.sh and persist-lib.sh, which precede this file
# cal-doctor persist: marker
# Builds the marker layout in the running server: session CAL_M, window 1 (CAL_D1, the
# scrollback line CAL_TOKEN), window 2 split (CAL_D2 | CAL_D1), window 3 (CAL_D0). A session
# CAL_M left by an earlier run is replaced (renamed first, so the server never runs empty).

cal_fail() {
	cal_cut "$2" 4000
	cal_str fail "$1: $_cv"
	cal_str end 1
	exit 0
}

cal_main() {
	cal_init
	mkdir -p "$CAL_D1" "$CAL_D2" 2>/dev/null || cal_fail mkdir "cannot create $CAL_D1 and $CAL_D2"
	_stale=
	cal_tmux has-session -t "=$CAL_M"
	if [ "$_rc" -eq 0 ]; then
		_stale=$CAL_M-stale-$$
		cal_tmux rename-session -t "=$CAL_M" "$_stale"
		[ "$_rc" -eq 0 ] || cal_fail rename-session "$_o"
		cal_str stale "$CAL_M"
	fi
	cal_tmux new-session -d -P -F '#{pane_id}' -s "$CAL_M" -n e2e-scroll -c "$CAL_D1"
	[ "$_rc" -eq 0 ] || cal_fail new-session "$_o"
	_p1=$_o
	cal_tmux new-window -d -P -F '#{window_id}' -t "=$CAL_M:" -n e2e-split -c "$CAL_D2"
	[ "$_rc" -eq 0 ] || cal_fail new-window "$_o"
	_w2=$_o
	cal_tmux split-window -d -t "$_w2" -c "$CAL_D1"
	[ "$_rc" -eq 0 ] || cal_fail split-window "$_o"
	cal_tmux new-window -d -t "=$CAL_M:" -n e2e-base -c "$CAL_D0"
	[ "$_rc" -eq 0 ] || cal_fail new-window "$_o"
	if [ -n "$_stale" ]; then
		cal_tmux kill-session -t "=$_stale"
	fi
	# the scrollback line: typed into the pane's shell, as a person would
	cal_tmux send-keys -t "$_p1" -l "echo $CAL_TOKEN"
	cal_tmux send-keys -t "$_p1" Enter
	_t0=$(cal_now)
	_sent=1
	_ok=0
	while :; do
		cal_tmux capture-pane -p -J -t "$_p1"
		case "$NL$_o$NL" in
		*"$NL$CAL_TOKEN$NL"*)
			_ok=1
			break
			;;
		esac
		_el=$(($(cal_now) - _t0))
		[ "$_el" -lt "$CAL_SCROLL_T" ] || break
		if [ "$_sent" -eq 1 ] && [ "$_el" -ge $((CAL_SCROLL_T / 2)) ]; then
			# a shell that dropped typeahead while starting: type it once more
			cal_tmux send-keys -t "$_p1" -l "echo $CAL_TOKEN"
			cal_tmux send-keys -t "$_p1" Enter
			_sent=2
		fi
		cal_nap
	done
	cal_str scroll.ok "$_ok"
	cal_str scroll.pane "$_p1"
	cal_cut "$_o" 16384
	cal_str scroll.capture "$_cv"
	cal_server srv
	cal_str end 1
}

cal_main </dev/null
