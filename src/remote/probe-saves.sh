# shellcheck shell=sh disable=SC2154 # the probe's files share their globals (see probe.sh): test/integration/probe.test.ts lints the whole probe without these lines
# cal-doctor probe, resurrect's saves (PROBE_FILES in src/probe/gather.ts lists the probe's
# files): each save dir the config, the server or the defaults name (listing, `last`, the
# newest saves, the pane-contents archive, their bytes on one head), then the pane dirs
# that `last` holds. Writes @@saves, @@save.N, @@save.N.listing, @@save.N.recent,
# @@save.N.data and @@saved.

# ---------------------------------------------------------------------------------
# resurrect save dirs -> @@saves, @@save.N, @@save.N.listing, @@save.N.recent, @@save.N.data (files and listing)

# cal_expand VALUE: sets _r to VALUE expanded like resurrect's resurrect_dir()
# ($HOME, then $HOSTNAME, then ~, every occurrence, as literal substrings)
cal_expand() {
	cal_replace "$1" "\$HOME" "${HOME:-}"
	cal_replace "$_r" "\$HOSTNAME" "$cal_host"
	cal_replace "$_r" "~" "${HOME:-}"
}

# cal_savefiles N DIR LAST FILE...: DIR's save files (FILE..., globbed once by the caller;
# names sort by time). @@save.N.listing (kv: how many save files, how many listed) when DIR
# can be entered: the newest CAL_LS_SAVES and the save file LAST (`last`'s target, as ls
# shows it) when it is an older one; older saves are only counted (`ls -lant` of a
# 10,000-save dir is 1 MB of output). @@save.N.recent: the newest CAL_RECENT_MAX, the
# readable ones queued for @@save.N.data (cal_hq_add). Then @@save.N.data (cal_savedata).
cal_savefiles() {
	_vn=$1
	_vd=$2
	_vl=${3##*/}
	shift 3
	if [ ! -e "$1" ] && [ ! -L "$1" ]; then
		set --
	fi
	_total=$#
	_vold=
	if [ $# -gt "$CAL_LS_SAVES" ]; then
		shift $(($# - CAL_LS_SAVES))
		# `last` is on the newest save (each save moves it there): look through the listed
		# ones only when it is not
		_vy=
		eval "_vy=\${$#}"
		case $_vl in
		tmux_resurrect_*.txt)
			if [ "$_vy" != "$_vd/$_vl" ] && { [ -e "$_vd/$_vl" ] || [ -L "$_vd/$_vl" ]; }; then
				_vold=$_vl
				for _x in "$@"; do
					if [ "$_x" = "$_vd/$_vl" ]; then
						_vold=
						break
					fi
				done
				if [ -n "$_vold" ]; then set -- "$_vd/$_vl" "$@"; fi
			fi
			;;
		esac
	fi
	if [ -x "$_vd" ]; then
		cal_kv "save.$_vn.listing" "total=$_total" "listed=$#" "max=$CAL_LS_SAVES"
	fi
	if [ $# -gt "$CAL_RECENT_MAX" ]; then
		shift $(($# - CAL_RECENT_MAX))
	fi
	_a=$#
	_i=0
	while [ "$_a" -gt 0 ]; do
		_f=$1
		shift
		_a=$((_a - 1))
		set -- "$@" "$_i=${_f##*/}"
		if [ -f "$_f" ] && [ -r "$_f" ]; then cal_hq_add "./${_f##*/}"; fi
		_i=$((_i + 1))
	done
	cal_kv "save.$_vn.recent" "count=$_total" "cap=$CAL_CAP_RECENT" "$@"
	# the files queued (by cal_savedir and above) and the listing: one base64
	if [ -x "$_vd" ]; then
		cal_savedata "$_vn" "$_vd" saves "$_vold"
	else
		cal_savedata "$_vn" "$_vd"
	fi
}

# cal_savedata N DIR [saves OLD]: @@save.N.data, one base64 for the files of DIR queued by
# cal_hq_add (as cal_heads writes them: `./last`, the archive, the newest saves, each with
# its cap) and then, after a header `==> . <==`, DIR's listing: with `saves`, the newest
# CAL_LS_SAVES save files and the save file OLD (as cal_savefiles lists them), and every entry
# that is not a save file. When DIR cannot be entered, `ls -lant` of it (names without ./,
# no counts, no files). The listing runs in the subshell of the pipe (it changes
# directory), where the save files are globbed again as ./NAME: rebuilding a long "$@"
# name by name costs O(n^2), and bash 3.2 (a Mac's /bin/sh) takes seconds for 500 names.
# Names only ever travel as arguments. Listings that may be long (find's,
# and ls -lant's) are cut to CAL_CAP_LSLINES lines.
cal_savedata() {
	cal_key "save.$1.data"
	(
		LC_ALL=C
		export LC_ALL
		CDPATH=
		_vd=$2
		_vs=${3:-}
		_vold=${4:-}
		if ! cd -P -- "$_vd"; then
			printf '==> . <==\n'
			# shellcheck disable=SC2012 # ls -l is the listing we want; BSD find has no -printf
			ls -lant "$_vd" | head -n "$((CAL_CAP_LSLINES + 3))"
			exit 0
		fi
		set --
		if [ -n "$_vs" ]; then
			set -- ./tmux_resurrect_*.txt
			if [ ! -e "$1" ] && [ ! -L "$1" ]; then
				set --
			fi
			if [ $# -gt "$CAL_LS_SAVES" ]; then shift $(($# - CAL_LS_SAVES)); fi
			if [ -n "$_vold" ]; then set -- "./$_vold" "$@"; fi
		fi
		_hs=
		_hi=0
		while [ "$_hi" -lt "$cal_hn" ]; do
			_hi=$((_hi + 1))
			_hf=
			eval "_hf=\$cal_hq_$_hi"
			case $_hf in
			./last) cal_head_parts "$((CAL_CAP_LAST + 1))" ./last ;;
			./pane_contents.tar.gz) cal_head_parts "$((CAL_CAP_ARCHIVE + 1))" ./pane_contents.tar.gz ;;
			*)
				# the save files, the rest of the queue, on one head
				cal_hq_args "$_hi"
				_hi=$cal_hn
				_hc=$((CAL_CAP_RECENT + 1))
				eval "cal_head_parts \"\$_hc\" $_hr"
				;;
			esac
			_hs=$NL
		done
		printf '%s==> . <==\n' "$_hs"
		# the other entries, queued as they are found (cal_hq_add: no "$@" rebuilt name by
		# name), on the same ls as the save files (fewer processes); more than CAL_LS_OTHERS
		# through find, which splits a list too long for one command line
		cal_hq_clear
		for _e in ./* ./.[!.]* ./..?*; do
			case $_e in
			./tmux_resurrect_*.txt) continue ;;
			esac
			if [ -e "$_e" ] || [ -L "$_e" ]; then
				if [ "$cal_hn" -ge "$CAL_LS_OTHERS" ]; then
					{
						if [ $# -gt 0 ]; then ls -lnd "$@"; fi
						find . ! -name . -prune ! -name 'tmux_resurrect_*.txt' -exec ls -lnd {} +
					} | head -n "$((CAL_CAP_LSLINES + 3))"
					exit 0
				fi
				cal_hq_add "$_e"
			fi
		done
		cal_hq_args 1
		if [ $# -gt 0 ] || [ "$cal_hn" -gt 0 ]; then eval "ls -lnd \"\$@\" $_hr"; fi
	) 2>/dev/null | base64
	cal_hq_clear
}

# cal_savedir N ROLE DIR
cal_savedir() {
	_sn=$1
	_d=$3
	set -- "role=$2" "path=$_d"
	if [ -d "$_d" ]; then
		_lf=$_d/last
		_lt=
		_ll=
		# the dir and `last` on one ls: it sorts them, DIR first (a prefix of DIR/last); the
		# dir's line ends with ` DIR` unless DIR is a link (then one ls each)
		_self=
		if { [ -e "$_lf" ] || [ -L "$_lf" ]; } && [ ! -L "$_d" ]; then
			_o=$(LC_ALL=C ls -lnd "$_d" "$_lf" 2>&1)
			case $_o in
			*" $_d$NL"*)
				_self=${_o%%" $_d$NL"*}" $_d"
				_ll=${_o#*" $_d$NL"}
				;;
			esac
		fi
		if [ -z "$_self" ]; then
			_self=$(LC_ALL=C ls -lnd "$_d" 2>&1)
			if [ -e "$_lf" ] || [ -L "$_lf" ]; then _ll=$(LC_ALL=C ls -lnd "$_lf" 2>&1); fi
		fi
		set -- "$@" "exists=1" "self=$_self" "lscap=$CAL_CAP_LSLINES"
		if [ -w "$_d" ]; then set -- "$@" "writable=1"; fi
		# the link's target as ls prints it after the name (no readlink process)
		if [ -L "$_lf" ]; then
			case $_ll in
			*" $_lf -> "*) _lt=${_ll#*" $_lf -> "} ;;
			esac
		fi
		if [ -e "$_lf" ] || [ -L "$_lf" ]; then
			set -- "$@" "last.exists=1" "last.ls=$_ll" "last.cap=$CAL_CAP_LAST"
			if [ -L "$_lf" ]; then
				set -- "$@" "last.islink=1" "last.target=$_lt"
			fi
			if [ -e "$_lf" ]; then set -- "$@" "last.resolves=1"; fi
			if [ -f "$_lf" ]; then
				set -- "$@" "last.regular=1"
				# the size of the file read: `last`'s own line has it, the listing the line of a
				# target in DIR (a plain name); ls -L for a target elsewhere
				if [ -L "$_lf" ]; then
					case $_lt in
					'' | */*) set -- "$@" "last.lsL=$(LC_ALL=C ls -lnLd "$_lf" 2>&1)" ;;
					esac
				fi
				if [ -r "$_lf" ]; then
					set -- "$@" "last.readable=1"
					cal_hq_add ./last
				fi
			fi
		fi
		# the pane-contents archive (@resurrect-capture-pane-contents on), bytes as is
		_pa=$_d/pane_contents.tar.gz
		if [ -e "$_pa" ] || [ -L "$_pa" ]; then
			# its entry is in the listing (every entry that is not a save file is)
			set -- "$@" "archive.exists=1" "archive.cap=$CAL_CAP_ARCHIVE"
			if [ -f "$_pa" ]; then
				set -- "$@" "archive.regular=1"
				if [ -r "$_pa" ]; then
					set -- "$@" "archive.readable=1"
					cal_hq_add ./pane_contents.tar.gz
				fi
			fi
		fi
		# the save files, globbed once for the listing and the newest ones read
		cal_savefiles "$_sn" "$_d" "$_lt" "$_d"/tmux_resurrect_*.txt
	elif [ -e "$_d" ]; then
		set -- "$@" "exists=0" "notdir=1" "self=$(LC_ALL=C ls -lnd "$_d" 2>&1)"
	else
		set -- "$@" "exists=0"
	fi
	cal_kv "save.$_sn" "$@"
}

cal_saves() {
	if [ -n "$cal_answered" ]; then
		_raw=$cal_rdir_srv
		_src=server
	else
		_raw=$cal_rdir_cfg
		_src=config
	fi
	_sv=0
	# the dir resurrect uses: @resurrect-dir, else ~/.tmux/resurrect if it is a
	# directory, else the XDG one (the order of resurrect's resurrect_dir())
	_rd=$HOME/.tmux/resurrect
	_rr=home
	if [ -n "$_raw" ]; then
		cal_expand "$_raw"
		_rd=$_r
		_rr=option
		cal_savedir "$_sv" option "$_r"
		_sv=$((_sv + 1))
	fi
	cal_savedir "$_sv" home "$HOME/.tmux/resurrect"
	_sv=$((_sv + 1))
	_xd=${XDG_DATA_HOME:-$HOME/.local/share}/tmux/resurrect
	cal_savedir "$_sv" xdg "$_xd"
	_sv=$((_sv + 1))
	if [ "$_rr" = home ] && [ ! -d "$_rd" ]; then
		_rd=$_xd
		_rr=xdg
	fi
	cal_kv saves "count=$_sv" "rdir.raw=$_raw" "rdir.source=$_src"
	cal_saved "$_rr" "$_rd"
}

# ---------------------------------------------------------------------------------
# pane dirs saved in `last` -> @@saved

# cal_saved ROLE DIR: the pane dirs of DIR/last: field 8 of each `pane` line, its `:`
# dropped and `\ ` read back as a space (what restore's `read` makes of it), each
# distinct dir (at most CAL_SAVED_MAX) tested with `[ -d ]` and for a Session.vim
# (resurrect's vim and nvim session strategies test `-e`). A dir is data: it is only
# ever quoted, tested and printed, never evaluated.
cal_saved() {
	_lf=$2/last
	set -- "role=$1" "dir=$2"
	# -f: a FIFO named last would block sed
	if [ -f "$_lf" ] && [ -r "$_lf" ]; then
		# one sed for grep '^pane<TAB>' | sed 's/\\ / /g' | cut -f 8 | sed 's/^://'
		# (lines with fewer than 8 fields print nothing; `\ ` never makes a tab);
		# only the capped head, as for the content: a huge `last` costs no more
		_sds=$(head -c "$CAL_CAP_LAST" <"$_lf" 2>/dev/null |
			LC_ALL=C sed -n -e 's/\\ / /g' \
				-e "s/^pane$TAB\\([^$TAB]*$TAB\\)\\{6\\}:\\{0,1\\}\\([^$TAB]*\\).*/\\2/p" 2>/dev/null)
		set -- "$@" "last=1"
		_n=0
		_seen=$NL
		# the items, as words for one eval (each dir in a numbered variable): "$@" grown a
		# dir at a time costs O(n^2), 0.4 s for 200 dirs under bash 3.2
		_sq=
		_oldifs=$IFS
		IFS=$NL
		set -f
		for _sd in $_sds; do
			case $_seen in
			*"$NL$_sd$NL"*) continue ;;
			esac
			if [ "$_n" -ge "$CAL_SAVED_MAX" ]; then
				_sq="$_sq more=1"
				break
			fi
			_seen=$_seen$_sd$NL
			_x=0
			_v=0
			# only absolute dirs: a relative one would be looked up from wherever the probe runs
			case $_sd in
			/*)
				if [ -d "$_sd" ]; then _x=1; fi
				if [ -e "$_sd/Session.vim" ]; then _v=1; fi
				;;
			esac
			eval "cal_sd_$_n=\$_sd"
			_sq="$_sq \"dir.$_n=\$cal_sd_$_n\" dir.$_n.exists=$_x dir.$_n.vim=$_v"
			_n=$((_n + 1))
		done
		set +f
		IFS=$_oldifs
		eval "set -- \"\$@\" $_sq"
		set -- "$@" "count=$_n"
		while [ "$_n" -gt 0 ]; do
			_n=$((_n - 1))
			unset "cal_sd_$_n"
		done
	else
		set -- "$@" "last=0"
	fi
	cal_kv saved "$@"
}
