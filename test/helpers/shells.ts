// The shells target scripts run under: dash (Debian's /bin/sh) and, where the macOS tools are
// (test/harness/macos.ts), macOS's bash 3.2.57 in POSIX mode, which is a Mac's /bin/sh; and
// for the shared library, bash 5 in POSIX mode too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BASH_32 } from '../harness/macos.js';

/** The path `command -v CMD` gives, or undefined. */
export const which = (cmd: string): string | undefined =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;

export const HAVE_BASH32 = existsSync(BASH_32);

export interface Shell {
  name: string;
  /** the argv that runs it (the script's arguments follow) */
  argv: string[];
}

const DASH: Shell = { name: 'dash', argv: [which('dash')!] };
const MAC_SH: Shell[] = HAVE_BASH32
  ? [{ name: 'bash 3.2.57 --posix (macOS /bin/sh)', argv: [BASH_32, '--posix'] }]
  : [];
const BASH = which('bash');

/** Linux's /bin/sh and, when the tools are there, a Mac's. */
export const TARGET_SHELLS: Shell[] = [DASH, ...MAC_SH];

/** TARGET_SHELLS and bash 5 in POSIX mode. */
export const POSIX_SHELLS: Shell[] = [
  DASH,
  ...(BASH ? [{ name: 'bash --posix', argv: [BASH, '--posix'] }] : []),
  ...MAC_SH,
];
