// Counts the programs a script starts on the target: `strace -ff -e trace=execve` around
// `/bin/sh -s` (the script on stdin), successful execs only, the shell itself left out.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, run, SYSTEM_PATH, which } from '../harness/util.js';

export const STRACE = which('strace', SYSTEM_PATH);

export interface ExecCount {
  total: number;
  /** programs by base name, most started first */
  byProgram: Array<[string, number]>;
  /** each start's strace line (program and arguments, long ones cut by strace) */
  lines: string[];
  /** the script's exit status and output */
  code: number | null;
  stdout: string;
}

export async function countExecs(script: string, env: Record<string, string>, cwd: string): Promise<ExecCount> {
  if (!STRACE) throw new Error('countExecs: needs strace');
  const dir = makeTempDir('cal-execs-');
  try {
    // -ff: one trace file per process, so no call is split into `unfinished`/`resumed` halves
    const out = await run(
      STRACE,
      ['-ff', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-o', join(dir, 'trace'), '/bin/sh', '-s'],
      { env, cwd, input: script, timeoutMs: 60_000 },
    );
    const traces = readdirSync(dir)
      .map((name) => ({ name, pid: Number(name.slice(name.lastIndexOf('.') + 1)) }))
      .sort((a, b) => a.pid - b.pid);
    const lines = traces
      .flatMap(({ name }) =>
        readFileSync(join(dir, name), 'utf8')
          .split('\n')
          .filter((l) => /^execve\("[^"]*".* = 0$/.test(l)),
      )
      .slice(1);
    const programs = lines.map((l) => {
      const p = /^execve\("([^"]*)"/.exec(l)![1]!;
      return p.slice(p.lastIndexOf('/') + 1);
    });
    const counts = new Map<string, number>();
    for (const p of programs) counts.set(p, (counts.get(p) ?? 0) + 1);
    return {
      total: programs.length,
      byProgram: [...counts].sort((a, b) => b[1] - a[1]),
      lines,
      code: out.code,
      stdout: out.stdout,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
