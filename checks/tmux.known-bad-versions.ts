import semverLt from 'semver/functions/lt.js';
import semverMajor from 'semver/functions/major.js';
import semverMinor from 'semver/functions/minor.js';
import semverPatch from 'semver/functions/patch.js';
import { parseTmuxVersion, type TmuxVersion } from '../src/domain/tmux/version.js';
import { asDashV, liveServer, primaryTmux, samePath } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

interface BadVersion {
  /** as people name it: `3.0`, `2.5`, `< 2.0` */
  label: string;
  matches(v: TmuxVersion): boolean;
  status: 'fail' | 'warn';
  what: string;
  fixedIn: string;
  refs: string;
}

/** A release (or release candidate) of exactly MAJOR.MINOR without a letter: `3.0`, `3.0-rc5`, not `3.0a`. */
const plain = (major: number, minor: number) => (v: TmuxVersion) =>
  v.flavor === 'release' &&
  v.semver !== null &&
  semverMajor(v.semver) === major &&
  semverMinor(v.semver) === minor &&
  semverPatch(v.semver) === 0 &&
  v.letter === '';

/** tmux releases with bugs that break what resurrect and continuum do (from the plugins' issue trackers). */
const KNOWN_BAD: BadVersion[] = [
  {
    label: '3.0',
    matches: plain(3, 0),
    status: 'fail',
    what: 'the server crashes while resurrect restores, taking every session with it',
    fixedIn: '3.0a',
    refs: 'tmux-resurrect #316 (tmux commit 2cb268d)',
  },
  {
    label: '2.5',
    matches: plain(2, 5),
    status: 'warn',
    what: 'automatic restore was reported broken: `has-session` behaves differently in this release',
    fixedIn: '2.6',
    refs: 'tmux-resurrect #196, tmux #971',
  },
  {
    label: '< 2.0',
    matches: (v) => v.flavor === 'release' && v.semver !== null && semverLt(v.semver, '2.0.0'),
    status: 'warn',
    what: 'restore skips windows whose name starts with a digit (a window-target lookup bug in tmux)',
    fixedIn: '2.0',
    refs: 'tmux-resurrect #58',
  },
];

export default defineCheck({
  id: 'tmux.known-bad-versions',
  category: 'tmux',
  dependsOn: ['tmux.version'],
  title: 'tmux is not a release known to break resurrect or continuum',
  explain:
    "Some tmux releases have bugs that break saving or restoring even though they pass the plugins' own version " +
    `check (>= 1.9). Known: ${KNOWN_BAD.map((b) => `${b.label} — ${b.what}, fixed in ${b.fixedIn} (${b.refs})`).join('; ')}. ` +
    "The check reads `tmux -V` of the tmux on PATH and the running server's `#{version}` (a server keeps running the " +
    'version it started with after an upgrade). Fix: upgrade tmux (`brew upgrade tmux`), save, then restart the server ' +
    'so it runs the fixed version.',
  run(ctx) {
    const f = ctx.facts;
    const primary = primaryTmux(f);
    const bin = f.tmuxBinaries.find((b) => primary && samePath(b.path, primary)) ?? f.tmuxBinaries[0];
    const server = liveServer(f);
    const seen: Array<{ where: string; raw: string; v: TmuxVersion | null; isServer: boolean }> = [];
    if (bin?.version)
      seen.push({ where: bin.path, raw: bin.version, v: parseTmuxVersion(bin.version), isServer: false });
    if (server?.version)
      seen.push({
        where: `running server (pid ${server.pid ?? '?'})`,
        raw: asDashV(server.version),
        v: parseTmuxVersion(asDashV(server.version)),
        isServer: true,
      });
    if (seen.length === 0)
      return { status: 'skip', summary: 'no tmux version to judge (see tmux.path and tmux.version)' };
    const details = seen.map((s) => `${s.where}: ${s.raw}`);
    const results: Result[] = [];
    for (const s of seen) {
      if (!s.v) continue;
      for (const b of KNOWN_BAD) {
        if (!b.matches(s.v)) continue;
        results.push({
          status: b.status,
          summary: `${s.isServer ? 'the running server is' : `${s.where} is`} tmux ${s.v.display}: ${b.what} — fixed in ${b.fixedIn}`,
          details: [...details, `known bug: ${b.refs}`],
          fix: [
            f.host.os === 'Darwin'
              ? 'brew upgrade tmux'
              : `install tmux ${b.fixedIn} or newer from your package manager`,
            ...(s.isServer
              ? [
                  'then save (prefix C-s), check that `last` holds your panes, `tmux kill-server`, and start tmux again so the server runs the fixed version',
                ]
              : []),
            ...(b.label === '3.0' ? ['until then, do not restore (prefix C-r) into this server'] : []),
          ],
        });
      }
    }
    if (results.length) return results;
    const shown = seen.map((s) => s.v?.display ?? s.raw).filter((x, i, a) => a.indexOf(x) === i);
    return {
      status: 'pass',
      summary: `tmux ${shown.join(' / ')} is not a release known to break resurrect or continuum`,
      details: [...details, `known bad: ${KNOWN_BAD.map((b) => `${b.label} (fixed in ${b.fixedIn})`).join(', ')}`],
    };
  },
});
