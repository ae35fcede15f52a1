// Reader for resurrect's pane-contents archive, `pane_contents.tar.gz` in the save dir.
//
// save.sh (cff343c), with @resurrect-capture-pane-contents on, after every save:
//   capture_pane_contents: for each pane of `list-panes -a` (grouped sessions included) that
//     shows any content (history, cursor below the first line, or more than one non-empty
//     line), `capture-pane -epJ` > save/pane_contents/pane-<session>:<window>.<pane>
//   pane_contents_create_archive: tar cf - -C <dir>/save/ ./pane_contents/ | gzip > pane_contents.tar.gz
// So the archive is rewritten by every save (also by saves that are then deleted as identical
// to `last`, and by state-only saves, which archive an empty dir); panes that showed nothing
// have no entry. restore.sh extracts it with `gzip -d | tar xf -` and pastes each file into
// the pane of the same name.
//
// tar-stream and zlib are loaded on the first archive read, not with the checks: most runs
// have no archive to read (capture off), and tar-stream's module tree costs ~20 ms to load.

interface ArchiveEntry {
  /** as stored, e.g. `./pane_contents/pane-cal-dev:0.0` */
  name: string;
  type: string;
  size: number;
  mtime?: Date;
  /** parsed from a `pane-<session>:<window>.<pane>` file name */
  pane?: { session: string; window: number; pane: number };
}

export interface PaneArchive {
  /** gzip and tar both read to their end without error */
  ok: boolean;
  /** why not: `not gzip data`, `gzip data cut off`, `tar: …` */
  error?: string;
  /** every entry read (also those before an error) */
  entries: ArchiveEntry[];
  /** `pane-…` file entries under pane_contents/ */
  panes: ArchiveEntry[];
  /** entries that are neither the pane_contents dir nor a pane file */
  strays: ArchiveEntry[];
  /** newest entry mtime: when the archive was written */
  written?: Date;
  /** bytes after gunzip */
  tarBytes: number;
}

const PANE_FILE = /^(?:\.\/)?pane_contents\/pane-(.+):(\d+)\.(\d+)$/;
const PANE_DIR = /^(?:\.\/)?pane_contents\/?$/;

export function paneKey(session: string, window: number, pane: number): string {
  return `${session}:${window}.${pane}`;
}

/**
 * Reads the archive fully in memory (the probe caps it at 8 MiB). Never throws: a corrupt or
 * cut archive comes back with ok=false, the reason, and whatever entries came before the damage.
 * `cut`: the bytes are only the archive's start (the probe's cap), so an early end is expected.
 */
export async function readPaneArchive(data: Buffer, opts: { cut?: boolean } = {}): Promise<PaneArchive> {
  const result: PaneArchive = { ok: false, entries: [], panes: [], strays: [], tarBytes: 0 };
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) {
    result.error = data.length === 0 ? 'the file is empty (0 bytes)' : 'not gzip data (no gzip magic bytes 1f 8b)';
    return result;
  }
  const { gunzipSync, constants: zlib } = await import('node:zlib');
  let tar: Buffer;
  let gzipError: string | undefined;
  try {
    tar = gunzipSync(data);
  } catch (e) {
    gzipError = (e as Error).message;
    try {
      // what can be read before the damage
      tar = gunzipSync(data, { finishFlush: zlib.Z_SYNC_FLUSH });
    } catch {
      tar = Buffer.alloc(0);
    }
  }
  result.tarBytes = tar.length;
  const tarError = await readTar(tar, result.entries);
  for (const e of result.entries) {
    const m = PANE_FILE.exec(e.name);
    if (m && e.type === 'file') {
      e.pane = { session: m[1]!, window: Number(m[2]), pane: Number(m[3]) };
      result.panes.push(e);
    } else if (!(PANE_DIR.test(e.name) && e.type === 'directory')) {
      result.strays.push(e);
    }
    if (e.mtime && (!result.written || e.mtime > result.written)) result.written = e.mtime;
  }
  if (gzipError) {
    result.error = /unexpected end/i.test(gzipError)
      ? `gzip data cut off (${gzipError})`
      : `gzip data corrupt (${gzipError})`;
    if (opts.cut && /unexpected end/i.test(gzipError))
      result.error = `only the first ${data.length} bytes were read (the probe's cap)`;
  } else if (tarError) {
    result.error = `tar: ${tarError}`;
  } else if (result.entries.length === 0) {
    result.error = 'tar: no entries (not a tar archive, or an empty one)';
  } else {
    result.ok = true;
  }
  return result;
}

async function readTar(tar: Buffer, into: ArchiveEntry[]): Promise<string | undefined> {
  if (tar.length === 0) return 'no data';
  const { extract } = await import('tar-stream');
  return new Promise((resolve) => {
    const ex = extract();
    let settled = false;
    const done = (err?: string) => {
      if (settled) return;
      settled = true;
      resolve(err);
    };
    ex.on('entry', (header, stream, next) => {
      into.push({ name: header.name, type: header.type ?? 'file', size: header.size ?? 0, mtime: header.mtime });
      stream.on('end', () => next());
      stream.on('error', (e: Error) => done(e.message));
      stream.resume();
    });
    ex.on('finish', () => done());
    ex.on('close', () => done());
    ex.on('error', (e: Error) => done(e.message));
    ex.end(tar);
  });
}
