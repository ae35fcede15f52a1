// The report: the one object every output format is rendered from.
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

export interface Report {
  tool: 'cal-doctor';
  version: string;
  target: { kind: 'local' | 'ssh' | 'vm'; label: string; os?: string; user?: string; hostname?: string };
  startedAt: string;
  durationMs: number;
  summary: ReportSummary;
  checks: CheckOutcome[];
  /** set when the doctor could not run at all (exit 2) */
  error?: { message: string; hint?: string };
  /** checks that could not be loaded (bad third-party module, duplicate id) */
  loadProblems?: Array<{ file: string; reason: string }>;
  /** the probe's own notes (a timed-out tmux call, a truncated listing) */
  probeWarnings?: string[];
}

export function summarize(checks: CheckOutcome[]): ReportSummary {
  const n = (s: CheckOutcome['status']) => checks.filter((c) => c.status === s).length;
  return { passed: n('pass'), info: n('info'), warnings: n('warn'), failed: n('fail'), skipped: n('skip'), errors: n('error'), total: checks.length };
}

/** 0: nothing failed (warnings allowed, unless strict); 1: a check failed or crashed; 2: could not run. */
export function exitCode(report: Report, strict = false): 0 | 1 | 2 {
  if (report.error) return 2;
  const s = report.summary;
  if (s.failed > 0 || s.errors > 0 || (strict && s.warnings > 0)) return 1;
  return 0;
}
