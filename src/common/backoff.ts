// Retry with backoff, for things that come up in their own time: a VM booting, sshd
// listening again, `tart` reporting the new state. The backoff is the one `--wait` uses
// (src/targets/connect.ts connectWithWait) and persist's reconnect after a restart: 0.5 s,
// growing by 1.6 up to 5 s.

export interface BackoffOptions {
  /** give up this long after the first attempt started */
  timeoutMs: number;
  /** first pause (default 500 ms) */
  initialMs?: number;
  /** growth per attempt (default 1.6) */
  factor?: number;
  /** longest pause (default 5000 ms) */
  maxMs?: number;
  /** stops waiting (and the pause in progress) at once */
  signal?: AbortSignal;
  /** each failed attempt, before the pause that follows it */
  onRetry?: (info: { attempt: number; reason: string; retryInMs: number; remainingMs: number }) => void;
}

export class WaitTimeout extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastReason: string,
  ) {
    super(message);
    this.name = 'WaitTimeout';
  }
}

export class Aborted extends Error {
  constructor(what = 'interrupted') {
    super(what);
    this.name = 'Aborted';
  }
}

/** The pauses `retry` makes, in order, for a wait of `timeoutMs` (for tests and for saying what to expect). */
export function backoffDelays(opts: Pick<BackoffOptions, 'initialMs' | 'factor' | 'maxMs'>, count: number): number[] {
  const out: number[] = [];
  let d = opts.initialMs ?? 500;
  for (let i = 0; i < count; i++) {
    out.push(d);
    d = Math.min(Math.round(d * (opts.factor ?? 1.6)), opts.maxMs ?? 5000);
  }
  return out;
}

/** Resolves after `ms`; rejects with Aborted as soon as `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `attempt` until it returns; an attempt that throws is retried after the next pause
 * when `retryable(error)` says so (default: always), else its error is thrown at once. After
 * `timeoutMs`, throws WaitTimeout naming the last reason.
 */
export async function retry<T>(
  attempt: (n: number, remainingMs: number) => Promise<T>,
  opts: BackoffOptions & { retryable?: (e: unknown) => boolean; what: string },
): Promise<T> {
  const start = Date.now();
  const deadline = start + opts.timeoutMs;
  let delay = opts.initialMs ?? 500;
  for (let n = 1; ; n++) {
    if (opts.signal?.aborted) throw new Aborted();
    try {
      return await attempt(n, Math.max(0, deadline - Date.now()));
    } catch (e) {
      if (e instanceof Aborted) throw e;
      if (opts.retryable && !opts.retryable(e)) throw e;
      const reason = (e as Error)?.message ?? String(e);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new WaitTimeout(
          `${opts.what}: not after ${Math.round((Date.now() - start) / 100) / 10} s (${n} attempt${n === 1 ? '' : 's'}): ${reason}`,
          n,
          reason,
        );
      }
      const retryInMs = Math.min(delay, left);
      opts.onRetry?.({ attempt: n, reason, retryInMs, remainingMs: left });
      await pause(retryInMs, opts.signal);
      delay = Math.min(Math.round(delay * (opts.factor ?? 1.6)), opts.maxMs ?? 5000);
    }
  }
}

/** Polls `probe` with the same backoff until it returns something other than undefined/false. */
export function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: BackoffOptions & { what: string },
): Promise<T> {
  return retry(async () => {
    const v = await probe();
    if (v === undefined || v === false) throw new Error('not yet');
    return v;
  }, opts);
}

/** `p`, or Aborted as soon as `signal` aborts (`p` keeps running; its result is dropped). */
export function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(new Aborted());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => undefined);
      reject(new Aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
