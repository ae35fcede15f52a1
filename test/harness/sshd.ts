// A throwaway OpenSSH server on 127.0.0.1 (TESTING.md, "A private OpenSSH server").
// It logs in only the invoking user, with a fresh key, and hands every session the
// environment given here via SetEnv, so a session's HOME/PATH/TMUX_TMPDIR are the test's.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  alive,
  childrenOf,
  cleanupAtExit,
  freePort,
  makeTempDir,
  type RunOptions,
  type RunOutput,
  run,
  SYSTEM_PATH,
  signal,
  terminate,
  which,
} from './util.js';

export const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = which('ssh-keygen', SYSTEM_PATH);
const SSH = which('ssh', SYSTEM_PATH);

export interface Sshd {
  port: number;
  host: '127.0.0.1';
  user: string;
  /** path to the client's private key (OpenSSH format, ed25519, no passphrase) */
  clientKey: string;
  /** path to a known_hosts file holding the host key for [127.0.0.1]:port */
  knownHosts: string;
  /** the host's public key line: `ssh-ed25519 AAAA… comment` */
  hostKeyPub: string;
  dir: string;
  /** what sshd logged so far (it runs with -e) */
  log(): string;
  stop(): Promise<void>;
}

/** sshd, ssh-keygen and the ssh client are installed (and, as root, /run/sshd can exist). */
export function sshdAvailable(): boolean {
  return existsSync(SSHD) && SSH_KEYGEN !== undefined && SSH !== undefined;
}

export async function startSshd(opts: { env: Record<string, string>; timeoutMs?: number }): Promise<Sshd> {
  if (!sshdAvailable()) throw new Error(`startSshd: needs ${SSHD}, ssh-keygen and ssh`);
  const dir = makeTempDir('cal-sshd-');
  try {
    await keygen(join(dir, 'host_key'));
    await keygen(join(dir, 'client_key'));
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
    // as root, sshd insists on its privilege-separation directory
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    // a port found free can be taken before sshd binds it: try a few
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await launch(dir, port, opts.env, opts.timeoutMs ?? 10_000);
      if (started.ok) return started.sshd;
      if (attempt >= 3 || !/Address already in use|Cannot bind/i.test(started.log)) {
        throw new Error(`sshd did not start:\n${started.log}`);
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Runs `command` on the server with the OpenSSH client; never reads ~/.ssh of the tester. */
export function ssh(sshd: Sshd, command: string, opts: RunOptions = {}): Promise<RunOutput> {
  return run(SSH!, [...sshArgs(sshd), command], {
    env: { PATH: SYSTEM_PATH },
    timeoutMs: 15_000,
    ...opts,
  });
}

/** OpenSSH client arguments up to the destination (append the remote command). */
export function sshArgs(sshd: Sshd): string[] {
  return [
    // -F /dev/null: no ~/.ssh/config, and ssh then never creates ~/.ssh either
    '-F',
    '/dev/null',
    '-i',
    sshd.clientKey,
    '-p',
    String(sshd.port),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${sshd.knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'ConnectTimeout=5',
    '-o',
    'LogLevel=ERROR',
    `${sshd.user}@${sshd.host}`,
  ];
}

async function keygen(path: string): Promise<void> {
  const out = await run(SSH_KEYGEN!, ['-q', '-t', 'ed25519', '-N', '', '-C', 'cal-doctor-test', '-f', path]);
  if (out.code !== 0) throw new Error(`ssh-keygen failed: ${out.stderr}`);
}

/** sshd_config tokens are split on spaces with "..." quoting and backslash escapes. */
function quote(token: string): string {
  if (/[\n\r]/.test(token)) throw new Error(`sshd SetEnv value cannot hold a newline: ${JSON.stringify(token)}`);
  return `"${token.replace(/[\\"]/g, '\\$&')}"`;
}

function config(dir: string, port: number, env: Record<string, string>): string {
  const lines = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    // the keys live below /tmp, which is world-writable
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'PermitUserEnvironment no',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    'Subsystem sftp internal-sftp',
    'LogLevel INFO',
  ];
  const entries = Object.entries(env);
  for (const [name] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad environment name for SetEnv: ${name}`);
  }
  // Only the FIRST SetEnv line counts in sshd_config: every variable goes on one line.
  if (entries.length) lines.push(`SetEnv ${entries.map(([k, v]) => quote(`${k}=${v}`)).join(' ')}`);
  return `${lines.join('\n')}\n`;
}

type Launch = { ok: true; sshd: Sshd } | { ok: false; log: string };

async function launch(dir: string, port: number, env: Record<string, string>, timeoutMs: number): Promise<Launch> {
  const configPath = join(dir, 'sshd_config'); // sshd requires an absolute path
  writeFileSync(configPath, config(dir, port, env));
  const check = await run(SSHD, ['-t', '-f', configPath]);
  if (check.code !== 0) return { ok: false, log: `sshd -t: ${check.stderr}` };

  // -D: stay in the foreground as our child; -e: log to stderr (we keep it for failures)
  const child = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'], env: {} });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    log = (log + d).slice(-64_000);
  });
  const listening = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const onData = () => {
      if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
    onData();
  });
  if (!listening) {
    await stopChild(child);
    return { ok: false, log };
  }

  const hostKeyPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim();
  const knownHosts = join(dir, 'known_hosts');
  const [type, blob] = hostKeyPub.split(' ');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${type} ${blob}\n`);

  const forget = cleanupAtExit(() => {
    for (const pid of [child.pid!, ...childrenOf(child.pid!)]) signal(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  let stopped = false;
  const sshd: Sshd = {
    port,
    host: '127.0.0.1',
    user: userInfo().username,
    clientKey: join(dir, 'client_key'),
    knownHosts,
    hostKeyPub,
    dir,
    log: () => log,
    async stop() {
      if (stopped) return;
      stopped = true;
      forget();
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return { ok: true, sshd };
}

/** Stops the listener and the per-connection sshd processes it forked (open sessions). */
async function stopChild(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const sessions = childrenOf(pid);
  if (!alive(pid) && sessions.length === 0) return;
  await terminate([pid, ...sessions]);
}
