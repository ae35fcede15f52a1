// Which directory tmux-resurrect saves to and restores from, decided exactly as
// scripts/helpers.sh (cff343c) does:
//
//   if [ -d "$HOME/.tmux/resurrect" ]; then default="$HOME/.tmux/resurrect"
//   else default="${XDG_DATA_HOME:-$HOME/.local/share}/tmux/resurrect"; fi
//   path="$(tmux show-option -gqv @resurrect-dir)"   # empty -> default
//   echo "$path" | sed "s,\$HOME,$HOME,g; s,\$HOSTNAME,$(hostname),g; s,\~,$HOME,g"
//
// Notes on that code:
// - An EMPTY @resurrect-dir counts as unset (get_tmux_option falls back to the default).
// - Only the literal strings `$HOME`, `$HOSTNAME` and `~` are expanded (not `${HOME}`), and
//   `~` is replaced EVERYWHERE in the value, not just in front: `~/a~b` -> `/home/u/a/home/ub`.
// - save.sh/restore.sh run from `run-shell` or continuum's `#()` job, i.e. with the tmux
//   SERVER's global environment, so XDG_DATA_HOME is the server's, not the login shell's.
// - `[ -d ]` follows symlinks: a symlinked ~/.tmux/resurrect counts.
// - The choice is made on every run: creating ~/.tmux/resurrect (or setting @resurrect-dir)
//   after saves were made moves where the next save and restore look.

import type { Facts, FileEntry, SaveDirFact } from '../../probe/facts.js';

export interface ResolvedSaveDir {
  path: string;
  dir?: SaveDirFact;
  reason: string;
  /** other candidate dirs that also exist (saves and restores may disagree) */
  otherExisting: SaveDirFact[];
}

const SAVE_NAME = /^tmux_resurrect_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.txt$/;
const TZ_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

function normalize(p: string): string {
  let s = p.replace(/\/{2,}/g, '/');
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

/** resurrect's sed expansion of @resurrect-dir, in its order. */
function expandLikeResurrect(value: string, home: string, hostname: string): string {
  return value.split('$HOME').join(home).split('$HOSTNAME').join(hostname).split('~').join(home);
}

function tildeNote(raw: string | undefined): string {
  return nonEmpty(raw) && raw.indexOf('~', 1) !== -1
    ? '; note resurrect replaces every `~` in it with $HOME, not only a leading one'
    : '';
}

function isDirThere(d: SaveDirFact | undefined): boolean {
  if (!d?.exists) return false;
  // `[ -d ]`: a directory, or a symlink (to one, we have to assume); not a plain file.
  return !d.self || d.self.type === 'dir' || d.self.type === 'link';
}

function nonEmpty(s: string | null | undefined): s is string {
  return typeof s === 'string' && s !== '';
}

export function resolveSaveDir(facts: Facts): ResolvedSaveDir {
  const dirs: SaveDirFact[] = Array.isArray(facts.saveDirs) ? facts.saveDirs : [];
  const home = facts.host?.home ?? '';
  const server = facts.server?.answers ? facts.server : null;
  const byPath = (p: string): SaveDirFact | undefined => {
    const n = normalize(p);
    return dirs.find((d) => normalize(d.path) === n);
  };
  const finish = (path: string, dir: SaveDirFact | undefined, reason: string): ResolvedSaveDir => {
    const chosen = normalize(path);
    const seen = new Set<string>([chosen]);
    const otherExisting: SaveDirFact[] = [];
    for (const d of dirs) {
      const n = normalize(d.path);
      if (!d.exists || seen.has(n)) continue;
      seen.add(n);
      otherExisting.push(d);
    }
    return { path, dir, reason, otherExisting };
  };

  // 1. @resurrect-dir
  const optionEntry = dirs.find((d) => d.role === 'option');
  const rawOption = server?.options?.['@resurrect-dir'];
  if (optionEntry) {
    const raw = nonEmpty(rawOption) ? ` (\`${rawOption}\`)` : '';
    const reason = `@resurrect-dir is set${raw}, so resurrect saves to and restores from ${optionEntry.path}`;
    return finish(optionEntry.path, optionEntry, reason + tildeNote(rawOption));
  }
  if (nonEmpty(rawOption)) {
    const path = expandLikeResurrect(rawOption, home, facts.host?.hostname ?? '');
    return finish(
      path,
      byPath(path),
      `@resurrect-dir is set (\`${rawOption}\`), so resurrect saves to and restores from ${path}${tildeNote(rawOption)}`,
    );
  }
  const unknownOption = server
    ? ''
    : ' (no tmux server answered, so @resurrect-dir could not be read; assuming it is not set)';

  // 2. ~/.tmux/resurrect if it is a directory
  const homeEntry = dirs.find((d) => d.role === 'home') ?? byPath(`${home}/.tmux/resurrect`);
  const homePath = homeEntry?.path ?? `${home}/.tmux/resurrect`;
  if (isDirThere(homeEntry)) {
    return finish(
      homePath,
      homeEntry,
      `@resurrect-dir is not set and ${homePath} exists, so resurrect uses it (it wins over the XDG data dir)${unknownOption}`,
    );
  }

  // 3. ${XDG_DATA_HOME:-$HOME/.local/share}/tmux/resurrect, XDG_DATA_HOME as the server sees it
  const xdgEntry = dirs.find((d) => d.role === 'xdg');
  const notHome = homeEntry?.exists ? `${homePath} is not a directory` : `${homePath} does not exist`;
  let base: string;
  let baseWhy: string;
  if (server) {
    const v = server.globalEnv?.XDG_DATA_HOME;
    if (nonEmpty(v)) {
      base = v;
      baseWhy = `XDG_DATA_HOME=${v} in the tmux server's global environment`;
    } else {
      base = `${home}/.local/share`;
      baseWhy = "XDG_DATA_HOME is not set in the tmux server's global environment";
    }
  } else if (nonEmpty(facts.env?.xdgDataHome)) {
    base = facts.env.xdgDataHome;
    baseWhy = `XDG_DATA_HOME=${base} (the probe's environment; no server to ask)`;
  } else {
    base = `${home}/.local/share`;
    baseWhy = 'XDG_DATA_HOME is not set';
  }
  const xdgPath = `${base}/tmux/resurrect`;
  if (xdgEntry && normalize(xdgEntry.path) === normalize(xdgPath)) {
    return finish(
      xdgEntry.path,
      xdgEntry,
      `@resurrect-dir is not set and ${notHome}, so resurrect uses ${xdgEntry.path} (${baseWhy})${unknownOption}`,
    );
  }
  let reason = `@resurrect-dir is not set and ${notHome}, so resurrect uses ${xdgPath} (${baseWhy})${unknownOption}`;
  if (xdgEntry) {
    reason += `; the probe looked at ${xdgEntry.path}, but save.sh runs with the server's environment`;
  }
  return finish(xdgPath, byPath(xdgPath), reason);
}

/**
 * The time in a save file's name (`tmux_resurrect_20261124T114400.txt`, written with
 * `date +%Y%m%dT%H%M%S` in the saving process's local time), read as local time at
 * `tzOffset` (`date +%z`: `+0100`; `+01:00` and `Z` also accepted). Null when the name is
 * not a save file's or the date does not exist, or the offset cannot be read. The offset is
 * today's: a save made on the other side of a DST change is off by the DST difference.
 */
export function parseSaveName(name: string, tzOffset: string): Date | null {
  if (typeof name !== 'string' || typeof tzOffset !== 'string') return null;
  const offsetMinutes = parseOffset(tzOffset);
  if (offsetMinutes === null) return null;
  return saveNameTime(name, offsetMinutes);
}

/** parseSaveName with the offset already read (minutes east of UTC). */
function saveNameTime(name: string, offsetMinutes: number): Date | null {
  const m = SAVE_NAME.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null; // Feb 30
  return new Date(utc - offsetMinutes * 60_000);
}

function parseOffset(tz: string): number | null {
  const t = tz.trim();
  if (t === 'Z' || t === 'UTC') return 0;
  const m = TZ_OFFSET.exec(t);
  if (!m) return null;
  const hh = Number(m[2]);
  const mm = Number(m[3]);
  if (hh > 14 || mm > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hh * 60 + mm);
}

export interface SaveFile {
  readonly name: string;
  readonly size: number;
  readonly time: Date;
}

/**
 * saveFilesIn's answers, per listing and offset: several checks (and the report) read the
 * same dir, and a 10,000-save listing is worth building once. Keyed by the SaveDirFact; an
 * entry is used only while `files` is still the array it was built from.
 */
const saveFilesCache = new WeakMap<SaveDirFact, { files: FileEntry[]; byOffset: Map<number, readonly SaveFile[]> }>();

/**
 * Save files in a dir, oldest first. Only `tmux_resurrect_YYYYmmddTHHMMSS.txt` entries that
 * are not directories (`last`, pane_contents.tar.gz and strays are skipped).
 *
 * `tzOffset` is facts.host.tzOffset; it is a second parameter because a SaveDirFact does not
 * carry it. Without it (or when it cannot be read) the names are read as UTC.
 *
 * Built once per listing and offset and shared by every caller: the array is frozen and the
 * facts are read-only once parsed (a caller that needs its own copy slices it).
 */
export function saveFilesIn(dir: SaveDirFact, tzOffset = '+0000'): readonly SaveFile[] {
  const offset = parseOffset(typeof tzOffset === 'string' ? tzOffset : '') ?? 0;
  const files = dir?.files;
  if (!Array.isArray(files)) return Object.freeze([]);
  let cached = saveFilesCache.get(dir);
  if (!cached || cached.files !== files) {
    cached = { files, byOffset: new Map() };
    saveFilesCache.set(dir, cached);
  }
  let out = cached.byOffset.get(offset);
  if (!out) {
    out = Object.freeze(listSaveFiles(files, offset));
    cached.byOffset.set(offset, out);
  }
  return out;
}

/** Save files the probe counted in `dir` but did not list (older than every listed one); 0 when none or unknown. */
export function savesNotListed(dir: SaveDirFact | undefined): number {
  const n = dir?.savesNotListed;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 0;
}

function listSaveFiles(files: FileEntry[], offsetMinutes: number): SaveFile[] {
  const out: SaveFile[] = [];
  for (const f of files) {
    if (f.type === 'dir' || f.type === 'other') continue;
    const time = saveNameTime(f.name, offsetMinutes);
    if (time) out.push({ name: f.name, size: f.size, time });
  }
  out.sort((a, b) => a.time.getTime() - b.time.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}
