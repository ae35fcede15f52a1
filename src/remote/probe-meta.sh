# shellcheck shell=sh disable=SC2154,SC2034 # the probe's files share their globals (see probe.sh): test/integration/probe.test.ts lints the whole probe without these lines
# cal-doctor probe, the host and its tmux binaries (PROBE_FILES in src/probe/gather.ts lists
# the probe's files): the host (id, uname, OS version, clock), the environment, the login
# shell (its PATH and tmux, bounded) and every tmux binary with its `-V`. Writes @@meta; sets
# cal_uid, cal_os, cal_host and cal_tb (the tmux binary that talks to servers) for the phases
# after it.

# cal_has_nostart 'tmux X.Y': whether that tmux takes -N (start no server; 3.3 has it).
# An older or unknown one gets a ping before the queries instead (cal_server). A build from
# git says next-X.Y before X.Y is out: next-3.3 may predate -N, so only next-3.4 on counts.
cal_has_nostart() {
	case $1 in
	"tmux next-3."[0-3] | "tmux next-"[0-2].*) return 1 ;;
	"tmux next-"*) cal_has_nostart "tmux ${1#tmux next-}" ;;
	"tmux "[0-2].* | "tmux 3."[0-2] | "tmux 3."[0-2][!0-9]*) return 1 ;;
	"tmux "[3-9].* | "tmux "[1-9][0-9]*) return 0 ;;
	*) return 1 ;;
	esac
}

# ---------------------------------------------------------------------------------
# host, environment, login shell, tmux binaries -> @@meta
cal_meta() {
	set -- "probe.version=$CAL_PROBE_VERSION" "probe.timeout=$cal_t" "probe.logintimeout=$cal_lt"

	_id=$(LC_ALL=C id 2>/dev/null)
	cal_uid=${_id#uid=}
	cal_uid=${cal_uid%%[!0-9]*}
	case $_id in
	'uid='[0-9]*'('*)
		_u=${_id#*\(}
		_u=${_u%%\)*}
		;;
	*) _u=${USER:-${LOGNAME:-}} ;;
	esac
	if [ -z "$cal_uid" ]; then
		cal_uid=$(id -u 2>/dev/null)
	fi
	# one process for both: `Darwin name` (a node name holds no space)
	_un=$(uname -sn 2>/dev/null)
	cal_os=${_un%% *}
	cal_host=${_un#"$cal_os"}
	cal_host=${cal_host# }
	_ver=
	if [ "$cal_os" = Darwin ] && command -v sw_vers >/dev/null 2>&1; then
		_ver=$(sw_vers -productVersion 2>/dev/null)
	elif [ -r /etc/os-release ]; then
		while IFS= read -r _l || [ -n "$_l" ]; do
			case $_l in
			PRETTY_NAME=*)
				_ver=${_l#PRETTY_NAME=}
				case $_ver in
				\"*\") _ver=${_ver#\"} && _ver=${_ver%\"} ;;
				\'*\') _ver=${_ver#\'} && _ver=${_ver%\'} ;;
				esac
				;;
			esac
		done </etc/os-release
	fi
	if [ -z "$_ver" ]; then
		_ver=$(uname -r 2>/dev/null)
	fi
	_d=$(date '+%s %z' 2>/dev/null)
	set -- "$@" "host.user=$_u" "host.uid=$cal_uid" "host.home=${HOME:-}" \
		"host.shell=${SHELL:-}" "host.hostname=$cal_host" "host.os=$cal_os" \
		"host.osversion=$_ver" "host.now=${_d%% *}" "host.tz=${_d#* }"

	set -- "$@" "env.path=${PATH:-}"
	if [ -n "${TMUX+x}" ]; then set -- "$@" "env.tmux=$TMUX"; fi
	if [ -n "${TMUX_PANE+x}" ]; then set -- "$@" "env.tmux_pane=$TMUX_PANE"; fi
	if [ -n "${TMUX_TMPDIR+x}" ]; then set -- "$@" "env.tmux_tmpdir=$TMUX_TMPDIR"; fi
	if [ -n "${XDG_DATA_HOME+x}" ]; then set -- "$@" "env.xdg_data_home=$XDG_DATA_HOME"; fi
	if [ -n "${XDG_CONFIG_HOME+x}" ]; then set -- "$@" "env.xdg_config_home=$XDG_CONFIG_HOME"; fi

	cal_exec_tmux=$(command -v tmux 2>/dev/null) || cal_exec_tmux=
	if [ -n "$cal_exec_tmux" ]; then set -- "$@" "exec.tmux=$cal_exec_tmux"; fi

	# The login shell: prints its PATH and `command -v tmux` between markers (rc files
	# may print anything around them). No logout file may run: zsh reads none once rcs is
	# unset, bash none without an `exit`; any other shell execs away (a process more).
	cal_login_tmux=
	set -- "$@" "login.shell=${SHELL:-}"
	if [ -n "${SHELL:-}" ] && [ -x "$SHELL" ] && [ ! -d "$SHELL" ]; then
		_lc="printf '\\n@@CAL-PATH@@%s@@CAL-TMUX@@' \"\$PATH\"; command -v tmux; printf '@@CAL-END@@\\n'"
		_lc="$_lc; if [ -n \"\${ZSH_VERSION:-}\" ]; then unsetopt rcs; elif [ -z \"\${BASH_VERSION:-}\" ]; then exec /bin/sh -c :; fi"
		_lo=$(cal_bounded "$cal_lt" cal_capture "$SHELL" -l -c "$_lc" 2>&1)
		_lrc=$?
		set -- "$@" "login.ran=1" "login.rc=$_lrc"
		if [ "$_lrc" -eq 137 ]; then set -- "$@" "login.timedout=1"; fi
		case $_lo in
		*@@CAL-PATH@@*@@CAL-TMUX@@*@@CAL-END@@*)
			_lp=${_lo##*@@CAL-PATH@@}
			_lt=${_lp#*@@CAL-TMUX@@}
			_lp=${_lp%%@@CAL-TMUX@@*}
			_lt=${_lt%%@@CAL-END@@*}
			_lt=${_lt%"$NL"}
			cal_login_tmux=$_lt
			set -- "$@" "login.markers=1" "login.path=$_lp" "login.tmux=$_lt"
			;;
		*) set -- "$@" "login.markers=0" ;;
		esac
		if [ "${#_lo}" -gt "$CAL_CAP_LOGIN" ]; then
			_lo=$(printf '%s' "$_lo" | head -c "$CAL_CAP_LOGIN")
		fi
		set -- "$@" "login.out=$_lo"
	else
		set -- "$@" "login.ran=0"
	fi

	# Every distinct tmux binary, and which one talks to the server.
	cal_tb=
	cal_tb_nostart=
	_seen=
	_n=0
	for _p in "$cal_exec_tmux" "$cal_login_tmux" /opt/homebrew/bin/tmux /usr/local/bin/tmux /usr/bin/tmux; do
		case $_p in
		/*) ;;
		*) continue ;;
		esac
		case $_seen in
		*"$US$_p$US"*) continue ;;
		esac
		_seen=$_seen$US$_p$US
		if [ ! -f "$_p" ] || [ ! -x "$_p" ]; then continue; fi
		_fb=
		if [ "$_p" = "$cal_exec_tmux" ]; then _fb="$_fb exec"; fi
		if [ "$_p" = "$cal_login_tmux" ]; then _fb="$_fb login"; fi
		case $_p in
		/opt/homebrew/bin/tmux | /usr/local/bin/tmux | /usr/bin/tmux) _fb="$_fb known-location" ;;
		esac
		_o=$(cal_bounded "$cal_t" "$_p" -V 2>&1)
		_rc=$?
		cal_cap "$_o"
		set -- "$@" "bin.$_n.path=$_p" "bin.$_n.foundby=${_fb# }" "bin.$_n.rc=$_rc" "bin.$_n.out=$_cv"
		if [ "$_rc" -eq 137 ]; then set -- "$@" "bin.$_n.timedout=1"; fi
		if [ -z "$cal_tb" ]; then
			cal_tb=$_p
			if cal_has_nostart "$_o"; then cal_tb_nostart=1; fi
		fi
		_n=$((_n + 1))
	done
	set -- "$@" "server.bin=$cal_tb"

	if [ -e "${HOME:-}/tmux_no_auto_restore" ]; then
		set -- "$@" "misc.noautorestore=1"
	else
		set -- "$@" "misc.noautorestore=0"
	fi
	cal_kv meta "$@"
}
