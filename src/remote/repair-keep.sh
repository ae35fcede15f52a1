# shellcheck shell=sh
# cal-doctor --fix --yes: copy the save CAL_SRC to CAL_KEEP/CAL_NAME, out of the reach of
# resurrect's retention. The original stays; an existing copy is never overwritten.
set -u
k=$CAL_KEEP/$CAL_NAME
if [ -f "$k" ] && cmp -s "$CAL_SRC" "$k"; then cal_result already-ok "$k already holds a copy"; fi
# a dangling link too: cp would write through it
if [ -e "$k" ] || [ -L "$k" ]; then cal_result failed "$k exists and differs: not overwritten"; fi
if [ ! -f "$CAL_SRC" ]; then cal_result failed "$CAL_SRC is gone (deleted by a save since the probe?)"; fi
if ! { mkdir -p "$CAL_KEEP" && cp -p "$CAL_SRC" "$k"; }; then cal_result failed "copy to $CAL_KEEP failed"; fi
cal_result applied "copied to $k (the original stays where it is)"
