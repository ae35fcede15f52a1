// The --fix hook: the plan (nothing applied) or the outcomes, recorded in the report. The
// repairs are the real src/fix/repairs.ts, planned on the healthy facts and a broken
// variant; applying is covered end to end in test/integration/cli-formats.test.ts.
import { describe, expect, it } from 'vitest';
import { fixHook, loadRepairs } from '../../../src/cli/fix.js';
import { type Report, summarize } from '../../../src/engine/report.js';
import type { Target } from '../../../src/targets/target.js';
import { ctxOf, healthyFacts, SAVE_DIR, withFacts } from '../../helpers/facts.js';

const blank = (): Report => ({
  tool: 'cal-doctor',
  version: '0',
  target: { kind: 'ssh', label: 'x' },
  startedAt: '',
  durationMs: 0,
  summary: summarize([]),
  checks: [],
});
/** a target that must not be touched by a dry run */
const untouchable: Target = {
  kind: 'ssh',
  label: 'x',
  runScript: () => {
    throw new Error('a dry run ran a script on the target');
  },
  close: async () => {},
};

describe('--fix hook', () => {
  it('plans without touching the target, and records the plan as `planned`', async () => {
    const mod = await loadRepairs();
    const facts = withFacts((f) => {
      const d = f.saveDirs.find((x) => x.path === SAVE_DIR)!;
      d.exists = false;
      d.files = [];
      d.recent = [];
      d.last = undefined;
    });
    const r = blank();
    await fixHook(mod, false, 1000)(ctxOf(facts), untouchable, r);
    expect(r.repairs!.length).toBeGreaterThan(0);
    expect(r.repairs!.every((x) => x.status === 'planned')).toBe(true);
    expect(r.repairs!.some((x) => x.automatic && typeof x.script === 'string')).toBe(true);
  });

  it('records an empty plan on a healthy target', async () => {
    const r = blank();
    await fixHook(await loadRepairs(), false, 1000)(ctxOf(healthyFacts()), untouchable, r);
    expect(r.repairs).toEqual([]);
  });

  it('turns a target that fails under the repairs into failed entries, never a crash', async () => {
    const facts = withFacts((f) => {
      const d = f.saveDirs.find((x) => x.path === SAVE_DIR)!;
      d.exists = false;
      d.files = [];
      d.recent = [];
      d.last = undefined;
    });
    const broken: Target = { ...untouchable, runScript: () => Promise.reject(new Error('connection lost')) };
    const r = blank();
    await fixHook(await loadRepairs(), true, 1000)(ctxOf(facts), broken, r);
    const automatic = r.repairs!.filter((x) => x.automatic);
    expect(automatic.length).toBeGreaterThan(0);
    for (const x of automatic)
      expect([x.status, x.message]).toEqual(['failed', expect.stringMatching(/connection lost/)]);
    for (const x of r.repairs!.filter((y) => !y.automatic)) expect(x.status).toBe('advice');
  });
});
