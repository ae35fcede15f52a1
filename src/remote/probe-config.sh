# shellcheck shell=sh disable=SC2154 # the probe's files share their globals (see probe.sh): test/integration/probe.test.ts lints the whole probe without these lines
# cal-doctor probe, the config tree (PROBE_FILES in src/probe/gather.ts lists the probe's
# files): the files the configs source, followed wave by wave (one awk pass a wave), the
# formats they use, tmux's own parse of them, and the plugin dirs they name or the server's
# options point to. Writes @@cfgtree and @@pdir.N.

# ---------------------------------------------------------------------------------
# config tree: files the configs source, their formats, tmux's parse, plugin dirs
# -> @@cfgtree, @@pdir.N (same items as @@plugins)

# One awk pass over a wave of config files. It splits each line into words the way tmux
# does (quotes, `\`, `#` comments, `;`, `{ }`) and prints, tab-separated:
#   S FILE FLAGS WORD  a path of `source[-file] [-flags]` (also inside if-shell's strings)
#   F WORD             a word with a format, `%if`/`%elif` conditions
#   R FILE WORD        the command of a `run[-shell]`
#   E WORD             the value of `set-environment -g TMUX_PLUGIN_MANAGER_PATH`
#   U FILE             once per FILE with a `%if`/`%elif` line that holds `#(` or `E:`/`T:`
# shellcheck disable=SC2016
CAL_CFG_AWK='
function tok(s, d,   n, i, c, w, inw, q) {
	n = 0; w = ""; inw = 0; q = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (q != "") {
			if (c == q) q = ""
			else if (q == "\"" && c == "\\") { i++; w = w substr(s, i, 1) }
			else w = w c
			continue
		}
		if (c == "\047" || c == "\"") { q = c; inw = 1; continue }
		if (c == "\\") { i++; w = w substr(s, i, 1); inw = 1; continue }
		if (c == " " || c == "\t" || c == "\r") { if (inw) { T[d, ++n] = w; w = ""; inw = 0 }; continue }
		if (c == "#" && !inw) break
		if ((c == ";" || c == "{" || c == "}") && !inw) { T[d, ++n] = c; continue }
		w = w c; inw = 1
	}
	if (inw) T[d, ++n] = w
	return n
}
function scan(s, d,   n, i, j, t, st, fl) {
	if (d > 3) return
	n = tok(s, d)
	for (i = 1; i <= n; i++) {
		t = T[d, i]
		st = (i == 1 || T[d, i - 1] == ";" || T[d, i - 1] == "{")
		if (index(t, "#{")) print "F\t" t
		if (st && (t == "source" || t == "source-file")) {
			fl = ""
			for (j = i + 1; j <= n && T[d, j] ~ /^-[a-zA-Z]+$/; j++) fl = fl T[d, j]
			for (; j <= n && T[d, j] != ";" && T[d, j] != "}"; j++) print "S\t" FILENAME "\t" fl "\t" T[d, j]
		} else if (st && (t == "run" || t == "run-shell")) {
			for (j = i + 1; j <= n && T[d, j] ~ /^-/; j++) if (T[d, j] ~ /[dt]$/) j++
			if (j <= n) print "R\t" FILENAME "\t" T[d, j]
		} else if (st && (t == "set-environment" || t == "setenv")) {
			for (j = i + 1; j <= n && T[d, j] ~ /^-/; j++) if (T[d, j] ~ /t$/) j++
			if (T[d, j] == "TMUX_PLUGIN_MANAGER_PATH" && j < n) print "E\t" T[d, j + 1]
		} else if (!st && t ~ /(^|[;{ \t])(source|source-file|run|run-shell)[ \t]/) scan(t, d + 1)
	}
}
{
	if (!(FILENAME in U) && $0 ~ /^[ \t\r\v\f]*%(el)?if.*(#\(|[ET]:)/) { U[FILENAME]; print "U\t" FILENAME }
	sub(/\r$/, "")
	if (cont != "") { $0 = cont $0; cont = "" }
	if ($0 ~ /\\$/ && $0 !~ /\\\\$/) { cont = substr($0, 1, length($0) - 1); next }
	if ($0 ~ /^[ \t]*%(el)?if[ \t]/) { sub(/^[ \t]*%(el)?if[ \t]+/, ""); if (tok($0, 9)) print "F\t" T[9, 1]; next }
	scan($0, 0)
}'

# cal_cfg_expand FILE WORD: sets _r to WORD as tmux resolves a source-file path: `~`,
# `$NAME`/`${NAME}` (the server's global environment, else ours, else the configs'
# `NAME=value` lines), `#{d:current_file}`; a relative path is taken from HOME (tmux
# takes the client's cwd). _r is empty when a format is left that the server did not expand.
cal_cfg_expand() {
	_r=$2
	case $_r in
	\~ | \~/*) _r=$HOME${_r#\~} ;;
	esac
	cal_replace "$_r" '#{d:current_file}' "${1%/*}"
	cal_replace "$_r" '#{current_file}' "$1"
	_k=0
	while [ "$_k" -lt 8 ]; do
		case $_r in
		*'$'*) ;;
		*) break ;;
		esac
		_pre=${_r%%\$*}
		_post=${_r#*\$}
		case $_post in
		'{'*)
			_nm=${_post#\{}
			_nm=${_nm%%\}*}
			_post=${_post#*\}}
			;;
		*)
			_nm=${_post%%[!A-Za-z0-9_]*}
			_post=${_post#"$_nm"}
			;;
		esac
		case $_nm in
		'' | [0-9]* | *[!A-Za-z0-9_]*) break ;;
		esac
		_val=
		case "$cal_srv_env" in
		*"$NL$_nm="*)
			# show-environment -s form: NAME="value"; export NAME;
			_val=${cal_srv_env#*"$NL$_nm=\""}
			_val=${_val%%"\"; export $_nm;"*}
			cal_replace "$_val" "\\" ''
			_val=$_r
			;;
		*)
			eval "_val=\${$_nm-}"
			if [ -z "$_val" ]; then
				_val=$(sed -n "s/^[[:space:]]*$_nm=//p" "$cal_cfg_read" 2>/dev/null | tail -n 1)
				_val=${_val#[\"\']}
				_val=${_val%[\"\']}
			fi
			;;
		esac
		_r=$_pre$_val$_post
		_k=$((_k + 1))
	done
	case $_r in
	*'#{'*)
		_r=${cal_fmt_map#*"$NL$_r$US"}
		if [ "$_r" = "$cal_fmt_map" ]; then
			_r=
		else
			_r=${_r%%"$NL"*}
		fi
		;;
	esac
	case $_r in
	'' | /*) ;;
	*) _r=$HOME/$_r ;;
	esac
}

# cal_cfg_add PATH: queues PATH for the next wave once
cal_cfg_add() {
	case "$NL$cal_cfg_seen$NL" in
	*"$NL$1$NL"*) return 0 ;;
	esac
	cal_cfg_seen=$cal_cfg_seen$NL$1
	_m=$cal_cfg_n
	_cf=$1
	cal_cfg_n=$((cal_cfg_n + 1))
	set -- "f.$_m.path=$_cf"
	if [ -f "$_cf" ] && [ -r "$_cf" ]; then
		cal_cfg_next=$cal_cfg_next$NL$_cf
		# one byte over the cap: the reader can tell the file was longer
		_c=$(head -c "$((CAL_CAP_CFG + 1))" "$_cf" 2>/dev/null; echo x)
		set -- "$@" "f.$_m.exists=1" "f.$_m.content=${_c%x}"
	else
		set -- "$@" "f.$_m.exists=0"
	fi
	cal_cfg_kv "$@"
}

# cal_cfg_kv ITEM...: appends items to the cfgtree record being built, each ended by a
# \036 that the record is split on when it is written (and dropped inside). Not \001:
# bash 3.2 (macOS's /bin/sh) uses \001 internally and does not split on it in IFS.
cal_cfg_kv() {
	for _it in "$@"; do
		case $_it in
		*"$cal_rs"*)
			cal_replace "$_it" "$cal_rs" ''
			_it=$_r
			;;
		esac
		cal_cfg_rec=$cal_cfg_rec$_it$cal_rs
	done
}

# cal_pdir DIR: one @@pdir.N record for a plugin dir not listed yet
cal_pdir() {
	_d=${1%/}
	[ -n "$_d" ] && [ -d "$_d" ] || return 0
	case "$NL$cal_pdirs$NL" in
	*"$NL$_d$NL"*) return 0 ;;
	esac
	[ "$cal_pdir_n" -lt 6 ] || return 0
	cal_pdirs=$cal_pdirs$NL$_d
	cal_plugins_in "pdir.$cal_pdir_n" "$_d"
	cal_pdir_n=$((cal_pdir_n + 1))
}

# cal_srv_paths: sets _srp to the plugin paths the server's options name, one a line:
# @resurrect-save-script-path, and the dir of continuum_save.sh in status-right's `#(…)`
cal_srv_paths() {
	_srp=
	_oldifs=$IFS
	IFS=$NL
	set -f
	for _l in $cal_srv_opts; do
		case $_l in
		'@resurrect-save-script-path '*)
			_x=${_l#@resurrect-save-script-path }
			_x=${_x#\"}
			_x=${_x%\"}
			case $_x in
			*\"*) ;;
			*) _srp=$_srp$NL$_x ;;
			esac
			;;
		'status-right '*'#('*'/scripts/continuum_save.sh)'*)
			_x=${_l%/scripts/continuum_save.sh)*}
			_x=${_x##*#\(}
			case $_x in
			*\)*) ;;
			*) _srp=$_srp$NL$_x ;;
			esac
			;;
		esac
	done
	set +f
	IFS=$_oldifs
}

cal_cfgtree() {
	cal_rs=$(printf '\036')
	cal_cfg_seen=
	cal_cfg_n=0
	cal_cfg_rec=
	cal_fmt_map=$NL
	cal_cfg_read=/dev/null
	_wave=
	for _f in /etc/tmux.conf "$HOME/.tmux.conf" "${XDG_CONFIG_HOME:-$HOME/.config}/tmux/tmux.conf" \
		"$HOME/.config/tmux/tmux.conf"; do
		case "$NL$cal_cfg_seen$NL" in
		*"$NL$_f$NL"*) continue ;;
		esac
		cal_cfg_seen=$cal_cfg_seen$NL$_f
		if [ -f "$_f" ] && [ -r "$_f" ]; then _wave=$_wave$NL$_f; fi
	done
	_top=$_wave
	_all=$_wave
	_unsafe=
	_g=0
	_fm=0
	_rs=
	_w=0
	while [ -n "$_wave" ] && [ "$_w" -lt 4 ] && [ "$cal_cfg_n" -lt "$CAL_CFG_MAX" ]; do
		_w=$((_w + 1))
		_oldifs=$IFS
		IFS=$NL
		set -f
		# shellcheck disable=SC2086
		set -- $_wave
		set +f
		IFS=$_oldifs
		_out=$(awk "$CAL_CFG_AWK" "$@" 2>/dev/null)
		cal_cfg_read=$1
		# formats: one display call for the new ones (never one that runs a command)
		_fl=
		_fs=
		_oldifs=$IFS
		IFS=$NL
		set -f
		for _ln in $_out; do
			case $_ln in
			"F$TAB"*) ;;
			*) continue ;;
			esac
			_v=${_ln#F"$TAB"}
			case $_v in
			*'#('* | *'E:'* | *'T:'* | *"$US"*) continue ;;
			esac
			case "$cal_fmt_map$_fl$NL" in
			*"$NL$_v$US"* | *"$NL$_v$NL"*) continue ;;
			esac
			[ "$_fm" -lt 40 ] || continue
			_fm=$((_fm + 1))
			_fl=$_fl$NL$_v
			_fs=$_fs$_v$US
		done
		set +f
		IFS=$_oldifs
		if [ -n "$_fs" ] && [ -n "$cal_answered" ] && [ -z "$cal_hung" ]; then
			cal_tmux display-message -p -- "$_fs"
			if [ "$_rc" -eq 0 ]; then
				_res=$_o$US
				_fl=${_fl#"$NL"}
				while [ -n "$_fl" ]; do
					_k1=${_fl%%"$NL"*}
					_v1=${_res%%"$US"*}
					cal_fmt_map=$cal_fmt_map$_k1$US$_v1$NL
					cal_cfg_kv "fmt.$_g.in=$_k1" "fmt.$_g.out=$_v1"
					_g=$((_g + 1))
					_res=${_res#*"$US"}
					case $_fl in
					*"$NL"*) _fl=${_fl#*"$NL"} ;;
					*) _fl= ;;
					esac
				done
			fi
		fi
		cal_cfg_next=
		_oldifs=$IFS
		IFS=$NL
		set -f
		for _ln in $_out; do
			IFS=$_oldifs
			case $_ln in
			"S$TAB"*)
				_rest=${_ln#S"$TAB"}
				_file=${_rest%%"$TAB"*}
				_rest=${_rest#*"$TAB"}
				_word=${_rest#*"$TAB"}
				cal_cfg_expand "$_file" "$_word"
				[ -n "$_r" ] || continue
				case $_r in
				*[*?[]*)
					set +f
					_matches=
					for _p in $_r; do
						[ -e "$_p" ] || continue
						_matches=$_matches$NL$_p
						cal_cfg_add "$_p"
					done
					set -f
					cal_cfg_kv "glob.$_g.pattern=$_r" "glob.$_g.match=${_matches#"$NL"}"
					_g=$((_g + 1))
					;;
				*) cal_cfg_add "$_r" ;;
				esac
				;;
			"R$TAB"*)
				_rest=${_ln#R"$TAB"}
				_file=${_rest%%"$TAB"*}
				_word=${_rest#*"$TAB"}
				_word=${_word%%[ 	]*}
				cal_cfg_expand "$_file" "$_word"
				case $_r in
				*.tmux | */tpm) _rs=$_rs$NL${_r%/*/*} ;;
				esac
				;;
			"E$TAB"*)
				cal_cfg_expand "$HOME/x" "${_ln#E"$TAB"}"
				_rs=$_rs$NL$_r
				;;
			"U$TAB"*) _unsafe=$_unsafe$NL${_ln#U"$TAB"} ;;
			esac
			IFS=$NL
		done
		set +f
		IFS=$_oldifs
		_wave=${cal_cfg_next#"$NL"}
		_all=$_all$NL$_wave
	done
	# tmux's own parse of every file read, without running it (tmux >= 3.2). Parsing still
	# expands %if conditions, so a file whose %if could run a command (#(…), or E:/T: of an
	# option that may hold one) is left out and named: the awk found them, a grep those of
	# a wave it did not get to (past the depth or file limit).
	if [ -n "$cal_answered" ] && [ -z "$cal_hung" ] && [ -n "${_all#"$NL"}" ]; then
		_oldifs=$IFS
		IFS=$NL
		set -f
		if [ -n "$_wave" ]; then
			# shellcheck disable=SC2086
			set -- $_wave
			_unsafe=$_unsafe$NL$(grep -l -e '^[[:space:]]*%\(el\)\{0,1\}if.*#(' -e '^[[:space:]]*%\(el\)\{0,1\}if.*[ET]:' "$@" 2>/dev/null)
		fi
		_unsafe=${_unsafe#"$NL"}
		_unsafe=${_unsafe%"$NL"}
		# shellcheck disable=SC2086
		set -- ${_all#"$NL"}
		for _f in "$@"; do
			shift
			case "$NL$_unsafe$NL" in
			*"$NL$_f$NL"*) ;;
			*) set -- "$@" "$_f" ;;
			esac
		done
		set +f
		IFS=$_oldifs
		if [ -n "$_unsafe" ]; then cal_cfg_kv "parse.skipped=$_unsafe"; fi
		if [ $# -gt 0 ]; then
			cal_tmux source-file -n -- "$@"
			cal_cfg_kv "parse.rc=$_rc" "parse.out=$_o"
		fi
	fi
	# plugin dirs: TPM's path, where run-shell lines and the server's plugin paths point
	cal_pdir_n=0
	cal_pdirs=$NL${cal_plugins_dir%/}
	cal_srv_paths
	_tpp=${cal_srv_env#*"${NL}TMUX_PLUGIN_MANAGER_PATH=\""}
	if [ "$_tpp" = "$cal_srv_env" ]; then _tpp=; fi
	_tpp=${_tpp%%\"*}
	_oldifs=$IFS
	IFS=$NL
	set -f
	for _d in $_tpp "${XDG_CONFIG_HOME:-$HOME/.config}/tmux/plugins" "$HOME/.tmux/plugins" $_rs $_srp; do
		IFS=$_oldifs
		case $_d in
		*/scripts/save.sh) _d=${_d%/*/*/*} ;;
		*/tmux-continuum) _d=${_d%/*} ;;
		esac
		cal_pdir "$_d"
		IFS=$NL
	done
	set +f
	IFS=$_oldifs
	cal_cfg_kv "count=$cal_cfg_n" "pdirs=$cal_pdir_n" "cap=$CAL_CAP_CFG"
	_oldifs=$IFS
	IFS=$cal_rs
	set -f
	# shellcheck disable=SC2086 # the items, split on the \036 that ends each
	set -- $cal_cfg_rec
	set +f
	IFS=$_oldifs
	cal_kv cfgtree "$@"
}
