# shellcheck shell=sh disable=SC2154,SC2034 # the probe's files share their globals (see probe.sh): test/integration/probe.test.ts lints the whole probe without these lines
# cal-doctor probe, the tmux servers (PROBE_FILES in src/probe/gather.ts lists the probe's
# files): the default server and what it holds, asked in one client (cal_queries); the socket
# dirs and whether a server answers on each socket; last, once cal_ps has run, the user's
# tmux servers that no answering socket accounts for. Writes @@server, @@sockets,
# @@unreached and @@unreached.N; sets cal_srv_rc, cal_srv_env, cal_srv_opts, cal_rdir_srv
# and cal_hung for the phases after it.

# ---------------------------------------------------------------------------------
# the default server -> @@server
cal_server() {
	cal_srv_env=
	cal_srv_opts=
	cal_rdir_srv=
	cal_hung=
	set -- "server.socket=$cal_sock"
	if [ -S "$cal_sock" ]; then
		set -- "$@" "server.exists=1"
	else
		set -- "$@" "server.exists=0"
	fi
	if [ -z "$cal_tb" ] || [ ! -S "$cal_sock" ]; then
		set -- "$@" "server.called=0"
		cal_kv server "$@"
		return 0
	fi
	set -- "$@" "server.called=1"
	if [ -z "$cal_tb_nostart" ]; then
		# a tmux without -N would start a server for the queries where none answers
		cal_ping "$cal_sock"
		if [ "$_rc" -ne 0 ]; then
			cal_srv_rc=$_rc
			set -- "$@" "srv.display.rc=$_rc" "srv.display.out=$_o"
			if [ "$_rc" -eq 137 ]; then
				cal_hung=1
				set -- "$@" "srv.display.timedout=1"
			fi
			cal_kv server "$@"
			return 0
		fi
	fi
	# One client for every query (each process start costs, on a Mac in a VM most): the
	# outputs come back between marker lines and are split here. A failing query ends
	# tmux's command list and a cut output loses markers: then each runs on its own. The
	# first query failing (no marker came back) is the server not answering.
	cal_queries
	cal_srv_rc=$_rc
	case $_o in
	*"$_m"*) ;;
	*)
		if [ "$_rc" -ne 0 ]; then
			set -- "$@" "srv.display.rc=$_rc" "srv.display.out=$_o"
			if [ "$_rc" -eq 137 ]; then set -- "$@" "srv.display.timedout=1"; fi
			cal_kv server "$@"
			return 0
		fi
		;;
	esac
	if [ "$_rc" -eq 0 ] && [ "$_ct" = 0 ] && cal_split_queries "$_o"; then
		for _c in display rdir sessions clients env opts sopts hooks keys; do
			eval "_v=\$_q_$_c"
			set -- "$@" "srv.$_c.rc=0" "srv.$_c.out=$_v"
		done
		# (the _q_ variables are set through eval)
		eval 'cal_rdir_srv=$_q_rdir cal_srv_env=$NL$_q_env cal_srv_opts=$_q_opts'
		cal_kv server "$@"
		return 0
	fi
	cal_query display
	set -- "$@" "srv.display.rc=$_rc" "srv.display.out=$_o"
	cal_srv_rc=$_rc
	if [ "$_rc" -ne 0 ]; then
		if [ "$_rc" -eq 137 ]; then set -- "$@" "srv.display.timedout=1"; fi
		cal_kv server "$@"
		return 0
	fi
	for _c in rdir sessions clients env opts sopts hooks keys; do
		if [ -n "$cal_hung" ]; then
			set -- "$@" "srv.$_c.skipped=1"
			continue
		fi
		cal_query "$_c"
		set -- "$@" "srv.$_c.rc=$_rc" "srv.$_c.out=$_o"
		if [ "$_rc" -eq 137 ]; then set -- "$@" "srv.$_c.timedout=1"; fi
		if [ "$_ct" = 1 ]; then set -- "$@" "srv.$_c.trunc=1"; fi
		if [ "$_c" = rdir ] && [ "$_rc" -eq 0 ]; then cal_rdir_srv=$_o; fi
		if [ "$_c" = env ] && [ "$_rc" -eq 0 ]; then cal_srv_env=$NL$_o; fi
		if [ "$_c" = opts ] && [ "$_rc" -eq 0 ]; then cal_srv_opts=$_o; fi
	done
	cal_kv server "$@"
}

# cal_query NAME: one query to the default server, as cal_tmux
cal_query() {
	case $1 in
	display) cal_tmux display-message -p "#{version}$US#{pid}$US#{start_time}$US#{socket_path}" ;;
	rdir) cal_tmux show-options -gqv @resurrect-dir ;;
	sessions) cal_tmux list-sessions -F "$cal_fs" ;;
	clients) cal_tmux list-clients -F "$cal_fc" ;;
	env) cal_tmux show-environment -g -s ;;
	opts) cal_tmux show-options -g ;;
	sopts) cal_tmux show-options -s ;;
	hooks) cal_tmux show-hooks -g ;;
	keys) cal_tmux list-keys -T prefix ;;
	esac
}

# cal_queries: every query of cal_query in one client, in its order, each after a line
# `<US>CAL-<shell pid>-<name><US>` (cal_split_queries splits on them)
cal_queries() {
	_m=${US}CAL-$$-
	cal_tmux display-message -p "#{version}$US#{pid}$US#{start_time}$US#{socket_path}" \
		';' display-message -p "${_m}rdir$US" ';' show-options -gqv @resurrect-dir \
		';' display-message -p "${_m}sessions$US" ';' list-sessions -F "$cal_fs" \
		';' display-message -p "${_m}clients$US" ';' list-clients -F "$cal_fc" \
		';' display-message -p "${_m}env$US" ';' show-environment -g -s \
		';' display-message -p "${_m}opts$US" ';' show-options -g \
		';' display-message -p "${_m}sopts$US" ';' show-options -s \
		';' display-message -p "${_m}hooks$US" ';' show-hooks -g \
		';' display-message -p "${_m}keys$US" ';' list-keys -T prefix
}

# cal_split_queries OUTPUT: sets _q_<name> to each query's output (trailing newlines
# dropped, as $(...) drops them); fails when a marker is missing or turns up twice
# (a value that forged one).
cal_split_queries() {
	_rest=$1
	_prev=display
	for _c in rdir sessions clients env opts sopts hooks keys; do
		case $_rest in
		*"$_m$_c$US"*) ;;
		*) return 1 ;;
		esac
		_part=${_rest%%"$_m$_c$US"*}
		_rest=${_rest#*"$_m$_c$US"}
		_rest=${_rest#"$NL"}
		cal_split_put "$_prev" "$_part" || return 1
		_prev=$_c
	done
	cal_split_put "$_prev" "$_rest"
}

# cal_split_put NAME TEXT: _q_NAME=TEXT without trailing newlines, unless TEXT holds a marker
cal_split_put() {
	case $2 in
	*"$_m"*) return 1 ;;
	esac
	_t=$2
	while :; do
		case $_t in
		*"$NL") _t=${_t%"$NL"} ;;
		*) break ;;
		esac
	done
	eval "_q_$1=\$_t"
}

# ---------------------------------------------------------------------------------
# socket dirs and every socket in them -> @@sockets
cal_sockets() {
	set --
	_n=0
	_m=0
	for _d in "$cal_sockdir" "$cal_sockdir2"; do
		[ -n "$_d" ] || continue
		set -- "$@" "sockdir.$_n.path=$_d"
		if [ -d "$_d" ]; then
			set -- "$@" "sockdir.$_n.exists=1"
		else
			set -- "$@" "sockdir.$_n.exists=0"
		fi
		_n=$((_n + 1))
		for _s in "$_d"/* "$_d"/.[!.]* "$_d"/..?*; do
			[ -S "$_s" ] || continue
			set -- "$@" "sock.$_m.path=$_s"
			if [ "$_s" = "$cal_sock" ]; then
				set -- "$@" "sock.$_m.default=1"
			elif [ -z "$cal_tb" ] || [ "$_m" -ge "$CAL_SOCKETS_MAX" ]; then
				set -- "$@" "sock.$_m.skipped=1"
			else
				cal_ping "$_s"
				set -- "$@" "sock.$_m.rc=$_rc" "sock.$_m.out=$_o"
				if [ "$_rc" -eq 137 ]; then set -- "$@" "sock.$_m.timedout=1"; fi
				case $_rc in
				0) cal_nup=$((${cal_nup:-0} + 1)) ;;
				137)
					cal_nup=$((${cal_nup:-0} + 1))
					cal_hungs=${cal_hungs:-}$_s$NL
					;;
				esac
			fi
			_m=$((_m + 1))
		done
	done
	cal_kv sockets "$@"
}

# ---------------------------------------------------------------------------------
# tmux servers of the user that no answering socket accounts for -> @@unreached (the
# counts), @@unreached.N (for each: where it listens and its TMUX_TMPDIR, read from the
# OS). Where every server answers, it starts nothing: the counts come from what
# cal_server, cal_sockets and cal_ps already gathered.

CAL_UNREACHED_MAX=8 # servers looked at

cal_unreached() {
	# answering sockets (a hung server counts: it is there): the default and the others
	_up=${cal_nup:-0}
	case ${cal_srv_rc:-1} in
	0 | 137) _up=$((_up + 1)) ;;
	esac
	# the user's tmux servers as checks/tmux.socket.ts counts them: daemonised (parent 1)
	# or titled `tmux: server`
	_pids=
	_ns=0
	_oldifs=$IFS
	IFS=$NL
	set -f
	for _l in $cal_ps_lines; do
		IFS=$_oldifs
		# shellcheck disable=SC2086 # pid ppid uid etime command... as words
		set -- $_l
		IFS=$NL
		if [ $# -lt 5 ] || [ "$3" != "$cal_uid" ]; then continue; fi
		case $5 in
		tmux | */tmux) [ "$2" = 1 ] || continue ;;
		tmux:) [ "$2" = 1 ] || [ "${6:-}" = server ] || continue ;;
		*) continue ;;
		esac
		_ns=$((_ns + 1))
		_pids="$_pids $1"
	done
	set +f
	IFS=$_oldifs
	_n=0
	if [ "$_ns" -gt "$_up" ]; then
		for _p in $_pids; do
			if [ "$_n" -ge "$CAL_UNREACHED_MAX" ]; then break; fi
			cal_unreached_pid "$_n" "$_p"
			_n=$((_n + 1))
		done
	fi
	cal_kv unreached "servers=$_ns" "answering=$_up" "count=$_n"
}

# cal_listening LINE: sets _r to the path of a /proc/net/unix LINE (Num RefCount Protocol
# Flags Type St Inode Path) when it is a listening socket (flags 00010000), else empty.
cal_listening() {
	_r=
	_ln=$1
	_oldifs2=$IFS
	IFS=' '
	# shellcheck disable=SC2086 # the columns as words (the caller has set -f)
	set -- $1
	IFS=$_oldifs2
	if [ $# -ge 8 ] && [ "$4" = 00010000 ]; then
		# the path whole, spaces kept: everything after the inode (no other column is one)
		_r=${_ln#*" $7 "}
	fi
}

# cal_unreached_pid N PID: @@unreached.N, where server PID listens: on Linux its unix
# sockets (/proc/PID/fd matched with /proc/net/unix) and TMUX_TMPDIR/TMUX from
# /proc/PID/environ; elsewhere `lsof -a -U -p PID`. Then each listening path: is it there,
# does a server answer on it, and which pid.
cal_unreached_pid() {
	_un=$1
	_p=$2
	set -- "pid=$_p"
	_paths=
	if [ -d "/proc/$_p" ]; then
		set -- "$@" "how=proc"
		# NULs to newlines and newlines to \036: a value cannot forge a line
		_e=$(tr '\000\012' '\012\036' <"/proc/$_p/environ" 2>&1)
		_rc=$?
		set -- "$@" "environ.rc=$_rc"
		if [ "$_rc" -ne 0 ]; then
			cal_cap "$_e"
			set -- "$@" "environ.err=$_cv"
		else
			_oldifs=$IFS
			IFS=$NL
			set -f
			for _l in $_e; do
				case $_l in
				TMUX_TMPDIR=*) set -- "$@" "env.tmux_tmpdir=${_l#TMUX_TMPDIR=}" ;;
				TMUX=*) set -- "$@" "env.tmux=${_l#TMUX=}" ;;
				esac
			done
			set +f
			IFS=$_oldifs
		fi
		_fd=$(LC_ALL=C ls -l "/proc/$_p/fd" 2>&1)
		_rc=$?
		set -- "$@" "fd.rc=$_rc"
		_sl=
		_pat=
		_oldifs=$IFS
		IFS=$NL
		set -f
		for _l in $_fd; do
			case $_l in
			*' -> socket:['*']')
				_sl=$_sl$_l$NL
				_i=${_l##*socket:\[}
				_pat="$_pat$NL ${_i%\]} /"
				;;
			esac
		done
		set +f
		IFS=$_oldifs
		if [ "$_rc" -ne 0 ]; then
			cal_cap "$_fd"
			set -- "$@" "fd.err=$_cv"
		else
			cal_cap "$_sl"
			set -- "$@" "fd.sockets=$_cv"
		fi
		# the named unix sockets among them: one grep, the inodes as fixed strings
		if [ -n "$_pat" ]; then
			_ux=$(LC_ALL=C grep -F -e "${_pat#"$NL"}" /proc/net/unix 2>&1)
			_rc=$?
			cal_cap "$_ux"
			set -- "$@" "unix.rc=$_rc" "unix.out=$_cv"
			_oldifs=$IFS
			IFS=$NL
			set -f
			for _l in $_ux; do
				cal_listening "$_l"
				if [ -n "$_r" ]; then _paths=$_paths$_r$NL; fi
			done
			set +f
			IFS=$_oldifs
		fi
	else
		_lsof=$(command -v lsof 2>/dev/null)
		if [ -z "$_lsof" ] && [ -x /usr/sbin/lsof ]; then _lsof=/usr/sbin/lsof; fi
		if [ -z "$_lsof" ]; then
			set -- "$@" "how=none"
		else
			set -- "$@" "how=lsof"
			_lo=$(cal_bounded "$cal_t" cal_capture "$_lsof" -a -U -p "$_p" -F fn 2>&1)
			_rc=$?
			cal_cap "$_lo"
			set -- "$@" "lsof.rc=$_rc" "lsof.out=$_cv"
			_oldifs=$IFS
			IFS=$NL
			set -f
			for _l in $_lo; do
				case $_l in
				n/*)
					_l=${_l#n}
					_paths=$_paths${_l%% type=*}$NL
					;;
				esac
			done
			set +f
			IFS=$_oldifs
		fi
	fi
	_m=0
	_oldifs=$IFS
	IFS=$NL
	set -f
	for _s in $_paths; do
		IFS=$_oldifs
		set -- "$@" "sock.$_m.path=$_s"
		if [ ! -S "$_s" ]; then
			set -- "$@" "sock.$_m.exists=0"
		else
			set -- "$@" "sock.$_m.exists=1"
			if [ "$_s" = "$cal_sock" ] && [ "${cal_srv_rc:-}" = 137 ]; then
				cal_hungs=${cal_hungs:-}$_s$NL
			fi
			case $NL${cal_hungs:-} in
			*"$NL$_s$NL"*)
				# timed out once already: a second wait would tell nothing more
				set -- "$@" "sock.$_m.rc=137"
				;;
			*)
				if [ -n "$cal_tb" ]; then
					cal_ping "$_s"
					set -- "$@" "sock.$_m.rc=$_rc" "sock.$_m.out=$_o"
					if [ "$_rc" -eq 0 ]; then
						# it answered, so its stdout is read: which server it is
						_o=$(cal_bounded "$cal_t" cal_capture "$cal_tb" -S "$_s" display-message -p '#{pid}' 2>/dev/null)
						set -- "$@" "sock.$_m.pid=$_o"
					elif [ "$_rc" -eq 137 ]; then
						cal_hungs=${cal_hungs:-}$_s$NL
					fi
				fi
				;;
			esac
		fi
		IFS=$NL
		_m=$((_m + 1))
	done
	set +f
	IFS=$_oldifs
	cal_kv "unreached.$_un" "$@"
}
