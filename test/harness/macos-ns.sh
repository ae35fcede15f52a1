#!/bin/sh
# The macOS-like target (CAL_DOCTOR_TARGET=macos), set up inside a private mount namespace
# (`unshare -m --propagation private`, as root) and then exec'ing the given command:
#  - macOS's bash 3.2.57 as /bin/sh (dash's place on Debian) and /bin/bash;
#  - tmux only at /opt/homebrew/bin/tmux, the /usr/bin copy made non-executable, so only
#    a PATH a login profile extends reaches it;
#  - zsh as the login shell of every user (sshd runs session commands through it).
# Usage: macos-ns.sh TOOLS_DIR COMMAND [ARG...]; TOOLS_DIR holds macos-sh/ and bsd-userland/.
set -eu
tools=$1
shift
bash32=$tools/macos-sh/bash-3.2.57
zsh=$(command -v zsh)
tmux=$(command -v tmux)

# a private tmpfs holds what is mounted over system files, and Homebrew's prefix
mount -t tmpfs -o mode=0755 cal-doctor-macos /opt
mkdir -p /opt/homebrew/bin /opt/cal-doctor
cp "$tmux" /opt/homebrew/bin/tmux
: >/opt/cal-doctor/not-here
chmod 0644 /opt/cal-doctor/not-here
mount --bind /opt/cal-doctor/not-here "$tmux"
sed "s#^\([^:]*:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:\).*#\1$zsh#" /etc/passwd >/opt/cal-doctor/passwd
mount --bind /opt/cal-doctor/passwd /etc/passwd
mount --bind "$bash32" /usr/bin/bash
# last: the rest of this script may run in dash
mount --bind "$bash32" "$(readlink -f /bin/sh)"
exec "$@"
