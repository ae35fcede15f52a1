// @@server, @@sockets and @@unreached: the default server, every socket, where unreached servers listen.

import { decodeKv } from '../../remote/records.js';
import type { Facts, ListenFact, ServerFact, ServerSocketsFact, SocketFact } from '../facts.js';
import { filterKeyBindings, parseClients, parseSessions, parseShowEnvironment, parseShowOptions } from './tmux.js';
import { firstLine, KILLED, outputLines, toInt, US } from './values.js';

export function buildServer(
  records: Map<string, Buffer>,
  facts: Facts,
  warn: (w: string) => void,
  timeout: number,
): void {
  if (!records.has('server')) {
    warn('probe output has no server record: default tmux server not examined');
    return;
  }
  const kv = decodeKv(records.get('server'));
  const socket = kv.get('server.socket') ?? '';
  const server: ServerFact = {
    socket,
    answers: false,
    timedOut: false,
    version: null,
    pid: null,
    startTime: null,
    sessions: [],
    clients: [],
    globalEnv: {},
    options: {},
    serverOptions: {},
    hooks: [],
    keyBindings: [],
  };
  facts.server = server;
  if (kv.get('server.called') !== '1') {
    if (kv.get('server.exists') !== '1') server.error = `no server running on ${socket} (no socket)`;
    else server.error = 'no tmux binary found to ask the server';
    return;
  }
  const rc = toInt(kv.get('srv.display.rc'));
  const display = kv.get('srv.display.out') ?? '';
  if (rc === KILLED || kv.get('srv.display.timedout') === '1') {
    server.timedOut = true;
    server.error = `the server on ${socket} did not answer within ${timeout}s (hung or stopped?)`;
    warn(server.error);
    return;
  }
  if (rc !== 0) {
    server.error = firstLine(display) || `tmux exited with status ${rc ?? '?'}`;
    return;
  }
  server.answers = true;
  const parts = outputLines(display)[0]?.split(US) ?? [];
  server.version = parts[0] ? parts[0] : null;
  server.pid = toInt(parts[1]);
  server.startTime = toInt(parts[2]);

  const call = (name: string, what: string): string | undefined => {
    if (kv.get(`srv.${name}.skipped`) === '1') {
      warn(`\`tmux ${what}\` skipped: the server stopped answering`);
      return undefined;
    }
    const crc = toInt(kv.get(`srv.${name}.rc`));
    const o = kv.get(`srv.${name}.out`);
    if (crc === KILLED || kv.get(`srv.${name}.timedout`) === '1') {
      server.timedOut = true;
      warn(`\`tmux ${what}\` timed out after ${timeout}s`);
      return undefined;
    }
    if (crc === null) {
      warn(`no result for \`tmux ${what}\``);
      return undefined;
    }
    if (crc !== 0) {
      warn(`\`tmux ${what}\` failed: ${firstLine(o) || `exit ${crc}`}`);
      return undefined;
    }
    if (kv.get(`srv.${name}.trunc`) === '1') warn(`output of \`tmux ${what}\` was cut at the probe cap`);
    return o ?? '';
  };
  call('rdir', 'show-options -gqv @resurrect-dir');
  server.sessions = parseSessions(call('sessions', 'list-sessions'));
  server.clients = parseClients(call('clients', 'list-clients'));
  server.globalEnv = parseShowEnvironment(call('env', 'show-environment -g'));
  server.options = parseShowOptions(call('opts', 'show-options -g'));
  server.serverOptions = parseShowOptions(call('sopts', 'show-options -s'));
  // 3.x lists every hook name; only lines with a command are hooks that are set
  server.hooks = outputLines(call('hooks', 'show-hooks -g')).filter((l) => /\S\s+\S/.test(l));
  server.keyBindings = filterKeyBindings(call('keys', 'list-keys -T prefix'));
}

export function buildSockets(
  records: Map<string, Buffer>,
  facts: Facts,
  warn: (w: string) => void,
  timeout: number,
): void {
  if (!records.has('sockets')) {
    warn('probe output has no sockets record: socket dirs not examined');
    return;
  }
  const kv = decodeKv(records.get('sockets'));
  for (let i = 0; kv.has(`sockdir.${i}.path`); i++) facts.socketDirs.push(kv.get(`sockdir.${i}.path`)!);
  const sockets: SocketFact[] = [];
  for (let i = 0; kv.has(`sock.${i}.path`); i++) {
    const path = kv.get(`sock.${i}.path`)!;
    const s: SocketFact = { path, answers: false, timedOut: false };
    if (kv.get(`sock.${i}.default`) === '1') {
      const srv = facts.server;
      if (srv) {
        s.answers = srv.answers;
        // a later call timing out does not mean the first one did
        s.timedOut = !srv.answers && srv.timedOut;
        if (srv.error !== undefined) s.error = srv.error;
      }
    } else if (kv.get(`sock.${i}.skipped`) === '1') {
      s.error = 'not asked (no tmux binary, or too many sockets)';
    } else {
      const rc = toInt(kv.get(`sock.${i}.rc`));
      const o = kv.get(`sock.${i}.out`);
      if (rc === 0) s.answers = true;
      else if (rc === KILLED || kv.get(`sock.${i}.timedout`) === '1') {
        s.timedOut = true;
        s.error = `no answer within ${timeout}s (hung or stopped?)`;
        warn(`the tmux server on ${path} did not answer within ${timeout}s`);
      } else s.error = firstLine(o) || `tmux exited with status ${rc ?? '?'}`;
    }
    sockets.push(s);
  }
  facts.sockets = sockets;
}

// ---------------------------------------------------------------------------------
// where a server listens, as the OS says

/**
 * The unix socket paths a process listens on, from the `socket:[INODE]` lines of
 * `ls -l /proc/PID/fd` and the lines of /proc/net/unix (`Num RefCount Protocol Flags Type
 * St Inode Path`): the named sockets with those inodes whose flags say listening (00010000).
 */
export function parseProcListens(fdLines: string | undefined, unixLines: string | undefined): string[] {
  const inodes = new Set<string>();
  for (const l of outputLines(fdLines)) {
    const m = / -> socket:\[(\d+)\]$/.exec(l);
    if (m) inodes.add(m[1]!);
  }
  const out: string[] = [];
  for (const l of outputLines(unixLines)) {
    const m = /^\S+:\s+\S+\s+\S+\s+(\S+)\s+\S+\s+\S+\s+(\d+) (\/.*)$/.exec(l);
    if (m && m[1] === '00010000' && inodes.has(m[2]!) && !out.includes(m[3]!)) out.push(m[3]!);
  }
  return out;
}

/**
 * The unix socket paths in `lsof -a -U -p PID -F fn` output: its `n` lines that name a path
 * (Linux's lsof adds ` type=STREAM …`; a socket without a name shows its peer, `->0x…`).
 * Null when the output lists no process (lsof found nothing or was refused).
 */
export function parseLsofListens(out: string | undefined): string[] | null {
  const lines = outputLines(out);
  if (!lines.some((l) => /^p\d+$/.test(l))) return null;
  const paths: string[] = [];
  for (const l of lines) {
    if (!l.startsWith('n/')) continue;
    const path = l.slice(1).replace(/ type=\S+( \(\w+\))?$/, '');
    if (!paths.includes(path)) paths.push(path);
  }
  return paths;
}

export function buildServerSockets(records: Map<string, Buffer>, facts: Facts, timeout: number): void {
  if (!records.has('unreached')) return;
  const kv = decodeKv(records.get('unreached'));
  const processes: ServerSocketsFact[] = [];
  const count = Math.min(toInt(kv.get('count')) ?? 0, 100);
  for (let n = 0; n < count; n++) {
    const p = decodeKv(records.get(`unreached.${n}`));
    const pid = toInt(p.get('pid'));
    if (pid === null) continue;
    const how = p.get('how');
    const fact: ServerSocketsFact = { pid, how: how === 'proc' || how === 'lsof' ? how : 'none', unreadable: [] };
    // the sockets the probe looked at, by path
    const looked = new Map<string, ListenFact>();
    for (let m = 0; p.has(`sock.${m}.path`); m++) {
      const path = p.get(`sock.${m}.path`)!;
      const rc = toInt(p.get(`sock.${m}.rc`));
      const l: ListenFact = {
        path,
        exists: p.get(`sock.${m}.exists`) === '1',
        answers: rc === 0,
        timedOut: rc === KILLED,
        pid: rc === 0 ? toInt(firstLine(p.get(`sock.${m}.pid`))) : null,
        asked: rc !== null,
      };
      if (rc === KILLED) l.error = `no answer within ${timeout}s (hung or stopped?)`;
      else if (rc !== null && rc !== 0) l.error = firstLine(p.get(`sock.${m}.out`)) || `tmux exited with status ${rc}`;
      looked.set(path, l);
    }
    let paths: string[] | null = null;
    if (fact.how === 'proc') {
      if (p.get('environ.rc') === '0') {
        fact.tmuxTmpdir = p.get('env.tmux_tmpdir') ?? null;
        fact.tmux = p.get('env.tmux') ?? null;
      } else fact.unreadable.push(`/proc/${pid}/environ: ${firstLine(p.get('environ.err')) || 'not read'}`);
      const unixRc = toInt(p.get('unix.rc'));
      if (p.get('fd.rc') !== '0') fact.unreadable.push(`/proc/${pid}/fd: ${firstLine(p.get('fd.err')) || 'not read'}`);
      // grep: 1 = no line matched (no named socket), more = it could not read
      else if (unixRc !== null && unixRc > 1)
        fact.unreadable.push(`/proc/net/unix: ${firstLine(p.get('unix.out')) || `grep exited with status ${unixRc}`}`);
      else paths = parseProcListens(p.get('fd.sockets'), unixRc === 0 ? p.get('unix.out') : '');
    } else if (fact.how === 'lsof') {
      const rc = toInt(p.get('lsof.rc'));
      paths = rc === KILLED ? null : parseLsofListens(p.get('lsof.out'));
      if (rc === KILLED) fact.unreadable.push(`lsof -a -U -p ${pid}: no answer within ${timeout}s`);
      else if (paths === null)
        fact.unreadable.push(
          `lsof -a -U -p ${pid}: ${firstLine(p.get('lsof.out')) || `listed nothing (exit status ${rc ?? '?'})`}`,
        );
    } else fact.unreadable.push(`its sockets: this host has neither /proc nor lsof`);
    if (paths) {
      fact.listens = [];
      for (const path of paths) {
        const l = looked.get(path);
        if (l) fact.listens.push(l);
        else fact.unreadable.push(`${path}: not looked at by the probe`);
      }
    }
    processes.push(fact);
  }
  facts.serverSockets = {
    servers: toInt(kv.get('servers')) ?? 0,
    answering: toInt(kv.get('answering')) ?? 0,
    processes,
  };
}
