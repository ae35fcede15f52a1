// The report: the one object every output format is rendered from.
import type { Cause } from './causes.js';
import type { CheckOutcome } from './run.js';

export interface ReportSummary {
  passed: number;
  info: number;
  warnings: number;
  failed: number;
  skipped: number;
  errors: number;
  total: number;
}

/** What the bug-report format shows about the target besides the checks (see describeEnvironment, ./environment.ts). */
export interface ReportEnvironment {
  host: { os: string; osVersion: string; hostname: string; user: string; home: string; shell: string };
  tmux: {
    /** every tmux binary found, with `tmux -V` and how it was found */
    binaries: Array<{ path: string; version: string | null; foundBy: string[] }>;
    /** `#{version}` of the running default server, null when none answered */
    serverVersion: string | null;
    /** where the non-login exec and a login shell find tmux */
    execPath?: string;
    loginPath?: string;
  };
  plugins: { dir: string; entries: Array<{ name: string; revision?: string }> };
  /** the tmux.conf lines that matter for persistence, `file:line: text` */
  configLines: string[];
  saves: {
    /** the dir resurrect saves to, and why */
    dir: string;
    reason: string;
    /** where `last` points, when there is a `last` */
    last?: string;
    /** newest last; at most the 12 newest saves */
    history: Array<{ name: string; time: string; size: number; contents?: string; last: boolean }>;
  };
  tart?: { vm: string; state: string; ip: string };
}

/** One repair `--fix` can plan: a step applied by `--fix --yes`, or advice to follow by hand. */
export interface Repair {
  id: string;
  /** what it will do, one line */
  title: string;
  /** true: applied by --fix --yes; false: advice printed only (exact edit) */
  automatic: boolean;
  /**
   * the repair's POSIX sh (automatic only): its parameter lines (every value single-quoted)
   * and its src/remote/repair-*.sh. The target runs it after lib.sh, whose cal_result ends it
   * with the records `status` and `message`.
   */
  script?: string;
  /** how to undo, a command */
  undo?: string;
  /** for advice: the exact edit to make */
  advice?: string[];
}

/** One repair from `--fix`: the plan (status `planned`), or what applying it did (`--fix --yes`). */
export interface RepairEntry extends Repair {
  status: 'planned' | 'applied' | 'already-ok' | 'failed' | 'advice';
  message?: string;
}

export interface Report {
  tool: 'cal-doctor';
  version: string;
  target: { kind: 'local' | 'ssh' | 'vm'; label: string; os?: string; user?: string; hostname?: string };
  startedAt: string;
  durationMs: number;
  summary: ReportSummary;
  checks: CheckOutcome[];
  /** the root causes in the order to fix them, each with the problems it explains */
  causes?: Cause[];
  /** set when the doctor could not run at all (exit 2) */
  error?: { message: string; hint?: string };
  /** checks that could not be loaded (bad third-party module, duplicate id) */
  loadProblems?: Array<{ file: string; reason: string }>;
  /** the probe's own notes (a timed-out tmux call, a truncated listing) */
  probeWarnings?: string[];
  /** versions, config lines and the save history, for bug reports */
  environment?: ReportEnvironment;
  /** `--fix`: the repair plan, or with `--yes` what was applied */
  repairs?: RepairEntry[];
}

/** Several targets in one run (`--vm a --vm b`, `--targets FILE`): one report each, in order. */
export interface ManyReport {
  tool: 'cal-doctor';
  version: string;
  startedAt: string;
  durationMs: number;
  summary: {
    targets: number;
    /** targets whose exit code alone would be 0, 1, 2 */
    ok: number;
    failed: number;
    couldNotRun: number;
    /** every target's checks added up */
    checks: ReportSummary;
  };
  reports: Report[];
}

export function summarize(checks: CheckOutcome[]): ReportSummary {
  const n = (s: CheckOutcome['status']) => checks.filter((c) => c.status === s).length;
  return {
    passed: n('pass'),
    info: n('info'),
    warnings: n('warn'),
    failed: n('fail'),
    skipped: n('skip'),
    errors: n('error'),
    total: checks.length,
  };
}

/** 0: nothing failed (warnings allowed, unless strict); 1: a check failed or crashed, or a repair failed; 2: could not run. */
export function exitCode(report: Report, strict = false): 0 | 1 | 2 {
  if (report.error) return 2;
  const s = report.summary;
  if (s.failed > 0 || s.errors > 0 || (strict && s.warnings > 0)) return 1;
  if (report.repairs?.some((r) => r.status === 'failed')) return 1;
  return 0;
}

/** Many targets: the worst target's exit code. */
export function worstExitCode(reports: Report[], strict = false): 0 | 1 | 2 {
  return reports.reduce<0 | 1 | 2>((w, r) => Math.max(w, exitCode(r, strict)) as 0 | 1 | 2, 0);
}

export function combine(
  reports: Report[],
  startedAt: Date,
  durationMs: number,
  version: string,
  strict = false,
): ManyReport {
  const codes = reports.map((r) => exitCode(r, strict));
  const checks = summarize([]);
  for (const r of reports) for (const k of Object.keys(checks) as Array<keyof ReportSummary>) checks[k] += r.summary[k];
  return {
    tool: 'cal-doctor',
    version,
    startedAt: startedAt.toISOString(),
    durationMs,
    summary: {
      targets: reports.length,
      ok: codes.filter((c) => c === 0).length,
      failed: codes.filter((c) => c === 1).length,
      couldNotRun: codes.filter((c) => c === 2).length,
      checks,
    },
    reports,
  };
}
