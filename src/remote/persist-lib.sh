# shellcheck shell=sh disable=SC2154,SC2153 # _o, _rc, … are set by lib.sh; CAL_T is a parameter
# cal-doctor persist, what its steps share (persist-STEP.sh). Each step is one script, sent on
# stdin over one exec like the probe: its parameters, lib.sh, this file, the step
# (src/persist/scripts.ts assembles them). Portable to macOS /bin/sh (bash 3.2 in POSIX
# mode) over BSD userland.
#
# Rules every step keeps:
# - every tmux call is bounded by a watchdog (cal_bounded) and names the user's default
#   socket with -S;
# - tmux is called by its absolute path. continuum decides whether "another tmux server"
#   runs by counting `ps` lines that *start with* `tmux`; `/opt/homebrew/bin/tmux
#   list-sessions` is not one of them, so polling the server while the plugins load cannot
#   switch auto-restore off;
# - a login shell we start (to find tmux the way the user's shell does) `exec`s away before
#   it exits, so no ~/.zlogout runs because of us;
# - every value is a record (lib.sh); the last is `@@end`, so a step cut off is told apart
#   from one that finished.
#
# Parameters of every step: CAL_TB (absolute tmux, empty: find it), CAL_T (seconds per tmux
# call), CAL_LT (seconds for the login shell), CAL_SERVER_FORMAT, CAL_SESSION_FORMAT,
# CAL_PANE_FORMAT, CAL_WATCH (a session whose appearance cal_settle records, or empty).

NL='
'
US=$(printf '\037')

# cal_nap: a fifth of a second where sleep takes fractions (macOS, GNU), else a second
cal_nap() {
	sleep 0.2 2>/dev/null || sleep 1
}

cal_now() {
	date +%s
}

cal_init() {
	# our clients name the socket; never nested in (or confused by) a caller's tmux
	unset TMUX TMUX_PANE
	HOME=${HOME:-}
	cal_uid=$(id -u 2>/dev/null)
	cal_tmux_tmpdir
	cal_sock=$_td/tmux-$cal_uid/default
}

# cal_ping: does the default server answer? _rc 0 yes, 137 timed out (a stopped server).
# stdout is /dev/null on this first call: a stopped server would keep a pipe open (see cal_ping in probe.sh).
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
	if [ -n "${SHELL:-}" ] && [ -x "$SHELL" ] && [ ! -d "$SHELL" ]; then
		_lo=$(cal_bounded "$CAL_LT" cal_capture "$SHELL" -l -c 'printf "\n@@CAL-TMUX@@"; command -v tmux; printf "@@CAL-END@@\n"; exec /bin/sh -c :')
		case $_lo in
		*@@CAL-TMUX@@*@@CAL-END@@*)
			_lt=${_lo##*@@CAL-TMUX@@}
			_lt=${_lt%%@@CAL-END@@*}
			_lt=${_lt%"$NL"}
			;;
		esac
	fi
	_nt=$(command -v tmux 2>/dev/null)
	for _p in "$_lt" "$_nt" /opt/homebrew/bin/tmux /usr/local/bin/tmux /usr/bin/tmux; do
		case $_p in
		/*)
			if [ -f "$_p" ] && [ -x "$_p" ]; then
				CAL_TB=$_p
				cal_str tmux.login "$_lt"
				return 0
			fi
			;;
		esac
	done
	cal_str tmux.login "$_lt"
	return 1
}

# shellcheck disable=SC2034 # cal_srv_xdg is for the save step
# cal_server PREFIX: the default server's state as records PREFIX.*
cal_server() {
	if [ -S "$cal_sock" ]; then cal_str "$1.socket" 1; else cal_str "$1.socket" 0; fi
	cal_ping
	cal_str "$1.ping" "$_rc"
	if [ "$_rc" -ne 0 ]; then
		cal_cut "$_o" 2000
		cal_str "$1.error" "$_cv"
		return 1
	fi
	cal_tmux display-message -p "$CAL_SERVER_FORMAT"
	cal_str "$1.info" "$_o"
	cal_srv_info=$_o
	cal_tmux list-sessions -F "$CAL_SESSION_FORMAT"
	cal_str "$1.sessions" "$_o"
	cal_tmux list-panes -a -F "$CAL_PANE_FORMAT"
	cal_str "$1.panes" "$_o"
	cal_tmux show-environment -g XDG_DATA_HOME
	cal_srv_xdg=
	case $_o in
	XDG_DATA_HOME=*) cal_srv_xdg=${_o#XDG_DATA_HOME=} ;;
	esac
	cal_str "$1.xdg" "$cal_srv_xdg"
	cal_tmux show-environment -g TMUX_PLUGIN_MANAGER_PATH
	cal_str "$1.tpm" "$_o"
	return 0
}

# cal_field N: sets _f to field N (1-based) of cal_srv_info
cal_field() {
	_f=$cal_srv_info
	_i=1
	while [ "$_i" -lt "$1" ]; do
		case $_f in
		*"$US"*) _f=${_f#*"$US"} ;;
		*) _f= ;;
		esac
		_i=$((_i + 1))
	done
	_f=${_f%%"$US"*}
}

# cal_last PREFIX DIR: DIR/last (link target, state, content) as records PREFIX.*
cal_last() {
	cal_str "$1.dir" "$2"
	_lf=$2/last
	if [ -L "$_lf" ]; then cal_str "$1.link" "$(readlink "$_lf" 2>/dev/null)"; fi
	if [ -f "$_lf" ]; then
		cal_str "$1.state" file
		# lib.sh reads CAP+1 bytes: at most 1 MiB
		cal_raw "$1.content" "$_lf" 1048575
	elif [ -L "$_lf" ]; then
		cal_str "$1.state" dangling
	elif [ -e "$_lf" ]; then
		cal_str "$1.state" other
	else
		cal_str "$1.state" missing
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
		_l=${_l#"${_l%%[! ]*}"}
		_u=${_l%% *}
		[ "$_u" = "$cal_uid" ] || continue
		_l=${_l#* }
		_l=${_l#"${_l%%[! ]*}"}
		_pp=${_l%% *}
		_c=${_l#* }
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
			cal_str settle.timedout 0
			break
		fi
		if [ "$_el" -ge "$1" ]; then
			cal_str settle.timedout 1
			break
		fi
		cal_nap
	done
	cal_str settle.sec "$(($(cal_now) - _st0))"
	cal_str settle.kinds "$_kinds"
	cal_str settle.seen "$_wseen"
	cal_cut "$_tps" 8192
	cal_str settle.tmuxps "$_cv"
}
