// tartRestart against the fake tart (no tmux socket: it only changes state): the order of
// the calls, the reconnect with the boot budget, and a failing `tart` named as the step's cause.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RestartContext, StepFailure, tartRestart } from '../../src/persist/index.js';
import type { Target } from '../../src/targets/target.js';
import { type FakeTart, fakeTart } from '../harness/fake-tart.js';

const target = (label: string): Target & { closed: boolean } => ({
  kind: 'vm',
  label,
  closed: false,
  runScript: () => Promise.reject(new Error('not used')),
  async close() {
    this.closed = true;
  },
});

describe('tartRestart with the fake tart', () => {
  let tart: FakeTart;
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cal-persist-tart-'));
    tart = fakeTart([{ name: 'cal-dev', state: 'running', ip: '192.168.64.3' }]);
    for (const k of Object.keys(tart.env)) saved[k] = process.env[k];
    Object.assign(process.env, tart.env);
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    tart.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const ctx = (old: Target, waits: number[]): RestartContext => ({
    target: old,
    common: { tmux: '/opt/homebrew/bin/tmux', tmuxTimeoutSec: 2 },
    run: () => Promise.reject(new Error('not used')),
    reconnect: async (waitMs) => {
      waits.push(waitMs);
      return target('vm cal-dev (admin@192.168.64.3)');
    },
    shutdownSec: 5,
    bootSec: 42,
  });

  it('closes the old connection, tart stop, tart run --no-graphics in the background, reconnects', async () => {
    const old = target('old');
    const waits: number[] = [];
    const s = tartRestart('cal-dev', { runLog: join(dir, 'run.log') });
    expect(s).toMatchObject({ kind: 'tart', endsEverything: true });
    expect(s.describe).toBe(
      'restart the VM: `tart stop cal-dev`, then `tart run --no-graphics cal-dev` in the background',
    );
    const res = await s.restart(ctx(old, waits));
    expect(old.closed).toBe(true);
    expect(tart.calls().map((c) => c.join(' '))).toEqual(['stop cal-dev', 'run --no-graphics cal-dev']);
    expect(waits).toEqual([42_000]);
    expect(res.target.label).toBe('vm cal-dev (admin@192.168.64.3)');
    expect(res.details.join('\n')).toMatch(
      /tart stop cal-dev: .* s\ntart run --no-graphics cal-dev: (returned 0|running in the background)/,
    );
    expect(tart.vms()[0]!.state).toBe('running');
  });

  it("a VM tart does not know: the step fails with tart's own message", async () => {
    const e = await tartRestart('nope', { runLog: join(dir, 'run.log') })
      .restart(ctx(target('old'), []))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StepFailure);
    expect((e as Error).message).toBe('`tart stop nope` failed: the specified VM "nope" does not exist');
  });

  it('a `tart run` that fails at once is reported with its output', async () => {
    // a tart whose `run` fails as a VM that cannot start does; everything else is the fake's
    const broken = join(dir, 'tart-broken');
    writeFileSync(
      broken,
      '#!/bin/sh\ncase $1 in run) echo "Error: VM cal-dev is locked by another process" >&2; exit 1 ;; *) exec tart "$@" ;; esac\n',
      { mode: 0o755 },
    );
    const e = await tartRestart('cal-dev', { tart: broken, runLog: join(dir, 'run2.log') })
      .restart(ctx(target('old'), []))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StepFailure);
    expect((e as StepFailure).message).toBe('`tart run --no-graphics cal-dev` ended at once (1)');
    expect((e as StepFailure).details).toEqual([
      `its output (${join(dir, 'run2.log')}):`,
      'Error: VM cal-dev is locked by another process',
    ]);
    expect((e as StepFailure).fix).toEqual(['start the VM by hand: tart run cal-dev (or cal-bootstrap --run)']);
    expect(readFileSync(join(dir, 'run2.log'), 'utf8')).toMatch(/locked/);
  });
});
