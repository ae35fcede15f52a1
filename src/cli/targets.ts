// Which targets one run covers: --vm/--host (repeatable), --local, --targets FILE; the
// Tart VM cal-dev when none is named.
import { readFile } from 'node:fs/promises';
import type { TargetSpec } from '../targets/connect.js';
import { type ParsedArgs, UsageError } from './args.js';

/**
 * A targets file: one target per line; blank lines and `#` comments are ignored.
 * `vm:NAME` (or `vm NAME`) is a Tart VM, `local` this machine, `host:SPEC`/`ssh:SPEC` or a
 * bare SPEC (`host`, `user@host:port`, an ~/.ssh/config alias) an SSH host.
 */
export function parseTargetsFile(text: string, file = 'targets file'): TargetSpec[] {
  const out: TargetSpec[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const bad = (why: string) => new UsageError(`${file}:${i + 1}: ${why}: ${JSON.stringify(raw.trim())}`);
    const m = /^(vm|host|ssh)(?::|\s+)(.*)$/.exec(line);
    if (line === 'local') out.push({ kind: 'local' });
    else if (m) {
      const value = m[2]!.trim();
      if (!value || /\s/.test(value)) throw bad(`expected one ${m[1] === 'vm' ? 'VM name' : 'host'} after "${m[1]}"`);
      out.push(m[1] === 'vm' ? { kind: 'vm', name: value } : { kind: 'ssh', host: value });
    } else if (/\s/.test(line)) throw bad('expected vm:NAME, local, or one SSH host per line');
    else out.push({ kind: 'ssh', host: line });
  });
  return out;
}

/** The targets, in order (VMs, hosts, local, then the file's), and whether to use the multi-target shapes. */
export async function targetsOf(a: ParsedArgs): Promise<{ targets: TargetSpec[]; many: boolean }> {
  const targets: TargetSpec[] = [
    ...a.vm.map((name): TargetSpec => ({ kind: 'vm', name })),
    ...a.host.map((host): TargetSpec => ({ kind: 'ssh', host })),
    ...(a.local ? [{ kind: 'local' } as const] : []),
  ];
  if (a.targetsFile !== undefined) {
    let text: string;
    try {
      text = await readFile(a.targetsFile, 'utf8');
    } catch (e) {
      throw new UsageError(
        `--targets ${a.targetsFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      );
    }
    const listed = parseTargetsFile(text, a.targetsFile);
    if (listed.length === 0) throw new UsageError(`--targets ${a.targetsFile}: the file names no target`);
    targets.push(...listed);
  }
  if (targets.length === 0) targets.push({ kind: 'vm', name: 'cal-dev' });
  for (const t of targets) {
    if ((t.kind === 'vm' && !t.name) || (t.kind === 'ssh' && !t.host))
      throw new UsageError('--vm and --host need a value');
  }
  return { targets, many: targets.length > 1 || a.targetsFile !== undefined };
}
