#!/bin/sh
# The macOS-like target (CAL_DOCTOR_TARGET=macos), set up inside a private mount namespace
# (`unshare -m --propagation private`, as root) and then exec'ing the given command:
#  - macOS's bash 3.2.57 as /bin/sh (dash's place on Debian) and /bin/bash;
#  - tmux only at /opt/homebrew/bin/tmux: /usr/bin is overlaid with a whiteout for it, so
#    it is not there at all (command not found, as on a Mac) and only a PATH a shell file
#    extends reaches it;
#  - zsh as the login shell of every user (sshd runs session commands through it);
#  - login shells' system profile (/etc/profile, /etc/zsh/zprofile) does what macOS's
#    path_helper does: the system dirs first (here the BSD userland, then /usr/bin …),
#    then the rest of the PATH it was given (Debian's would replace the PATH instead).
# Usage: macos-ns.sh TOOLS_DIR COMMAND [ARG...]; TOOLS_DIR holds macos-sh/ and bsd-userland/.
set -eu
tools=$1
shift
bash32=$tools/macos-sh/bash-3.2.57
zsh=$(command -v zsh)
tmux=$(command -v tmux)

# a private tmpfs holds what is mounted over system files, and Homebrew's prefix
mount -t tmpfs -o mode=0755 cal-doctor-macos /opt
mkdir -p /opt/homebrew/bin /opt/cal-doctor/upper /opt/cal-doctor/work /opt/cal-doctor/bsd
# the BSD userland by name, except its mktemp: built on glibc it puts NUL bytes in the
# random part (mkdir gets a cut name, e.g. cal-doctor.NZfF), which macOS's never does
for t in "$tools"/bsd-userland/bin/*; do
	[ "${t##*/}" = mktemp ] || ln -s "$t" "/opt/cal-doctor/bsd/${t##*/}"
done
cp "$tmux" /opt/homebrew/bin/tmux
mknod "/opt/cal-doctor/upper/$(basename "$tmux")" c 0 0
mount -t overlay cal-doctor-macos -o "lowerdir=$(dirname "$tmux"),upperdir=/opt/cal-doctor/upper,workdir=/opt/cal-doctor/work" "$(dirname "$tmux")"
sed "s#^\([^:]*:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:\).*#\1$zsh#" /etc/passwd >/opt/cal-doctor/passwd
mount --bind /opt/cal-doctor/passwd /etc/passwd
cat >/opt/cal-doctor/profile <<PROFILE
# path_helper, as macOS's /etc/profile and /etc/zprofile run it
_cal_p=/opt/cal-doctor/bsd:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
_cal_rest=\$PATH
while [ -n "\$_cal_rest" ]; do
	_cal_d=\${_cal_rest%%:*}
	case \$_cal_rest in *:*) _cal_rest=\${_cal_rest#*:} ;; *) _cal_rest= ;; esac
	case ":\$_cal_p:" in *":\$_cal_d:"*) ;; *) _cal_p=\$_cal_p:\$_cal_d ;; esac
done
PATH=\$_cal_p
export PATH
unset _cal_p _cal_rest _cal_d
PROFILE
mount --bind /opt/cal-doctor/profile /etc/profile
if [ -f /etc/zsh/zprofile ]; then mount --bind /opt/cal-doctor/profile /etc/zsh/zprofile; fi
mount --bind "$bash32" /usr/bin/bash
# last: the rest of this script may run in dash
mount --bind "$bash32" "$(readlink -f /bin/sh)"
exec "$@"
