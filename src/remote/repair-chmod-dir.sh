# shellcheck shell=sh
# cal-doctor --fix --yes: make the save dir CAL_DIR writable by its owner, the user.
set -u
if [ ! -d "$CAL_DIR" ]; then cal_result failed "$CAL_DIR is not a directory"; fi
if [ -w "$CAL_DIR" ] && [ -x "$CAL_DIR" ]; then cal_result already-ok "$CAL_DIR is writable"; fi
if [ ! -O "$CAL_DIR" ]; then
	cal_result failed "$CAL_DIR is not owned by $(id -un): needs sudo chown (see the advice)"
fi
chmod u+rwx "$CAL_DIR" || cal_result failed "chmod u+rwx $CAL_DIR failed"
cal_result applied "chmod u+rwx $CAL_DIR"
