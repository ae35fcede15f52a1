// The check API: the one type a check author needs. A check is a pure function of the
// facts gathered in one probe pass; it never touches the network or the target.
import type { Facts } from '../probe/facts.js';
import type { Target } from '../targets/target.js';
import type { TartFact } from '../targets/tart.js';

/** The facts a check reads: part of the check API, so checks import them from here. */
export type * from '../probe/facts.js';

export type Status = 'pass' | 'info' | 'warn' | 'fail' | 'skip' | 'error';

/** The one severity order: a check's verdict is its worst result. */
export const SEVERITY: Readonly<Record<Status, number>> = { skip: 0, pass: 1, info: 2, warn: 3, fail: 4, error: 5 };

export interface Result {
  status: Status;
  /** one line: the verdict in words */
  summary: string;
  /** evidence: the values, lines and files the verdict rests on */
  details?: string[];
  /** what to type or change, concrete: a command or a config line */
  fix?: string[];
}

/** What a check sees: the probe's facts plus what the doctor knows about how it connected. */
export interface CheckContext {
  facts: Facts;
  /** present only when the target is a Tart VM (--vm) */
  tart?: TartFact;
  /** `local`, `ssh` or `vm` */
  targetKind: 'local' | 'ssh' | 'vm';
  /**
   * Only with --active: the live target, for the few checks that must act (in an isolated
   * sandbox) rather than read facts. Passive checks never get it.
   */
  target?: Target;
}

export interface Check {
  /** stable public id, `category.name`; third-party checks use their own prefix */
  id: string;
  category: string;
  /** one line for `list` and the report */
  title: string;
  /** what it looks at, why it matters, how to fix: shown by `explain ID` */
  explain: string;
  /**
   * Ids of the checks whose failure would explain this one's: a problem here while one of
   * them failed (or, for a warning here, warned) is folded under it in the report, so the
   * report leads with the cause. Unknown or unselected ids are ignored.
   */
  dependsOn?: string[];
  /** return false or a reason string to skip (not applicable to this target) */
  appliesTo?(ctx: CheckContext): boolean | string;
  /**
   * Deadline for run(), in ms: for checks that act on the target; default 5000 (the
   * engine's, runChecks). A run that misses it becomes an `error` result.
   */
  timeoutMs?: number;
  run(ctx: CheckContext): Result | Result[] | Promise<Result | Result[]>;
}

/** Helper so check modules get type checking without importing the interface by name. */
export function defineCheck(check: Check): Check {
  return check;
}
