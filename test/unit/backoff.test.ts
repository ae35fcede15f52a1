import { describe, expect, it } from 'vitest';
import { Aborted, abortable, backoffDelays, pause, retry, WaitTimeout, waitFor } from '../../src/common/backoff.js';

describe('backoff', () => {
  it('is the --wait backoff: 0.5 s growing by 1.6 up to 5 s', () => {
    expect(backoffDelays({}, 7)).toEqual([500, 800, 1280, 2048, 3277, 5000, 5000]);
  });

  it('retries until it works, with the pauses it announces', async () => {
    const seen: number[] = [];
    let n = 0;
    const v = await retry(
      async () => {
        if (++n < 3) throw new Error(`not yet ${n}`);
        return 'up';
      },
      { timeoutMs: 5000, initialMs: 10, what: 'x', onRetry: (r) => seen.push(r.retryInMs) },
    );
    expect(v).toBe('up');
    expect(seen).toEqual([10, 16]);
  });

  it('gives up after the timeout, naming the last reason', async () => {
    const e = await retry(() => Promise.reject(new Error('connection refused')), {
      timeoutMs: 60,
      initialMs: 20,
      what: 'vm cal-dev back up',
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WaitTimeout);
    expect((e as WaitTimeout).message).toMatch(
      /^vm cal-dev back up: not after .* s \(\d+ attempts\): connection refused$/,
    );
  });

  it('fails at once on an error that is not worth retrying', async () => {
    let n = 0;
    const e = await retry(
      async () => {
        n++;
        throw new Error('authentication refused');
      },
      { timeoutMs: 5000, initialMs: 10, what: 'x', retryable: () => false },
    ).catch((x: unknown) => x);
    expect((e as Error).message).toBe('authentication refused');
    expect(n).toBe(1);
  });

  it('stops at once when aborted, mid-pause too', async () => {
    const ac = new AbortController();
    const p = retry(() => Promise.reject(new Error('down')), {
      timeoutMs: 60_000,
      initialMs: 10_000,
      what: 'x',
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 20);
    const t0 = Date.now();
    await expect(p).rejects.toBeInstanceOf(Aborted);
    expect(Date.now() - t0).toBeLessThan(2000);
    await expect(pause(10, ac.signal)).rejects.toBeInstanceOf(Aborted);
  });

  it('waitFor polls a condition', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 2 ? n : undefined), { timeoutMs: 2000, initialMs: 5, what: 'n' })).toBe(2);
  });

  it('abortable drops a slow promise when aborted', async () => {
    const ac = new AbortController();
    const slow = new Promise((r) => setTimeout(r, 300));
    const p = abortable(slow, ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(Aborted);
    expect(await abortable(Promise.resolve(3))).toBe(3);
  });
});
