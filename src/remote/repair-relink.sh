# shellcheck shell=sh
# cal-doctor --fix --yes: point `last` in the save dir CAL_DIR at the save CAL_CANDIDATE.
# CAL_SEEN is what the plan saw: `link` (last pointed at CAL_WAS) or `none` (no last). The
# candidate is never modified, only linked to; nothing is relinked when last changed since.
set -u
tab=$(printf '\t')
cd "$CAL_DIR" || cal_result failed "cannot cd to $CAL_DIR"
if [ -L last ] && [ "$(readlink last)" = "$CAL_CANDIDATE" ] && [ -f "$CAL_CANDIDATE" ]; then
	cal_result already-ok "last already points to $CAL_CANDIDATE"
fi
# the candidate must still be a save with panes
if [ ! -f "$CAL_CANDIDATE" ] || [ -L "$CAL_CANDIDATE" ]; then
	cal_result failed "$CAL_CANDIDATE is gone or not a regular file: nothing relinked; run cal-doctor again"
fi
if ! grep -q "^pane$tab" "$CAL_CANDIDATE"; then
	cal_result failed "$CAL_CANDIDATE holds no pane lines: nothing relinked"
fi
if [ "$CAL_SEEN" = link ]; then
	if [ ! -L last ] || [ "$(readlink last)" != "$CAL_WAS" ]; then
		now=$(readlink last 2>/dev/null || echo "not a symlink")
		cal_result failed "last changed since the probe (now: $now, was: $CAL_WAS): a save ran meanwhile; nothing relinked, run cal-doctor again"
	fi
elif [ -e last ] || [ -L last ]; then
	cal_result failed "a last appeared since the probe: a save ran meanwhile; nothing relinked, run cal-doctor again"
fi
# mv onto a link to a directory would move into that directory
if [ -d last ]; then cal_result failed "last is a directory: not touched"; fi
# atomic: a restore running meanwhile sees the old or the new link, never none
tmp=".last.cal-doctor.$$"
ln -s "$CAL_CANDIDATE" "$tmp" || cal_result failed "cannot create a symlink in $CAL_DIR"
if mv -f "$tmp" last; then
	cal_result applied "last -> $CAL_CANDIDATE"
fi
rm -f "$tmp"
cal_result failed "could not replace last"
