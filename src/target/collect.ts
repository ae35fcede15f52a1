// Shared by the local and SSH targets: gather a script's output with a size cap and a
// deadline, and turn a missed deadline into a clear error instead of a hang.
import type { Readable } from 'node:stream';
import { TargetError, type RunResult } from './target.js';

/** The probe caps its own output far below this; beyond it something is wrong. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Anything that emits `data` chunks: a stream, or a filter in front of one. */
export interface DataSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

export function collect(
  stdout: Readable,
  stderr: DataSource,
  timeoutMs: number,
  abort: () => void,
  onExit: (done: (code: number | null, signal?: string) => void) => void,
  /** the timeout's message (default: `the probe did not finish within N s`) */
  timeoutMessage = `the probe did not finish within ${Math.round(timeoutMs / 1000)} s`,
): Promise<RunResult> {
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
    const timer = setTimeout(() => fail(new TargetError(timeoutMessage, 'raise --timeout, or check the target for a hung process')), timeoutMs);
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
    onExit((code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: err, code, signal });
    });
  });
}
