// `--fix` (the repair plan, nothing changed) and `--fix --yes` (apply it): a hook that runs
// after the checks, while the target is still open, and records the plan or the outcomes
// in the report (`repairs`). The repairs themselves live in src/fix/repairs.ts.
import type { DoctorOptions } from '../doctor.js';
import type { RepairEntry } from '../engine/report.js';
import { followCauses } from '../fix/order.js';
import type { Repair, RepairOutcome } from '../fix/repairs.js';
import { UsageError } from './args.js';

export type RepairsModule = Pick<typeof import('../fix/repairs.js'), 'planRepairs' | 'applyRepairs'>;

/** Loaded up front, so a build without the repairs says so before anything runs. */
export async function loadRepairs(): Promise<RepairsModule> {
  try {
    return await import('../fix/repairs.js');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND')
      throw new UsageError('--fix is not available in this build (src/fix/repairs is missing)');
    throw e;
  }
}

const entry = (r: Repair, status: RepairEntry['status'], message?: string, undo?: string): RepairEntry => ({
  id: r.id,
  title: r.title,
  automatic: r.automatic,
  ...(r.script !== undefined ? { script: r.script } : {}),
  ...((undo ?? r.undo) ? { undo: undo ?? r.undo } : {}),
  ...(r.advice?.length ? { advice: r.advice } : {}),
  status,
  ...(message ? { message } : {}),
});

/** The afterChecks hook for --fix (apply: --yes). */
export function fixHook(
  mod: RepairsModule,
  apply: boolean,
  timeoutMs: number,
): NonNullable<DoctorOptions['afterChecks']> {
  return async (ctx, target, report) => {
    const plan = followCauses(mod.planRepairs(ctx), report);
    if (!apply) {
      report.repairs = plan.map((r) => entry(r, 'planned'));
      return;
    }
    let outcomes: RepairOutcome[];
    try {
      outcomes = await mod.applyRepairs(target, plan, { timeoutMs });
    } catch (e) {
      const why = `could not apply: ${(e as Error)?.message ?? String(e)}`;
      report.repairs = plan.map((r) => entry(r, r.automatic ? 'failed' : 'advice', r.automatic ? why : undefined));
      return;
    }
    report.repairs = plan.map((r) => {
      const o = outcomes.find((x) => x.id === r.id);
      return o
        ? entry(r, o.status, o.message, o.undo)
        : entry(r, r.automatic ? 'failed' : 'advice', r.automatic ? 'no outcome reported' : undefined);
    });
  };
}
