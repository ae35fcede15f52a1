// A failed step is explained by the doctor's own checks that look at its cause, run through
// the engine on the same Facts the doctor gathers.
import type { CheckContext } from '../engine/check.js';
import { loadChecks } from '../engine/discover.js';
import { type CheckOutcome, DEFAULT_CHECK_TIMEOUT_MS, runChecks } from '../engine/run.js';
import type { Facts } from '../probe/facts.js';
import { gatherFacts } from '../probe/gather.js';
import type { Target } from '../targets/target.js';
import type { TartFact } from '../targets/tart.js';
import type { StepId } from './step.js';

/** Which checks explain a failure at each step (those that exist are run). */
const EXPLAIN: Record<StepId, string[]> = {
  preflight: ['tmux.path', 'tmux.server'],
  layout: ['tmux.path', 'tmux.server', 'plugins.tpm', 'config.file'],
  save: ['tmux.server', 'plugins.tpm', 'plugins.resurrect', 'resurrect.dir', 'resurrect.last'],
  restart: ['tart.vm', 'tmux.path', 'tmux.server'],
  restore: [
    'resurrect.last',
    'resurrect.history',
    'resurrect.save-triggers',
    'plugins.continuum',
    'continuum.server-count',
    'continuum.restore-window',
    'plugins.resurrect',
    'plugins.tpm',
  ],
  cleanup: [],
};

/** Runs the checks that explain a failure at step `id` on the target's facts (gathered here unless given). */
export async function explainFailure(
  id: StepId,
  v: { target: Target; tart?: TartFact; checksDirs: string[]; tmuxSec: number; facts?: Facts },
): Promise<CheckOutcome[]> {
  const want = EXPLAIN[id];
  if (!want.length) return [];
  const { checks } = await loadChecks(v.checksDirs);
  const selected = checks.filter((c) => want.includes(c.id));
  if (!selected.length) return [];
  const facts = v.facts ?? (await gatherFacts(v.target, { tmuxTimeoutSec: Math.min(v.tmuxSec, 5), timeoutMs: 60_000 }));
  const ctx: CheckContext = { facts, tart: v.tart, targetKind: v.target.kind };
  return runChecks(selected, ctx, DEFAULT_CHECK_TIMEOUT_MS);
}
