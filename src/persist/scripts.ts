// The target-side halves of `cal-doctor persist`: one POSIX sh script per step, each sent on
// stdin over one exec (Target.runScript), like the probe. Portable to macOS /bin/sh (bash 3.2
// in POSIX mode) over BSD userland: no `timeout`, no `stat -c`, no `readlink -f`, no GNU flags.
//
// Rules every script keeps:
// - every tmux call is bounded by a watchdog (`cal_bounded`, src/shell/watchdog.ts) and names
//   the user's default socket with -S;
// - tmux is called by its absolute path. continuum decides whether "another tmux server"
//   runs by counting `ps` lines that *start with* `tmux` (DOMAIN.md); `/opt/homebrew/bin/tmux
//   list-sessions` is not one of them, so polling the server while the plugins load cannot
//   switch auto-restore off;
// - a login shell we start (to find tmux the way the user's shell does) `exec`s away before
//   it exits, so no ~/.zlogout runs because of us;
// - output is `@@key=<base64>` lines (values of any bytes survive); the last is `@@end=…`,
//   so a script cut off is told apart from one that finished.
import { boundedFunction } from '../shell/watchdog.js';

/**
 * Template tag for shell text: `${…}` interpolates TS values, `\${` is the shell's own `${`,
 * and backslashes stay as written (the raw strings are used).
 */
function sh(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = '';
  strings.raw.forEach((s, i) => {
    out += s.replace(/\\\$\{/g, '${');
    if (i < values.length) out += String(values[i]);
  });
  return out;
}

/** One shell word holding exactly `s`. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Field separator inside one record (ASCII unit separator): never in a name or a path we make. */
export const US = '\x1f';

/** `display-message -p` format of the server facts persist needs (fields joined by US). */
export const SERVER_FORMAT = [
  '#{pid}',
  '#{start_time}',
  '#{version}',
  '#{@continuum-restore}',
  '#{@continuum-restore-max-delay}',
  '#{@resurrect-capture-pane-contents}',
  '#{@resurrect-save-script-path}',
  '#{@resurrect-restore-script-path}',
  '#{@resurrect-dir}',
  '#{socket_path}',
  '#{@continuum-save-interval}',
].join(US);

export const SESSION_FORMAT = [
  '#{session_id}',
  '#{session_name}',
  '#{session_windows}',
  '#{session_attached}',
  '#{session_created}',
].join(US);
export const PANE_FORMAT = [
  '#{session_name}',
  '#{window_index}',
  '#{window_name}',
  '#{pane_index}',
  '#{pane_current_path}',
  '#{pane_pid}',
  '#{pane_id}',
].join(US);

const PRELUDE = sh`
# ---- shared ------------------------------------------------------------------------
NL='
'
US=$(printf '\037')

# cal_out KEY VALUE: one record
cal_out() {
	printf '@@%s=' "$1"
	printf '%s' "$2" | base64 | tr -d '\n'
	printf '\n'
}

# cal_raw KEY PATH CAP: one record of the first CAP bytes of PATH
cal_raw() {
	printf '@@%s=' "$1"
	head -c "$3" <"$2" 2>/dev/null | base64 | tr -d '\n'
	printf '\n'
}

# cal_bounded SECONDS CMD ARG...: CMD with a watchdog that SIGKILLs it after SECONDS (137)
${boundedFunction('cal_bounded')}
# cal_capture CMD ARG...: CMD's stdout and stderr through a pipe of its own (see probe.sh)
cal_capture() {
	_x=$(exec "$@" 2>&1)
	_xr=$?
	printf '%s' "$_x"
	return "$_xr"
}

# cal_nap: a fifth of a second where sleep takes fractions (macOS, GNU), else a second
cal_nap() {
	sleep 0.2 2>/dev/null || sleep 1
}

cal_now() {
	date +%s
}

# cal_cut VALUE MAX: sets _cv to VALUE cut to MAX bytes
cal_cut() {
	_cv=$1
	if [ "\${#_cv}" -gt "$2" ]; then
		_cv=$(printf '%s' "$1" | head -c "$2")
	fi
}

# cal_replace STRING NEEDLE REPLACEMENT: sets _r to STRING with every NEEDLE replaced
cal_replace() {
	_s=$1
	_r=
	while :; do
		case $_s in
		*"$2"*)
			_r=$_r\${_s%%"$2"*}$3
			_s=\${_s#*"$2"}
			;;
		*)
			_r=$_r$_s
			break
			;;
		esac
	done
}

cal_init() {
	# our clients name the socket; never nested in (or confused by) a caller's tmux
	unset TMUX TMUX_PANE
	HOME=\${HOME:-}
	cal_uid=$(id -u 2>/dev/null)
	_td=\${TMUX_TMPDIR:-/tmp}
	while :; do
		case $_td in
		*/) _td=\${_td%/} ;;
		*) break ;;
		esac
	done
	cal_sock=$_td/tmux-$cal_uid/default
}

# cal_ping: does the default server answer? _rc 0 yes, 137 timed out (a stopped server).
# stdout is /dev/null on this first call: a stopped server would keep a pipe open (probe.sh).
cal_ping() {
	_o=
	_rc=1
	[ -n "$CAL_TB" ] || return 1
	_o=$(cal_bounded "$CAL_T" "$CAL_TB" -u -S "$cal_sock" display-message -p '#{pid}' 2>&1 >/dev/null)
	_rc=$?
}

# cal_tmux ARG...: one bounded call to the default server; _o output, _rc status
cal_tmux() {
	_o=$(cal_bounded "$CAL_T" cal_capture "$CAL_TB" -u -S "$cal_sock" "$@")
	_rc=$?
}

# cal_find_tmux: CAL_TB := the tmux a login shell finds, as an absolute path (else the
# non-login one, else the usual places). The login shell execs away: no logout file runs.
cal_find_tmux() {
	[ -z "$CAL_TB" ] || return 0
	_lt=
	if [ -n "\${SHELL:-}" ] && [ -x "$SHELL" ] && [ ! -d "$SHELL" ]; then
		_lo=$(cal_bounded "$CAL_LT" cal_capture "$SHELL" -l -c 'printf "\n@@CAL-TMUX@@"; command -v tmux; printf "@@CAL-END@@\n"; exec /bin/sh -c :')
		case $_lo in
		*@@CAL-TMUX@@*@@CAL-END@@*)
			_lt=\${_lo##*@@CAL-TMUX@@}
			_lt=\${_lt%%@@CAL-END@@*}
			_lt=\${_lt%"$NL"}
			;;
		esac
	fi
	_nt=$(command -v tmux 2>/dev/null)
	for _p in "$_lt" "$_nt" /opt/homebrew/bin/tmux /usr/local/bin/tmux /usr/bin/tmux; do
		case $_p in
		/*)
			if [ -f "$_p" ] && [ -x "$_p" ]; then
				CAL_TB=$_p
				cal_out tmux.login "$_lt"
				return 0
			fi
			;;
		esac
	done
	cal_out tmux.login "$_lt"
	return 1
}

# cal_server PREFIX: the default server's state as records PREFIX.*
cal_server() {
	if [ -S "$cal_sock" ]; then cal_out "$1.socket" 1; else cal_out "$1.socket" 0; fi
	cal_ping
	cal_out "$1.ping" "$_rc"
	if [ "$_rc" -ne 0 ]; then
		cal_cut "$_o" 2000
		cal_out "$1.error" "$_cv"
		return 1
	fi
	cal_tmux display-message -p "$CAL_SERVER_FORMAT"
	cal_out "$1.info" "$_o"
	cal_srv_info=$_o
	cal_tmux list-sessions -F "$CAL_SESSION_FORMAT"
	cal_out "$1.sessions" "$_o"
	cal_tmux list-panes -a -F "$CAL_PANE_FORMAT"
	cal_out "$1.panes" "$_o"
	cal_tmux show-environment -g XDG_DATA_HOME
	cal_srv_xdg=
	case $_o in
	XDG_DATA_HOME=*) cal_srv_xdg=\${_o#XDG_DATA_HOME=} ;;
	esac
	cal_out "$1.xdg" "$cal_srv_xdg"
	cal_tmux show-environment -g TMUX_PLUGIN_MANAGER_PATH
	cal_out "$1.tpm" "$_o"
	return 0
}

# cal_field N: sets _f to field N (1-based) of cal_srv_info
cal_field() {
	_f=$cal_srv_info
	_i=1
	while [ "$_i" -lt "$1" ]; do
		case $_f in
		*"$US"*) _f=\${_f#*"$US"} ;;
		*) _f= ;;
		esac
		_i=$((_i + 1))
	done
	_f=\${_f%%"$US"*}
}

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
		cal_sd=\${cal_srv_xdg:-$HOME/.local/share}/tmux/resurrect
	fi
}

# cal_last PREFIX DIR: DIR/last (link target, state, content) as records PREFIX.*
cal_last() {
	cal_out "$1.dir" "$2"
	_lf=$2/last
	if [ -L "$_lf" ]; then cal_out "$1.link" "$(readlink "$_lf" 2>/dev/null)"; fi
	if [ -f "$_lf" ]; then
		cal_out "$1.state" file
		cal_raw "$1.content" "$_lf" 1048576
	elif [ -L "$_lf" ]; then
		cal_out "$1.state" dangling
	elif [ -e "$_lf" ]; then
		cal_out "$1.state" other
	else
		cal_out "$1.state" missing
	fi
}

# cal_alive PID: the process exists and is not a zombie
cal_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	Z* | '') return 1 ;;
	esac
	return 0
}

# cal_procs: which of this user's plugin scripts run now. Sets _cr (continuum_restore.sh),
# _rs (restore.sh), _sv (save.sh), _tp (TPM or a plugin's *.tmux) to 1 or empty, _svp to
# the pids running save.sh, and _tps to the "pid command" lines continuum would count as
# tmux processes (command starting with "tmux", not "tmux source"), one per line.
cal_procs() {
	_cr=
	_rs=
	_sv=
	_tp=
	_svp=
	_tps=
	_pl=$(ps -A -ww -o uid= -o pid= -o command= 2>/dev/null)
	while IFS= read -r _l; do
		_l=\${_l#"\${_l%%[! ]*}"}
		_u=\${_l%% *}
		[ "$_u" = "$cal_uid" ] || continue
		_l=\${_l#* }
		_l=\${_l#"\${_l%%[! ]*}"}
		_pp=\${_l%% *}
		_c=\${_l#* }
		case $_c in
		'tmux source'*) ;;
		tmux*) _tps="$_tps$_pp $_c$NL" ;;
		esac
		case $_c in
		*tmux-continuum/scripts/continuum_restore.sh*) _cr=1 ;;
		*tmux-resurrect/scripts/restore.sh*) _rs=1 ;;
		*tmux-resurrect/scripts/save.sh*)
			_sv=1
			_svp="$_svp $_pp"
			;;
		*/tpm/tpm* | */tpm/scripts/* | *continuum.tmux* | *resurrect.tmux*) _tp=1 ;;
		esac
	done <<CAL_EOF
$_pl
CAL_EOF
}

# cal_settle MAXSEC: waits until no plugin script (TPM, continuum's restore, resurrect's
# restore) has run for three polls in a row, at least a second after the call. When
# CAL_WATCH names a session, records when it first exists (settle.seen, epoch s).
cal_settle() {
	_st0=$(cal_now)
	_quiet=0
	_seen=
	_kinds=
	_wseen=
	while :; do
		cal_procs
		if [ -n "$_cr" ]; then case $_kinds in *continuum_restore*) ;; *) _kinds="$_kinds continuum_restore" ;; esac; fi
		if [ -n "$_rs" ]; then case $_kinds in *" restore"*) ;; *) _kinds="$_kinds restore" ;; esac; fi
		if [ -n "$_tp" ]; then case $_kinds in *tpm*) ;; *) _kinds="$_kinds tpm" ;; esac; fi
		if [ -n "$CAL_WATCH" ] && [ -z "$_wseen" ]; then
			cal_bounded "$CAL_T" "$CAL_TB" -u -S "$cal_sock" has-session -t "=$CAL_WATCH" >/dev/null 2>&1 && _wseen=$(cal_now)
		fi
		_el=$(($(cal_now) - _st0))
		if [ -z "$_cr$_rs$_tp" ] && [ "$_el" -ge 1 ]; then
			_quiet=$((_quiet + 1))
		else
			_quiet=0
		fi
		if [ "$_quiet" -ge 3 ]; then
			cal_out settle.timedout 0
			break
		fi
		if [ "$_el" -ge "$1" ]; then
			cal_out settle.timedout 1
			break
		fi
		cal_nap
	done
	cal_out settle.sec "$(($(cal_now) - _st0))"
	cal_out settle.kinds "$_kinds"
	cal_out settle.seen "$_wseen"
	cal_cut "$_tps" 8192
	cal_out settle.tmuxps "$_cv"
}
`;

export interface CommonVars {
  /** absolute tmux path (empty: find it with a login shell) */
  tmux: string;
  /** seconds for each tmux call */
  tmuxTimeoutSec: number;
  /** seconds for the login shell that finds tmux */
  loginTimeoutSec?: number;
}

function header(step: string, c: CommonVars, vars: Record<string, string | number>): string {
  const all: Record<string, string | number> = {
    CAL_TB: c.tmux,
    CAL_T: Math.max(1, Math.round(c.tmuxTimeoutSec)),
    CAL_LT: Math.max(1, Math.round(c.loginTimeoutSec ?? c.tmuxTimeoutSec * 3)),
    CAL_SERVER_FORMAT: SERVER_FORMAT,
    CAL_SESSION_FORMAT: SESSION_FORMAT,
    CAL_PANE_FORMAT: PANE_FORMAT,
    CAL_WATCH: '',
    ...vars,
  };
  const lines = Object.entries(all).map(([k, v]) => `${k}=${shq(String(v))}`);
  return `# shellcheck shell=sh disable=SC2034,SC2016\n# cal-doctor persist: ${step}\n${lines.join('\n')}\n`;
}

function assemble(step: string, c: CommonVars, vars: Record<string, string | number>, body: string): string {
  return `${header(step, c, vars)}${PRELUDE}\n# ---- ${step} ----\n${body}\ncal_main </dev/null\n`;
}

/** What the user's setup and server look like now; finds tmux. Changes nothing. */
export function inspectScript(c: CommonVars): string {
  return assemble(
    'inspect',
    c,
    {},
    sh`
cal_main() {
	# the caller's own tmux, if it runs inside one (before cal_init forgets it)
	cal_out caller.tmux "\${TMUX:-}"
	cal_init
	cal_find_tmux
	cal_out tmux "$CAL_TB"
	cal_out uid "$cal_uid"
	cal_out home "$HOME"
	cal_out shell "\${SHELL:-}"
	cal_out os "$(uname -s 2>/dev/null)"
	cal_out sock "$cal_sock"
	if [ -e "$HOME/tmux_no_auto_restore" ]; then cal_out halt 1; else cal_out halt 0; fi
	if [ -n "$CAL_TB" ]; then
		cal_server srv
		# other servers of this user (other sockets): a VM restart ends them too
		_n=0
		for _s in "\${cal_sock%/*}"/*; do
			[ -S "$_s" ] || continue
			[ "$_s" != "$cal_sock" ] || continue
			if _o=$(cal_bounded "$CAL_T" cal_capture "$CAL_TB" -u -S "$_s" list-sessions -F '#{session_name}'); then
				cal_out "other.$_n" "$_s$US$_o"
				_n=$((_n + 1))
			fi
			[ "$_n" -lt 16 ] || break
		done
	fi
	cal_out end 1
}
`,
  );
}

/**
 * Runs the start command the way `ssh host CMD` does (`$SHELL -c CMD`, from $HOME, no
 * terminal), bounded; then, at once, what the server holds (sessions that exist before
 * continuum's restore, which starts a second after the plugins load). With `snapshotDir`,
 * first records that dir's `last` as the shutdown left it.
 */
export function startScript(
  c: CommonVars,
  v: { startCommand: string; startTimeoutSec: number; snapshotDir?: string },
): string {
  return assemble(
    'start',
    c,
    {
      CAL_START: v.startCommand,
      CAL_START_T: Math.max(1, Math.round(v.startTimeoutSec)),
      CAL_SNAPSHOT_DIR: v.snapshotDir ?? '',
    },
    sh`
cal_main() {
	cal_init
	if [ -n "$CAL_SNAPSHOT_DIR" ]; then cal_last pre "$CAL_SNAPSHOT_DIR"; fi
	cal_ping
	cal_out pre.ping "$_rc"
	cd "$HOME" 2>/dev/null || cd /
	cal_out start.t0 "$(cal_now)"
	_so=$(cal_bounded "$CAL_START_T" cal_capture "\${SHELL:-/bin/sh}" -c "$CAL_START")
	_src=$?
	cal_out start.t1 "$(cal_now)"
	cal_out start.rc "$_src"
	cal_cut "$_so" 16384
	cal_out start.out "$_cv"
	cal_server srv
	cal_out end 1
}
`,
  );
}

/** Waits (bounded) until the plugins are done: TPM, continuum's restore, resurrect's restore. */
export function settleScript(
  c: CommonVars,
  v: { maxSec: number; watch?: string; captureTarget?: string; lastDir?: string },
): string {
  return assemble(
    'settle',
    c,
    {
      CAL_MAX: Math.max(1, Math.round(v.maxSec)),
      CAL_WATCH: v.watch ?? '',
      CAL_CAPTURE: v.captureTarget ?? '',
      CAL_LAST_DIR: v.lastDir ?? '',
    },
    sh`
cal_main() {
	cal_init
	cal_settle "$CAL_MAX"
	if cal_server srv && [ -n "$CAL_CAPTURE" ]; then
		cal_tmux capture-pane -p -J -S -5000 -t "$CAL_CAPTURE"
		cal_out capture.rc "$_rc"
		cal_cut "$_o" 262144
		cal_out capture "$_cv"
	fi
	if [ -n "$CAL_LAST_DIR" ]; then cal_last post "$CAL_LAST_DIR"; fi
	cal_out end 1
}
`,
  );
}

export interface MarkerVars {
  session: string;
  /** base dir, a plain subdir and one whose name holds a space */
  base: string;
  plain: string;
  spaced: string;
  /** the line echoed in the first pane; must be a single shell word */
  token: string;
  scrollTimeoutSec: number;
}

/**
 * Builds the marker layout in the running server: session S, window 1 (plain dir, the
 * scrollback line), window 2 split (spaced dir | plain dir), window 3 (base dir). A session
 * S left by an earlier run is replaced (renamed first, so the server never runs empty).
 */
export function markerScript(c: CommonVars, m: MarkerVars): string {
  if (!/^[A-Za-z0-9_-]+$/.test(m.session)) throw new Error(`marker session name must be [A-Za-z0-9_-]: ${m.session}`);
  if (!/^[A-Za-z0-9_.:-]+$/.test(m.token)) throw new Error(`marker token must be one plain word: ${m.token}`);
  return assemble(
    'marker',
    c,
    {
      CAL_M: m.session,
      CAL_D0: m.base,
      CAL_D1: m.plain,
      CAL_D2: m.spaced,
      CAL_TOKEN: m.token,
      CAL_SCROLL_T: Math.max(1, Math.round(m.scrollTimeoutSec)),
    },
    sh`
cal_fail() {
	cal_cut "$2" 4000
	cal_out fail "$1: $_cv"
	cal_out end 1
	exit 0
}

cal_main() {
	cal_init
	mkdir -p "$CAL_D1" "$CAL_D2" 2>/dev/null || cal_fail mkdir "cannot create $CAL_D1 and $CAL_D2"
	_stale=
	cal_tmux has-session -t "=$CAL_M"
	if [ "$_rc" -eq 0 ]; then
		_stale=$CAL_M-stale-$$
		cal_tmux rename-session -t "=$CAL_M" "$_stale"
		[ "$_rc" -eq 0 ] || cal_fail rename-session "$_o"
		cal_out stale "$CAL_M"
	fi
	cal_tmux new-session -d -P -F '#{pane_id}' -s "$CAL_M" -n e2e-scroll -c "$CAL_D1"
	[ "$_rc" -eq 0 ] || cal_fail new-session "$_o"
	_p1=$_o
	cal_tmux new-window -d -P -F '#{window_id}' -t "=$CAL_M:" -n e2e-split -c "$CAL_D2"
	[ "$_rc" -eq 0 ] || cal_fail new-window "$_o"
	_w2=$_o
	cal_tmux split-window -d -t "$_w2" -c "$CAL_D1"
	[ "$_rc" -eq 0 ] || cal_fail split-window "$_o"
	cal_tmux new-window -d -t "=$CAL_M:" -n e2e-base -c "$CAL_D0"
	[ "$_rc" -eq 0 ] || cal_fail new-window "$_o"
	if [ -n "$_stale" ]; then
		cal_tmux kill-session -t "=$_stale"
	fi
	# the scrollback line: typed into the pane's shell, as a person would
	cal_tmux send-keys -t "$_p1" -l "echo $CAL_TOKEN"
	cal_tmux send-keys -t "$_p1" Enter
	_t0=$(cal_now)
	_sent=1
	_ok=0
	while :; do
		cal_tmux capture-pane -p -J -t "$_p1"
		case "$NL$_o$NL" in
		*"$NL$CAL_TOKEN$NL"*)
			_ok=1
			break
			;;
		esac
		_el=$(($(cal_now) - _t0))
		[ "$_el" -lt "$CAL_SCROLL_T" ] || break
		if [ "$_sent" -eq 1 ] && [ "$_el" -ge $((CAL_SCROLL_T / 2)) ]; then
			# a shell that dropped typeahead while starting: type it once more
			cal_tmux send-keys -t "$_p1" -l "echo $CAL_TOKEN"
			cal_tmux send-keys -t "$_p1" Enter
			_sent=2
		fi
		cal_nap
	done
	cal_out scroll.ok "$_ok"
	cal_out scroll.pane "$_p1"
	cal_cut "$_o" 16384
	cal_out scroll.capture "$_cv"
	cal_server srv
	cal_out end 1
}
`,
  );
}

/**
 * Saves as `prefix C-s` does: `run-shell <@resurrect-save-script-path>` through the server
 * (waits for save.sh), in the next second if `last` already has this second's name; then
 * reads `last` and the pane-contents archive.
 */
export function saveScript(c: CommonVars, v: { saveTimeoutSec: number }): string {
  return assemble(
    'save',
    c,
    { CAL_SAVE_T: Math.max(1, Math.round(v.saveTimeoutSec)) },
    sh`
cal_main() {
	cal_init
	cal_server srv || {
		cal_out end 1
		return 0
	}
	cal_field 7
	_save=$_f
	cal_savedir
	cal_out save.dir "$cal_sd"
	cal_out save.script "$_save"
	if [ -z "$_save" ]; then
		cal_out end 1
		return 0
	fi
	_before=$(readlink "$cal_sd/last" 2>/dev/null)
	cal_out save.before "$_before"
	if [ "$_before" = "tmux_resurrect_$(date +%Y%m%dT%H%M%S).txt" ]; then sleep 1; fi
	_so=$(cal_bounded "$CAL_SAVE_T" cal_capture "$CAL_TB" -u -S "$cal_sock" run-shell "$_save")
	cal_out save.rc "$?"
	cal_cut "$_so" 16384
	cal_out save.out "$_cv"
	cal_last post "$cal_sd"
	if [ -f "$cal_sd/pane_contents.tar.gz" ]; then
		cal_raw archive "$cal_sd/pane_contents.tar.gz" 8388608
	fi
	cal_out end 1
}
`,
  );
}

/**
 * Ends the default server the way a shutdown does: SIGTERM to the server (its panes' shells
 * get SIGHUP as their terminals close), then waits for the server, the pane shells and any
 * save.sh they started (a logout hook), and SIGKILLs what is left after the grace time, as
 * a shutdown would.
 */
export function stopServerScript(c: CommonVars, v: { graceSec: number }): string {
  return assemble(
    'stop-server',
    c,
    { CAL_GRACE: Math.max(1, Math.round(v.graceSec)) },
    sh`
cal_main() {
	cal_init
	cal_ping
	if [ "$_rc" -ne 0 ]; then
		cal_out stop.noserver 1
		cal_out end 1
		return 0
	fi
	cal_tmux display-message -p '#{pid}'
	_spid=$_o
	cal_tmux list-panes -a -F '#{pane_pid}'
	_ppids=$(printf '%s' "$_o" | tr '\n' ' ')
	cal_out stop.server "$_spid"
	cal_out stop.panes "$_ppids"
	case $_spid in
	'' | *[!0-9]*)
		cal_out stop.error "no server pid: $_spid"
		cal_out end 1
		return 0
		;;
	esac
	_t0=$(cal_now)
	kill -TERM "$_spid" 2>/dev/null
	while cal_alive "$_spid" && [ $(($(cal_now) - _t0)) -lt "$CAL_GRACE" ]; do cal_nap; done
	cal_out stop.server_sec "$(($(cal_now) - _t0))"
	_left=
	while :; do
		_left=
		for _p in $_ppids; do
			if cal_alive "$_p"; then _left="$_left $_p"; fi
		done
		cal_procs
		[ -n "$_left$_sv" ] || break
		[ $(($(cal_now) - _t0)) -lt "$CAL_GRACE" ] || break
		cal_nap
	done
	cal_out stop.panes_sec "$(($(cal_now) - _t0))"
	_killed=
	if cal_alive "$_spid"; then
		kill -KILL "$_spid" 2>/dev/null
		_killed="$_killed server:$_spid"
	fi
	cal_procs
	for _p in $_left $_svp; do
		kill -KILL "$_p" 2>/dev/null && _killed="$_killed $_p"
	done
	cal_out stop.killed "$_killed"
	cal_out end 1
}
`,
  );
}

/**
 * Removes the marker session (only it) and the marker dirs (only when empty). With
 * `settleSec`, first waits for a restore still running (it would bring the marker back).
 */
export function cleanupScript(
  c: CommonVars,
  m: Pick<MarkerVars, 'session' | 'base' | 'plain' | 'spaced'> & { settleSec?: number; lastDir?: string },
): string {
  return assemble(
    'cleanup',
    c,
    {
      CAL_M: m.session,
      CAL_D0: m.base,
      CAL_D1: m.plain,
      CAL_D2: m.spaced,
      CAL_SETTLE: Math.max(0, Math.round(m.settleSec ?? 0)),
      CAL_LAST_DIR: m.lastDir ?? '',
    },
    sh`
cal_main() {
	cal_init
	if [ "$CAL_SETTLE" -gt 0 ]; then cal_settle "$CAL_SETTLE"; fi
	cal_ping
	if [ "$_rc" -eq 0 ]; then
		cal_tmux has-session -t "=$CAL_M"
		if [ "$_rc" -eq 0 ]; then
			cal_tmux kill-session -t "=$CAL_M"
			cal_out killed "$_rc"
			cal_cut "$_o" 2000
			cal_out kill.out "$_cv"
		else
			cal_out killed none
		fi
		cal_ping
		if [ "$_rc" -eq 0 ]; then
			cal_tmux list-sessions -F "$CAL_SESSION_FORMAT"
			cal_out left "$_o"
		fi
	else
		cal_out killed noserver
	fi
	rmdir "$CAL_D1" "$CAL_D2" 2>/dev/null
	rmdir "$CAL_D0" 2>/dev/null
	if [ -d "$CAL_D0" ]; then
		cal_out dirs.left "$CAL_D0"
	else
		# its parent (…/cal-doctor) too, when nothing else is in it
		rmdir "\${CAL_D0%/*}" 2>/dev/null
	fi
	if [ -n "$CAL_LAST_DIR" ]; then cal_out last.link "$(readlink "$CAL_LAST_DIR/last" 2>/dev/null)"; fi
	cal_out end 1
}
`,
  );
}

/** `@@key=base64` records; repeated keys keep every value in order. */
export function parseRecords(out: Buffer | string): Map<string, string[]> {
  const text = Buffer.isBuffer(out) ? out.toString('latin1') : out;
  const recs = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^@@([A-Za-z0-9_.-]+)=([A-Za-z0-9+/=]*)\r?$/.exec(line);
    if (!m) continue;
    const v = Buffer.from(m[2]!, 'base64').toString('utf8');
    const list = recs.get(m[1]!) ?? [];
    list.push(v);
    recs.set(m[1]!, list);
  }
  return recs;
}

/** The raw bytes of one record (for binary values such as the pane archive). */
export function rawRecord(out: Buffer | string, key: string): Buffer | undefined {
  const text = Buffer.isBuffer(out) ? out.toString('latin1') : out;
  const prefix = `@@${key}=`;
  for (const line of text.split('\n'))
    if (line.startsWith(prefix)) return Buffer.from(line.slice(prefix.length).trim(), 'base64');
  return undefined;
}
