// The bounded-call watchdog of the target-side scripts that are built in TypeScript (the
// persist steps and the active round trip); src/probe/probe.sh holds its own copy because
// it ships as a file that shellcheck lints on its own.

/**
 * Shell text defining `NAME SECONDS CMD ARG...`: runs CMD with a watchdog that SIGKILLs it
 * after SECONDS (status 137); `onExpiry` replaces that kill (CMD's pid is in `$_bp`), e.g.
 * to kill CMD's whole process tree. Neither the watchdog nor its sleep outlives the call. The
 * watchdog is stopped with USR1, not TERM: bash runs a parent's trap in a fresh subshell if
 * the signal comes before the subshell has set its own, and callers may trap TERM with
 * their cleanup. USR1 before the trap just ends the watchdog (it has no sleep yet).
 */
export function boundedFunction(name: string, onExpiry = 'kill -9 "$_bp" 2>/dev/null'): string {
  return `${name}() {
	_bt=$1
	shift
	"$@" &
	_bp=$!
	(
		_bs=
		_bq=
		trap '_bq=1; if [ -n "$_bs" ]; then kill -9 "$_bs" 2>/dev/null; fi' USR1
		sleep "$_bt" &
		_bs=$!
		if [ -z "$_bq" ]; then
			wait "$_bs"
		fi
		if [ -n "$_bq" ]; then
			kill -9 "$_bs" 2>/dev/null
			wait "$_bs" 2>/dev/null
			exit 0
		fi
		${onExpiry}
	) </dev/null >/dev/null 2>&1 &
	_bw=$!
	wait "$_bp" 2>/dev/null
	_brc=$?
	kill -USR1 "$_bw" 2>/dev/null
	wait "$_bw" 2>/dev/null
	return "$_brc"
}
`;
}
