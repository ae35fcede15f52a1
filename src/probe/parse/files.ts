// @@files and @@plugins: config files and dotfiles read on one head, the plugin dir; head-record helpers.

import { decodeKv, type HeadPart, splitHeads } from '../../remote/records.js';
import type { Facts, PluginEntry, PluginsFact, TextFile } from '../facts.js';
import { parseLsEntry, parseLsListing } from './ls.js';
import { toInt } from './values.js';

export function textFile(
  path: string,
  exists: boolean,
  raw: Buffer | undefined,
  cap: number,
  size: number | undefined,
): TextFile {
  if (!raw) return { path, exists, content: '', size: size ?? 0, truncated: false };
  const truncated = cap > 0 && raw.length > cap;
  const bytes = truncated ? raw.subarray(0, cap) : raw;
  return {
    path,
    exists,
    content: bytes.toString('utf8'),
    // untruncated, the bytes read are the file; cut, ls's size is the better figure
    size: truncated ? Math.max(size ?? 0, raw.length) : raw.length,
    truncated,
  };
}

/** A file of a head record: its path and the bytes head prints of it (cap + 1 at most) when its size is known. */
export function headPart(path: string, size: number | undefined, cap: number): HeadPart {
  return { path, size: size === undefined || cap <= 0 ? size : Math.min(size, cap + 1) };
}

export function buildFiles(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('files')) {
    warn('probe output has no files record: config files and dotfiles not read');
    return;
  }
  const kv = decodeKv(records.get('files'));
  const cap = toInt(kv.get('cap')) ?? 0;
  const sizes = new Map<string, number>();
  for (const e of parseLsListing(kv.get('ls'), { keepDots: true })) sizes.set(e.name, e.size);
  // the regular, readable files came on one head, in their order
  const read: number[] = [];
  for (let i = 0; kv.has(`file.${i}.path`); i++)
    if (['exists', 'regular', 'readable'].every((f) => kv.get(`file.${i}.${f}`) === '1')) read.push(i);
  const bodies = splitHeads(
    records.get('files.data') ?? Buffer.alloc(0),
    read.map((i) => headPart(kv.get(`file.${i}.path`)!, sizes.get(kv.get(`file.${i}.path`)!), cap)),
  );
  for (let i = 0; kv.has(`file.${i}.path`); i++) {
    const path = kv.get(`file.${i}.path`)!;
    const exists = kv.get(`file.${i}.exists`) === '1';
    const regular = kv.get(`file.${i}.regular`) === '1';
    const readable = kv.get(`file.${i}.readable`) === '1';
    const at = read.indexOf(i);
    const raw = at === -1 ? undefined : bodies[at];
    if (exists && !regular) warn(`${path} exists but is not a regular file`);
    else if (exists && !readable) warn(`${path} exists but cannot be read`);
    else if (exists && !raw) warn(`the content of ${path} is missing from the probe output`);
    const tf = textFile(path, exists, exists && regular ? raw : undefined, cap, sizes.get(path));
    if (tf.truncated) warn(`${path} is ${tf.size} bytes; only the first ${cap} were read`);
    if (kv.get(`file.${i}.kind`) === 'cfg') facts.configs.push(tf);
    else facts.dotfiles.push(tf);
  }
}

const REV = /^[0-9a-f]{7,64}$/i;

export function buildPlugins(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('plugins')) {
    warn('probe output has no plugins record: plugins not examined');
    return;
  }
  facts.plugins = pluginsFrom(decodeKv(records.get('plugins')));
}

export function pluginsFrom(kv: Map<string, string>): PluginsFact {
  const revs = new Map<string, string>();
  for (let i = 0; kv.has(`plugin.${i}.name`); i++) {
    const rev = (kv.get(`plugin.${i}.rev`) ?? '').trim();
    if (REV.test(rev)) revs.set(kv.get(`plugin.${i}.name`)!, rev);
  }
  const entries: PluginEntry[] = parseLsListing(kv.get('ls')).map((e) => {
    const rev = revs.get(e.name);
    return rev !== undefined ? { ...e, revision: rev } : e;
  });
  const plugins: PluginsFact = {
    dir: kv.get('dir') ?? '',
    exists: kv.get('exists') === '1',
    entries,
    resurrectScripts: parseLsListing(kv.get('resurrect.ls')),
    continuumScripts: parseLsListing(kv.get('continuum.ls')),
  };
  const tpm = parseLsEntry(kv.get('tpm.ls'));
  if (tpm) plugins.tpmScript = { ...tpm, name: 'tpm' };
  return plugins;
}
