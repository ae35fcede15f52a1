import { dirname, nonLoginPathFix, pathLine, restartFromLoginShell, samePath, shq } from '../src/domain/util.js';
import type { Facts } from '../src/engine/check.js';
import { defineCheck, type Result } from '../src/engine/check.js';

function loginProblem(facts: Facts): string {
  if (facts.login.timedOut) return 'the login shell timed out';
  return `the login shell failed${facts.login.error ? `: ${facts.login.error}` : ''}`;
}

function installFix(facts: Facts): string[] {
  const known = facts.tmuxBinaries.filter((b) => b.foundBy.includes('known-location'));
  if (known.length > 0) {
    const dir = dirname(known[0]!.path);
    return [
      `tmux is installed at ${known[0]!.path} but on no PATH: add to ~/.zprofile and ~/.zshenv: ${pathLine(dir)}`,
    ];
  }
  return facts.host.os === 'Darwin'
    ? ['brew install tmux', `then add to ~/.zshenv: ${pathLine('/opt/homebrew/bin')}`]
    : ['install tmux (Debian/Ubuntu: sudo apt-get install tmux)'];
}

export default defineCheck({
  id: 'tmux.path',
  category: 'tmux',
  title: 'tmux is on the PATH of non-login and login shells',
  explain:
    'Looks up `tmux` the way `ssh vm tmux …` does (a non-login shell) and the way a terminal login does (`$SHELL -l`). ' +
    'On macOS Homebrew is put on PATH by ~/.zprofile, which only login shells read: `ssh vm tmux` then fails, and a server ' +
    'started by full path from such a shell has no Homebrew PATH in its environment, so TPM cannot call `tmux`, no plugin ' +
    'loads and `run-shell save.sh` writes a 0-byte `last`. Fix: put the PATH in ~/.zshenv ' +
    '(`eval "$(/opt/homebrew/bin/brew shellenv)"`), then restart the tmux server from a login shell.',
  run(ctx) {
    const f = ctx.facts;
    const exec = f.execTmux;
    const login = f.login.ok ? f.login.tmux : undefined;
    const details = [
      `non-login PATH: ${f.env.path || '(empty)'}`,
      `non-login \`command -v tmux\`: ${exec ?? 'not found'}`,
      f.login.ok
        ? `login PATH: ${f.login.path ?? '(not reported)'}`
        : `login shell (${f.host.shell}): ${loginProblem(f)}`,
      ...(f.login.ok ? [`login \`command -v tmux\`: ${f.login.tmux ?? 'not found'}`] : []),
    ];
    const results: Result[] = [];
    if (exec) {
      if (!f.login.ok) {
        results.push({
          status: 'warn',
          summary: `tmux found for non-login shells (${exec}), but ${loginProblem(f)}: login shells not verified`,
          details,
          fix: [
            `run \`${f.host.shell || 'zsh'} -l -c 'command -v tmux'\` on the target and fix whatever in ~/.zprofile or ~/.zlogin blocks or errors`,
          ],
        });
      } else if (!login) {
        results.push({
          status: 'warn',
          summary: `tmux found for non-login shells (${exec}) but not by a login shell`,
          details,
          fix: [`a login file (~/.zprofile, ~/.zlogin, ~/.profile) resets PATH: add there: ${pathLine(dirname(exec))}`],
        });
      } else {
        results.push({
          status: 'pass',
          summary: samePath(exec, login)
            ? `tmux is ${exec} for non-login and login shells`
            : `tmux is ${exec} (non-login) and ${login} (login)`,
          details,
        });
      }
    } else if (login) {
      results.push({
        status: 'fail',
        summary: `tmux is only on the login PATH (${login}): \`ssh vm tmux …\` can't find it, and a server started from a non-login shell can't load plugins`,
        details,
        fix: [
          ...nonLoginPathFix(f, dirname(login)),
          `check: ssh into the target and run \`${f.host.shell || 'zsh'} -c 'command -v tmux'\` → ${login}`,
          `a server already running from a non-login shell keeps its old PATH: see tmux.server / plugins.tpm, or after a good save \`${shq(login)} kill-server\` and ${restartFromLoginShell(f)}`,
        ],
      });
    } else if (!f.login.ok) {
      results.push({
        status: 'fail',
        summary: `tmux is not on the non-login PATH, and ${loginProblem(f)}`,
        details,
        fix: installFix(f),
      });
    } else {
      results.push({
        status: 'fail',
        summary: 'tmux not found by non-login or login shells',
        details,
        fix: installFix(f),
      });
    }
    return results;
  },
});
