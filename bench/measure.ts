// Timing and peak-RSS measurement of child processes, and the statistics the report uses.
// Every child is bounded by a timeout; a run that fails is recorded, never retried silently.
import { type StdioOptions, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** GNU time writes the child's peak RSS; without it /proc/PID/status is polled (may miss the peak of short runs). */
export const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));

export interface Spec {
  file: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** a file fed as stdin (like `< probe.sh`); /dev/null otherwise */
  stdinFile?: string;
  /** exit codes that count as success (default [0]) */
  okCodes?: number[];
  timeoutMs?: number;
}

export interface RunResult {
  ms: number;
  /** peak resident set size in KiB, when known */
  rssKiB?: number;
  code: number | null;
  stdout: string;
  stderr: string;
  ok: boolean;
}

let seq = 0;
/** process groups of children still running: killed on timeout and when the bench exits */
const live = new Set<number>();

export function killLiveChildren(): void {
  for (const pgid of live) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  live.clear();
}

/** Runs one program to its end: wall time from spawn to the close of its pipes, peak RSS. */
export function runOnce(spec: Spec, scratch: string): Promise<RunResult> {
  const timeFile = join(scratch, `time-${process.pid}-${++seq}`);
  const [file, args] = GNU_TIME
    ? [GNU_TIME, ['-f', '%M', '-o', timeFile, spec.file, ...spec.args]]
    : [spec.file, spec.args];
  const stdinFd = openSync(spec.stdinFile ?? '/dev/null', 'r');
  const stdio: StdioOptions = [stdinFd, 'pipe', 'pipe'];
  return new Promise((resolve) => {
    const started = performance.now();
    // its own process group, so a timeout (or the bench's exit) ends the wrapped program too
    const child = spawn(file, args, { env: spec.env ?? process.env, stdio, detached: true });
    closeSync(stdinFd);
    const pgid = child.pid;
    if (pgid !== undefined) live.add(pgid);
    let stdout = '';
    let stderr = '';
    let pollPeak = 0;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${spec.timeoutMs ?? 60_000} ms)`;
      if (pgid !== undefined) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }, spec.timeoutMs ?? 60_000);
    const poll = GNU_TIME
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) pollPeak = Math.max(pollPeak, Number(m[1]));
          } catch {
            /* gone */
          }
        }, 2);
    const finish = (code: number | null, err?: Error) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      if (pgid !== undefined) live.delete(pgid);
      if (poll) clearInterval(poll);
      let rssKiB: number | undefined = pollPeak || undefined;
      if (GNU_TIME) {
        try {
          // GNU time prints "Command exited with non-zero status N" before the format line
          const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
          const v = Number(lines[lines.length - 1]);
          if (Number.isFinite(v) && v > 0) rssKiB = v;
        } catch {
          /* killed before it wrote */
        }
        rmSync(timeFile, { force: true });
      }
      if (err) stderr += `\n${err.message}`;
      resolve({ ms, rssKiB, code, stdout, stderr, ok: !err && code !== null && (spec.okCodes ?? [0]).includes(code) });
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}

export interface Sample {
  ms: number;
  rssKiB?: number;
  ok: boolean;
  note?: string;
}

export interface Stats {
  n: number;
  failed: number;
  minMs: number;
  medianMs: number;
  maxMs: number;
  /** highest peak RSS seen in any successful run, KiB */
  peakRssKiB?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function stats(samples: Sample[]): Stats {
  const ok = samples.filter((s) => s.ok);
  const ms = ok.map((s) => s.ms);
  const rss = ok.map((s) => s.rssKiB).filter((v): v is number => v !== undefined);
  return {
    n: ok.length,
    failed: samples.length - ok.length,
    minMs: ms.length ? Math.min(...ms) : NaN,
    medianMs: median(ms),
    maxMs: ms.length ? Math.max(...ms) : NaN,
    peakRssKiB: rss.length ? Math.max(...rss) : undefined,
  };
}
