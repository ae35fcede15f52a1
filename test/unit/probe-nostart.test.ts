// The probe talks to the server with `tmux -N` (start no server) where the tmux takes it: its
// queries hold list-keys, which starts a server where none answers (a stale socket file), and
// that server would load the user's config, TPM and continuum's auto-restore on the target.
// Older or unknown versions get a ping first instead. cal_has_nostart decides, from `tmux -V`.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { remoteSource } from '../../src/remote/assemble.js';

const meta = remoteSource('probe-meta.sh');
const fn = meta.slice(
  meta.indexOf('cal_has_nostart() {'),
  meta.indexOf('\n}\n', meta.indexOf('cal_has_nostart() {')) + 3,
);

function hasNostart(version: string): boolean {
  const r = spawnSync('/bin/sh', ['-c', `${fn}\ncal_has_nostart "$1"`, 'sh', version], { encoding: 'utf8' });
  return r.status === 0;
}

describe('cal_has_nostart: which tmux -V takes -N', () => {
  it.each([
    ['tmux 3.3a', true],
    ['tmux 3.3', true],
    ['tmux 3.5a', true],
    ['tmux 3.10', true],
    ['tmux 4.0', true],
    ['tmux next-3.6', true],
    ['tmux next-3.4', true],
    ['tmux next-4.0', true],
    ['tmux next-3.3', false],
    ['tmux next-3.1', false],
    ['tmux next-2.9', false],
    ['tmux next-', false],
    ['tmux 3.2a', false],
    ['tmux 3.2', false],
    ['tmux 3.0a', false],
    ['tmux 2.9a', false],
    ['tmux 1.8', false],
    ['tmux master', false],
    ['', false],
    ['sh: tmux: not found', false],
  ])('%j → %s', (version, want) => {
    expect(fn).toMatch(/^cal_has_nostart\(\) \{/);
    expect(hasNostart(version)).toBe(want);
  });
});
