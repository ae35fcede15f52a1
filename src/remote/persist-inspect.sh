# shellcheck shell=sh disable=SC2154,SC2153 # _o, _rc, _cv, … are set by lib.sh and persist-lib.sh, which precede this file
# cal-doctor persist: inspect
# What the user's setup and server look like now; finds tmux. Changes nothing.

cal_main() {
	# the caller's own tmux, if it runs inside one (before cal_init forgets it)
	cal_str caller.tmux "${TMUX:-}"
	cal_init
	cal_find_tmux
	cal_str tmux "$CAL_TB"
	cal_str uid "$cal_uid"
	cal_str home "$HOME"
	cal_str shell "${SHELL:-}"
	cal_str os "$(uname -s 2>/dev/null)"
	cal_str sock "$cal_sock"
	if [ -e "$HOME/tmux_no_auto_restore" ]; then cal_str halt 1; else cal_str halt 0; fi
	if [ -n "$CAL_TB" ]; then
		cal_server srv
		# other servers of this user (other sockets): a VM restart ends them too
		_n=0
		for _s in "${cal_sock%/*}"/*; do
			[ -S "$_s" ] || continue
			[ "$_s" != "$cal_sock" ] || continue
			if _o=$(cal_bounded "$CAL_T" cal_capture "$CAL_TB" -u -S "$_s" list-sessions -F '#{session_name}'); then
				cal_str "other.$_n" "$_s$US$_o"
				_n=$((_n + 1))
			fi
			[ "$_n" -lt 16 ] || break
		done
	fi
	cal_str end 1
}

cal_main </dev/null
