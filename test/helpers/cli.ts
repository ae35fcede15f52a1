// Runs the built CLI (`node bin/cal-doctor.js`, as a user would) with exactly the given
// environment: a throwaway HOME (no ~/.ssh of the tester), no CI unless a test sets it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sshd } from '../harness/sshd.js';
import { makeTempDir, type RunOutput, run } from '../harness/util.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO, 'bin', 'cal-doctor.js');

/** A HOME for the doctor itself (its ~/.ssh/config and known_hosts are looked for there). */
export function doctorHome(): string {
  const dir = makeTempDir('cal-cli-home-');
  mkdirSync(join(dir, '.ssh'), { mode: 0o700 });
  return dir;
}

export function cli(
  args: string[],
  opts: { env?: Record<string, string>; home: string; timeoutMs?: number; cwd?: string },
): Promise<RunOutput> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: opts.home,
    LANG: 'C.UTF-8',
    ...opts.env,
  };
  return run(process.execPath, [BIN, ...args], {
    env,
    cwd: opts.cwd ?? opts.home,
    timeoutMs: opts.timeoutMs ?? 60_000,
  });
}

type SshdLogin = Pick<Sshd, 'user' | 'port' | 'clientKey' | 'knownHosts'>;

/** The flags that reach a harness sshd as its user, with its key and known_hosts. */
export function hostFlags(sshd: SshdLogin, port = sshd.port, knownHosts = sshd.knownHosts): string[] {
  return ['--host', `${sshd.user}@127.0.0.1:${port}`, '--identity', sshd.clientKey, '--known-hosts', knownHosts];
}

/** hostFlags with a short connect timeout, for tests that expect the target to answer. */
export function sshFlags(sshd: SshdLogin, port = sshd.port, knownHosts = sshd.knownHosts): string[] {
  return [...hostFlags(sshd, port, knownHosts), '--connect-timeout', '5'];
}

/** Checks whose verdict does not depend on continuum (other tmux servers on the machine can sway those). */
export const STEADY_CHECKS =
  'tmux.path,tmux.version,config.file,plugins.tpm,plugins.resurrect,resurrect.dir,resurrect.last';

export const ESC = /\x1b/;
