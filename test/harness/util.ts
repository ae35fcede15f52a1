// Small process/file helpers shared by the harness modules. Everything is bounded by a
// timeout: a hung tmux server or sshd must fail a test, never hang the run.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants as osConstants, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { HOMEBREW_BIN, MACOS } from './macos.js';

export interface RunOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

/** Runs a program (no shell) with exactly `env` (nothing inherited), killed at the timeout. */
export function run(file: string, args: string[], opts: RunOptions = {}): Promise<RunOutput> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: opts.env ?? {},
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => {}); // the program may exit without reading stdin
    child.stdin.end(opts.input ?? '');
  });
}

/** Like `command -v` over `path` (a PATH string), without a shell. */
export function which(cmd: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, cmd);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The test machine's own binaries, resolved once (the harness never relies on a test PATH). */
export const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';
// the macOS pass hides /usr/bin/tmux: there tmux is Homebrew's
export const TMUX = which('tmux', `${process.env.PATH ?? ''}:${SYSTEM_PATH}${MACOS ? `:${HOMEBREW_BIN}` : ''}`);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined/false; throws after the timeout. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`);
    await sleep(opts.intervalMs ?? 100);
  }
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A port that was free a moment ago (callers retry if someone takes it first). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Pids of live processes whose NUL-joined argv satisfies `match` (never this process). */
export function processesWhere(match: (argv: string[], pid: number) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.length && match(argv, pid)) pids.push(pid);
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** Live (non-zombie) processes whose environment has `NAME=value`, with their argv. */
export function processesWithEnv(name: string, value: string): Array<{ pid: number; argv: string }> {
  const want = `${name}=${value}`;
  return processesWhereEnv((env) => env.includes(want));
}

/** Live (non-zombie) processes whose environment (`NAME=value` strings) satisfies `match`. */
export function processesWhereEnv(match: (env: string[]) => boolean): Array<{ pid: number; argv: string }> {
  const out: Array<{ pid: number; argv: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^\S+ \(.*\) Z/.test(stat)) continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (!match(env)) continue;
      out.push({
        pid: Number(entry),
        argv: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim(),
      });
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

export function childrenOf(ppid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // field 4 of /proc/PID/stat, after the parenthesised command name
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie still answers kill(0); it is dead for our purposes
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM (SIGCONT first, for stopped processes), then SIGKILL what is left after `graceMs`. */
export async function terminate(pids: number[], graceMs = 2_000): Promise<void> {
  for (const pid of pids) {
    signal(pid, 'SIGCONT');
    signal(pid, 'SIGTERM');
  }
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
  for (const pid of pids) signal(pid, 'SIGKILL');
  await waitFor(() => !pids.some(alive), { timeoutMs: 2_000, intervalMs: 50, what: `pids ${pids} to die` });
}

// Vitest ends a worker with SIGTERM; a file whose afterAll never ran (hook timeout, Ctrl-C)
// must still not leave servers behind. Cleanups run synchronously on exit.
const atExit = new Set<() => void>();
let exitHooked = false;

/** Runs `fn` (synchronous) when the process ends; returns a function that cancels it. */
export function cleanupAtExit(fn: () => void): () => void {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const f of atExit) {
        try {
          f();
        } catch {
          // best effort
        }
      }
    });
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      // only where nobody else decided what the signal does: then exit (running the hooks)
      if (process.listenerCount(sig) === 0) process.once(sig, () => process.exit(128 + osConstants.signals[sig]));
    }
  }
  atExit.add(fn);
  return () => atExit.delete(fn);
}
