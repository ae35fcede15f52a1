// Runs persist's steps one at a time, turns each one's report (or how it failed: refused,
// interrupted, could not reach the target, a bug) into its `persist.<step>` result, and
// remembers how the run stopped.

import { Aborted, WaitTimeout } from '../common/backoff.js';
import type { DoctorEvent } from '../doctor.js';
import type { Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import { TargetError } from '../targets/target.js';
import { Refusal, type StepDone, StepFailure, type StepId, type StepReport } from './step.js';

export const STEPS: ReadonlyArray<{ id: StepId; title: string }> = [
  { id: 'preflight', title: 'safe to restart: --yes given, no sessions but the marker (or --force)' },
  {
    id: 'layout',
    title: "marker session built on the user's server: 3 windows, a split, a dir with a space, a scrollback line",
  },
  { id: 'save', title: 'saved through the server as prefix C-s does, and the save holds the layout' },
  { id: 'restart', title: 'restarted, reconnected, and tmux started again with the start command' },
  { id: 'restore', title: 'continuum restored the marker session within its restore window' },
  { id: 'cleanup', title: 'marker session removed (and nothing else)' },
];

interface PersistSummary {
  session: string;
  startCommand: string;
  restart: string;
  /** `survives`: the layout came back; `lost`: a step failed; `refused`: nothing was changed */
  verdict: 'survives' | 'lost' | 'refused' | 'could-not-run' | 'interrupted';
  /** the step that broke, `persist.restore` */
  failedStep?: string;
  reason?: string;
  /** ms per step */
  timings: Partial<Record<StepId, number>>;
  /** the restart left the user's tmux server down and persist could not start it: the command that does */
  bringBack?: string;
}

/** A Report (JSON/JUnit/table render it unchanged): the steps are its checks, `persist.<step>`. */
export interface PersistReport extends Report {
  persist: PersistSummary;
}

/** What a signal's abort reason says: `SIGINT`, or Ctrl-C when the caller gave none. */
function interruptName(signal?: AbortSignal): string {
  return typeof signal?.reason === 'string' ? signal.reason : 'Ctrl-C';
}

/** Runs the steps in order, records each one's result, and remembers how the run stopped. */
export class StepRunner {
  readonly outcomes: CheckOutcome[] = [];
  stop?: 'refused' | 'could-not-run' | 'interrupted';
  failed?: { id: StepId; outcome: CheckOutcome };
  /** the checks the failed step already ran to explain its failure */
  failedExplained?: CheckOutcome[];
  private readonly entered = new Set<StepId>();

  constructor(
    private readonly report: PersistReport,
    private readonly emit: (e: DoctorEvent) => void,
    private readonly signal?: AbortSignal,
    private readonly onStep?: (id: `persist.${StepId}`) => void,
  ) {}

  began(id: StepId): boolean {
    return this.entered.has(id);
  }

  record(id: StepId, status: CheckOutcome['status'], r: Omit<StepReport, 'status'>, ms: number): CheckOutcome {
    const o: CheckOutcome = {
      id: `persist.${id}`,
      category: 'persist',
      title: STEPS.find((s) => s.id === id)?.title ?? id,
      status,
      summary: r.summary,
      details: r.details,
      fix: r.fix ?? [],
      durationMs: Math.round(ms),
    };
    this.outcomes.push(o);
    this.report.persist.timings[id] = Math.round(ms);
    this.emit({ type: 'result', outcome: o });
    return o;
  }

  /** A step starts (the CLI names it when interrupted). */
  announce(id: StepId): void {
    this.entered.add(id);
    this.onStep?.(`persist.${id}`);
  }

  /**
   * Runs one step. Its output when it passed, or when it finished though interrupted (the
   * run stops after it, but what it did, a restart, must be known); else undefined.
   */
  async run<Out>(id: StepId, fn: () => Promise<StepDone<Out>>): Promise<StepDone<Out> | undefined> {
    if (this.stop) return undefined;
    this.announce(id);
    const t0 = performance.now();
    const fail = (status: 'fail' | 'error', r: Omit<StepReport, 'status'>) => {
      this.failed = { id, outcome: this.record(id, status, r, performance.now() - t0) };
      return undefined;
    };
    try {
      if (this.signal?.aborted) throw new Aborted();
      const r = await fn();
      if (this.signal?.aborted) {
        // it finished (a restart always does): its result stands, and nothing runs after it
        this.stop = 'interrupted';
        this.record(
          id,
          r.status ?? 'pass',
          { ...r, details: [...r.details, `interrupted (${interruptName(this.signal)}) while this step ran`] },
          performance.now() - t0,
        );
        return r;
      }
      this.record(id, r.status ?? 'pass', r, performance.now() - t0);
      return r;
    } catch (e) {
      if (e instanceof Refusal) {
        this.stop = 'refused';
        this.report.error = { message: e.message, hint: e.hint };
        this.record(id, 'fail', { summary: e.message, details: e.details, fix: e.hint ? [e.hint] : [] }, 0);
        return undefined;
      }
      if (e instanceof Aborted || this.signal?.aborted) {
        this.stop = 'interrupted';
        return fail('fail', {
          summary: `interrupted (${interruptName(this.signal)}) during this step: stopped here; the marker session is removed next`,
          details: [],
        });
      }
      if (e instanceof TargetError && id === 'preflight') {
        this.stop = 'could-not-run';
        this.report.error = { message: e.message, hint: e.hint };
        this.record(
          id,
          'fail',
          { summary: `could not reach the target: ${e.message}`, details: [], fix: e.hint ? [e.hint] : [] },
          performance.now() - t0,
        );
        return undefined;
      }
      if (e instanceof StepFailure) {
        this.failedExplained = e.explained;
        return fail('fail', { summary: e.message, details: e.details, fix: e.fix });
      }
      if (e instanceof WaitTimeout || e instanceof TargetError)
        return fail('fail', {
          summary: e.message,
          details: [],
          fix: e instanceof TargetError && e.hint ? [e.hint] : [],
        });
      return fail('error', {
        summary: `persist itself failed: ${(e as Error)?.message ?? String(e)}`,
        details: [],
        fix: ['report this as a cal-doctor bug with `cal-doctor persist --json` output'],
      });
    }
  }

  /** A skip result for each of `ids` that did not run, saying why. */
  skipUnrun(ids: StepId[]): void {
    const why =
      this.stop === 'refused'
        ? 'refused'
        : this.stop === 'interrupted'
          ? 'interrupted'
          : `persist.${this.failed?.id ?? 'preflight'} did not pass`;
    for (const id of ids)
      if (!this.entered.has(id)) this.record(id, 'skip', { summary: `not run: ${why}`, details: [] }, 0);
  }
}
