import { describe, expect, it } from 'vitest';
import type { Check, CheckContext } from '../../../src/engine/check.js';
import { exitCode, type Report, summarize } from '../../../src/engine/report.js';
import { runCheck, runChecks, worst } from '../../../src/engine/run.js';

const ctx = { facts: {}, targetKind: 'local' } as unknown as CheckContext;
const check = (over: Partial<Check>): Check => ({
  id: 'x.y',
  category: 'x',
  title: 't',
  explain: 'e',
  run: () => ({ status: 'pass', summary: 'ok' }),
  ...over,
});

describe('check runner', () => {
  it('turns a throwing check into an error result instead of ending the run', async () => {
    const outcomes = await runChecks(
      [
        check({
          id: 'a.throws',
          run: () => {
            throw new Error('boom');
          },
        }),
        check({ id: 'b.fine' }),
      ],
      ctx,
    );
    expect(outcomes.map((o) => [o.id, o.status])).toEqual([
      ['a.throws', 'error'],
      ['b.fine', 'pass'],
    ]);
    expect(outcomes[0]!.summary).toContain('boom');
  });

  it('bounds a check that never settles', async () => {
    const o = await runCheck(check({ run: () => new Promise(() => {}) }), ctx, 50);
    expect(o.status).toBe('error');
    expect(o.summary).toMatch(/within 50 ms/);
  });

  it("gives a check that sets timeoutMs its own deadline instead of the engine's", async () => {
    const slow = (ms: number) => () =>
      new Promise<{ status: 'pass'; summary: string }>((r) =>
        setTimeout(() => r({ status: 'pass', summary: 'done' }), ms),
      );
    // longer than the default: a check that acts on the target finishes
    const [acting, plain] = await runChecks(
      [check({ id: 'a.acting', timeoutMs: 2000, run: slow(150) }), check({ id: 'b.plain', run: slow(150) })],
      ctx,
      50,
    );
    expect(acting).toMatchObject({ id: 'a.acting', status: 'pass', summary: 'done' });
    expect(plain).toMatchObject({ id: 'b.plain', status: 'error' });
    expect(plain!.summary).toMatch(/within 50 ms/);
    // shorter than the default: its own deadline is the one that cuts it off
    const short = await runCheck(check({ timeoutMs: 30, run: () => new Promise(() => {}) }), ctx, 5000);
    expect(short.status).toBe('error');
    expect(short.summary).toMatch(/within 30 ms/);
    // no usable value: the engine's deadline
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100' as unknown as number]) {
      const o = await runCheck(check({ timeoutMs: bad, run: () => new Promise(() => {}) }), ctx, 40);
      expect(o.summary).toMatch(/within 40 ms/);
    }
  });

  it('rejects a result without a valid status', async () => {
    const o = await runCheck(check({ run: () => ({ status: 'great', summary: 'x' }) as never }), ctx, 1000);
    expect(o.status).toBe('error');
  });

  it('folds several results into the worst, keeping every piece of evidence and fix', async () => {
    const o = await runCheck(
      check({
        run: () => [
          { status: 'pass', summary: 'installed', details: ['rev abc'] },
          { status: 'fail', summary: 'not loaded', details: ['no TMUX_PLUGIN_MANAGER_PATH'], fix: ['restart tmux'] },
          { status: 'warn', summary: 'old', fix: ['restart tmux', 'upgrade'] },
        ],
      }),
      ctx,
      1000,
    );
    expect(o.status).toBe('fail');
    expect(o.summary).toBe('not loaded');
    expect(o.details).toEqual(['no TMUX_PLUGIN_MANAGER_PATH', 'pass: installed', '  rev abc', 'warn: old']);
    expect(o.fix).toEqual(['restart tmux', 'upgrade']);
  });

  it('skips a check that does not apply, with its reason', async () => {
    const o = await runCheck(
      check({
        appliesTo: () => 'only with --vm',
        run: () => {
          throw new Error('must not run');
        },
      }),
      ctx,
      1000,
    );
    expect(o).toMatchObject({ status: 'skip', summary: 'only with --vm' });
  });

  it('orders severities', () => {
    expect(worst(['pass', 'info', 'skip'])).toBe('info');
    expect(worst(['warn', 'error', 'fail'])).toBe('error');
  });
});

describe('exit codes', () => {
  const report = (statuses: Array<'pass' | 'warn' | 'fail' | 'error'>, error?: string): Report => {
    const checks = statuses.map((status, i) => ({
      id: `c.${i}`,
      category: 'c',
      title: '',
      status,
      summary: '',
      details: [],
      fix: [],
      durationMs: 0,
    }));
    return {
      tool: 'cal-doctor',
      version: '0',
      target: { kind: 'local', label: 'local' },
      startedAt: '',
      durationMs: 0,
      summary: summarize(checks),
      checks,
      error: error ? { message: error } : undefined,
    };
  };
  it('is 0 with warnings, 1 with a failure or crashed check, 2 when the doctor could not run', () => {
    expect(exitCode(report(['pass', 'warn']))).toBe(0);
    expect(exitCode(report(['pass', 'warn']), true)).toBe(1);
    expect(exitCode(report(['pass', 'fail']))).toBe(1);
    expect(exitCode(report(['error']))).toBe(1);
    expect(exitCode(report([], 'host unreachable'))).toBe(2);
  });
});
