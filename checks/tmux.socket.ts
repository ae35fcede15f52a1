import { basename, dirname, plural, samePath } from '../src/domain/util.js';
import type { Facts, ProcessFact } from '../src/engine/check.js';
import { defineCheck, type Result } from '../src/engine/check.js';

/** `-L NAME` / `-S PATH` from a tmux command line (before the subcommand); undefined = the default socket. */
function socketFromArgs(command: string): { L?: string; S?: string } {
  const words = command.trim().split(/\s+/).slice(1);
  const out: { L?: string; S?: string } = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w === '-' || w === '--') break;
    for (let j = 1; j < w.length; j++) {
      const flag = w[j]!;
      if ('cfLST'.includes(flag)) {
        const value = j + 1 < w.length ? w.slice(j + 1) : words[++i];
        if (flag === 'L' && value !== undefined) out.L = value;
        if (flag === 'S' && value !== undefined) out.S = value;
        break;
      }
    }
  }
  return out;
}

function isTmuxCommand(command: string): boolean {
  const first = command.trim().split(/\s+/, 1)[0] ?? '';
  return basename(first) === 'tmux' || first === 'tmux:';
}

/** The user's tmux server processes: daemonised (ppid 1), `tmux: server` titles, or the default server's pid. */
function serverProcesses(f: Facts): ProcessFact[] {
  return f.processes.filter(
    (p) =>
      p.uid === f.host.uid &&
      isTmuxCommand(p.command) &&
      (p.ppid === 1 || /^tmux: server\b/.test(p.command) || p.pid === f.server?.pid),
  );
}

export default defineCheck({
  id: 'tmux.socket',
  category: 'tmux',
  title: 'every running tmux server still has its socket',
  explain:
    'tmux clients find the server through its socket file (`/private/tmp/tmux-UID/default`). When that file is ' +
    'deleted — a /tmp cleaner, a script removing /tmp/tmux-*, a VM snapshot — the server keeps running with all ' +
    'sessions, but every tmux command, save.sh included, says "no server running"; a new `tmux` then starts a second, ' +
    'empty server on the same path (tmux-resurrect #115, tmux #1036). This check matches the tmux server processes of ' +
    'the user in `ps` (daemonised, parent pid 1) with the sockets that answer; a server whose socket is only inferred ' +
    'from its command line may be listening under another TMUX_TMPDIR, so it never advises ending one. Fix: ' +
    '`kill -USR1 PID` makes tmux create its socket again (it ends nothing); then save at once.',
  run(ctx) {
    const f = ctx.facts;
    const servers = serverProcesses(f);
    const def = f.server?.socket ?? (f.socketDirs[0] ? `${f.socketDirs[0]}/default` : undefined);
    const defaultPid = f.server?.answers || f.server?.timedOut ? f.server.pid : null;
    const sockets = f.sockets;
    const socketDetails = sockets.length
      ? sockets.map(
          (s) =>
            `socket ${s.path}: ${s.answers ? 'answers' : s.timedOut ? 'timed out' : `no answer${s.error ? ` (${s.error})` : ''}`}`,
        )
      : [`no socket files in ${f.socketDirs.join(', ') || 'the socket dir'}`];
    if (servers.length === 0) {
      if (f.server?.answers)
        return { status: 'pass', summary: `the default server answers on ${f.server.socket}`, details: socketDetails };
      return { status: 'skip', summary: 'no tmux server process runs for this user', details: socketDetails };
    }
    const results: Result[] = [];
    const ok: string[] = [];
    for (const p of servers) {
      const a = socketFromArgs(p.command);
      const inferred = a.S ?? (a.L !== undefined && def ? `${dirname(def)}/${a.L}` : def);
      const sock = inferred ? sockets.find((s) => samePath(s.path, inferred)) : undefined;
      const alive = !!sock && (sock.answers || sock.timedOut);
      const isDefault = !!inferred && !!def && samePath(inferred, def);
      const line = `server pid ${p.pid} (up ${p.etime}): ${p.command}`;
      if (p.pid === defaultPid || (alive && (!isDefault || defaultPid === null || defaultPid === p.pid))) {
        ok.push(`${line} → ${sock?.path ?? f.server?.socket ?? '?'}`);
        continue;
      }
      const details = [
        line,
        `its socket: ${inferred ?? 'unknown'} (from its command line${a.S || a.L ? '' : ': no -L/-S, so the default'})`,
        ...socketDetails,
      ];
      if (isDefault && alive && defaultPid !== null) {
        // its socket is only inferred from its command line: started with another
        // TMUX_TMPDIR it is a healthy server elsewhere, so nothing here may end it
        results.push({
          status: 'info',
          summary: `tmux server pid ${p.pid} does not answer on ${inferred}, where pid ${defaultPid} answers: either it lost that socket to the newer server, or it listens elsewhere (another TMUX_TMPDIR) — cal-doctor could not tell which`,
          details,
          fix: [
            `see where it listens: lsof -a -U -p ${p.pid}   # Linux: ls -l /proc/${p.pid}/fd and tr '\\0' '\\n' < /proc/${p.pid}/environ | grep TMUX_TMPDIR`,
            `if it listens nowhere, its sessions are unreachable: kill -USR1 ${p.pid}   # makes it re-create its socket; ends nothing`,
          ],
        });
      } else {
        results.push({
          status: isDefault ? 'fail' : 'warn',
          summary: `tmux server pid ${p.pid} is running but its socket${inferred ? ` ${inferred}` : ''} is gone: every tmux command — save.sh included — says "no server running"`,
          details: [
            ...details,
            'a `tmux` started now would create a second, empty server on that path, and its saves would overwrite `last` with nothing',
          ],
          fix: [
            `kill -USR1 ${p.pid}   # tmux creates its socket again`,
            'tmux ls   # the sessions are back',
            'then save at once: prefix C-s',
            '(if that server was started with another TMUX_TMPDIR, its socket lives there instead and nothing is wrong)',
          ],
        });
      }
    }
    if (results.length === 0) {
      return {
        status: 'pass',
        summary: `${plural(servers.length, 'tmux server')} running, each answering on its socket`,
        details: [...ok, ...socketDetails],
      };
    }
    if (ok.length) results.push({ status: 'pass', summary: `${plural(ok.length, 'server')} answering`, details: ok });
    return results;
  },
});
