# shellcheck shell=sh
# cal-doctor's target-side library: prepended (after the parameter lines) to every script
# cal-doctor runs on a target (src/remote/assemble.ts assembles them).
#
# Portable POSIX sh: dash, and bash 3.2 in POSIX mode (macOS /bin/sh), over BSD or GNU
# userland. No `timeout` (cal_bounded is the bound), no GNU-only flags.
#
# Output of every script is a sequence of records `@@<key>\n<base64 of value>\n`, read by
# src/remote/records.ts. Keys are made only of constants and counters; every value
# travels base64-encoded (GNU base64 wraps at 76 columns, macOS does not: the reader takes
# both). A "kv" value is a list of `name=value` items, each ended by a NUL byte (a shell
# variable cannot hold NUL, so a NUL never occurs inside an item); any other value is
# bytes as they are. The last record is `@@end`; without it the script was cut off.

# cal_key KEY: the line that starts a record; the value follows as `| base64` (a record
# with no value, such as `end`, is the line alone). Every record is written this way.
cal_key() {
	printf '@@%s\n' "$1"
}

# cal_kv KEY ITEM...: one kv record. With cal_batch set, the record is held for the
# next cal_flush instead (items in numbered variables, so nothing is quoted or escaped).
cal_kv() {
	if [ -n "${cal_batch:-}" ]; then
		for _it in "$@" ''; do
			cal_bn=$((${cal_bn:-0} + 1))
			eval "cal_b_$cal_bn=\$_it"
			cal_bq="${cal_bq:-} \"\$cal_b_$cal_bn\""
		done
		return 0
	fi
	cal_key "$1"
	shift
	printf '%s\0' "$@" | base64
}

# cal_flush: the kv records held since the last flush as one `kvs` record, one base64 for
# them all: each record is its key and its items, each ended by a NUL, then one more NUL
# (no item is empty, so an empty one ends the record).
cal_flush() {
	[ -n "${cal_bq:-}" ] || return 0
	cal_key kvs
	eval "printf '%s\\0' $cal_bq" | base64
	while [ "$cal_bn" -gt 0 ]; do
		unset "cal_b_$cal_bn"
		cal_bn=$((cal_bn - 1))
	done
	cal_bq=
}

# cal_str KEY VALUE: one record holding VALUE as it is.
cal_str() {
	cal_key "$1"
	printf '%s' "$2" | base64
}

# cal_raw KEY PATH CAP: a record of the first CAP+1 bytes of PATH (one byte more than the
# cap, so the reader can tell the file was longer).
cal_raw() {
	cal_key "$1"
	head -c "$(($3 + 1))" 2>/dev/null <"$2" | base64
}

# cal_watch ON_EXPIRY SECONDS CMD ARG...: runs CMD with a watchdog that, after SECONDS,
# calls the function ON_EXPIRY with CMD's pid (cal_kill: SIGKILL, status 137). Neither
# the watchdog nor its sleep outlives the call; the watchdog writes nowhere, so it cannot
# hold the output channel open. The watchdog is stopped with USR1, not TERM: bash runs a
# parent's trap in a fresh subshell when the signal comes before the subshell has set its
# own, and callers trap TERM with their cleanup. USR1 before the trap just ends it (it
# has no sleep yet).
cal_watch() {
	_bx=$1
	_bt=$2
	shift 2
	"$@" &
	_bp=$!
	(
		_bs=
		_bq=
		# SIGKILL for the sleep: a signal reaching it between fork and exec would run the
		# trap handler it inherited from this subshell
		trap '_bq=1; if [ -n "$_bs" ]; then kill -9 "$_bs" 2>/dev/null; fi' USR1
		sleep "$_bt" &
		_bs=$!
		if [ -z "$_bq" ]; then
			wait "$_bs"
		fi
		if [ -n "$_bq" ]; then
			# stopped by the caller (possibly before $_bs was set): reap the sleep
			kill -9 "$_bs" 2>/dev/null
			wait "$_bs" 2>/dev/null
			exit 0
		fi
		"$_bx" "$_bp"
	) </dev/null >/dev/null 2>&1 &
	_bw=$!
	wait "$_bp" 2>/dev/null
	_brc=$?
	kill -USR1 "$_bw" 2>/dev/null
	wait "$_bw" 2>/dev/null
	return "$_brc"
}

# cal_tmux_tmpdir: sets _td to TMUX_TMPDIR (else /tmp) without its trailing slashes, the
# dir tmux puts tmux-UID/ in
cal_tmux_tmpdir() {
	_td=${TMUX_TMPDIR:-/tmp}
	while :; do
		case $_td in
		*/) _td=${_td%/} ;;
		*) break ;;
		esac
	done
}

# cal_kill PID: SIGKILL, quietly
cal_kill() {
	kill -9 "$1" 2>/dev/null
}

# cal_bounded SECONDS CMD ARG...: CMD, SIGKILLed after SECONDS (status 137: killed).
cal_bounded() {
	cal_watch cal_kill "$@"
}

# cal_capture CMD ARG...: runs CMD with stdout and stderr into a pipe of its own, then
# prints what it got. Run in the background by cal_bounded, this subshell is the only
# holder of the caller's pipe: when the watchdog kills it, the caller sees EOF even if
# CMD left a child behind (a login file that hangs) or its stdout is stuck in a
# stopped tmux server's socket queue.
cal_capture() {
	# exec: no shell lingers in between holding inherited descriptors
	_x=$(exec "$@" 2>&1)
	_xr=$?
	printf '%s' "$_x"
	return "$_xr"
}

# cal_cut VALUE MAX: sets _cv to VALUE cut to MAX bytes, _ct to 1 when cut (else 0).
cal_cut() {
	_cv=$1
	_ct=0
	if [ "${#_cv}" -gt "$2" ]; then
		_cv=$(printf '%s' "$1" | head -c "$2")
		_ct=1
	fi
}

# cal_replace STRING NEEDLE REPLACEMENT: sets _r to STRING with every NEEDLE replaced.
cal_replace() {
	_s=$1
	_r=
	while :; do
		case $_s in
		*"$2"*)
			_r=$_r${_s%%"$2"*}$3
			_s=${_s#*"$2"}
			;;
		*)
			_r=$_r$_s
			break
			;;
		esac
	done
}

# cal_clock_init / cal_now_ms: cal_ms = milliseconds since the epoch. GNU date has %N; BSD
# date has not, macOS has perl; else whole seconds (cal_clk says which: ns, perl, sec).
cal_clock_init() {
	cal_clk=sec
	_n=$(date +%s%N 2>/dev/null)
	case $_n in
	'' | *[!0-9]*) ;;
	*)
		cal_clk=ns
		return 0
		;;
	esac
	if command -v perl >/dev/null 2>&1; then
		_n=$(perl -MTime::HiRes=time -e 'printf("%d\n", time() * 1000)' 2>/dev/null)
		case $_n in
		'' | *[!0-9]*) ;;
		*) cal_clk=perl ;;
		esac
	fi
}

# shellcheck disable=SC2034 # cal_ms is for the caller
cal_now_ms() {
	case $cal_clk in
	ns)
		_n=$(date +%s%N)
		cal_ms=${_n%??????}
		;;
	perl) cal_ms=$(perl -MTime::HiRes=time -e 'printf("%d\n", time() * 1000)') ;;
	*) cal_ms=$(($(date +%s) * 1000)) ;;
	esac
}

# cal_descendants PID...: sets cal_desc to the pids of every live descendant of the PIDs
# (one "ps" snapshot; works with BSD and procps ps).
cal_descendants() {
	cal_desc=
	_known=" $* "
	_ps=$(ps -A -o pid= -o ppid= 2>/dev/null)
	_grew=1
	while [ "$_grew" = 1 ]; do
		_grew=0
		# shellcheck disable=SC2086 # split the pid/ppid columns into words
		set -- $_ps
		while [ $# -ge 2 ]; do
			case $_known in
			*" $2 "*)
				case $_known in
				*" $1 "*) ;;
				*)
					_known="$_known$1 "
					cal_desc="$cal_desc $1"
					_grew=1
					;;
				esac
				;;
			esac
			shift 2
		done
	done
}

# cal_killtree PID...: SIGKILLs the PIDs and all their descendants. Stops them first and
# looks again, so a child forked meanwhile is not missed.
cal_killtree() {
	cal_descendants "$@"
	_kt="$* $cal_desc"
	# shellcheck disable=SC2086 # a list of pids
	kill -STOP $_kt 2>/dev/null
	# shellcheck disable=SC2086
	cal_descendants $_kt
	# shellcheck disable=SC2086
	kill -9 $_kt $cal_desc 2>/dev/null
}

# cal_result STATUS MESSAGE: ends a script whose outcome is one status and one message (the
# --fix repairs): records `status` and `message`, then `end`; exit status 1 when STATUS is
# `failed`, else 0.
cal_result() {
	cal_str status "$1"
	cal_str message "$2"
	cal_key end
	if [ "$1" = failed ]; then exit 1; fi
	exit 0
}
