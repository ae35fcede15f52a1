# shellcheck shell=sh disable=SC2154,SC2034 # the probe's files share their globals (lib.sh's, the caps, what a phase sets for the next): test/integration/probe.test.ts lints the whole probe without these lines
# cal-doctor probe: gathers every fact of src/probe/facts.ts in one read-only pass.
#
# Run with `/bin/sh -s`, this script on stdin after its parameter (`CAL_TMUX_TIMEOUT=N`),
# lib.sh (it describes the records) and the phases, one file each, in the order PROBE_FILES
# in src/probe/gather.ts lists them (src/remote/assemble.ts assembles them). This file comes
# last: the caps, the helpers several phases share, and main, which runs the phases.
# Portable POSIX sh (dash, bash 3.2 --posix as macOS /bin/sh) over BSD or GNU userland.
# It never writes on the target: no temp files, no tmux command that changes anything,
# never starts a tmux server (every tmux call names an existing socket with -S).
#
# Records: kv records of facts, and raw records holding the exact bytes of files and
# listings (several files in one, as `head -c N FILE...` prints them: cal_heads). The
# last record is `@@end`; without it the probe was cut off.

CAL_PROBE_VERSION=1.1.0

# Caps (bytes unless said otherwise)
CAL_CAP_TEXT=262144      # config and shell dotfiles
CAL_CAP_LAST=1048576     # the file `last` points to
CAL_CAP_RECENT=65536     # each of the newest save files
CAL_RECENT_MAX=20        # how many of the newest save files
CAL_CAP_LSLINES=20000    # entries of a save-dir listing
CAL_LS_SAVES=500         # save files of a dir listed in full (the newest by name); older ones are counted
CAL_LS_OTHERS=1000       # other entries of a save dir listed by the same ls (more: by find)
CAL_CAP_OUT=262144       # output of one tmux call, ps output
CAL_CAP_LOGIN=16384      # output of the login shell
CAL_SOCKETS_MAX=16       # non-default sockets asked whether a server answers
CAL_CAP_ARCHIVE=8388608  # pane_contents.tar.gz of each save dir
CAL_CAP_SCRIPT=65536     # each script or LaunchAgent that mentions tmux
CAL_SCRIPTS_MAX=20       # how many scripts, how many LaunchAgents
CAL_SAVED_MAX=200        # distinct pane dirs of `last` looked at
CAL_LOCKS_MAX=100        # continuum lock dirs listed
CAL_CAP_CFG=65536        # each file a config sources
CAL_CFG_MAX=40           # files a config sources, followed at most 4 levels deep

# cal_cap VALUE: sets _cv to VALUE cut to CAL_CAP_OUT bytes, _ct to 1 when cut.
cal_cap() {
	cal_cut "$1" "$CAL_CAP_OUT"
}
# cal_ping SOCKET: does a server answer on SOCKET? Sets _o (tmux's error message) and
# _rc (137: timed out). tmux hands its stdin and stdout to the server as file
# descriptors; a stopped server leaves them queued on its socket, and a pipe queued
# there never sees EOF. So the first call to any server gets /dev/null as stdout and
# only its stderr (never passed on) is captured; the calls that need output follow
# only once the server has answered.
cal_ping() {
	_o=$(cal_bounded "$cal_t" "$cal_tb" -u -S "$1" display-message -p '#{pid}' 2>&1 >/dev/null)
	_rc=$?
	cal_cap "$_o"
	_o=$_cv
}

# cal_tmux ARG...: one bounded call to the default server; sets _o (output, capped),
# _ct (1 when capped), _rc (137: timed out, and then cal_hung=1). The first call to it
# needs no ping before (cal_ping): cal_capture holds the pipe a stopped server may queue,
# and a timeout kills the client below it too (cal_killtree), so nothing is left behind.
cal_tmux() {
	# -N: never start a server. The queries hold list-keys, which starts one where none
	# answers (a stale socket file, say): it would load the user's config, TPM, continuum
	# and its auto-restore on the target
	if [ -n "$cal_tb_nostart" ]; then
		set -- -N -u -S "$cal_sock" "$@"
	else
		set -- -u -S "$cal_sock" "$@"
	fi
	_o=$(cal_watch cal_killtree "$cal_t" cal_capture "$cal_tb" "$@" 2>&1)
	_rc=$?
	cal_cap "$_o"
	_o=$_cv
	if [ "$_rc" -eq 137 ]; then
		cal_hung=1
	fi
}

# ---------------------------------------------------------------------------------
# files read on one head (the config files, the save files, the scripts)

# cal_hq_add PATH: queues PATH for the next cal_heads or cal_savedata (in numbered
# variables, so a path is never split or quoted)
cal_hq_add() {
	cal_hn=$((cal_hn + 1))
	eval "cal_hq_$cal_hn=\$1"
}

# cal_hq_args K: sets _hr to the words that expand to the queued paths from the Kth on (for eval)
cal_hq_args() {
	_hr=
	_hk=$1
	while [ "$_hk" -le "$cal_hn" ]; do
		_hr="$_hr \"\$cal_hq_$_hk\""
		_hk=$((_hk + 1))
	done
}

cal_hq_clear() {
	while [ "$cal_hn" -gt 0 ]; do
		unset "cal_hq_$cal_hn"
		cal_hn=$((cal_hn - 1))
	done
}

# cal_head_parts BYTES PATH...: the first BYTES bytes of each PATH as `head -c` prints
# several files: each after a line `==> PATH <==`, from the second on after an empty line
# (src/remote/records.ts's splitHeads takes them apart); for one PATH, which head prints
# without that line, the line is written here.
cal_head_parts() {
	if [ $# -eq 2 ]; then
		{ printf '==> %s <==\n' "$2"; head -c "$1"; } <"$2"
	elif [ $# -gt 2 ]; then
		_hb=$1
		shift
		head -c "$_hb" -- "$@"
	fi
}

# cal_heads KEY CAP: one record KEY of the first CAP+1 bytes (one over the cap: the reader
# can tell a file was longer) of each file queued by cal_hq_add, on one head, one base64
cal_heads() {
	[ "$cal_hn" -gt 0 ] || return 0
	cal_key "$1"
	cal_hq_args 1
	_hc=$(($2 + 1))
	eval "cal_head_parts \"\$_hc\" $_hr" 2>/dev/null | base64
	cal_hq_clear
}

main() {
	NL='
'
	TAB='	'
	US=$(printf '\037')
	cal_fs="#{session_id}$US#{session_windows}$US#{session_attached}$US#{session_created}$US#{session_name}"
	cal_fc="#{client_pid}$US#{client_control_mode}$US#{client_tty}$US#{client_session}"
	case ${CAL_TMUX_TIMEOUT:-} in
	'' | *[!0-9]*) cal_t=2 ;;
	*) cal_t=$CAL_TMUX_TIMEOUT ;;
	esac
	if [ "$cal_t" -lt 1 ]; then cal_t=1; fi
	case ${CAL_LOGIN_TIMEOUT:-} in
	'' | *[!0-9]*) cal_lt=$cal_t ;;
	*) cal_lt=$CAL_LOGIN_TIMEOUT ;;
	esac
	if [ "$cal_lt" -lt 1 ]; then cal_lt=1; fi
	if ! command -v base64 >/dev/null 2>&1; then
		cal_key nobase64
		cal_key end
		return 0
	fi
	HOME=${HOME:-}
	cal_hn=0
	# kv records go out in a few batches, one base64 each: after the phases that call
	# tmux (a hung server or a cut-off run keeps what came before), and at the end
	# shellcheck disable=SC2034 # read by lib.sh's cal_kv
	cal_batch=1

	cal_meta
	# ls and grep must print their plain formats whatever the user's environment says
	command unset -v CLICOLOR CLICOLOR_FORCE LS_COLORS LSCOLORS TIME_STYLE QUOTING_STYLE \
		BLOCK_SIZE LS_BLOCK_SIZE BLOCKSIZE GREP_OPTIONS GREP_COLOR GREP_COLORS 2>/dev/null

	cal_tmux_tmpdir
	cal_sockdir=$_td/tmux-$cal_uid
	cal_sockdir2=
	if [ "$cal_os" = Darwin ] && [ "$cal_sockdir" != "/private/tmp/tmux-$cal_uid" ] &&
		[ "$cal_sockdir" != "/tmp/tmux-$cal_uid" ]; then
		cal_sockdir2=/private/tmp/tmux-$cal_uid
	fi
	cal_sock=$cal_sockdir/default

	cal_server
	cal_answered=
	if [ "${cal_srv_rc:-1}" -eq 0 ]; then cal_answered=1; fi
	cal_sockets
	cal_flush
	cal_files
	cal_plugins
	cal_cfgtree
	cal_saves
	cal_flush
	cal_scripts
	if [ "$cal_os" = Darwin ]; then
		# no -I: a binary plist holds its strings as plain bytes
		if cal_home_ok; then
			cal_mentions agents '' "$HOME/Library/LaunchAgents"/*.plist
		else
			cal_mentions agents ''
		fi
	fi
	cal_jobs
	cal_ps
	cal_unreached
	cal_flush
	# the kv record `ok=1`, its base64 written out: no process for it
	cal_key end
	printf 'b2s9MQA=\n'
}

main </dev/null
