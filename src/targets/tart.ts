// `--vm NAME`: ask the host's `tart` where the VM is before connecting. tart is the only
// host-side program the doctor runs; every way it can fail is a clear could-not-run.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { onShutdown } from '../common/lifecycle.js';
import { TargetError } from './target.js';

/** Host-side facts about the Tart VM, gathered before connecting (only with --vm). */
export interface TartFact {
  vm: string;
  tartPath: string;
  state: string;
  ip: string;
}

interface TartListEntry {
  Name?: string;
  State?: string;
  Running?: boolean;
}

function tart(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let release = () => {};
    const child = execFile('tart', args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      release();
      if (!err) return resolve(stdout);
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT')
        reject(
          new TargetError(
            'tart not found on PATH',
            'install Tart (brew install cirruslabs/cli/tart), or use --host IP / --local',
          ),
        );
      else if (e.killed)
        reject(
          new TargetError(`\`tart ${args.join(' ')}\` did not answer within ${timeoutMs / 1000} s`, undefined, true),
        );
      // `tart ip` exits 1 while a booting VM has no address yet (2: no such VM)
      else
        reject(
          new TargetError(
            `\`tart ${args.join(' ')}\` failed: ${(stderr || e.message).trim().split('\n')[0]}`,
            undefined,
            args[0] === 'ip' && (e.code as unknown) === 1,
          ),
        );
    });
    // Ctrl-C / SIGTERM while tart runs: do not leave it behind
    release = onShutdown(() => void child.kill('SIGKILL'));
  });
}

/** Finds the VM, checks it runs, and gets its IP. */
export async function locateVm(name: string, timeoutMs = 15_000): Promise<TartFact> {
  const listed = await tart(['list', '--format', 'json'], timeoutMs);
  let vms: TartListEntry[];
  try {
    vms = JSON.parse(listed) as TartListEntry[];
    if (!Array.isArray(vms)) throw new Error('not a list');
  } catch {
    throw new TargetError('`tart list --format json` printed something that is not a VM list');
  }
  const vm = vms.find((v) => v.Name === name);
  if (!vm) {
    const known =
      vms
        .map((v) => v.Name)
        .filter(Boolean)
        .join(', ') || 'none';
    throw new TargetError(
      `no Tart VM named "${name}" (known: ${known})`,
      'pass --vm NAME of an existing VM (tart list)',
    );
  }
  const state = vm.State ?? (vm.Running ? 'running' : 'stopped');
  if (state !== 'running')
    throw new TargetError(
      `Tart VM "${name}" is ${state}`,
      `start it (cal-bootstrap --run, or tart run ${name}) or wait for it with --wait SECONDS`,
      true,
    );
  const ip = (await tart(['ip', name], timeoutMs)).trim();
  if (!/^[0-9a-fA-F.:]+$/.test(ip)) throw new TargetError(`\`tart ip ${name}\` gave no IP address`, undefined, true);
  return { vm: name, tartPath: whichTart(), state, ip };
}

function whichTart(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'tart'))) return join(dir, 'tart');
  }
  return 'tart';
}
