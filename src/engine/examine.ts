// What a doctor run does with the facts: the environment it describes, the checks, their
// summary and causes. A module of its own so that runDoctor loads it, and the engine it
// pulls in, while the probe runs on the target instead of before the connect.
import { causeTree } from './causes.js';
import type { Check, CheckContext } from './check.js';
import { describeEnvironment } from './environment.js';
import { type Report, summarize } from './report.js';
import { type CheckOutcome, DEFAULT_CHECK_TIMEOUT_MS, runChecks } from './run.js';

/** Fills `report` from the facts in `ctx`: environment, checks (each passed on as it ends), summary, causes. */
export async function examine(
  report: Report,
  selected: Check[],
  ctx: CheckContext,
  on: { checking: () => void; result: (outcome: CheckOutcome) => void },
): Promise<void> {
  report.environment = describeEnvironment(ctx.facts, ctx.tart);
  on.checking();
  report.checks = await runChecks(selected, ctx, DEFAULT_CHECK_TIMEOUT_MS, on.result);
  report.summary = summarize(report.checks);
  report.causes = causeTree(report.checks);
}
