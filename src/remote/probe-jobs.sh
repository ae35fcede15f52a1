# shellcheck shell=sh disable=SC2154,SC2034 # the probe's files share their globals (see probe.sh): test/integration/probe.test.ts lints the whole probe without these lines
# cal-doctor probe, what else may start tmux or save (PROBE_FILES in src/probe/gather.ts
# lists the probe's files): scripts and LaunchAgents that mention tmux, crontab, launchd's
# jobs, continuum's locks, and the processes. Writes @@scripts, @@scripts.data, @@agents,
# @@agents.data, @@jobs, @@ps; sets cal_ps_lines for cal_unreached.

# ---------------------------------------------------------------------------------
# what else may start tmux or save: scripts, LaunchAgents, crontab, launchd's jobs,
# continuum's locks -> @@scripts, @@scripts.data, @@agents, @@agents.data, @@jobs

# cal_mentions KEY GREPOPT FILE...: kv record KEY (`scripts`) of the regular FILEs whose
# content mentions tmux (any case; one grep for all; GREPOPT `-I` skips binary files),
# at most CAL_SCRIPTS_MAX, and their bytes, each capped at CAL_CAP_SCRIPT, on one head
# (record KEY.data).
cal_mentions() {
	_mk=$1
	_mo=$2
	shift 2
	# regular files only (-f follows symlinks): a FIFO would block grep. Kept as words for
	# one eval: "$@" rebuilt a file at a time costs O(n^2) (~/.local/bin can hold hundreds)
	_fq=
	_i=0
	for _f in "$@"; do
		_i=$((_i + 1))
		if [ -f "$_f" ] && [ -r "$_f" ]; then _fq="$_fq \"\${$_i}\""; fi
	done
	eval "set -- $_fq"
	_gl=
	if [ $# -gt 0 ]; then
		# grep -l prints a name per line; a name is matched whole between newlines below,
		# so a newline in a name cannot make another file count
		_gl=$(LC_ALL=C grep -l -i ${_mo:+"$_mo"} -e tmux -- "$@" 2>/dev/null)
	fi
	_gl=$NL$_gl$NL
	_m=0
	_a=$#
	while [ "$_a" -gt 0 ]; do
		_f=$1
		shift
		_a=$((_a - 1))
		case $_gl in
		*"$NL$_f$NL"*) ;;
		*) continue ;;
		esac
		if [ "$_m" -lt "$CAL_SCRIPTS_MAX" ]; then set -- "$@" "$_f"; fi
		_m=$((_m + 1))
	done
	_ls=
	if [ $# -gt 0 ]; then _ls=$(LC_ALL=C ls -lnLd -- "$@" 2>/dev/null); fi
	_n=0
	_a=$#
	while [ "$_a" -gt 0 ]; do
		_f=$1
		shift
		_a=$((_a - 1))
		set -- "$@" "$_n=$_f"
		cal_hq_add "$_f"
		_n=$((_n + 1))
	done
	cal_heads "$_mk.data" "$CAL_CAP_SCRIPT"
	cal_kv "$_mk" "count=$_n" "matched=$_m" "cap=$CAL_CAP_SCRIPT" "ls=$_ls" "$@"
}

# cal_home_ok: HOME is an absolute path other than / (else ~/bin would be /bin)
cal_home_ok() {
	case $HOME in
	/*[!/]*) return 0 ;;
	*) return 1 ;;
	esac
}

cal_scripts() {
	set --
	if cal_home_ok; then
		for _d in "$HOME/scripts" "$HOME/bin" "$HOME/.local/bin"; do
			[ -d "$_d" ] || continue
			set -- "$@" "$_d"/* "$_d"/.[!.]* "$_d"/..?*
		done
	fi
	cal_mentions scripts -I "$@"
}

# crontab, launchd's jobs, continuum's lock dirs -> @@jobs
# (one record: each kv record costs a base64 process, and they are small)
cal_jobs() {
	set --
	if command -v crontab >/dev/null 2>&1; then
		_o=$(cal_bounded "$cal_t" cal_capture crontab -l 2>&1)
		_rc=$?
		cal_cap "$_o"
		set -- "$@" "cron.ran=1" "cron.rc=$_rc" "cron.out=$_cv" "cron.trunc=$_ct"
		if [ "$_rc" -eq 137 ]; then set -- "$@" "cron.timedout=1"; fi
	else
		set -- "$@" "cron.ran=0"
	fi

	# launchd exists on macOS only
	if [ "$cal_os" != Darwin ]; then
		set -- "$@" "launchd=0" "launchctl.ran=0"
	elif command -v launchctl >/dev/null 2>&1; then
		# the GUI login's domain, where LaunchAgents (continuum's Tmux.Start.plist) are
		# loaded: `launchctl list` over SSH shows the SSH session's domain instead
		_o=$(cal_bounded "$cal_t" cal_capture launchctl print "gui/$cal_uid" 2>&1)
		_rc=$?
		# only the lines that mention tmux, in any case (picked here, not by a grep); a
		# failure's message whole
		if [ "$_rc" -eq 0 ]; then
			_lo=$_o
			_o=
			_oldifs=$IFS
			IFS=$NL
			set -f
			for _l in $_lo; do
				case $_l in
				*[Tt][Mm][Uu][Xx]*) _o=$_o$NL$_l ;;
				esac
			done
			set +f
			IFS=$_oldifs
			_o=${_o#"$NL"}
		fi
		cal_cap "$_o"
		set -- "$@" "launchd=1" "launchctl.ran=1" "launchctl.rc=$_rc" "launchctl.out=$_cv" "launchctl.trunc=$_ct"
		if [ "$_rc" -eq 137 ]; then set -- "$@" "launchctl.timedout=1"; fi
	else
		set -- "$@" "launchd=1" "launchctl.ran=0"
	fi

	# /tmp/tmux-continuum-<server pid>-lock-<epoch/100>; CAL_PROBE_LOCK_GLOB_PREFIX
	# moves them for the tests only (a glob prefix, matched literally)
	_lp=${CAL_PROBE_LOCK_GLOB_PREFIX:-/tmp/tmux-continuum-}
	_n=0
	for _l in "$_lp"*-lock-*; do
		[ -e "$_l" ] || [ -L "$_l" ] || continue
		if [ "$_n" -ge "$CAL_LOCKS_MAX" ]; then
			set -- "$@" "lock.more=1"
			break
		fi
		set -- "$@" "lock.$_n=$_l"
		_n=$((_n + 1))
	done
	cal_kv jobs "lock.count=$_n" "$@"
}

# ---------------------------------------------------------------------------------
# processes -> @@ps
cal_ps() {
	# the lines that mention tmux, resurrect or continuum (pgrep cannot print
	# ppid/uid/etime), picked here rather than by a grep
	_ps=$(ps -A -ww -o pid= -o ppid= -o uid= -o etime= -o command= 2>/dev/null)
	_o=
	_oldifs=$IFS
	IFS=$NL
	set -f
	for _l in $_ps; do
		case $_l in
		*tmux* | *resurrect* | *continuum*) _o=$_o$NL$_l ;;
		esac
	done
	set +f
	IFS=$_oldifs
	cal_ps_lines=$_o
	cal_cap "${_o#"$NL"}"
	cal_kv ps "out=$_cv" "trunc=$_ct"
}
