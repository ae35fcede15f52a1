// The probe's save-dir listing does no shell work per save file: the save files are globbed
// and shifted, never rebuilt name by name. Rebuilding "$@" one name at a time is O(n^2), and
// bash 3.2 (a Mac's /bin/sh) pays about 25 times what dash pays for it: 1,000 saves took the
// probe over a second there. Counted with xtrace, which a busy machine cannot slow down.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remoteSource } from '../../src/remote/assemble.js';
import { TARGET_SHELLS } from '../helpers/shells.js';

const probe = remoteSource('probe.sh');
const SCRIPT = [
  remoteSource('lib.sh'),
  probe.slice(probe.indexOf('CAL_CAP_TEXT='), probe.indexOf('main() {')),
  remoteSource('probe-saves.sh'),
  `NL='\n'\ncal_hn=0\ncal_host=h\nPS4='+TRACE '\nset -x\ncal_savedir 0 xdg "$1"\nset +x\ncal_flush\n`,
].join('\n');

const root = mkdtempSync(join(tmpdir(), 'cal-saves-cost-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A save dir of N saves, `last` on the newest (as continuum leaves it). */
function saveDir(n: number): string {
  const d = join(root, `saves-${n}`);
  mkdirSync(d);
  const name = (i: number) => `tmux_resurrect_2026${String(100000 + i).padStart(6, '0')}T000000.txt`;
  for (let i = 0; i < n; i++) writeFileSync(join(d, name(i)), i % 2 ? 'state\t\t\n' : '');
  symlinkSync(name(n - 1), join(d, 'last'));
  return d;
}
const small = saveDir(30);
const large = saveDir(700);

describe('the save-dir listing costs the same shell work for 30 saves and for 700', () => {
  for (const sh of TARGET_SHELLS)
    it(sh.name, () => {
      const traced = (dir: string) => {
        const r = spawnSync(sh.argv[0]!, [...sh.argv.slice(1), '-c', SCRIPT, 'sh', dir], {
          encoding: 'utf8',
          maxBuffer: 1 << 28,
          env: { PATH: process.env.PATH, HOME: root },
        });
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/@@save\.0\.data\n/);
        return r.stderr.split('\n').filter((l) => l.startsWith('+TRACE ')).length;
      };
      const few = traced(small);
      expect(traced(large) - few).toBeLessThan(20);
      expect(few).toBeGreaterThan(50);
    });
});
