// --fix follows the causes: the report's order, a step for every problem, prerequisites first.
import { describe, expect, it } from 'vitest';
import { causeTree, foldOutcomes } from '../../src/engine/causes.js';
import type { CheckOutcome } from '../../src/engine/run.js';
import { followCauses } from '../../src/fix/order.js';
import type { Repair } from '../../src/fix/repairs.js';
import { report } from './report/fixture.js';

const o = (id: string, status: CheckOutcome['status'], fix: string[], dependsOn?: string[]): CheckOutcome => ({
  id,
  category: id.split('.')[0]!,
  title: id,
  status,
  summary: `${id} is ${status}`,
  details: [],
  fix,
  durationMs: 1,
  ...(dependsOn ? { dependsOn } : {}),
});

describe('--fix plan order', () => {
  it('puts the cause first, gives every problem a step and does not repeat advice', () => {
    const checks = foldOutcomes([
      o('resurrect.dir', 'warn', ['mkdir it']),
      o('plugins.resurrect', 'fail', ['tmux run-shell ~/.tmux/plugins/tpm/tpm'], ['plugins.tpm']),
      o('plugins.continuum', 'fail', ['tmux run-shell ~/.tmux/plugins/tpm/tpm'], ['plugins.tpm']),
      o('plugins.tpm', 'fail', ['git clone https://github.com/tmux-plugins/tpm ~/.tmux/plugins/tpm']),
      o('tmux.version', 'pass', []),
    ]);
    const r = report({ checks, causes: causeTree(checks) });
    const plan: Repair[] = [
      { id: 'resurrect.create-save-dir', title: 'create the dir', automatic: true, script: 'mkdir' },
    ];
    const steps = followCauses(plan, r);
    expect(steps.map((s) => s.id)).toEqual([
      'check.plugins.tpm',
      'check.plugins.resurrect',
      'check.plugins.continuum',
      'resurrect.create-save-dir',
    ]);
    expect(steps[0]!.advice).toEqual(['git clone https://github.com/tmux-plugins/tpm ~/.tmux/plugins/tpm']);
    expect(steps[2]!.advice).toEqual(['the steps above for plugins.tpm fix this too']);
  });
});
