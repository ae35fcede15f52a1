// One doctor run: resolve the target, gather facts in one probe pass, run the checks.

import type { Check, CheckContext } from './engine/check.js';
import { loadChecks, selectChecks } from './engine/discover.js';
import { type Report, summarize } from './engine/report.js';
import type { CheckOutcome } from './engine/run.js';
import { didYouMean } from './engine/suggest.js';
import { gatherFacts } from './probe/gather.js';
import {
  type ConnectOptions,
  connectWithWait,
  labelOf,
  type TargetSpec,
  type WaitingEvent,
} from './targets/connect.js';
import { type Target, TargetError } from './targets/target.js';
import { VERSION } from './version.js';

/** Progress for live displays; the plain report needs none of it. */
export type DoctorEvent =
  | { type: 'phase'; phase: 'connecting' | 'probing' | 'checking' | 'repairing'; label: string }
  | WaitingEvent
  | { type: 'checks'; checks: Array<Pick<CheckOutcome, 'id' | 'category' | 'title'>> }
  | { type: 'result'; outcome: CheckOutcome }
  /** the last event of a run: the finished report */
  | { type: 'done'; report: Report };

export interface DoctorOptions extends ConnectOptions {
  only?: string[];
  skip?: string[];
  checksDirs?: string[];
  /** bound for each tmux call on the target, seconds */
  tmuxTimeoutSec?: number;
  /** bound for the whole probe, ms */
  timeoutMs?: number;
  /** run the active checks (they get the live target) */
  active?: boolean;
  /**
   * Runs after the checks, before the target is closed (`--fix`): it gets what the checks
   * saw and the still-open target, and may add to the report (`repairs`).
   */
  afterChecks?: (ctx: CheckContext, target: Target, report: Report) => Promise<void>;
  onEvent?: (e: DoctorEvent) => void;
}

/** An empty report for a target, before anything ran (persist builds its own on it too). */
export function newReport(spec: TargetSpec, started: number): Report {
  return {
    tool: 'cal-doctor',
    version: VERSION,
    target: { kind: spec.kind, label: labelOf(spec) },
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    summary: summarize([]),
    checks: [],
  };
}

/** The checks to run (loading them reports modules that could not load). */
async function selectedChecks(opts: DoctorOptions, report: Report, emit: (e: DoctorEvent) => void): Promise<Check[]> {
  const { checks, problems } = await loadChecks(opts.checksDirs ?? []);
  if (problems.length) report.loadProblems = problems;
  const { selected, unknown } = selectChecks(checks, opts.only ?? [], opts.skip ?? []);
  if (unknown.length) {
    const known = [...checks.map((c) => c.id), ...new Set(checks.map((c) => c.category))];
    const words = unknown.map((u) => u + didYouMean(u, known));
    throw new TargetError(`unknown check id or category: ${words.join(', ')}`, 'see `cal-doctor list`');
  }
  emit({ type: 'checks', checks: selected.map(({ id, category, title }) => ({ id, category, title })) });
  return selected;
}

export async function runDoctor(opts: DoctorOptions): Promise<Report> {
  const started = Date.now();
  const report = newReport(opts.target, started);
  const emit = opts.onEvent ?? (() => {});
  // Loading the checks and the engine that runs them is the client's biggest piece of work;
  // it is done while the probe runs on the target, the longest wait, where it delays
  // nothing. Done while connecting, it would hold up each handshake reply. --only/--skip
  // load the checks first instead: a typo in a check id then fails before any connect.
  let loading: Promise<Check[]> | undefined;
  const loadSelected = () => (loading ??= selectedChecks(opts, report, emit));
  let engine: Promise<typeof import('./engine/examine.js')> | undefined;
  const loadEngine = () => (engine ??= import('./engine/examine.js'));
  let target: Target | undefined;
  try {
    if (opts.only?.length || opts.skip?.length) await loadSelected();
    emit({ type: 'phase', phase: 'connecting', label: report.target.label });
    const conn = await connectWithWait(opts, { onWaiting: emit });
    target = conn.target;
    emit({ type: 'phase', phase: 'probing', label: target.label });
    const facts = await gatherFacts(target, {
      tmuxTimeoutSec: opts.tmuxTimeoutSec ?? 2,
      timeoutMs: opts.timeoutMs ?? 30_000,
      onStarted: () => {
        // their errors surface below
        void loadSelected().catch(() => undefined);
        void loadEngine().catch(() => undefined);
      },
    });
    const selected = await loadSelected();
    const { examine } = await loadEngine();
    report.target = {
      kind: target.kind,
      label: target.label,
      os: `${facts.host.os} ${facts.host.osVersion}`.trim(),
      user: facts.host.user,
      hostname: facts.host.hostname,
    };
    if (facts.probe.warnings.length) report.probeWarnings = facts.probe.warnings;
    const ctx: CheckContext = {
      facts,
      tart: conn.tart,
      targetKind: target.kind,
      target: opts.active ? target : undefined,
    };
    await examine(report, selected, ctx, {
      checking: () => emit({ type: 'phase', phase: 'checking', label: report.target.label }),
      result: (outcome) => emit({ type: 'result', outcome }),
    });
    if (opts.afterChecks) {
      emit({ type: 'phase', phase: 'repairing', label: target.label });
      await opts.afterChecks(ctx, target, report);
    }
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    report.error = { message: e.message, hint: e.hint };
    await loading?.catch(() => undefined);
  } finally {
    await target?.close();
    report.durationMs = Date.now() - started;
  }
  emit({ type: 'done', report });
  return report;
}

/**
 * Many targets at once, at most `concurrency` in flight; reports come back in the order of
 * `targets`. One target's failure (even a bug) never touches the others: it becomes that
 * target's could-not-run report.
 */
export async function runDoctors(
  base: Omit<DoctorOptions, 'target' | 'onEvent'>,
  targets: TargetSpec[],
  opts: { concurrency: number; onEvent?: (index: number, e: DoctorEvent) => void },
): Promise<Report[]> {
  const reports: Report[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < targets.length; i = next++) {
      const target = targets[i]!;
      const onEvent = opts.onEvent ? (e: DoctorEvent) => opts.onEvent!(i, e) : undefined;
      try {
        reports[i] = await runDoctor({ ...base, target, onEvent });
      } catch (e) {
        reports[i] = {
          tool: 'cal-doctor',
          version: VERSION,
          target: { kind: target.kind, label: labelOf(target) },
          startedAt: new Date().toISOString(),
          durationMs: 0,
          summary: summarize([]),
          checks: [],
          error: {
            message: `internal error: ${(e as Error)?.message ?? String(e)}`,
            hint: 'report this as a cal-doctor bug',
          },
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, targets.length)) }, worker));
  return reports;
}
