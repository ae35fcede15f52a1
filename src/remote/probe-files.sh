# shellcheck shell=sh disable=SC2154,SC2034 # the probe's files share their globals (see probe.sh): test/integration/probe.test.ts lints the whole probe without these lines
# cal-doctor probe, the user's files (PROBE_FILES in src/probe/gather.ts lists the probe's
# files): the tmux configs and shell dotfiles (their `ls`, their bytes on one head) and the
# TPM plugin dir (each plugin, its git commit). Writes @@files, @@files.data, @@plugins;
# sets cal_rdir_cfg and cal_plugins_dir for the phases after it.

# ---------------------------------------------------------------------------------
# config files and shell dotfiles -> @@files, @@files.data (their bytes, cal_heads)

# cal_ls_existing KIND PATH ...: `ls -lnLd` of the PATHs that exist (sizes, modes)
cal_ls_existing() {
	_a=$#
	while [ "$_a" -gt 0 ]; do
		_f=$2
		shift 2
		_a=$((_a - 2))
		if [ -e "$_f" ]; then set -- "$@" "$_f"; fi
	done
	if [ $# -gt 0 ]; then
		LC_ALL=C ls -lnLd "$@" 2>/dev/null
	fi
}

# cal_rdir_from_cfg KIND PATH ...: sets cal_rdir_cfg to the value of the last
# `set ... @resurrect-dir VALUE` line of the readable config files (quotes removed)
cal_rdir_from_cfg() {
	cal_rdir_cfg=
	_a=$#
	while [ "$_a" -gt 0 ]; do
		_kind=$1
		_f=$2
		shift 2
		_a=$((_a - 2))
		if [ "$_kind" = cfg ] && [ -f "$_f" ] && [ -r "$_f" ]; then set -- "$@" "$_f"; fi
	done
	[ $# -gt 0 ] || return 0
	_g=$(grep -h -e '^[[:space:]]*set[-a-z]*[[:space:]].*@resurrect-dir[[:space:]]' "$@" 2>/dev/null)
	[ -n "$_g" ] || return 0
	_v=${_g##*"$NL"}
	_v=${_v#*@resurrect-dir}
	_v=${_v#"${_v%%[! 	]*}"}
	_v=${_v%"${_v##*[! 	]}"}
	case $_v in
	\'*)
		_v=${_v#\'}
		_v=${_v%%\'*}
		;;
	\"*)
		_v=${_v#\"}
		_v=${_v%\"*}
		;;
	*) _v=${_v%%[ 	]*} ;;
	esac
	cal_rdir_cfg=$_v
}

cal_files() {
	set -- cfg "$HOME/.tmux.conf"
	if [ -n "${XDG_CONFIG_HOME:-}" ] && [ "$XDG_CONFIG_HOME" != "$HOME/.config" ]; then
		set -- "$@" cfg "$XDG_CONFIG_HOME/tmux/tmux.conf"
	fi
	set -- "$@" cfg "$HOME/.config/tmux/tmux.conf" \
		dot "$HOME/.zlogout" dot "$HOME/.bash_logout" dot "$HOME/.zshrc" dot "$HOME/.zprofile" \
		dot "$HOME/.zshenv" dot "$HOME/.bashrc" dot "$HOME/.bash_profile" dot "$HOME/.profile"
	_ls=$(cal_ls_existing "$@")
	if [ -z "$cal_answered" ]; then
		cal_rdir_from_cfg "$@"
	fi
	_a=$#
	_n=0
	while [ "$_a" -gt 0 ]; do
		_kind=$1
		_f=$2
		shift 2
		_a=$((_a - 2))
		set -- "$@" "file.$_n.kind=$_kind" "file.$_n.path=$_f"
		if [ -e "$_f" ]; then
			set -- "$@" "file.$_n.exists=1"
			if [ -f "$_f" ]; then set -- "$@" "file.$_n.regular=1"; fi
			if [ -r "$_f" ]; then set -- "$@" "file.$_n.readable=1"; fi
			if [ -f "$_f" ] && [ -r "$_f" ]; then cal_hq_add "$_f"; fi
		fi
		_n=$((_n + 1))
	done
	# the readable ones, in their order, on one head
	cal_heads files.data "$CAL_CAP_TEXT"
	cal_kv files "count=$_n" "cap=$CAL_CAP_TEXT" "ls=$_ls" "$@"
}

# ---------------------------------------------------------------------------------
# TPM plugins -> @@plugins
# cal_ls_section LISTING DIR OTHER...: sets _ls_s to DIR's part of a several-dir ls
# LISTING (framed by blank lines), without its header and trailing newlines; fails when a
# header of DIR or OTHER is missing or occurs twice (a file name that forged one).
cal_ls_section() {
	_lx=$1
	shift
	for _h in "$@"; do
		case $_lx in
		*"$NL$NL$_h:$NL"*"$NL$NL$_h:$NL"*) return 1 ;;
		*"$NL$NL$_h:$NL"*) ;;
		*) return 1 ;;
		esac
	done
	_ls_s=${_lx#*"$NL$NL$1:$NL"}
	shift
	for _h in "$@"; do
		_ls_s=${_ls_s%%"$NL$NL$_h:$NL"*}
	done
	while :; do
		case $_ls_s in
		*"$NL") _ls_s=${_ls_s%"$NL"} ;;
		*) break ;;
		esac
	done
}

cal_plugins() {
	_xc=${XDG_CONFIG_HOME:-$HOME/.config}/tmux
	if [ -f "$_xc/tmux.conf" ] && [ -d "$_xc/plugins" ]; then
		cal_plugins_dir=$_xc/plugins
	else
		cal_plugins_dir=$HOME/.tmux/plugins
	fi
	cal_plugins_in plugins "$cal_plugins_dir"
}

# cal_git_rev DIR: sets _rev to the commit checked out in DIR, read from .git files.
cal_git_rev() {
	_rev=
	_gd=$1/.git
	if [ -f "$_gd" ]; then
		_l=
		IFS= read -r _l 2>/dev/null <"$_gd"
		case $_l in
		'gitdir: '*)
			_gd=${_l#gitdir: }
			case $_gd in
			/*) ;;
			*) _gd=$1/$_gd ;;
			esac
			;;
		esac
	fi
	[ -f "$_gd/HEAD" ] && [ -r "$_gd/HEAD" ] || return 0
	_h=
	IFS= read -r _h 2>/dev/null <"$_gd/HEAD"
	case $_h in
	'ref: '*)
		_ref=${_h#ref: }
		if [ -f "$_gd/$_ref" ] && [ -r "$_gd/$_ref" ]; then
			IFS= read -r _rev 2>/dev/null <"$_gd/$_ref"
		elif [ -f "$_gd/packed-refs" ] && [ -r "$_gd/packed-refs" ]; then
			while read -r _a _b; do
				if [ "$_b" = "$_ref" ]; then
					_rev=$_a
					break
				fi
			done <"$_gd/packed-refs"
		fi
		;;
	*) _rev=$_h ;;
	esac
}

# cal_plugins_in KEY DIR: kv record KEY listing the plugin dir DIR
cal_plugins_in() {
	_pd=$2
	set -- "$1" "dir=$_pd"
	if [ -d "$_pd" ]; then
		_rs=$_pd/tmux-resurrect/scripts
		_cs=$_pd/tmux-continuum/scripts
		_tp=$_pd/tpm/tpm
		_tl=
		# the three listings in one ls when all can be read, split on its `DIR:` headers
		# (each exactly once, else one ls each); TPM's script, not a dir, on the same ls:
		# ls prints the entries of non-dirs first, before the first header (which is
		# DIR's, the others are below it)
		_l1=
		if [ -d "$_rs" ] && [ -d "$_cs" ] && [ -r "$_pd" ] && [ -r "$_rs" ] && [ -r "$_cs" ] &&
			[ -x "$_rs" ] && [ -x "$_cs" ]; then
			if { [ -e "$_tp" ] || [ -L "$_tp" ]; } && [ ! -d "$_tp" ]; then
				_l=$NL$NL$(LC_ALL=C ls -lan "$_pd" "$_rs" "$_cs" "$_tp" 2>&1)$NL$NL
				_tl=${_l#"$NL$NL"}
				_tl=${_tl%%"$NL$NL$_pd:$NL"*}
			else
				_l=$NL$NL$(LC_ALL=C ls -lan "$_pd" "$_rs" "$_cs" 2>&1)$NL$NL
			fi
			if cal_ls_section "$_l" "$_pd" "$_rs" "$_cs"; then
				_l1=$_ls_s
				cal_ls_section "$_l" "$_rs" "$_pd" "$_cs"
				_l2=$_ls_s
				cal_ls_section "$_l" "$_cs" "$_pd" "$_rs"
				_l3=$_ls_s
			else
				_tl=
			fi
		fi
		if [ -z "$_l1" ]; then
			_l1=$(LC_ALL=C ls -lan "$_pd" 2>&1)
			if [ -d "$_rs" ]; then _l2=$(LC_ALL=C ls -lan "$_rs" 2>&1); fi
			if [ -d "$_cs" ]; then _l3=$(LC_ALL=C ls -lan "$_cs" 2>&1); fi
		fi
		set -- "$@" "exists=1" "ls=$_l1"
		_n=0
		for _p in "$_pd"/* "$_pd"/.[!.]* "$_pd"/..?*; do
			[ -d "$_p" ] || continue
			cal_git_rev "$_p"
			set -- "$@" "plugin.$_n.name=${_p##*/}" "plugin.$_n.rev=$_rev"
			_n=$((_n + 1))
		done
		if [ -d "$_rs" ]; then set -- "$@" "resurrect.ls=$_l2"; fi
		if [ -d "$_cs" ]; then set -- "$@" "continuum.ls=$_l3"; fi
		if [ -n "$_tl" ]; then
			set -- "$@" "tpm.ls=$_tl"
		elif [ -e "$_tp" ] || [ -L "$_tp" ]; then
			set -- "$@" "tpm.ls=$(LC_ALL=C ls -lnd "$_tp" 2>&1)"
		fi
	else
		set -- "$@" "exists=0"
	fi
	cal_kv "$@"
}
