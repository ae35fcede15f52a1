// @@save.N and @@saved: resurrect's save dirs (listing, `last`, newest saves, pane archive), `last`'s pane dirs.

import { decodeKv, splitHeads } from '../../remote/records.js';
import type { Facts, FileEntry, SaveDirFact, SaveFileContent } from '../facts.js';
import { headPart, textFile } from './files.js';
import { parseLsEntry, parseLsListing } from './ls.js';
import { toInt } from './values.js';

export function buildSaves(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('saves')) {
    warn('probe output has no saves record: resurrect save dirs may be incomplete');
  }
  for (let i = 0; records.has(`save.${i}`); i++) {
    const kv = decodeKv(records.get(`save.${i}`));
    const role = kv.get('role');
    if (role !== 'option' && role !== 'home' && role !== 'xdg') continue;
    const path = kv.get('path') ?? '';
    const dir: SaveDirFact = {
      role,
      path,
      exists: kv.get('exists') === '1',
      writable: kv.get('writable') === '1',
      files: [],
      listingTruncated: false,
      recent: [],
    };
    const self = parseLsEntry(kv.get('self'));
    if (self) dir.self = self;
    if (kv.get('notdir') === '1') warn(`resurrect dir ${path} exists but is not a directory`);
    if (dir.exists) {
      const lscap = toInt(kv.get('lscap')) ?? 0;
      const rkv = decodeKv(records.get(`save.${i}.recent`));
      const rcap = toInt(rkv.get('cap')) ?? 0;
      const recentNames: string[] = [];
      for (let j = 0; rkv.has(String(j)); j++) recentNames.push(rkv.get(String(j))!);
      // one head record: `last`, the archive, the newest saves (each when read), then the
      // listing, whose sizes check where the files before it end: split once without them,
      // then with them
      const data = records.get(`save.${i}.data`);
      if (!data) warn(`the listing of ${path} is missing from the probe output`);
      const lastRead = kv.get('last.regular') === '1' && kv.get('last.readable') === '1';
      const archiveRead = kv.get('archive.regular') === '1' && kv.get('archive.readable') === '1';
      // the size of the file `last` reads: ls -L's (a target elsewhere), `last`'s own (a
      // file), else its target's line in the listing
      const lastTarget = kv.get('last.islink') === '1' ? (kv.get('last.target') ?? '') : undefined;
      const lastSize = (sizes: Map<string, number>): number | undefined =>
        parseLsEntry(kv.get('last.lsL'))?.size ??
        (lastTarget === undefined ? parseLsEntry(kv.get('last.ls'))?.size : sizes.get(lastTarget));
      const split = (sizes: Map<string, number>): Array<Buffer | undefined> =>
        splitHeads(data ?? Buffer.alloc(0), [
          ...(lastRead ? [headPart('./last', lastSize(sizes), toInt(kv.get('last.cap')) ?? 0)] : []),
          ...(archiveRead ? [headPart(`./${ARCHIVE}`, sizes.get(ARCHIVE), toInt(kv.get('archive.cap')) ?? 0)] : []),
          ...recentNames.map((n) => headPart(`./${n}`, sizes.get(n), rcap)),
          { path: '.' },
        ]);
      // entries come as `./NAME` (a name cannot hold a `/`), bare when the dir could not be entered
      const listingOf = (parts: Array<Buffer | undefined>): FileEntry[] =>
        parseLsListing(parts.at(-1)?.toString('utf8')).map((e) =>
          e.name.startsWith('./') ? { ...e, name: e.name.slice(2) } : e,
        );
      let parts = split(new Map());
      parts = split(new Map(listingOf(parts).map((f) => [f.name, f.size] as const)));
      if (data && !parts.at(-1)) warn(`the listing of ${path} is missing from the probe output`);
      let files = listingOf(parts);
      const bodies = parts.slice(0, -1);
      const lastRaw = lastRead ? bodies.shift() : undefined;
      const archiveRaw = archiveRead ? bodies.shift() : undefined;
      if (lscap > 0 && files.length > lscap) {
        files = files.slice(0, lscap);
        dir.listingTruncated = true;
        warn(`${path} has more than ${lscap} entries; the listing was cut`);
      }
      dir.files = files;
      // the newest saves are listed, older ones only counted
      const listing = decodeKv(records.get(`save.${i}.listing`));
      const total = toInt(listing.get('total'));
      const listed = toInt(listing.get('listed'));
      if (total !== null && listed !== null) dir.savesNotListed = Math.max(0, total - listed);
      const bySize = new Map(files.map((f) => [f.name, f.size] as const));

      if (kv.get('last.exists') === '1') {
        const target = kv.get('last.islink') === '1' ? (kv.get('last.target') ?? '') : undefined;
        const entry = parseLsEntry(kv.get('last.ls'), target) ?? {
          name: 'last',
          mode: '',
          uid: -1,
          size: 0,
          type: target !== undefined ? 'link' : 'other',
        };
        entry.name = 'last';
        if (target !== undefined) entry.linkTarget = target;
        const last: NonNullable<SaveDirFact['last']> = { entry, resolves: kv.get('last.resolves') === '1' };
        if (target !== undefined) last.target = target;
        if (kv.get('last.regular') === '1') {
          const cap = toInt(kv.get('last.cap')) ?? 0;
          const realSize = lastSize(bySize);
          const raw = lastRaw;
          const name = target !== undefined ? target.split('/').pop() || target : 'last';
          if (kv.get('last.readable') !== '1') warn(`${path}/last cannot be read`);
          else if (!raw) warn(`the content of ${path}/last is missing from the probe output`);
          if (raw) {
            const tf = textFile(name, true, raw, cap, realSize);
            last.file = { name, size: tf.size, content: tf.content, truncated: tf.truncated };
            if (tf.truncated) warn(`${path}/last is ${tf.size} bytes; only the first ${cap} were read`);
          }
        }
        dir.last = last;
      }

      if (kv.get('archive.exists') === '1') {
        const archive = buildArchive(kv, archiveRaw, files, path, warn);
        if (archive) dir.paneArchive = archive;
      }

      const recent: SaveFileContent[] = [];
      for (const [j, name] of recentNames.entries()) {
        const raw = bodies[j];
        if (!raw) {
          warn(`could not read save file ${path}/${name}`);
          recent.push({ name, size: bySize.get(name) ?? 0, content: '', truncated: false });
          continue;
        }
        const tf = textFile(name, true, raw, rcap, bySize.get(name));
        recent.push({ name, size: tf.size, content: tf.content, truncated: tf.truncated });
      }
      recent.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      dir.recent = recent;
    }
    facts.saveDirs.push(dir);
  }
}

const ARCHIVE = 'pane_contents.tar.gz';

/**
 * `pane_contents.tar.gz` of a save dir: its entry (from the dir's listing) and its bytes,
 * cut at the probe's cap. Not a regular file: the entry with no bytes. A file whose bytes
 * did not arrive (unreadable, output lost): undefined, with a warning; the listing still
 * shows it, and empty data would read as a corrupt archive.
 */
function buildArchive(
  kv: Map<string, string>,
  raw: Buffer | undefined,
  files: FileEntry[],
  dir: string,
  warn: (w: string) => void,
): SaveDirFact['paneArchive'] {
  const where = `${dir}/${ARCHIVE}`;
  const regular = kv.get('archive.regular') === '1';
  // the listing is cut after CAL_CAP_LSLINES entries (newest first): it may lack the entry
  const listed = files.find((f) => f.name === ARCHIVE);
  const entry: FileEntry = listed
    ? { ...listed }
    : { name: ARCHIVE, mode: '', uid: -1, size: raw?.length ?? 0, type: regular ? 'file' : 'other' };
  if (!regular) {
    warn(`${where} exists but is not a regular file`);
    return { entry, data: Buffer.alloc(0), truncated: false };
  }
  if (kv.get('archive.readable') !== '1') {
    warn(`${where} cannot be read`);
    return undefined;
  }
  if (!raw) {
    warn(`the content of ${where} is missing from the probe output`);
    return undefined;
  }
  const cap = toInt(kv.get('archive.cap')) ?? 0;
  const truncated = cap > 0 && raw.length > cap;
  if (truncated) warn(`${where} is ${Math.max(entry.size, raw.length)} bytes; only the first ${cap} were read`);
  return { entry, data: truncated ? raw.subarray(0, cap) : raw, truncated };
}

/** `last`'s pane dirs, checked on the target (@@saved). */
export function buildSavedDirs(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('saved')) {
    warn('probe output has no saved record: the pane dirs of `last` were not checked');
    return;
  }
  const kv = decodeKv(records.get('saved'));
  const dirs: Facts['savedDirs'] = [];
  for (let i = 0; kv.has(`dir.${i}`); i++) {
    dirs.push({
      dir: kv.get(`dir.${i}`)!,
      exists: kv.get(`dir.${i}.exists`) === '1',
      sessionVim: kv.get(`dir.${i}.vim`) === '1',
    });
  }
  if (kv.get('more') === '1') {
    warn(
      `\`last\` in ${kv.get('dir') ?? '?'} names more than ${dirs.length} pane dirs; only the first ${dirs.length} were checked`,
    );
  }
  facts.savedDirs = dirs;
}
