// @@cfgtree and @@pdir.N: the files the config sources, tmux's parse of them, their plugin dirs.

import { decodeKv } from '../../remote/records.js';
import type { ConfigTreeFact, Facts } from '../facts.js';
import { pluginsFrom } from './files.js';
import { outputLines, toInt } from './values.js';

/** @@cfgtree: sourced files, formats the server expanded, its parse of the files, and @@pdir.N plugin dirs. */
export function buildCfgTree(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('cfgtree')) return;
  const kv = decodeKv(records.get('cfgtree'));
  const tree: ConfigTreeFact = { files: [], globs: {}, formats: {}, pluginDirs: [] };
  const cap = toInt(kv.get('cap')) ?? 0;
  for (let i = 0; kv.has(`f.${i}.path`); i++) {
    const path = kv.get(`f.${i}.path`)!;
    const exists = kv.get(`f.${i}.exists`) === '1';
    const raw = Buffer.from(kv.get(`f.${i}.content`) ?? '', 'utf8');
    const truncated = cap > 0 && raw.length > cap;
    if (truncated) warn(`${path} (sourced by the config) is over ${cap} bytes; only the start was read`);
    const content = (truncated ? raw.subarray(0, cap) : raw).toString('utf8');
    tree.files.push({ path, exists, content, size: raw.length, truncated });
  }
  for (let i = 0; kv.has(`fmt.${i}.in`) || kv.has(`glob.${i}.pattern`); i++) {
    if (kv.has(`fmt.${i}.in`)) tree.formats[kv.get(`fmt.${i}.in`)!] = kv.get(`fmt.${i}.out`) ?? '';
    if (kv.has(`glob.${i}.pattern`))
      tree.globs[kv.get(`glob.${i}.pattern`)!] = (kv.get(`glob.${i}.match`) ?? '').split('\n').filter(Boolean);
  }
  const rc = toInt(kv.get('parse.rc'));
  const out = kv.get('parse.out') ?? '';
  if (rc !== null && rc !== 137 && !/unknown flag -n|usage: source/.test(out))
    tree.parseErrors = outputLines(out).filter((l) => /^.+:\d+: /.test(l));
  const skipped = (kv.get('parse.skipped') ?? '').split('\n').filter(Boolean);
  if (skipped.length) warn(`not parsed by tmux (a %if there could run a command while parsing): ${skipped.join(', ')}`);
  for (let i = 0; records.has(`pdir.${i}`); i++) tree.pluginDirs.push(pluginsFrom(decodeKv(records.get(`pdir.${i}`))));
  facts.configTree = tree;
}
