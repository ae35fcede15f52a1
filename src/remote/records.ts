// The one reader of what every target-side script prints (lib.sh writes it): records
// `@@<key>\n<base64 of value>\n`, the base64 wrapped at 76 columns (GNU, FreeBSD) or not
// (macOS). A kv value is NUL-ended `name=value` items; any other value is bytes as they
// are. A `kvs` record carries several kv records (one base64 on the target for them all).
// `@@end` closes a script's output. Total: garbage, CRs and cut-off output give
// records and warnings, never a throw.

export interface ScannedOutput {
  /** every record, in order, repeated keys included */
  list: Array<{ key: string; value: Buffer }>;
  /** an `@@end` record was seen */
  ended: boolean;
  /** lines outside any record */
  garbage: number;
  /** lines inside a record that were not base64 (left out) */
  badBase64: number;
}

const B64_LINE = /^[A-Za-z0-9+/=]*$/;
/** A record's whole block when every line is base64 (no CR): decoded in one call. */
const B64_BLOCK = /^[A-Za-z0-9+/=\n]*$/;

export function scanOutput(out: Buffer | string): ScannedOutput {
  const list: ScannedOutput['list'] = [];
  let ended = false;
  // The framing is pure ASCII; latin1 maps bytes 1:1, so no garbage byte can merge
  // with a newline or an `@` during decoding.
  const text = typeof out === 'string' ? out : out.toString('latin1');
  let garbage = 0;
  let badBase64 = 0;
  // A record starts at a line that starts with `@@`; no base64 line does. Its block runs to
  // the next such line. Buffer.from skips the line breaks, so a clean block (wrapped or
  // not) is decoded at once; a block with anything else in it is read line by line, its
  // bad lines counted and left out.
  /** where the next record's `@@` line starts, -1 when there is none */
  const recordAfter = (from: number): number => {
    const i = text.indexOf('\n@@', from);
    return i === -1 ? -1 : i + 1;
  };
  let start = text.startsWith('@@') ? 0 : recordAfter(0);
  const preamble = start === -1 ? text : text.slice(0, start);
  for (const line of preamble.split('\n')) if (line.replace(/\r$/, '') !== '') garbage++;
  while (start !== -1) {
    let eol = text.indexOf('\n', start);
    if (eol === -1) eol = text.length;
    const key = text.slice(start + 2, eol).replace(/\r$/, '');
    if (key === 'end') ended = true;
    start = eol < text.length ? recordAfter(eol) : -1;
    // the lines between the key and the next record (without the newline before it)
    const block = eol < text.length ? text.slice(eol + 1, start === -1 ? text.length : start - 1) : '';
    let value: Buffer;
    if (B64_BLOCK.test(block)) value = Buffer.from(block, 'base64');
    else {
      const chunks: string[] = [];
      for (const raw of block.split('\n')) {
        const line = raw.replace(/\r$/, '');
        if (B64_LINE.test(line)) chunks.push(line);
        else badBase64++;
      }
      value = Buffer.from(chunks.join(''), 'base64');
    }
    if (key === 'kvs') list.push(...unbatch(value));
    else list.push({ key, value });
  }
  return { list, ended, garbage, badBase64 };
}

/**
 * The kv records of a `kvs` batch (lib.sh's cal_flush): per record its key and items, each
 * NUL-ended, then an empty item. A cut-off batch keeps the items that were whole.
 */
function unbatch(buf: Buffer): ScannedOutput['list'] {
  const list: ScannedOutput['list'] = [];
  let key: string | undefined;
  let items: Buffer[] = [];
  let at = 0;
  for (let nul = buf.indexOf(0, at); nul !== -1; nul = buf.indexOf(0, at)) {
    const item = buf.subarray(at, nul + 1);
    at = nul + 1;
    if (key === undefined) key = item.subarray(0, -1).toString('latin1');
    else if (item.length > 1) items.push(item);
    else {
      list.push({ key, value: Buffer.concat(items) });
      key = undefined;
      items = [];
    }
  }
  if (key !== undefined) list.push({ key, value: Buffer.concat(items) });
  return list;
}

export interface OutputRecords {
  /** value bytes by key; a repeated key keeps the last value */
  records: Map<string, Buffer>;
  /** an `@@end` record was seen */
  ended: boolean;
  warnings: string[];
}

/** The records by key (the last of a repeated key wins), with a warning per oddity. */
export function splitRecords(out: Buffer | string): OutputRecords {
  const { list, ended, garbage, badBase64 } = scanOutput(out);
  const warnings: string[] = [];
  const records = new Map<string, Buffer>();
  for (const { key, value } of list) {
    if (records.has(key)) warnings.push(`probe output repeats record ${key}; the last one is used`);
    records.set(key, value);
  }
  if (garbage > 0) warnings.push(`ignored ${garbage} line(s) of probe output outside any record`);
  if (badBase64 > 0) warnings.push(`ignored ${badBase64} line(s) of probe output that were not base64`);
  return { records, ended, warnings };
}

/** True when the output carries the closing `@@end` record (the script ran to its end). */
export function outputComplete(out: Buffer | string): boolean {
  const text = typeof out === 'string' ? out : out.toString('latin1');
  return /(^|\n)@@end\r?\n/.test(text) || /(^|\n)@@end\r?$/.test(text);
}

/** Decodes a kv record: NUL-ended `name=value` items. */
export function decodeKv(buf: Buffer | undefined): Map<string, string> {
  const kv = new Map<string, string>();
  if (!buf) return kv;
  for (const item of buf.toString('utf8').split('\0')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    kv.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return kv;
}

/** One file of a `head` record: the path head was given, and its size when known. */
export interface HeadPart {
  path: string;
  /** the bytes head should have printed (the file's size, at most the cap + 1) */
  size?: number | undefined;
}

const MARK = Buffer.from('==> ');

/**
 * The files of a record in the format `head -c N FILE…` prints (probe.sh's cal_heads): each
 * file's bytes after a line `==> FILE <==`, that line after an empty one except for the
 * first file of a head call; no line for a file head cannot open. Several head calls may
 * follow each other. Parts are taken in order. A part whose size is known ends exactly
 * there when a later part's header (or the end) follows; else (the file changed since it
 * was sized, or no size) at the first later part's header, whose empty line is then taken
 * as the header's. Parts not found are undefined.
 */
export function splitHeads(buf: Buffer, parts: HeadPart[]): Array<Buffer | undefined> {
  const headers = parts.map((p) => Buffer.from(`==> ${p.path} <==\n`, 'utf8'));
  const out: Array<Buffer | undefined> = parts.map(() => undefined);
  /** the length of part k's header at `at` (with its empty line), 0 when it is not there */
  const headerAt = (k: number, at: number): number => {
    const h = headers[k]!;
    if (buf[at] === 0x0a && buf.subarray(at + 1, at + 1 + h.length).equals(h)) return h.length + 1;
    return buf.subarray(at, at + h.length).equals(h) ? h.length : 0;
  };
  /** where the first header of a part after j starts, from `from` on (one scan for `==> `); the end when none */
  const nextHeader = (j: number, from: number): number => {
    for (let x = buf.indexOf(MARK, from); x !== -1; x = buf.indexOf(MARK, x + 1)) {
      // a header starts a line: right at `from` (an empty part), or after a newline
      if (x !== from && buf[x - 1] !== 0x0a) continue;
      for (let k = j + 1; k < parts.length; k++) if (headerAt(k, x) > 0) return x > from ? x - 1 : x;
    }
    return buf.length;
  };
  let pos = 0;
  for (let i = 0; i < parts.length && pos < buf.length; ) {
    let j = i;
    let len = 0;
    for (; j < parts.length; j++) {
      len = headerAt(j, pos);
      if (len > 0) break;
    }
    if (j === parts.length) break;
    const start = pos + len;
    const size = parts[j]!.size;
    let end = -1;
    if (size !== undefined && size >= 0 && start + size <= buf.length) {
      const e = start + size;
      if (e === buf.length) end = e;
      for (let k = j + 1; end === -1 && k < parts.length; k++) if (headerAt(k, e) > 0) end = e;
    }
    if (end === -1) end = nextHeader(j, start);
    out[j] = buf.subarray(start, end);
    pos = end;
    i = j + 1;
  }
  return out;
}
