// Causes, not symptoms: a problem whose prerequisite (Check.dependsOn) failed is folded
// under it, and the report leads with the root causes in the order to fix them.
import type { Status } from './check.js';

/** What folding reads of a check's outcome (a CheckOutcome has it all). */
interface Outcome {
  id: string;
  status: Status;
  dependsOn?: string[];
  causedBy?: string[];
}

/** A root cause: a problem no failed prerequisite explains, with what it explains. */
export interface Cause {
  id: string;
  status: Status;
  /** every problem folded under this cause, directly or through another symptom, in fix order */
  symptoms: string[];
}

const FAILED: ReadonlySet<Status> = new Set<Status>(['fail', 'error']);
const PROBLEM: ReadonlySet<Status> = new Set<Status>(['warn', 'fail', 'error']);
/** Among causes that do not depend on each other: what breaks restore outright comes first. */
const URGENCY: Record<Status, number> = { fail: 0, error: 1, warn: 2, info: 3, pass: 4, skip: 5 };

/**
 * Sets `causedBy` on every problem with a failed prerequisite. Only edges between the
 * outcomes given count; an edge that would close a cycle is ignored.
 */
export function foldOutcomes<T extends Outcome>(outcomes: T[]): T[] {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return (byId.get(from)?.dependsOn ?? []).some((d) => byId.has(d) && reaches(d, to, seen));
  };
  return outcomes.map((o) => {
    if (!PROBLEM.has(o.status)) return o;
    // a failed prerequisite explains any problem; a warning explains a warning
    const by = (o.dependsOn ?? []).filter((d) => {
      const p = byId.get(d);
      const explains = p && (FAILED.has(p.status) || (p.status === 'warn' && o.status === 'warn'));
      return explains && d !== o.id && !reaches(d, o.id);
    });
    return by.length ? { ...o, causedBy: by } : o;
  });
}

/**
 * The order to fix things in: prerequisites before what depends on them, then failures
 * before warnings, then the checks' own order.
 */
function fixOrder<T extends Outcome>(outcomes: T[]): T[] {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const index = new Map(outcomes.map((o, i) => [o.id, i]));
  const rank = (o: T) => URGENCY[o.status] * outcomes.length + index.get(o.id)!;
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (o: T, path: Set<string>) => {
    if (done.has(o.id) || path.has(o.id)) return;
    path.add(o.id);
    const deps = (o.dependsOn ?? []).map((d) => byId.get(d)).filter((d): d is T => !!d);
    for (const d of deps.sort((a, b) => rank(a) - rank(b))) visit(d, path);
    path.delete(o.id);
    done.add(o.id);
    out.push(o);
  };
  for (const o of [...outcomes].sort((a, b) => rank(a) - rank(b))) visit(o, new Set());
  return out;
}

/** The root causes of a folded run, in fix order; each symptom appears under one cause only. */
export function causeTree(outcomes: Outcome[]): Cause[] {
  const ordered = fixOrder(outcomes).filter((o) => PROBLEM.has(o.status));
  const roots = ordered.filter((o) => !o.causedBy?.length);
  const claimed = new Set<string>(roots.map((r) => r.id));
  const causes: Cause[] = roots.map((r) => ({ id: r.id, status: r.status, symptoms: [] }));
  // a symptom goes under the first cause (in fix order) that one of its failed prerequisites leads back to
  const rootOf = (id: string, seen = new Set<string>()): string | undefined => {
    if (seen.has(id)) return undefined;
    seen.add(id);
    const o = ordered.find((x) => x.id === id);
    if (!o) return undefined;
    if (!o.causedBy?.length) return o.id;
    const found = o.causedBy.map((d) => rootOf(d, seen)).filter((r): r is string => !!r);
    return causes.find((c) => found.includes(c.id))?.id;
  };
  for (const o of ordered) {
    if (claimed.has(o.id)) continue;
    const root = rootOf(o.id);
    const cause = causes.find((c) => c.id === root);
    if (cause) cause.symptoms.push(o.id);
    else causes.push({ id: o.id, status: o.status, symptoms: [] });
    claimed.add(o.id);
  }
  return causes;
}
