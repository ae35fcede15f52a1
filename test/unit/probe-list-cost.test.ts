// The probe never grows "$@" one item at a time over a list of unbounded length: that is
// O(n^2) in any shell, and bash 3.2 (a Mac's /bin/sh) pays about 25 times what dash pays for
// it (1,000 saves took the probe over a second there, 200 pane dirs 0.4 s, 300 files in
// ~/.local/bin 0.45 s). Lists are globbed and shifted, or go in with one eval. Counted with
// xtrace, which a busy machine cannot slow down.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remoteSource } from '../../src/remote/assemble.js';
import { decodeKv, splitRecords } from '../../src/remote/records.js';
import { TARGET_SHELLS } from '../helpers/shells.js';

const probe = remoteSource('probe.sh');
const script = (call: string) =>
  [
    remoteSource('lib.sh'),
    probe.slice(probe.indexOf('CAL_CAP_TEXT='), probe.indexOf('main() {')),
    remoteSource('probe-saves.sh'),
    remoteSource('probe-jobs.sh'),
    `NL='\n'\nTAB='\t'\ncal_hn=0\ncal_host=h\nPS4='+TRACE '\nset -x\n${call}\nset +x\ncal_flush\n`,
  ].join('\n');

/** Runs `call` under `sh` with xtrace: its records and the commands it traced. */
function traced(sh: { argv: string[] }, call: string, dir: string): { out: string; trace: string[] } {
  const r = spawnSync(sh.argv[0]!, [...sh.argv.slice(1), '-c', script(call), 'sh', dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { PATH: process.env.PATH, HOME: root },
  });
  expect(r.status).toBe(0);
  return { out: r.stdout, trace: r.stderr.split('\n').filter((l) => l.startsWith('+TRACE ')) };
}

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
      const few = traced(sh, 'cal_savedir 0 xdg "$1"', small);
      const many = traced(sh, 'cal_savedir 0 xdg "$1"', large);
      expect(few.out).toMatch(/@@save\.0\.data\n/);
      expect(many.trace.length - few.trace.length).toBeLessThan(20);
      expect(few.trace.length).toBeGreaterThan(50);
    });
});

describe('the pane dirs of `last` go into their record with one `set --`, not one a dir', () => {
  // 150 distinct dirs, hostile ones among them; resurrect writes a space as `\ `
  const dirs = Array.from({ length: 150 }, (_, i) => (i % 3 ? `/srv/p ${i}/$(touch x) "q" 'a'` : `/srv/p${i}`));
  const d = join(root, 'panes');
  mkdirSync(d);
  const line = (dir: string, i: number) =>
    ['pane', 's', String(i), '1', ':*', '0', 't', `:${dir.replace(/ /g, '\\ ')}`, '1', 'zsh', ':'].join('\t');
  writeFileSync(join(d, 'last'), `${[...dirs, dirs[0]!].map(line).join('\n')}\n`);

  for (const sh of TARGET_SHELLS)
    it(sh.name, () => {
      const { out, trace } = traced(sh, 'cal_saved xdg "$1"', d);
      const kv = decodeKv(splitRecords(out).records.get('saved'));
      expect(kv.get('count')).toBe('150');
      expect(dirs.map((_, i) => kv.get(`dir.${i}`))).toEqual(dirs);
      expect(kv.get('dir.149.exists')).toBe('0');
      expect(trace.filter((l) => /^\+TRACE set -- /.test(l)).length).toBeLessThan(6);
    });
});

describe('the scripts that mention tmux are picked from a long list with one `set --`', () => {
  const d = join(root, 'bin');
  mkdirSync(d);
  for (let i = 0; i < 300; i++) writeFileSync(join(d, `s ${i} "q"`), `echo ${i}\n`);
  writeFileSync(join(d, `s 7 "q"`), 'tmux new-session -d\n');
  execFileSync('mkfifo', [join(d, 'fifo')]); // never opened: it would block grep

  for (const sh of TARGET_SHELLS)
    it(sh.name, () => {
      const { out, trace } = traced(sh, 'cal_mentions scripts -I "$1"/*', d);
      const kv = decodeKv(splitRecords(out).records.get('scripts'));
      expect([kv.get('count'), kv.get('0')]).toEqual(['1', join(d, 's 7 "q"')]);
      expect(trace.filter((l) => /^\+TRACE set -- /.test(l)).length).toBeLessThan(6);
    });
});
