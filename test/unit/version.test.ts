import { describe, expect, it } from 'vitest';
import { meetsMinimum, parseTmuxVersion, sameVersion } from '../../src/domain/tmux/version.js';

/** What tmux-resurrect's check_tmux_version.sh decides: digits of `tmux -V` against 19. */
function resurrectAccepts(tmuxV: string, min = '1.9'): boolean {
  const digits = tmuxV.replace(/[^0-9]/g, '');
  const minDigits = min.replace(/[^0-9]/g, '');
  if (digits === '') return true; // `[ "" -lt 19 ]` is a test error: `if` sees false, check passes
  return !(Number(digits) < Number(minDigits));
}

describe('parseTmuxVersion', () => {
  it.each([
    ['tmux 3.5a', { semver: '3.5.0', letter: 'a', flavor: 'release', display: '3.5a' }],
    ['tmux 3.3', { semver: '3.3.0', letter: '', flavor: 'release', display: '3.3' }],
    ['tmux 1.9a', { semver: '1.9.0', letter: 'a', flavor: 'release', display: '1.9a' }],
    ['3.3a', { semver: '3.3.0', letter: 'a', flavor: 'release', display: '3.3a' }],
    ['tmux 3.5a\n', { semver: '3.5.0', letter: 'a', flavor: 'release', display: '3.5a' }],
    ['  tmux 3.4  ', { semver: '3.4.0', letter: '', flavor: 'release', display: '3.4' }],
    ['tmux 3.1-rc2', { semver: '3.1.0-rc2', letter: '', flavor: 'release', display: '3.1-rc2' }],
    ['tmux 3.4-rc', { semver: '3.4.0-rc', letter: '', flavor: 'release', display: '3.4-rc' }],
    ['tmux next-3.6', { semver: '3.6.0', letter: '', flavor: 'next', display: 'next-3.6' }],
    ['next-3.6', { semver: '3.6.0', letter: '', flavor: 'next', display: 'next-3.6' }],
    ['tmux openbsd-7.5', { semver: null, letter: '', flavor: 'openbsd', display: 'openbsd-7.5' }],
    ['tmux master', { semver: null, letter: '', flavor: 'master', display: 'master' }],
    ['master', { semver: null, letter: '', flavor: 'master', display: 'master' }],
    ['tmux 3.4-ubuntu1', { semver: '3.4.0', letter: '', flavor: 'unknown', display: '3.4-ubuntu1' }],
    ['tmux 3.10', { semver: '3.10.0', letter: '', flavor: 'release', display: '3.10' }],
  ])('%j', (raw, expected) => {
    expect(parseTmuxVersion(raw)).toEqual({ raw, ...expected });
  });

  it.each([
    '',
    'tmux',
    'tmux ',
    'garbage',
    'zsh: command not found: tmux',
    'tmux: command not found',
    'sh: 1: tmux: not found',
    'tmux v3',
    'tmux 3',
    'tmux 3.5ab',
    'openbsd-',
    'next-',
    'tmux 99999999.1',
    'x'.repeat(100_000),
  ])('null for %j', (raw) => {
    expect(parseTmuxVersion(raw)).toBeNull();
  });

  it('finds the version line among other output', () => {
    expect(parseTmuxVersion('some warning\ntmux 3.3a\n')?.semver).toBe('3.3.0');
  });
});

describe('meetsMinimum', () => {
  const v = (s: string) => parseTmuxVersion(s)!;

  it.each([
    ['tmux 1.8', '1.9', false],
    ['tmux 1.9', '1.9', true],
    ['tmux 1.9a', '1.9', true],
    ['tmux 2.0', '1.9', true],
    ['tmux 3.3a', '1.9', true],
    ['tmux 3.5a', '3.5', true],
    ['tmux 3.5', '3.5a', false],
    ['tmux 3.5b', '3.5a', true],
    ['tmux 3.10', '3.9', true],
    ['tmux 3.1-rc2', '3.1', false],
    ['tmux 3.1-rc2', '3.0', true],
    ['tmux next-3.6', '1.9', true],
    ['tmux next-3.6', '9.9', true],
    ['tmux master', '1.9', true],
    ['tmux master', '9.9', true],
    ['tmux openbsd-7.5', '1.9', true],
    ['tmux openbsd-7.5', '3.0', true],
    ['tmux openbsd-7.5', '3.2', false],
    ['tmux 3.4-ubuntu1', '3.4', true],
  ])('%s >= %s: %s', (raw, min, expected) => {
    expect(meetsMinimum(v(raw), min)).toBe(expected);
  });

  it("agrees with resurrect's digit check against 1.9 for every form of `tmux -V` seen", () => {
    const seen = [
      'tmux 1.8',
      'tmux 1.9',
      'tmux 1.9a',
      'tmux 2.0',
      'tmux 2.9a',
      'tmux 3.0a',
      'tmux 3.3a',
      'tmux 3.5a',
      'tmux next-3.6',
      'tmux openbsd-7.5',
      'tmux master',
      'tmux 3.1-rc2',
    ];
    for (const raw of seen) expect(meetsMinimum(v(raw), '1.9'), raw).toBe(resurrectAccepts(raw));
  });

  it('documents where the digit check is wrong and we are not', () => {
    // 2.10 >= 3.0 by digits (210 >= 30), not by version
    expect(resurrectAccepts('tmux 2.10', '3.0')).toBe(true);
    expect(meetsMinimum(v('tmux 2.10'), '3.0')).toBe(false);
    // a release candidate below the minimum: 182 >= 19
    expect(resurrectAccepts('tmux 1.8-rc2')).toBe(true);
    expect(meetsMinimum(v('tmux 1.8-rc2'), '1.9')).toBe(false);
  });

  it('throws on a minimum that is not a version (a bug in our code)', () => {
    expect(() => meetsMinimum(v('tmux 3.3a'), 'latest')).toThrow(TypeError);
  });
});

describe('sameVersion', () => {
  const v = (s: string) => parseTmuxVersion(s)!;
  it.each([
    ['tmux 3.3a', '3.3a', true],
    ['tmux 3.3a', 'tmux 3.3a', true],
    ['tmux 3.3', '3.3a', false],
    ['tmux 3.3a', '3.5a', false],
    ['tmux next-3.6', 'next-3.6', true],
    ['tmux next-3.6', '3.6', false],
    ['tmux master', 'master', true],
    ['tmux openbsd-7.5', 'openbsd-7.5', true],
    ['tmux openbsd-7.5', 'openbsd-7.4', false],
    ['tmux 3.1-rc2', '3.1', false],
  ])('%s vs %s: %s', (a, b, expected) => {
    expect(sameVersion(v(a), v(b))).toBe(expected);
    expect(sameVersion(v(b), v(a))).toBe(expected);
  });
});
