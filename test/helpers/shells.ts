// The shells target scripts run under: dash (Debian's /bin/sh) and, where the macOS tools are
// (test/harness/macos.ts), macOS's bash 3.2.57 in POSIX mode, which is a Mac's /bin/sh.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BASH_32 } from '../harness/macos.js';

/** The path `command -v CMD` gives, or undefined. */
export const which = (cmd: string): string | undefined =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;

export const HAVE_BASH32 = existsSync(BASH_32);

/** Each shell as the argv that runs it (the script's arguments follow). */
export const TARGET_SHELLS: Array<{ name: string; argv: string[] }> = [
  { name: 'dash', argv: [which('dash')!] },
  ...(HAVE_BASH32 ? [{ name: 'bash 3.2.57 --posix (macOS /bin/sh)', argv: [BASH_32, '--posix'] }] : []),
];
