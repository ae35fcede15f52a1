import {
  ageText,
  dirname,
  loadPluginsNowFix,
  nonLoginPathFix,
  pathHasDir,
  plural,
  primaryTmux,
  restartFromLoginShell,
  samePath,
  shq,
  timeoutSeconds,
} from '../src/domain/util.js';
import type { Facts } from '../src/engine/check.js';
import { defineCheck, type Result } from '../src/engine/check.js';

function answeringSockets(f: Facts): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.some((q) => samePath(p, q))) out.push(p);
  };
  if (f.server?.answers && !f.server.timedOut) add(f.server.socket);
  for (const s of f.sockets) if (s.answers && !s.timedOut) add(s.path);
  return out;
}

export default defineCheck({
  id: 'tmux.server',
  category: 'tmux',
  dependsOn: ['tmux.path'],
  title: 'one responsive tmux server, with tmux on its PATH',
  explain:
    'Asks the default tmux server for its sessions, its global environment and the other sockets of this user. ' +
    'resurrect saves what this server holds: a server with no sessions saves a state-only file (`state` and nothing else), ' +
    "which becomes `last`. `run-shell` (how TPM, continuum and prefix C-s run the plugin scripts) uses the server's " +
    'global environment, so a server started from a non-login SSH shell, without /opt/homebrew/bin on PATH, cannot run ' +
    'tmux from its scripts: no plugin loads and saves come out empty. continuum also stops auto-saving when it ' +
    'sees a second tmux server. Fix: give the server the PATH and reload TPM (`tmux set-environment -g PATH …; tmux run-shell ' +
    '~/.tmux/plugins/tpm/tpm`), or save, `tmux kill-server` and start it from a login shell.',
  run(ctx) {
    const f = ctx.facts;
    const s = f.server;
    const answering = answeringSockets(f);
    const socketDetails = f.sockets.map(
      (k) =>
        `socket ${k.path}: ${k.answers ? 'answers' : k.timedOut ? 'timed out' : `no answer${k.error ? ` (${k.error})` : ''}`}`,
    );
    const results: Result[] = [];
    const others = answering.filter((p) => !s || !samePath(p, s.socket));

    if (s?.timedOut) {
      const secs = timeoutSeconds(s.error, ...f.probe.warnings.filter((w) => /time/i.test(w)));
      results.push({
        status: 'fail',
        summary: `tmux server not responding (timed out${secs ? ` after ${secs} s` : ''})`,
        details: [
          `socket: ${s.socket}`,
          `server pid: ${s.pid ?? 'unknown'}`,
          ...(s.error ? [`error: ${s.error}`] : []),
          ...socketDetails,
        ],
        fix: s.pid
          ? [
              `ps -o pid,stat,etime,command -p ${s.pid}   # STAT T = stopped`,
              `if stopped: kill -CONT ${s.pid}   # resumes it; ends nothing`,
              `if it stays hung, see what it waits on: ${f.host.os === 'Darwin' ? `sample ${s.pid} 3` : `cat /proc/${s.pid}/wchan; echo`} (its sessions live only in it: cal-doctor does not advise ending it)`,
            ]
          : [
              `find the server: ps -o pid,stat,command -u ${f.host.uid} | grep tmux; if its STAT has T (stopped): kill -CONT PID   # resumes it; ends nothing`,
            ],
      });
    } else if (!s?.answers) {
      const socket = s?.socket ?? f.socketDirs[0] ?? 'default socket';
      results.push({
        status: 'warn',
        summary: others.length
          ? `no tmux server on the default socket, but ${plural(others.length, 'server')} answer elsewhere: ${others.join(', ')}`
          : 'no tmux server running: nothing to save until one starts',
        details: [`default socket: ${socket}${s?.error ? ` (${s.error})` : ''}`, ...socketDetails],
        fix: [
          'nothing is lost yet: `last` is what the next server restores (continuum restores at server start with @continuum-restore on, or press prefix C-r)',
          restartFromLoginShell(f),
          ...(others.length
            ? ['saves and restores use the default socket: work in the default server, not `tmux -L/-S`']
            : []),
        ],
      });
    } else {
      const names = s.sessions.map(
        (x) => `${x.name} (${plural(x.windows, 'window')}, ${x.attached ? 'attached' : 'detached'})`,
      );
      const base = [
        `socket: ${s.socket}`,
        `server pid ${s.pid ?? '?'}, tmux ${s.version ?? '?'}${s.startTime ? `, up ${ageText(f.host.now - s.startTime)}` : ''}`,
        `sessions: ${names.length ? names.join(', ') : 'none'}`,
        `clients: ${s.clients.length}`,
      ];
      if (s.sessions.length === 0) {
        results.push({
          status: 'warn',
          summary:
            'the tmux server runs with no sessions: a save now writes a state-only file and relinks `last` to it',
          details: [
            ...base,
            `exit-empty: ${s.serverOptions['exit-empty'] ?? '(default on)'}`,
            ...s.hooks.map((h) => `hook: ${h}`),
          ],
          fix: [
            'do not save now; restore the last good save first: prefix C-r, or `tmux run-shell ' +
              shq(`${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect/scripts/restore.sh`) +
              '`',
            'if `exit-empty` is off, or a hook saves on session-closed, remove that from the config',
          ],
        });
      } else {
        results.push({
          status: 'pass',
          summary: `tmux server running with ${plural(s.sessions.length, 'session')}: ${s.sessions.map((x) => x.name).join(', ')}`,
          details: base,
        });
      }

      if (others.length > 0) {
        results.push({
          status: 'warn',
          summary: `${answering.length} tmux servers answer for this user: continuum does not set up auto-save when it sees another server at load`,
          details: [
            ...answering.map((p) => `answers: ${p}`),
            ...f.processes.filter((p) => /^tmux\b/.test(p.command)).map((p) => `ps: ${p.pid} ${p.command}`),
          ],
          fix: [
            // a live server may be another job's: show what runs in it, never advise ending it
            ...others.map((p) => `see what runs in it: tmux -S ${shq(p)} list-sessions`),
            'continuum wires auto-save only when no other server runs at load: once that server is gone (your call: it answers, so it may be in use), reload continuum in the default server: tmux run-shell ' +
              shq(`${f.plugins.dir.replace(/\/+$/, '')}/tmux-continuum/continuum.tmux`),
          ],
        });
      }

      const tmuxPath = primaryTmux(f);
      const serverPath = s.globalEnv.PATH;
      if (tmuxPath?.includes('/')) {
        const dir = dirname(tmuxPath);
        if (!pathHasDir(serverPath, dir)) {
          results.push({
            status: 'fail',
            summary: `the server's PATH lacks ${dir} (where tmux is): run-shell, TPM and save.sh cannot call tmux, so plugins don't load and saves come out empty`,
            details: [
              `server global PATH: ${serverPath === null ? '(removed)' : (serverPath ?? '(not set)')}`,
              `tmux: ${tmuxPath}`,
              'the server was started from a shell without that PATH (a non-login `ssh vm …`)',
            ],
            fix: [
              ...loadPluginsNowFix(f, tmuxPath),
              '(keeps the sessions; then save with prefix C-s and check `last`)',
              ...nonLoginPathFix(f, dir),
              `for good: after a good save, \`tmux kill-server\`, then ${restartFromLoginShell(f)}`,
            ],
          });
        }
      }
    }
    return results;
  },
});
