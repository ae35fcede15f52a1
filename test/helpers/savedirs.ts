// Generated resurrect save dirs for the forensics unit tests: as many saves as wanted, each
// valid/state-only/empty/…, a `last` anywhere (dangling, outside the dir), and the same view
// the probe gives (every file listed, the 20 newest by name read, `last`'s content).
import type { FileEntry, SaveDirFact } from '../../src/probe/facts.js';
import { SAVE_DIR, SAVES, TZ, UID } from './facts.js';

export const RECENT_MAX = 20;

/** `tmux_resurrect_YYYYmmddTHHMMSS.txt` for an epoch second, in local time at `tz` (`+0200`). */
export function nameAt(epoch: number, tz = TZ): string {
  const sign = tz.startsWith('-') ? -1 : 1;
  const offset = sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5)));
  const d = new Date((epoch + offset * 60) * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `tmux_resurrect_${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.txt`;
}

export type Kind = 'valid' | 'grouped' | 'state-only' | 'racing' | 'empty' | 'truncated' | 'malformed';

export const CONTENT: Record<Kind, string> = {
  valid: SAVES.healthy,
  grouped: SAVES.grouped,
  'state-only': SAVES.stateOnly,
  racing: 'state\t\t\nstate\t\t\nstate\t\t\n',
  empty: '',
  // the panes of a save whose window lines were never written
  truncated: `${SAVES.healthy
    .split('\n')
    .filter((l) => l.startsWith('pane'))
    .join('\n')}\n`,
  malformed: 'pane\tcal-dev\tx\n',
};

export interface SaveSpec {
  /** epoch seconds */
  at: number;
  kind?: Kind;
  /** explicit content (wins over kind) */
  content?: string;
  /** listed size when it differs from the content (unreadable / probe-capped files) */
  size?: number;
}

export interface DirOptions {
  path?: string;
  /**
   * where `last` points: a save's epoch (→ its name), a literal target, null for no `last`;
   * default: the newest save
   */
  last?: number | string | null;
  /** content of `last`'s target when it is not one of the saves (a file outside the dir) */
  lastContent?: string;
  /** `last` is a regular file holding this content */
  lastRegular?: string;
  tz?: string;
}

const file = (name: string, size: number): FileEntry => ({ name, mode: '-rw-r--r--', uid: UID, size, type: 'file' });

export function genSaveDir(saves: SaveSpec[], opts: DirOptions = {}): SaveDirFact {
  const tz = opts.tz ?? TZ;
  const byName = new Map<string, { content: string; size: number }>();
  for (const s of saves) {
    const content = s.content ?? CONTENT[s.kind ?? 'valid'];
    byName.set(nameAt(s.at, tz), { content, size: s.size ?? Buffer.byteLength(content) });
  }
  const names = [...byName.keys()].sort();
  const newest = names[names.length - 1];
  let target: string | undefined;
  if (opts.last === undefined) target = newest;
  else if (typeof opts.last === 'number') target = nameAt(opts.last, tz);
  else if (typeof opts.last === 'string') target = opts.last;

  const files: FileEntry[] = names.map((n) => file(n, byName.get(n)!.size));
  const dir: SaveDirFact = {
    role: 'xdg',
    path: opts.path ?? SAVE_DIR,
    exists: true,
    self: { name: 'resurrect', mode: 'drwxr-xr-x', uid: UID, size: 224, type: 'dir' },
    writable: true,
    files,
    listingTruncated: false,
    recent: names
      .slice(-RECENT_MAX)
      .reverse()
      .map((n) => {
        const s = byName.get(n)!;
        return { name: n, size: s.size, content: s.content, truncated: s.size > Buffer.byteLength(s.content) };
      }),
  };
  if (opts.lastRegular !== undefined) {
    const entry: FileEntry = { ...file('last', Buffer.byteLength(opts.lastRegular)) };
    files.unshift(entry);
    dir.last = {
      entry,
      resolves: true,
      file: { name: 'last', size: entry.size, content: opts.lastRegular, truncated: false },
    };
  } else if (target !== undefined) {
    const entry: FileEntry = {
      name: 'last',
      mode: 'lrwxr-xr-x',
      uid: UID,
      size: target.length,
      type: 'link',
      linkTarget: target,
    };
    files.unshift(entry);
    const inDir = byName.get(target);
    const content = inDir?.content ?? opts.lastContent;
    dir.last = { entry, target, resolves: content !== undefined };
    if (content !== undefined)
      dir.last.file = { name: target.split('/').pop()!, size: Buffer.byteLength(content), content, truncated: false };
  }
  return dir;
}

/** `n` saves every `step` seconds ending at `end`, kinds chosen by `kindOf(i)` (0 = oldest). */
export function series(n: number, end: number, step: number, kindOf: (i: number) => Kind): SaveSpec[] {
  return Array.from({ length: n }, (_, i) => ({ at: end - (n - 1 - i) * step, kind: kindOf(i) }));
}
