# shellcheck shell=sh disable=SC2154,SC2153 # _o, _rc, _cv, … are set by lib.sh and persist-lib.sh, which precede this file
# cal-doctor persist: save
# Saves as `prefix C-s` does: `run-shell <@resurrect-save-script-path>` through the server
# (waits for save.sh, at most CAL_SAVE_T s), in the next second if `last` already has this
# second's name; then reads `last` and the pane-contents archive.

# cal_savedir: cal_sd := the dir resurrect saves to, decided as its helpers.sh does
# (@resurrect-dir expanded; else ~/.tmux/resurrect if a dir; else the server's XDG data dir)
cal_savedir() {
	cal_field 9
	if [ -n "$_f" ]; then
		cal_replace "$_f" "\$HOME" "$HOME"
		cal_replace "$_r" "\$HOSTNAME" "$(hostname 2>/dev/null)"
		cal_replace "$_r" "~" "$HOME"
		cal_sd=$_r
	elif [ -d "$HOME/.tmux/resurrect" ]; then
		cal_sd=$HOME/.tmux/resurrect
	else
		cal_sd=${cal_srv_xdg:-$HOME/.local/share}/tmux/resurrect
	fi
}

cal_main() {
	cal_init
	cal_server srv || {
		cal_str end 1
		return 0
	}
	cal_field 7
	_save=$_f
	cal_savedir
	cal_str save.dir "$cal_sd"
	cal_str save.script "$_save"
	if [ -z "$_save" ]; then
		cal_str end 1
		return 0
	fi
	_before=$(readlink "$cal_sd/last" 2>/dev/null)
	cal_str save.before "$_before"
	if [ "$_before" = "tmux_resurrect_$(date +%Y%m%dT%H%M%S).txt" ]; then sleep 1; fi
	_so=$(cal_bounded "$CAL_SAVE_T" cal_capture "$CAL_TB" -u -S "$cal_sock" run-shell "$_save")
	cal_str save.rc "$?"
	cal_cut "$_so" 16384
	cal_str save.out "$_cv"
	cal_last post "$cal_sd"
	if [ -f "$cal_sd/pane_contents.tar.gz" ]; then
		# lib.sh reads CAP+1 bytes: at most 8 MiB
		cal_raw archive "$cal_sd/pane_contents.tar.gz" 8388607
	fi
	cal_str end 1
}

cal_main </dev/null
