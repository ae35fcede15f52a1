// Shared by the local and SSH targets: gather a script's output with a size cap and a
// deadline, and turn a missed deadline into a clear error instead of a hang.
import type { Readable } from 'node:stream';
import { TargetError, type RunResult } from './target.js';

/** The probe caps its own output far below this; beyond it something is wrong. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export function collect(
  stdout: Readable,
  stderr: Readable,
  timeoutMs: number,
  abort: () => void,
  onExit: (done: (code: number | null, signal?: string) => void) => void,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    const timer = setTimeout(() => {
      abort();
      reject(new TargetError(`the probe did not finish within ${Math.round(timeoutMs / 1000)} s`, 'raise --timeout, or check the target for a hung process'));
    }, timeoutMs);
    stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_OUTPUT_BYTES) {
        clearTimeout(timer);
        abort();
        reject(new TargetError(`the probe printed more than ${MAX_OUTPUT_BYTES} bytes`));
        return;
      }
      out.push(chunk);
    });
    stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64 * 1024) err += chunk.toString('utf8');
    });
    onExit((code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: err, code, signal });
    });
  });
}
