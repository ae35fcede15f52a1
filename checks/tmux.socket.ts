import { basename, dirname, plural, samePath } from '../src/domain/util.js';
import type { Facts, ProcessFact, ServerSocketsFact } from '../src/engine/check.js';
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

/** Where the OS was read for a server, as a phrase: `/proc/812`, `lsof -a -U -p 812`. */
function source(w: ServerSocketsFact): string {
  return w.how === 'lsof' ? `lsof -a -U -p ${w.pid}` : `/proc/${w.pid}`;
}

function tmpdirNote(w: ServerSocketsFact): string {
  if (w.tmuxTmpdir === undefined) return '';
  return w.tmuxTmpdir === null ? ' (TMUX_TMPDIR not set in its environment)' : ` (its TMUX_TMPDIR: ${w.tmuxTmpdir})`;
}

/**
 * A server's state from where the OS says it listens: answering there (a string for the
 * passing details), or a result. Only a server whose every socket path is proved gone, or
 * holds a socket nobody answers on, gets `kill -USR1` (tmux re-creates the socket; it ends nothing).
 */
function judgeFromOs(
  p: ProcessFact,
  w: ServerSocketsFact & { listens: NonNullable<ServerSocketsFact['listens']> },
  line: string,
  def: string | undefined,
  timeout: number,
): string | Result {
  const where = w.listens.map(
    (l) =>
      `listens on ${l.path}: ${
        !l.exists
          ? 'the socket file is gone'
          : l.answers
            ? `pid ${l.pid ?? '?'} answers there`
            : l.timedOut
              ? `no answer within ${timeout}s`
              : `nothing answers there${l.error ? ` (${l.error})` : ''}`
      }`,
  );
  const details = [line, `read from ${source(w)}${tmpdirNote(w)}:`, ...where.map((l) => `  ${l}`)];
  const mine = w.listens.find((l) => l.answers && l.pid === p.pid);
  if (mine) return `${line} → ${mine.path}${tmpdirNote(w)}`;
  const isDefault = w.listens.some((l) => !!def && samePath(l.path, def));
  const taken = w.listens.find((l) => l.answers && l.pid !== null);
  const unsure = w.listens.find((l) => l.timedOut || (l.answers && l.pid === null) || (l.exists && !l.asked));
  if (w.listens.length === 0 || unsure) {
    return {
      status: 'info',
      summary: unsure
        ? `tmux server pid ${p.pid} listens on ${unsure.path}, but cal-doctor could not tell whether it answers there (${unsure.timedOut ? `no answer within ${timeout}s` : unsure.answers ? 'the server there did not give its pid' : 'no tmux binary to ask it'})`
        : `tmux server pid ${p.pid} listens on no named unix socket (read from ${source(w)}): cal-doctor could not tell how its sessions are reached`,
      details,
    };
  }
  const sock = taken ?? w.listens[0]!;
  if (taken) {
    return {
      status: isDefault ? 'fail' : 'warn',
      summary: `tmux server pid ${p.pid} lost its socket ${taken.path} to pid ${taken.pid}, which answers there now: no tmux command reaches the sessions of pid ${p.pid}, and saves see only those of pid ${taken.pid}`,
      details,
      fix: [
        `tmux -S ${taken.path} ls   # the sessions of pid ${taken.pid}, which answers there now`,
        `kill -USR1 ${p.pid}   # pid ${p.pid} re-creates ${taken.path} and answers there again; ends nothing`,
        `(after that pid ${taken.pid} no longer answers there: look at its sessions first)`,
        'then save at once: prefix C-s',
      ],
    };
  }
  return {
    status: isDefault ? 'fail' : 'warn',
    summary: `tmux server pid ${p.pid} is running but its socket ${sock.path} is gone${sock.exists ? ' (the file there now reaches no server)' : ''}: every tmux command — save.sh included — says "no server running"`,
    details: [
      ...details,
      'a `tmux` started now would create a second, empty server on that path, and its saves would overwrite `last` with nothing',
    ],
    fix: [
      `kill -USR1 ${p.pid}   # tmux creates its socket again`,
      `${isDefault ? 'tmux ls' : `tmux -S ${sock.path} ls`}   # the sessions are back`,
      'then save at once: prefix C-s',
    ],
  };
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
    'the user in `ps` (daemonised, parent pid 1) with the sockets that answer. When a server is left over, the probe ' +
    'asks the OS where it really listens — its unix sockets and TMUX_TMPDIR from /proc on Linux, `lsof -a -U -p PID` ' +
    'on macOS — and which server answers on each: a server answering under another TMUX_TMPDIR passes; one whose ' +
    'socket file is gone, or whose path another server took, is unreachable. When the OS could not tell (no /proc, ' +
    'lsof missing or refused) the check says what it could not read and falls back to the command line (-L/-S, else ' +
    'the default socket). It never advises ending a server. Fix: `kill -USR1 PID` makes tmux create its socket again ' +
    '(it ends nothing; on a path another server took, that server stops answering there); then save at once.',
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
    const elsewhere: string[] = [];
    const os = new Map((f.serverSockets?.processes ?? []).map((w) => [w.pid, w]));
    for (const p of servers) {
      const w = os.get(p.pid);
      if (p.pid !== defaultPid && w?.listens && w.unreadable.length === 0) {
        const line = `server pid ${p.pid} (up ${p.etime}): ${p.command}`;
        const r = judgeFromOs(p, { ...w, listens: w.listens }, line, def, f.probe.tmuxTimeoutSec);
        if (typeof r !== 'string') results.push(r);
        else {
          ok.push(r);
          const at = w.listens.find((l) => l.pid === p.pid)!.path;
          if (!f.socketDirs.some((d) => samePath(dirname(at), d)))
            elsewhere.push(`pid ${p.pid} on ${at}${w.tmuxTmpdir ? `, its TMUX_TMPDIR being ${w.tmuxTmpdir}` : ''}`);
        }
        continue;
      }
      // no word from the OS: where it listens is inferred from its command line
      const notRead = w ? [`cal-doctor could not read where it listens: ${w.unreadable.join('; ')}`] : [];
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
        ...notRead,
        ...socketDetails,
      ];
      if (isDefault && alive && defaultPid !== null) {
        // its socket is only inferred from its command line: started with another
        // TMUX_TMPDIR it is a healthy server elsewhere, so nothing here may end it
        results.push({
          status: 'info',
          summary: `tmux server pid ${p.pid} does not answer on ${inferred}, where pid ${defaultPid} answers: either it lost that socket to the newer server, or it listens elsewhere (another TMUX_TMPDIR) — cal-doctor could not tell which${w ? ` (it could not read ${w.unreadable.map((u) => u.split(':')[0]).join(', ')})` : ''}`,
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
        summary: `${plural(servers.length, 'tmux server')} running, each answering on its socket${elsewhere.length ? ` (${elsewhere.join('; ')})` : ''}`,
        details: [...ok, ...socketDetails],
      };
    }
    if (ok.length) results.push({ status: 'pass', summary: `${plural(ok.length, 'server')} answering`, details: ok });
    return results;
  },
});
