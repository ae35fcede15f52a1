import { meetsMinimum, parseTmuxVersion, sameVersion, type TmuxVersion } from '../src/domain/tmux/version.js';
import { asDashV, liveServer, primaryTmux, restartFromLoginShell, samePath, shq } from '../src/domain/util.js';
import type { TmuxBinary } from '../src/engine/check.js';
import { defineCheck, type Result } from '../src/engine/check.js';

const MIN = '1.9';

interface Bin {
  b: TmuxBinary;
  v: TmuxVersion | null;
  onPath: boolean;
}

const shown = (v: TmuxVersion | null, raw: string | null) => v?.display ?? raw ?? '?';

function same(a: Bin, b: Bin): boolean {
  if (a.v && b.v) return sameVersion(a.v, b.v);
  return (a.b.version ?? '') === (b.b.version ?? '');
}

export default defineCheck({
  id: 'tmux.version',
  category: 'tmux',
  title: 'tmux version is supported and the server matches the binary',
  explain:
    "Runs `tmux -V` for every tmux binary found and reads the running server's `#{version}`. tmux-resurrect, continuum " +
    'and TPM refuse to work below tmux 1.9 (they compare the digits of `tmux -V`). A server started before tmux was ' +
    'upgraded keeps running the old version while scripts call the new client, and two different tmux builds on the ' +
    'login and non-login PATH mean a save over SSH and a save inside tmux may talk to different builds. ' +
    'Fix: `brew upgrade tmux`; after an upgrade, save, check `last`, then `tmux kill-server` and start it again from a login shell.',
  run(ctx) {
    const f = ctx.facts;
    const bins: Bin[] = f.tmuxBinaries.map((b) => ({
      b,
      v: b.version ? parseTmuxVersion(b.version) : null,
      onPath: b.foundBy.includes('exec') || b.foundBy.includes('login'),
    }));
    const server = liveServer(f);
    const serverV = server?.version ? parseTmuxVersion(asDashV(server.version)) : null;
    if (bins.length === 0 && !server?.version)
      return { status: 'skip', summary: 'no tmux binary found (see tmux.path)' };

    const primaryPath = primaryTmux(f);
    const primary = bins.find((x) => primaryPath && samePath(x.b.path, primaryPath)) ?? bins[0];
    const details = bins.map(
      (x) => `${x.b.path}: ${x.b.version ?? '`tmux -V` failed'} (found by ${x.b.foundBy.join(', ') || '?'})`,
    );
    if (server)
      details.push(
        `running server (pid ${server.pid ?? '?'}): ${server.version ? `tmux ${server.version}` : 'version not reported'}`,
      );
    const results: Result[] = [];

    if (primary && primary.b.version === null) {
      results.push({
        status: 'fail',
        summary: `\`${primary.b.path} -V\` failed: that tmux cannot run`,
        details,
        fix: [f.host.os === 'Darwin' ? 'brew reinstall tmux' : 'reinstall tmux'],
      });
    } else if (primary && primary.v === null) {
      results.push({
        status: 'warn',
        summary: `unrecognised tmux version ${JSON.stringify(primary.b.version)} (${primary.b.path})`,
        details,
      });
    }

    for (const x of bins) {
      if (!x.v || (!x.onPath && x !== primary) || meetsMinimum(x.v, MIN)) continue;
      results.push({
        status: 'fail',
        summary: `${x.b.path} is tmux ${x.v.display}: resurrect, continuum and TPM need tmux ${MIN} or newer`,
        details,
        fix: [
          f.host.os === 'Darwin'
            ? 'brew install tmux (or brew upgrade tmux)'
            : 'install a tmux >= 1.9 from your package manager',
        ],
      });
    }
    if (serverV && !meetsMinimum(serverV, MIN)) {
      results.push({
        status: 'fail',
        summary: `the running server is tmux ${serverV.display}: plugins need tmux ${MIN} or newer`,
        details,
        fix: ['upgrade tmux, save, then `tmux kill-server` and start it again from a login shell'],
      });
    }

    if (server?.version && primary?.v) {
      const differs = serverV ? !sameVersion(serverV, primary.v) : asDashV(server.version) !== primary.b.version;
      if (differs) {
        results.push({
          status: 'warn',
          summary: `the running server is tmux ${shown(serverV, server.version)} but ${primary.b.path} is ${primary.v.display}: tmux was upgraded under a live server`,
          details,
          fix: [
            `save now: ${shq(primary.b.path)} run-shell ${shq(`${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect/scripts/save.sh`)} (or prefix C-s), and check that \`last\` holds your panes`,
            `${shq(primary.b.path)} kill-server`,
            restartFromLoginShell(f),
          ],
        });
      }
    }

    const onPath = bins.filter((x) => x.onPath && x.b.version !== null);
    const distinct = onPath.filter((x, i) => onPath.findIndex((y) => same(x, y)) === i);
    if (distinct.length > 1) {
      results.push({
        status: 'warn',
        summary: `different tmux versions on the PATHs: ${distinct.map((x) => `${x.b.path} (${shown(x.v, x.b.version)})`).join(', ')}`,
        details,
        fix: [
          `keep one: remove or rename the others, or put ${primary?.b.path ?? 'the one you want'} first on PATH in ~/.zshenv`,
        ],
      });
    }

    if (results.length === 0) {
      const v = primary?.v?.display ?? serverV?.display ?? '?';
      results.push({
        status: 'pass',
        summary: `tmux ${v} (>= ${MIN})${server?.version ? `; server runs ${shown(serverV, server.version)}` : ''}`,
        details,
      });
    }
    return results;
  },
});
