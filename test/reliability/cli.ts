// Runs the real CLI (`node bin/cal-doctor.js`, built by `npm run build`) as a user would:
// its own process, a throwaway client HOME (never the tester's ~/.ssh), no ssh-agent,
// and the exit code, both streams and the wall time recorded.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenOf, cleanupAtExit, makeTempDir, SYSTEM_PATH } from '../harness/util.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'cal-doctor.js');

/** The CLI can run: the build output exists (`npm run build`, done by `pretest`). */
export function cliBuilt(): boolean {
  return (
    existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js')) &&
    existsSync(join(REPO, 'dist', 'src', 'remote', 'probe.sh'))
  );
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** wall time from spawn to exit */
  ms: number;
  pid: number;
  /** argv of the CLI process as `ps` shows it (read from /proc while it ran) */
  cmdline: string[];
  /** peak resident memory of the CLI process (VmHWM), in MiB, sampled while it ran */
  peakRssMiB: number;
}

export interface CliOptions {
  /** the client's HOME (default: a fresh empty dir) */
  home?: string;
  /** added to (and overriding) the minimal env: HOME, PATH, LANG, NO_COLOR */
  env?: Record<string, string>;
  /** hard stop for a CLI that hangs (SIGKILL) */
  killAfterMs?: number;
  /** called once the process runs (e.g. to signal it) */
  onSpawn?: (child: ChildProcess) => void;
}

/** A temp dir removed when the test process ends. */
export function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  cleanupAtExit(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A throwaway client HOME with an empty ~/.ssh (no keys, no config, no known_hosts). */
export function clientHome(): string {
  const home = tempDir('cal-client-');
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  return home;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {
    HOME: opts.home ?? clientHome(),
    PATH: SYSTEM_PATH,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    ...opts.env,
  };
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let cmdline: string[] = [];
    let peakKb = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    };
    const sampler = setInterval(sample, 25);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(killer);
      clearInterval(sampler);
      reject(e);
    });
    child.on('spawn', () => {
      try {
        cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      } catch {
        /* exited already */
      }
      opts.onSpawn?.(child);
    });
    child.on('exit', sample);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      clearInterval(sampler);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        ms: performance.now() - t0,
        pid: child.pid ?? -1,
        cmdline,
        peakRssMiB: Math.round(peakKb / 1024),
      });
    });
  });
}

/** Non-empty lines of a stream. */
export function lines(s: string): string[] {
  return s.split('\n').filter((l) => l.trim() !== '');
}

/** Every pid below `root` in the process tree (not root itself). */
export function descendants(root: number): Set<number> {
  const out = new Set<number>();
  const todo = [root];
  while (todo.length) {
    for (const c of childrenOf(todo.pop()!)) {
      if (!out.has(c)) {
        out.add(c);
        todo.push(c);
      }
    }
  }
  return out;
}
