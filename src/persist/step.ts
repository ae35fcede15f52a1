// What every persist step shares: how it reports, how it fails, how it runs a script on the
// target, and the bounds it keeps. A step is a function of explicit inputs that returns its
// report and its typed output; the runner (run.ts) threads one step's output into the next.

import { Aborted } from '../common/backoff.js';
import type { CheckOutcome } from '../engine/run.js';
import { describeRun } from '../probe/gather.js';
import { type Target, TargetError } from '../targets/target.js';
import type { Records } from './layout.js';
import { parseRecords } from './scripts.js';

export type StepId = 'preflight' | 'layout' | 'save' | 'restart' | 'restore' | 'cleanup';

/** A step could not be done: the summary, the evidence and what to do. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
    readonly fix: string[] = [],
    /** the checks that explain the failure, when the step already ran them */
    readonly explained?: CheckOutcome[],
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** The user did not agree (no --yes), or a restart would end sessions that are not ours (no --force). */
export class Refusal extends Error {
  constructor(
    message: string,
    readonly details: string[],
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

/** What a step says about itself; becomes its `persist.<step>` result. */
export interface StepReport {
  status?: 'pass' | 'warn' | 'info';
  summary: string;
  details: string[];
  fix?: string[];
}

/** A step's report and what the next steps need from it. */
export interface StepDone<Out> extends StepReport {
  out: Out;
}

export interface PersistTimeouts {
  /** each tmux call on the target, seconds */
  tmuxSec: number;
  /** the start command, seconds */
  startSec: number;
  /** the plugins to finish loading (and restoring) after persist started the server, seconds */
  settleSec: number;
  /** the scrollback line to show in its pane, seconds */
  scrollSec: number;
  /** save.sh through `run-shell`, seconds */
  saveSec: number;
  /** the server, its pane shells and their logout hooks to end (tart: `tart stop` beyond its own 30 s), seconds */
  shutdownSec: number;
  /** the VM to boot and answer SSH, seconds */
  bootSec: number;
  /** beyond `@continuum-restore-max-delay` (+1 s continuum sleeps), for the restore to finish, seconds */
  restoreGraceSec: number;
}

export const DEFAULT_TIMEOUTS: PersistTimeouts = {
  tmuxSec: 5,
  startSec: 30,
  settleSec: 30,
  scrollSec: 10,
  saveSec: 60,
  shutdownSec: 20,
  bootSec: 300,
  restoreGraceSec: 30,
};

/** The marker's dirs on the target: a base, a plain subdir and one whose name holds a space. */
export interface MarkerDirs {
  base: string;
  plain: string;
  spaced: string;
}

/** `W.P` of the marker pane that holds the scrollback line. */
export interface PanePos {
  window: number;
  pane: number;
}

/**
 * Runs one persist script and returns its records. It is not started once `signal` has
 * aborted (Aborted); one already running is let finish, as each is bounded, so the target is
 * never left half way through a script. A script cut off is a StepFailure.
 */
export async function runOn(
  target: Target,
  script: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Records & { raw?: Buffer }> {
  if (signal?.aborted) throw new Aborted();
  let res: Awaited<ReturnType<Target['runScript']>>;
  try {
    res = await target.runScript(script, { timeoutMs });
  } catch (e) {
    if (e instanceof TargetError) throw new StepFailure(`on ${target.label}: ${e.message}`, e.hint ? [e.hint] : []);
    throw e;
  }
  const recs = parseRecords(res.stdout) as Records & { raw?: Buffer };
  if (!recs.has('end')) throw new StepFailure(`the step's script on ${target.label} was cut off: ${describeRun(res)}`);
  recs.raw = res.stdout;
  return recs;
}

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function shorten(s: string, max = 300): string {
  const t = s.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
