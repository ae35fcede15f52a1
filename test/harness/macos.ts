// The macOS-like target, switched on by CAL_DOCTOR_TARGET=macos for any integration or
// reliability file (and the bench): macOS's bash 3.2.57 as /bin/sh and /bin/bash, FreeBSD's
// userland first on every PATH a target session gets, zsh as the login shell, tmux only on
// the login PATH at /opt/homebrew/bin. The tools are not in this repository: they come from
// CAL_DOCTOR_MACOS_TOOLS, else a shared/tools dir beside the checkout (macos-sh/, bsd-userland/).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MACOS = process.env.CAL_DOCTOR_TARGET === 'macos';

const TOOLS = process.env.CAL_DOCTOR_MACOS_TOOLS ?? fileURLToPath(new URL('../../../shared/tools/', import.meta.url));
/** macOS's bash (its /bin/sh and /bin/bash), built for Linux; a unit test runs it directly when it is there. */
export const BASH_32 = join(TOOLS, 'macos-sh', 'bash-3.2.57');
/** FreeBSD's userland as built (bin/), for unit tests that run a script over BSD tools directly. */
export const BSD_USERLAND_BIN = join(TOOLS, 'bsd-userland', 'bin');

/**
 * FreeBSD's ls, stat, date, sed, base64, … first on a target's PATH in the macOS pass: the
 * namespace's links to them (all but a mktemp that is broken on glibc, see macos-ns.sh).
 */
const BSD_BIN = '/opt/cal-doctor/bsd';
/** Where Homebrew's tmux is in the macOS pass; only login profiles put it on PATH. */
export const HOMEBREW_BIN = '/opt/homebrew/bin';
const MARK = 'CAL_DOCTOR_MACOS_NS';

/** Prefixes the BSD userland in the macOS pass; the PATH unchanged otherwise. */
export function targetPath(path: string): string {
  return MACOS ? `${BSD_BIN}:${path}` : path;
}

/**
 * In the macOS pass, runs this same command again inside a private mount namespace set up by
 * macos-ns.sh and exits with its status; returns at once otherwise (or once inside).
 */
export function enterMacosNamespace(): void {
  if (!MACOS || process.env[MARK]) return;
  const why = unavailable();
  if (why) throw new Error(`CAL_DOCTOR_TARGET=macos: ${why}`);
  const setup = fileURLToPath(new URL('macos-ns.sh', import.meta.url));
  const r = spawnSync(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      setup,
      TOOLS,
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit', env: { ...process.env, [MARK]: '1' } },
  );
  process.exit(r.status ?? 1);
}

function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (bind mounts in a private mount namespace)';
  for (const f of [BASH_32, join(TOOLS, 'bsd-userland', 'bin', 'ls')]) {
    if (!existsSync(f))
      return `${f} is missing (set CAL_DOCTOR_MACOS_TOOLS to the dir holding macos-sh/ and bsd-userland/)`;
  }
  if (spawnSync('unshare', ['-m', 'true']).status !== 0) return 'unshare -m is not permitted here';
  return undefined;
}

/** Inside the macOS pass: /bin/sh is bash 3.2 (a check the pass really is what it says). */
export function inMacosNamespace(): boolean {
  return MACOS && /3\.2\.57/.test(spawnSync('/bin/sh', ['-c', 'echo "$BASH_VERSION"']).stdout?.toString() ?? '');
}
