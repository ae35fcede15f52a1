// SSH servers for the failure cases a real OpenSSH on 127.0.0.1 cannot easily play
// (TESTING.md: "ssh2 can also act as an SSH server in-process"):
//  - silentPort():   accepts TCP connections and never says a word (no SSH banner);
//  - closedPort():   a port nothing listens on;
//  - fakeSshd(...):  an ssh2 server with password and/or public-key auth whose exec does
//                    one of: run the command locally (a real probe, for password auth
//                    end to end), hang forever, print part of an output then die, or
//                    drop the TCP connection mid-probe. It records what it saw: the
//                    exec commands, the bytes on stdin, signals, and when the client left.
// Every server is closed by its stop(), and by the harness's exit hook if a test forgot.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { AuthenticationType, Connection, ServerChannel } from 'ssh2';
import ssh2 from 'ssh2';
import { cleanupAtExit, freePort, makeTempDir } from './util.js';

const { Server, utils } = ssh2;

export interface SilentPort {
  host: '127.0.0.1';
  port: number;
  /** TCP connections accepted so far */
  connections(): number;
  /** connections the peer has closed */
  closed(): number;
  stop(): Promise<void>;
}

/** A TCP port that accepts and never answers: the SSH client waits for a banner forever. */
export async function silentPort(): Promise<SilentPort> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let closed = 0;
  const srv: NetServer = createServer((sock) => {
    connections++;
    sockets.add(sock);
    sock.on('error', () => {});
    sock.on('close', () => {
      closed++;
      sockets.delete(sock);
    });
    sock.resume(); // read and drop whatever the client sends; say nothing
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (srv.address() as { port: number }).port;
  const stopNow = () => {
    for (const s of sockets) s.destroy();
    srv.close();
  };
  const forget = cleanupAtExit(stopNow);
  return {
    host: '127.0.0.1',
    port,
    connections: () => connections,
    closed: () => closed,
    async stop() {
      forget();
      stopNow();
    },
  };
}

/** A port that was free a moment ago and that nothing listens on. */
export async function closedPort(): Promise<number> {
  return freePort();
}

type ExecBehaviour =
  /** run the command with /bin/sh -c in `env`, in its own process group (signals kill the group) */
  | { kind: 'local'; env: Record<string, string>; cwd?: string }
  /** accept the exec, read stdin, never print, never exit */
  | { kind: 'hang' }
  /** print `output` (part of a probe output), then end the channel with `signal` (or exit status `code`) */
  | { kind: 'cut'; output: string | Buffer; signal?: string; code?: number }
  /** print `output`, then destroy the TCP connection without closing the channel */
  | { kind: 'drop'; output: string | Buffer };

export interface FakeSshdOptions {
  /** the password accepted for `user` (password auth off when unset) */
  password?: string;
  /** OpenSSH public key line(s) accepted for `user` (key auth off when unset) */
  authorizedKeys?: string[];
  /** the one user name accepted (default: any) */
  user?: string;
  exec: ExecBehaviour;
}

interface FakeSshdEvents {
  connections: number;
  /** auth attempts: method and user (never the password) */
  auth: Array<{ method: string; user: string; ok: boolean }>;
  /** passwords the client offered (so a test can prove which one went over the wire) */
  passwordsOffered: string[];
  execs: string[];
  /** bytes received on each exec's stdin, in order */
  stdin: Buffer[];
  signals: string[];
  /** clients that went away (TCP closed), with the time they did */
  closedAt: number[];
  /** exec channels the client closed */
  channelsClosed: number;
}

export interface FakeSshd {
  host: '127.0.0.1';
  port: number;
  /** known_hosts holding this server's key for [127.0.0.1]:port */
  knownHosts: string;
  /** the host key's public line `ssh-ed25519 AAAA…` */
  hostKeyPub: string;
  /** temp dir holding known_hosts (removed by stop) */
  dir: string;
  events: FakeSshdEvents;
  /** resolves when `n` clients have gone away */
  waitClosed(n?: number, timeoutMs?: number): Promise<void>;
  /** resolves when `n` execs have started */
  waitExec(n?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh ed25519 key pair in OpenSSH format: { private, public } (public is `ssh-ed25519 AAAA… comment`). */
export function newKeyPair(comment = 'cal-doctor-test'): { private: string; public: string } {
  // ssh2 1.17 writes about 1 ed25519 key in 300 that its own parser then calls malformed:
  // keep only keys that parse, as the doctor (and the server here) must read them
  for (;;) {
    const kp = utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(kp.private) instanceof Error) && !(utils.parseKey(kp.public) instanceof Error))
      return { private: kp.private, public: kp.public };
  }
}

function pubBlob(line: string): Buffer {
  const b64 = line.trim().split(/\s+/)[1] ?? '';
  return Buffer.from(b64, 'base64');
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function fakeSshd(opts: FakeSshdOptions): Promise<FakeSshd> {
  const host = newKeyPair('cal-doctor-fake-host');
  const events: FakeSshdEvents = {
    connections: 0,
    auth: [],
    passwordsOffered: [],
    execs: [],
    stdin: [],
    signals: [],
    closedAt: [],
    channelsClosed: 0,
  };
  const children = new Set<ChildProcess>();
  const conns = new Set<Connection>();
  const allowed = (opts.authorizedKeys ?? []).map(pubBlob);
  const methods: AuthenticationType[] = [
    ...(opts.password !== undefined ? (['password'] as const) : []),
    ...(allowed.length ? (['publickey'] as const) : []),
  ];

  const killGroup = (c: ChildProcess, sig: NodeJS.Signals) => {
    try {
      if (c.pid) process.kill(-c.pid, sig);
    } catch {
      /* gone */
    }
  };

  const srv = new Server({ hostKeys: [host.private] }, (client) => {
    events.connections++;
    conns.add(client);
    client.on('error', () => {});
    client.on('close', () => {
      conns.delete(client);
      events.closedAt.push(Date.now());
    });
    client.on('authentication', (ctx) => {
      const userOk = opts.user === undefined || ctx.username === opts.user;
      let ok = false;
      if (ctx.method === 'password') {
        events.passwordsOffered.push(ctx.password);
        ok = userOk && opts.password !== undefined && ctx.password === opts.password;
      } else if (ctx.method === 'publickey') {
        const blob = ctx.key.data;
        ok = userOk && allowed.some((a) => a.equals(blob));
        // the query step (no signature yet) must be answered with accept to get the signature
        if (ok && !ctx.signature) {
          events.auth.push({ method: 'publickey-query', user: ctx.username, ok });
          return ctx.accept();
        }
        if (ok && ctx.signature) {
          const parsed = utils.parseKey(`${ctx.key.algo} ${ctx.key.data.toString('base64')}`);
          ok =
            !(parsed instanceof Error) &&
            (Array.isArray(parsed) ? parsed[0]! : parsed).verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true;
        }
      }
      events.auth.push({ method: ctx.method, user: ctx.username, ok });
      if (ok) ctx.accept();
      else ctx.reject(methods);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let group: ChildProcess | undefined;
        session.on('signal', (accept, _reject, info) => {
          events.signals.push(info.name);
          accept?.();
          if (group) killGroup(group, `SIG${info.name}` as NodeJS.Signals);
        });
        session.on('exec', (accept, _reject, info) => {
          events.execs.push(info.command);
          const stream: ServerChannel = accept();
          const idx = events.stdin.push(Buffer.alloc(0)) - 1;
          stream.on('data', (d: Buffer) => {
            events.stdin[idx] = Buffer.concat([events.stdin[idx]!, d]);
          });
          stream.on('close', () => {
            events.channelsClosed++;
            if (group) killGroup(group, 'SIGKILL');
          });
          stream.on('error', () => {});
          const ex = opts.exec;
          switch (ex.kind) {
            case 'hang':
              return;
            case 'cut':
              stream.write(ex.output);
              setTimeout(() => {
                if (ex.code !== undefined) stream.exit(ex.code);
                else stream.exit(ex.signal ?? 'KILL', false, '');
                stream.end();
              }, 50);
              return;
            case 'drop':
              stream.write(ex.output);
              setTimeout(() => {
                // the transport goes away under the open channel
                const sock = (client as unknown as { _sock?: Socket })._sock;
                sock?.destroy();
              }, 50);
              return;
            case 'local': {
              const child = spawn('/bin/sh', ['-c', info.command], {
                env: ex.env,
                cwd: ex.cwd,
                stdio: ['pipe', 'pipe', 'pipe'],
                detached: true,
              });
              group = child;
              children.add(child);
              child.stdin.on('error', () => {});
              stream.pipe(child.stdin);
              child.stdout.pipe(stream, { end: false });
              child.stderr.pipe(stream.stderr, { end: false });
              child.on('close', (code, signal) => {
                children.delete(child);
                if (signal) stream.exit(signal.replace(/^SIG/, ''), false, '');
                else stream.exit(code ?? 0);
                stream.end();
              });
              return;
            }
          }
        });
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (srv.address() as { port: number }).port;
  const hostKeyPub = host.public.trim().split(/\s+/).slice(0, 2).join(' ');
  const dir = makeTempDir('cal-fakesshd-');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKeyPub}\n`);

  const stopNow = () => {
    for (const c of children) killGroup(c, 'SIGKILL');
    for (const c of conns) (c as unknown as { end(): void }).end();
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const forget = cleanupAtExit(stopNow);
  return {
    host: '127.0.0.1',
    port,
    knownHosts,
    hostKeyPub,
    dir,
    events,
    waitClosed: (n = 1, timeoutMs = 5_000) =>
      waitUntil(() => events.closedAt.length >= n, timeoutMs, `${n} client(s) to disconnect`),
    waitExec: (n = 1, timeoutMs = 10_000) => waitUntil(() => events.execs.length >= n, timeoutMs, `${n} exec(s)`),
    async stop() {
      forget();
      stopNow();
    },
  };
}
