# shellcheck shell=sh
# cal-doctor --fix --yes: create the save dir CAL_DIR, mode 700, owned by the user.
set -u
if [ -d "$CAL_DIR" ]; then cal_result already-ok "$CAL_DIR exists"; fi
if [ -e "$CAL_DIR" ] || [ -L "$CAL_DIR" ]; then
	cal_result failed "$CAL_DIR exists but is not a directory: not touched"
fi
if ! { mkdir -p "$CAL_DIR" && chmod 700 "$CAL_DIR"; }; then cal_result failed "could not create $CAL_DIR"; fi
if [ ! -O "$CAL_DIR" ]; then
	cal_result failed "$CAL_DIR was created but is not owned by $(id -un)"
fi
cal_result applied "created $CAL_DIR (mode 700, owner $(id -un))"
