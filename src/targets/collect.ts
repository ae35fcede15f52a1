// Shared by the local and SSH targets: gather a script's output with a size cap and a
// deadline, and turn a missed deadline into a clear error instead of a hang.
import type { Readable } from 'node:stream';
import { type RunResult, TargetError } from './target.js';

/** The probe caps its own output far below this; beyond it something is wrong. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Anything that emits `data` chunks: a stream, or a filter in front of one. */
export interface DataSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

/**
 * After the shell itself has exited, how long its output may stay open: a process it left
 * behind (a tmux client stuck on a stopped server, its stderr still the shell's) would
 * otherwise keep the run going until that process ends.
 */
const LEFTOVER_GRACE_MS = 500;

type End = (code: number | null, signal?: string) => void;

export interface CollectOptions {
  timeoutMs: number;
  /** stops the script (the deadline passed, the output grew too large) */
  abort: () => void;
  /** registers `done` for the end of the run: the output closed, the exit status known */
  onClose: (done: End) => void;
  /** registers `exited` for the shell's own exit, which may come before its output closes */
  onShellExit?: (exited: End) => void;
  /** the shell exited but its output stayed open past the grace: stop what is left of it */
  leftovers?: () => void;
  /** the timeout's message (default: `the probe did not finish within N s`) */
  timeoutMessage?: string;
}

export function collect(stdout: Readable, stderr: DataSource, opts: CollectOptions): Promise<RunResult> {
  const { timeoutMs, abort } = opts;
  const timeoutMessage = opts.timeoutMessage ?? `the probe did not finish within ${Math.round(timeoutMs / 1000)} s`;
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let settled = false;
    const fail = (e: TargetError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort();
      reject(e);
    };
    const timer = setTimeout(
      () => fail(new TargetError(timeoutMessage, 'raise --timeout, or check the target for a hung process')),
      timeoutMs,
    );
    stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      outBytes += chunk.length;
      if (outBytes > MAX_OUTPUT_BYTES) {
        fail(new TargetError(`the probe printed more than ${MAX_OUTPUT_BYTES} bytes`));
        return;
      }
      out.push(chunk);
    });
    stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64 * 1024) err += chunk.toString('utf8');
    });
    let grace: NodeJS.Timeout | undefined;
    const finish: End = (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      resolve({ stdout: Buffer.concat(out), stderr: err, code, signal });
    };
    opts.onClose(finish);
    opts.onShellExit?.((code, signal) => {
      grace ??= setTimeout(() => {
        if (settled) return;
        opts.leftovers?.();
        finish(code, signal);
      }, LEFTOVER_GRACE_MS);
    });
  });
}
