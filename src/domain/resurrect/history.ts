// The history of a save dir: every `tmux_resurrect_*.txt`, its time (from the name), size and
// classification, where `last` points, the newest save restore could use, and the run of bad
// saves after it. Pure: built from one SaveDirFact, never touches the target.
//
// What the facts let us read: the probe sends the content of the 20 newest saves (by name) and
// of the file `last` resolves to; older saves are only listed, and beyond the newest 500 (and
// `last`'s target) only counted (SaveDirFact.savesNotListed): they are not in `entries`. Those are classified by size
// when that is conclusive (0 bytes = empty) and otherwise stay `unread`. A save bigger than
// the probe's cap is read only in part: a part with pane lines counts as valid (unverified).
//
// Retention (save.sh `remove_old_backups`): `ls -t tmux_resurrect_*.txt | tail -n +6`, each
// of those deleted by `find -mtime +DAYS` (DAYS = @resurrect-delete-backup-after, default 30).
// `last` is not in that glob: the save it points to is deleted like any other. resurrect
// orders by mtime; we order by the time in the name, which is the same for files resurrect
// wrote and nobody touched since.

import type { SaveDirFact } from '../../probe/facts.js';
import { parseSaveName, saveFilesIn, savesNotListed } from './savedir.js';
import { type ParsedSave, parseSave, type SaveClass } from './savefile.js';

type HistoryClass = SaveClass | 'unread';

export interface HistoryEntry {
  name: string;
  time: Date;
  /** the name's local time as written: `2025-06-02 11:25:00` */
  stamp: string;
  size: number;
  classification: HistoryClass;
  /**
   * content: parsed in full; partial: only the probe's first bytes were read; size: judged by
   * its size alone (0 bytes); none: not read (older than the newest the probe reads)
   */
  basis: 'content' | 'partial' | 'size' | 'none';
  /** the parse, when the content was read */
  parsed?: ParsedSave;
  /** `last` points to this file */
  isLast: boolean;
}

type LastState =
  /** no `last` at all */
  | 'missing'
  /** a symlink to a save in the dir that exists */
  | 'ok'
  /** a symlink to a file that does not exist */
  | 'dangling'
  /** a symlink that resolves, but to a file outside the save dir */
  | 'outside'
  /** a regular file (or something else), not resurrect's symlink */
  | 'not-link';

interface LastInfo {
  state: LastState;
  /** the link target as stored */
  target?: string;
  /** the history entry it points to, when it points into the dir and the file is listed */
  entry?: HistoryEntry;
  /** its classification (from the entry, or from the content the probe read through the link) */
  classification?: HistoryClass;
  parsed?: ParsedSave;
  /** the time in the target's name, when it has one (also for a dangling link: when the race happened) */
  time?: Date;
}

export interface SaveHistory {
  dir: SaveDirFact;
  /** oldest first */
  entries: HistoryEntry[];
  last: LastInfo;
  /** `last` restores something: it resolves to a save with panes */
  lastUsable: boolean;
  /** the newest save with panes (verified by content, or `unread` and big enough to be one) */
  newestValid?: HistoryEntry;
  /** false when newestValid was not read, only judged by size */
  newestValidVerified: boolean;
  /** saves newer than newestValid (all saves when there is none), oldest first; none of them valid */
  invalidAfter: HistoryEntry[];
  /** how many saves were only listed, not read */
  unread: number;
  /** saves the probe counted but did not list (older than every entry): not in `entries` */
  notListed: number;
  /** the listing was cut by the probe: more saves exist than were seen */
  listingTruncated: boolean;
  retention: Retention;
}

interface Retention {
  keepNewest: number;
  days: number;
  /** newestValid's rank among all saves, newest = 1 */
  rank?: number;
  /** newestValid is no longer among the `keepNewest` newest: a save deletes it once it is older than `days` */
  atRisk: boolean;
  /** when it becomes old enough to be deleted by the next save */
  dueBy?: Date;
  /** dueBy has passed: the very next save deletes it */
  overdue: boolean;
}

export const KEEP_NEWEST = 5;
const DEFAULT_DELETE_AFTER_DAYS = 30;
/**
 * An unread save at least this big is taken for one with panes (unverified): one pane line
 * alone is longer; a state-only file is 8 bytes per racing save.
 */
const PLAUSIBLE_SAVE_BYTES = 64;

const STAMP = /^tmux_resurrect_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.txt$/;

export function stampOf(name: string): string {
  const m = STAMP.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : name;
}

/** A parse of content the probe capped: pane lines and no problem other than the cut → valid, unverified. */
function classifyPartial(p: ParsedSave): HistoryClass {
  if (p.counts.panes === 0) return p.classification === 'truncated' ? 'unread' : p.classification;
  const onlyCut = p.problems.every((x) => /size cap|no window line for it follows/.test(x.reason));
  return onlyCut ? 'valid' : p.classification;
}

function classify(
  content: string,
  size: number,
  truncated: boolean,
): Pick<HistoryEntry, 'classification' | 'basis' | 'parsed'> {
  if (content === '' && size > 0) return { classification: 'unread', basis: 'none' };
  const parsed = parseSave(content, { truncated });
  if (truncated) return { classification: classifyPartial(parsed), basis: 'partial', parsed };
  return { classification: parsed.classification, basis: 'content', parsed };
}

/** The target of `last` as a name in the dir, when it points into it. */
function nameInDir(target: string, dirPath: string): string | undefined {
  let t = target;
  const dir = dirPath.replace(/\/+$/, '');
  if (t.startsWith(`${dir}/`)) t = t.slice(dir.length + 1);
  while (t.startsWith('./')) t = t.slice(2);
  return t !== '' && !t.includes('/') ? t : undefined;
}

export function saveHistory(
  dir: SaveDirFact,
  opts: { tzOffset: string; now: number; deleteAfterDays?: number },
): SaveHistory {
  const tz = opts.tzOffset;
  const recent = new Map((dir.recent ?? []).map((r) => [r.name, r] as const));
  const lastFact = dir.last;
  const lastName = lastFact?.target !== undefined ? nameInDir(lastFact.target, dir.path) : undefined;

  const entries: HistoryEntry[] = saveFilesIn(dir, tz).map((f) => {
    const base = {
      name: f.name,
      time: f.time,
      stamp: stampOf(f.name),
      size: f.size,
      isLast: lastName === f.name && lastFact?.entry.type === 'link',
    };
    const rc = recent.get(f.name);
    if (rc) return { ...base, size: rc.size || f.size, ...classify(rc.content, rc.size || f.size, rc.truncated) };
    if (base.isLast && lastFact?.file) {
      const lf = lastFact.file;
      return { ...base, ...classify(lf.content, lf.size, lf.truncated) };
    }
    if (f.size === 0) return { ...base, classification: 'empty' as const, basis: 'size' as const };
    return { ...base, classification: 'unread' as const, basis: 'none' as const };
  });

  // where `last` points
  const last: LastInfo = { state: 'missing' };
  if (lastFact) {
    last.target = lastFact.target;
    const t = lastFact.target !== undefined ? parseSaveName(lastFact.target.split('/').pop() ?? '', tz) : null;
    if (t) last.time = t;
    if (lastFact.entry.type !== 'link') {
      last.state = 'not-link';
      if (lastFact.file) {
        last.parsed = parseSave(lastFact.file.content, { truncated: lastFact.file.truncated });
        last.classification = lastFact.file.truncated ? classifyPartial(last.parsed) : last.parsed.classification;
      }
    } else if (!lastFact.resolves) {
      last.state = 'dangling';
    } else {
      last.entry = lastName !== undefined ? entries.find((e) => e.name === lastName) : undefined;
      last.state = lastName !== undefined ? 'ok' : 'outside';
      if (last.entry && last.entry.classification !== 'unread') {
        last.classification = last.entry.classification;
        last.parsed = last.entry.parsed;
      } else if (lastFact.file) {
        last.parsed = parseSave(lastFact.file.content, { truncated: lastFact.file.truncated });
        last.classification = lastFact.file.truncated ? classifyPartial(last.parsed) : last.parsed.classification;
      } else {
        last.classification = 'unread';
      }
    }
  }
  const lastUsable =
    (last.state === 'ok' || last.state === 'outside' || last.state === 'not-link') && last.classification === 'valid';

  // the newest save with panes
  let newestValid: HistoryEntry | undefined;
  let newestValidVerified = false;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.classification === 'valid') {
      newestValid = e;
      newestValidVerified = e.basis === 'content';
      break;
    }
    if (e.classification === 'unread' && e.size >= PLAUSIBLE_SAVE_BYTES) {
      newestValid = e;
      newestValidVerified = false;
      break;
    }
  }
  const invalidAfter = newestValid ? entries.filter((e) => e.time > newestValid!.time) : entries.slice();

  const days =
    opts.deleteAfterDays !== undefined && Number.isFinite(opts.deleteAfterDays) && opts.deleteAfterDays >= 0
      ? opts.deleteAfterDays
      : DEFAULT_DELETE_AFTER_DAYS;
  const retention: Retention = { keepNewest: KEEP_NEWEST, days, atRisk: false, overdue: false };
  if (newestValid) {
    const rank = entries.length - entries.indexOf(newestValid);
    retention.rank = rank;
    if (rank > KEEP_NEWEST) {
      retention.atRisk = true;
      retention.dueBy = new Date(newestValid.time.getTime() + days * 86_400_000);
      retention.overdue = retention.dueBy.getTime() <= opts.now * 1000;
    }
  }

  return {
    dir,
    entries,
    last,
    lastUsable,
    newestValid,
    newestValidVerified,
    invalidAfter,
    unread: entries.filter((e) => e.basis === 'none').length,
    notListed: savesNotListed(dir),
    listingTruncated: dir.listingTruncated,
    retention,
  };
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function sizeText(n: number): string {
  if (n < 10_000) return `${n} B`;
  if (n < 10_000_000) return `${Math.round(n / 1024)} KiB`;
  return `${Math.round(n / 1048576)} MiB`;
}

/** One entry's verdict in a few words: `valid: 1 session, 3 windows, 6 panes`, `state-only (3 state lines: racing saves)`. */
export function entryVerdict(e: Pick<HistoryEntry, 'classification' | 'basis' | 'parsed' | 'size'>): string {
  const p = e.parsed;
  switch (e.classification) {
    case 'valid': {
      const c = p
        ? `${plural(p.counts.sessions, 'session')}, ${plural(p.counts.windows, 'window')}, ${plural(p.counts.panes, 'pane')}`
        : '';
      const part = e.basis === 'partial' ? ' (only the start was read)' : '';
      return `valid${c ? `: ${c}` : ''}${part}${p && p.counts.stateLines > 1 ? `, ${p.counts.stateLines} state lines: saves raced into this file` : ''}`;
    }
    case 'state-only':
      return p && p.counts.stateLines > 1
        ? `state-only (${p.counts.stateLines} state lines: ${p.counts.stateLines} saves of a server with no sessions raced into this file)`
        : 'state-only (a save of a server with no sessions)';
    case 'empty':
      return e.basis === 'size' ? 'empty (0 bytes; judged by size)' : 'empty (0 bytes)';
    case 'malformed':
    case 'truncated': {
      const first = p?.problems[0];
      return `${e.classification}${first ? `: line ${first.line}: ${first.reason}` : ''}`;
    }
    case 'unread':
      return e.size >= PLAUSIBLE_SAVE_BYTES ? 'not read (big enough to hold panes)' : 'not read';
  }
}

const CLASS_ORDER: HistoryClass[] = ['valid', 'state-only', 'empty', 'truncated', 'malformed', 'unread'];

/** `12 valid, 3 state-only, 280 not read` */
function countByClass(es: HistoryEntry[]): string {
  return CLASS_ORDER.map((c) => [c, es.filter((e) => e.classification === c).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${c === 'unread' ? 'not read' : c}`)
    .join(', ');
}

function entryLine(e: HistoryEntry, lastName: string | undefined): string {
  const mark = e.name === lastName ? '  ← last' : '';
  return `${e.stamp}  ${e.name}  ${sizeText(e.size)}  ${entryVerdict(e)}${mark}`;
}

/**
 * The timeline a user can paste into a bug: saves before the newest valid one summarised in
 * one line, then the newest valid save and every save after it (the middle of a very long bad
 * run summarised), and where `last` points.
 */
export function timeline(h: SaveHistory, opts: { maxLines?: number } = {}): string[] {
  const max = Math.max(6, opts.maxLines ?? 24);
  const lastName = h.last.entry?.name;
  const out: string[] = [];
  const start = h.newestValid ? h.entries.indexOf(h.newestValid) : 0;
  const before = h.entries.slice(0, start);
  if (h.notListed > 0) {
    const first = h.entries[0];
    out.push(
      `${first ? `before ${first.stamp}: ` : ''}${plural(h.notListed, 'older save')} (counted, not listed or read)`,
    );
  }
  if (before.length) {
    out.push(
      `${before[0]!.stamp} … ${before[before.length - 1]!.stamp}  ${plural(before.length, 'older save')} (${countByClass(before)})`,
    );
  }
  const shown = h.entries.slice(start);
  if (shown.length <= max) {
    for (const e of shown) out.push(entryLine(e, lastName));
  } else {
    const head = shown.slice(0, Math.ceil(max / 2));
    const tail = shown.slice(shown.length - Math.floor(max / 2));
    const middle = shown.slice(head.length, shown.length - tail.length);
    for (const e of head) out.push(entryLine(e, lastName));
    out.push(
      `… ${plural(middle.length, 'more save')} ${middle[0]!.stamp} … ${middle[middle.length - 1]!.stamp} (${countByClass(middle)})`,
    );
    for (const e of tail) out.push(entryLine(e, lastName));
  }
  const l = h.last;
  switch (l.state) {
    case 'missing':
      out.push('last: missing');
      break;
    case 'dangling':
      out.push(
        `last → ${l.target ?? '?'}: does not exist (dangling)${l.time ? `; that name is from ${stampOf(l.target!.split('/').pop()!)}` : ''}`,
      );
      break;
    case 'outside':
      out.push(
        `last → ${l.target ?? '?'}: outside the save dir (not resurrect's doing), ${l.classification ?? 'not read'}`,
      );
      break;
    case 'not-link':
      out.push(`last: a regular file, not resurrect's symlink (${l.classification ?? 'not read'})`);
      break;
    case 'ok':
      if (!l.entry) out.push(`last → ${l.target ?? '?'} (not in the listing)`);
      break;
  }
  return out;
}
