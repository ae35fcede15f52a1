// Runs every selected check at once, each isolated: a throw, a bad return or a missed
// deadline becomes an `error` result for that check and never ends the run.
import { foldOutcomes } from './causes.js';
import { type Check, type CheckContext, type Result, SEVERITY, type Status } from './check.js';

export interface CheckOutcome {
  id: string;
  category: string;
  title: string;
  status: Status;
  summary: string;
  details: string[];
  fix: string[];
  durationMs: number;
  /** the check's declared prerequisites (Check.dependsOn) */
  dependsOn?: string[];
  /** set on a problem whose prerequisites in this list failed: it is their symptom */
  causedBy?: string[];
}

const STATUSES = new Set(Object.keys(SEVERITY));

export function worst(statuses: Status[]): Status {
  return statuses.reduce<Status>((w, s) => (SEVERITY[s] > SEVERITY[w] ? s : w), 'skip');
}

/**
 * A check may return one result per aspect it looked at; the report shows one line per
 * check. The passes merge into one (their summaries joined), the worst result leads, and
 * the others follow it as evidence.
 */
export function foldResults(results: Result[]): Pick<CheckOutcome, 'status' | 'summary' | 'details' | 'fix'> {
  for (const r of results)
    if (!r || !STATUSES.has(r.status) || typeof r.summary !== 'string')
      throw new Error('returned a result without a valid status and summary');
  if (results.length === 0) throw new Error('returned no result');
  const passes = results.filter((r) => r.status === 'pass');
  const merged: Result[] =
    passes.length > 1
      ? [
          {
            status: 'pass',
            summary: passes.map((r) => r.summary).join('; '),
            details: passes.flatMap((r) => r.details ?? []),
            fix: passes.flatMap((r) => r.fix ?? []),
          },
        ]
      : passes;
  const items = results.flatMap((r) => (r.status !== 'pass' ? [r] : r === passes[0] ? merged : []));
  const status = worst(items.map((r) => r.status));
  const lead = items.find((r) => r.status === status)!;
  const others = items.filter((r) => r !== lead);
  return {
    status,
    summary: lead.summary,
    details: [
      ...(lead.details ?? []),
      ...others.flatMap((r) => [`${r.status}: ${r.summary}`, ...(r.details ?? []).map((d) => `  ${d}`)]),
    ],
    fix: [...new Set(results.flatMap((r) => r.fix ?? []))],
  };
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** The engine's deadline for a check that does not set its own (Check.timeoutMs). */
export const DEFAULT_CHECK_TIMEOUT_MS = 5000;

/** A check's own deadline when it sets a usable one, else `fallback`. */
function checkDeadline(check: Check, fallback: number): number {
  const own = check.timeoutMs;
  return typeof own === 'number' && Number.isFinite(own) && own > 0 ? own : fallback;
}

/** `timeoutMs` applies to checks that do not set their own Check.timeoutMs. */
export async function runCheck(check: Check, ctx: CheckContext, timeoutMs: number): Promise<CheckOutcome> {
  const start = performance.now();
  const base = {
    id: check.id,
    category: check.category,
    title: check.title,
    ...(check.dependsOn?.length ? { dependsOn: [...check.dependsOn] } : {}),
  };
  try {
    const applies = check.appliesTo ? check.appliesTo(ctx) : true;
    let folded: ReturnType<typeof foldResults>;
    if (applies !== true) {
      folded = {
        status: 'skip' as const,
        summary: typeof applies === 'string' ? applies : 'not applicable to this target',
        details: [],
        fix: [],
      };
    } else {
      const r = await withDeadline(
        Promise.resolve().then(() => check.run(ctx)),
        checkDeadline(check, timeoutMs),
      );
      folded = foldResults(Array.isArray(r) ? r : [r]);
    }
    return { ...base, ...folded, durationMs: Math.round(performance.now() - start) };
  } catch (e) {
    return {
      ...base,
      status: 'error',
      summary: `the check itself failed: ${(e as Error)?.message ?? String(e)}`,
      details: [],
      fix: ['report this as a cal-doctor bug with `cal-doctor --json` output'],
      durationMs: Math.round(performance.now() - start),
    };
  }
}

/**
 * All at once; results come back in the checks' order whatever order they finish in, each
 * problem whose prerequisite failed marked as its symptom (`causedBy`).
 * `timeoutMs` is the deadline of each check that does not set its own (Check.timeoutMs).
 */
export async function runChecks(
  checks: Check[],
  ctx: CheckContext,
  timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
  onResult?: (o: CheckOutcome) => void,
): Promise<CheckOutcome[]> {
  const outcomes = await Promise.all(
    checks.map(async (c) => {
      const o = await runCheck(c, ctx, timeoutMs);
      onResult?.(o);
      return o;
    }),
  );
  return foldOutcomes(outcomes);
}
