// tmux version strings, as printed by `tmux -V` (`tmux 3.5a`) or the server's `#{version}`
// (`3.5a`), coerced to semver so they can be compared.
//
// Forms that occur in the wild:
//   `3.5a`, `3.3`, `1.9a`   releases; the letter is a bug-fix re-release of the same version
//   `3.4-rc`, `3.1-rc2`     release candidates (semver prerelease: 3.1.0-rc2 < 3.1.0)
//   `next-3.6`              a build from git after 3.5, on the way to 3.6
//   `master`                a build from git on a checkout without version info
//   `openbsd-7.5`           tmux in OpenBSD's base system: the number is OpenBSD's release
//
// tmux-resurrect's own check (scripts/check_tmux_version.sh) keeps only the digits of the
// whole `tmux -V` output (`tr -dC '[:digit:]'`) and compares integers: `tmux 3.5a` -> 35,
// `tmux next-3.6` -> 36, `tmux openbsd-7.5` -> 75, against `1.9` -> 19. For `tmux master`
// (no digits) `[ "" -lt 19 ]` is a test *error* (status 2), which `if` treats as false,
// so the check passes; the same happens when `tmux -V` cannot run at all (tmux not on
// PATH): the check passes and save.sh goes on to write an empty file. Against the 1.9
// minimum our verdict agrees with resurrect for every real tmux version. It differs only
// where the digit trick is wrong: a release candidate below the minimum (`1.8-rc2` -> 182 >= 19)
// or a minimum with a different number of digits (e.g. `3.10` vs `3.9`: 310 vs 39 happens
// to agree, `2.10` vs `3.0`: 210 >= 30 does not). We compare versions properly.

// one function a module: the whole of semver takes ~15 ms more to load, on every run
import semverCompare from 'semver/functions/compare.js';
import semverEq from 'semver/functions/eq.js';
import semverGte from 'semver/functions/gte.js';
import semverValid from 'semver/functions/valid.js';

export interface TmuxVersion {
  raw: string;
  /** e.g. '3.5.0' ('3.5a' -> 3.5.0 with letter 'a'), null for 'master' (and for 'openbsd-N', whose number is not tmux's) */
  semver: string | null;
  letter: string;
  /** 'release' | 'next' | 'openbsd' | 'master' | 'unknown' */
  flavor: string;
  /** the version without the `tmux ` prefix, e.g. `3.5a`, `next-3.6`, `master` */
  display: string;
}

const RELEASE = /^(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?([a-z]?)(?:-(rc\d{0,6}))?$/;
const NEXT = /^next-(\d{1,6})\.(\d{1,6})([a-z]?)$/;
const OPENBSD = /^openbsd-(\d{1,6})\.(\d{1,6})$/;
/** anything else that starts like a version, e.g. a distro's `3.4-ubuntu1` */
const VERSIONISH = /^(\d{1,6})\.(\d{1,6})([a-z]?)(?![0-9a-z])/;

function toSemver(major: string, minor: string, patch = '0', pre?: string): string | null {
  const v = `${Number(major)}.${Number(minor)}.${Number(patch)}${pre ? `-${pre}` : ''}`;
  return semverValid(v);
}

function parseToken(raw: string, token: string): TmuxVersion | null {
  if (token === 'master') {
    return { raw, semver: null, letter: '', flavor: 'master', display: token };
  }
  let m = RELEASE.exec(token);
  if (m) {
    const sv = toSemver(m[1]!, m[2]!, m[3], m[5]);
    return sv ? { raw, semver: sv, letter: m[4] ?? '', flavor: 'release', display: token } : null;
  }
  m = NEXT.exec(token);
  if (m) {
    const sv = toSemver(m[1]!, m[2]!);
    return sv ? { raw, semver: sv, letter: m[3] ?? '', flavor: 'next', display: token } : null;
  }
  m = OPENBSD.exec(token);
  if (m) {
    return { raw, semver: null, letter: '', flavor: 'openbsd', display: token };
  }
  m = VERSIONISH.exec(token);
  if (m) {
    const sv = toSemver(m[1]!, m[2]!);
    return sv ? { raw, semver: sv, letter: m[3] ?? '', flavor: 'unknown', display: token } : null;
  }
  return null;
}

/**
 * Accepts `tmux 3.5a`, `tmux 3.3`, `tmux next-3.6`, `tmux openbsd-7.5`, `tmux master`, and
 * the server's `#{version}` (`3.3a`). Surrounding whitespace and other lines are ignored
 * (the first line that is a version wins). Returns null for anything else.
 */
export function parseTmuxVersion(raw: string): TmuxVersion | null {
  if (typeof raw !== 'string') return null;
  // `tmux -V` prints one short line; do not spend time on megabytes of junk.
  const lines = raw.slice(0, 4096).split(/\r?\n/);
  for (const line of lines) {
    const t = line.trim();
    if (t === '' || t.length > 200) continue;
    const token = t.startsWith('tmux ') || t.startsWith('tmux\t') ? t.slice(5).trim() : t;
    const v = parseToken(raw, token);
    if (v) return v;
  }
  return null;
}

function compareLetters(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Is `v` at least `min` (e.g. '1.9', '3.2a')? Throws on a `min` that is not a version:
 * minimums are constants in our code.
 */
export function meetsMinimum(v: TmuxVersion, min: string): boolean {
  const m = parseTmuxVersion(min);
  if (!m?.semver) throw new TypeError(`not a tmux version: ${min}`);
  switch (v.flavor) {
    case 'master':
    case 'next':
      // Built from git: newer than the last release. resurrect agrees (see the header).
      return true;
    case 'openbsd':
      // OpenBSD's base tmux reports the OS release (`openbsd-7.5`), not a tmux version.
      // It is developed in OpenBSD's tree (tmux's upstream) and every base release that
      // prints `openbsd-N` ships a tmux at least as new as tmux 3.0, so we treat it as
      // 3.0. Requirements above 3.0 are not met as far as we can tell. resurrect's digit
      // check passes it (`openbsd-7.5` -> 75 >= 19).
      return semverGte('3.0.0', m.semver);
    default: {
      if (!v.semver) return false;
      const c = semverCompare(v.semver, m.semver);
      if (c !== 0) return c > 0;
      return compareLetters(v.letter, m.letter) >= 0;
    }
  }
}

/**
 * The same tmux version, e.g. the binary on disk (`tmux 3.3a`) and the running server
 * (`3.3a`). Two `master` builds compare equal (nothing tells them apart).
 */
export function sameVersion(a: TmuxVersion, b: TmuxVersion): boolean {
  if (a.flavor !== b.flavor) return false;
  if (a.semver !== null && b.semver !== null) {
    return semverEq(a.semver, b.semver) && a.letter === b.letter;
  }
  return a.display === b.display;
}
