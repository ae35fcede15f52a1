// `cal-doctor persist`: the bug's "Expected Behavior" as one command. Build a marker layout on
// the user's real server, save it the way the setup saves, restart (the VM, or the tmux server
// as a shutdown ends it), start tmux the way the user does, and check that continuum restored
// the layout. Each step is a module under steps/ with typed inputs and outputs; this runner
// threads them, reports each as a check-like result, and on any failure, timeout or interrupt
// brings the user's server back if a restart left it down and removes the marker session
// (and only it).
import { type DoctorEvent, type DoctorOptions, newReport } from '../doctor.js';
import { summarize } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import { labelOf } from '../targets/connect.js';
import type { Target } from '../targets/target.js';
import { explainFailure } from './explain.js';
import { Link } from './link.js';
import { type BringBack, bringServerBack } from './recover.js';
import { type RestartStrategy, serverRestart, tartRestart } from './restart.js';
import type { CommonVars } from './scripts.js';
import { DEFAULT_TIMEOUTS, type PersistTimeouts, StepFailure, type StepId } from './step.js';
import { type PersistReport, STEPS, StepRunner } from './step-runner.js';
import { cleanup } from './steps/cleanup.js';
import { buildLayout } from './steps/layout.js';
import { preflight } from './steps/preflight.js';
import { restart } from './steps/restart.js';
import { verifyRestore } from './steps/restore.js';
import { save } from './steps/save.js';

export const MARKER_SESSION = 'cal-doctor-e2e';

/**
 * What the user's first SSH login does, without the terminal persist does not have: a login
 * shell (Homebrew's PATH, as on macOS) running `tmux new-session -d`, i.e. `tmux` minus the
 * attach. It creates session `0`, which resurrect's restore replaces when it is the server's
 * only pane. The login shell is exec'ed away, so no logout file runs. tmux is run by the path
 * the login shell finds: continuum skips the restore when, at the moment it looks, it counts
 * two `ps` lines starting with `tmux` besides the server — a client started as plain `tmux`
 * plus one of continuum's own `tmux` calls is enough (tmux-continuum #90), which would make
 * this default flaky. Pass `--start-command 'tmux new-session -d'` to test exactly that.
 */
export const DEFAULT_START_COMMAND = `exec "$SHELL" -l -c 'exec "$(command -v tmux)" new-session -d'`;

/** The connection options of the doctor (target, SSH, host keys, `--wait`, checks dirs). */
type ConnectionOptions = Omit<DoctorOptions, 'only' | 'skip' | 'onEvent' | 'afterChecks' | 'active'>;

export interface PersistOptions extends ConnectionOptions {
  /** without it, persist only says what it would do and what a restart would end (exit 2) */
  yes?: boolean;
  /** restart even though the server has sessions other than the marker */
  force?: boolean;
  /** how the user starts tmux after a login (run as `$SHELL -c CMD`); default DEFAULT_START_COMMAND */
  startCommand?: string;
  /** default: tartRestart for a VM target, serverRestart otherwise */
  restart?: RestartStrategy;
  timeouts?: Partial<PersistTimeouts>;
  /**
   * aborting (Ctrl-C; the reason names the signal) stops at the next safe point: a script
   * running on the target is let finish, a restart is finished so the server comes back;
   * then the marker session is removed
   */
  signal?: AbortSignal;
  /** `checks` (the six steps), `phase`, `waiting` while reconnecting, `result` per step */
  onEvent?: (e: DoctorEvent) => void;
  /** a step starts */
  onStep?: (id: `persist.${StepId}`) => void;
  /** marker session name (default cal-doctor-e2e) */
  session?: string;
  /** how to reach the target (default: `connect()` of src/targets/connect.ts); tests inject a LocalTarget here */
  connectTarget?: () => Promise<{ target: Target }>;
}

/** A connected target, or a StepFailure saying there is none. */
function connected(link: Link): Target {
  if (!link.target) throw new StepFailure('no connection to the target');
  return link.target;
}

export async function runPersist(opts: PersistOptions): Promise<PersistReport> {
  const started = Date.now();
  const t: PersistTimeouts = { ...DEFAULT_TIMEOUTS, ...(opts.timeouts ?? {}) };
  if (opts.tmuxTimeoutSec && !opts.timeouts?.tmuxSec) t.tmuxSec = opts.tmuxTimeoutSec;
  const session = opts.session ?? MARKER_SESSION;
  const startCommand = opts.startCommand?.trim() || DEFAULT_START_COMMAND;
  const strategy = opts.restart ?? (opts.target.kind === 'vm' ? tartRestart(opts.target.name) : serverRestart());
  const token = `${session}:${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const emit = opts.onEvent ?? (() => {});
  const { signal } = opts;
  const report: PersistReport = {
    ...newReport(opts.target, started),
    persist: { session, startCommand, restart: strategy.kind, verdict: 'could-not-run', timings: {} },
  };
  emit({ type: 'checks', checks: STEPS.map((s) => ({ id: `persist.${s.id}`, category: 'persist', title: s.title })) });
  const label = labelOf(opts.target);
  const link = new Link({
    connection: opts,
    connectOnce: opts.connectTarget,
    onAttempt: () => emit({ type: 'phase', phase: 'connecting', label }),
    onWaiting: emit,
  });
  const steps = new StepRunner(report, emit, signal, opts.onStep);
  let common: CommonVars = { tmux: '', tmuxTimeoutSec: t.tmuxSec };
  let markerMayExist = false;
  let restoreSettled = false;

  const pre = await steps.run('preflight', () =>
    preflight({
      link,
      waitMs: opts.waitMs ?? 0,
      yes: opts.yes === true,
      force: opts.force === true,
      session,
      startCommand,
      strategy,
      tmuxSec: t.tmuxSec,
      signal,
    }),
  );
  if (link.target) report.target = { kind: link.target.kind, label: link.target.label };
  if (pre) common = { tmux: pre.out.tmux, tmuxTimeoutSec: t.tmuxSec };
  const dirs = pre?.out.dirs ?? { base: '', plain: '', spaced: '' };
  const lay =
    pre &&
    (await steps.run('layout', () =>
      buildLayout({
        target: connected(link),
        common,
        t,
        session,
        dirs,
        token,
        startCommand,
        server: pre.out.server,
        markerMayExist: () => void (markerMayExist = true),
        signal,
      }),
    ));
  const sav =
    lay &&
    (await steps.run('save', () =>
      save({
        target: connected(link),
        common,
        saveSec: t.saveSec,
        session,
        expected: lay.out.expected,
        scrollPane: lay.out.scrollPane,
        scrollShown: lay.out.scrollShown,
        token,
        signal,
      }),
    ));
  const rst =
    sav &&
    (await steps.run('restart', () => restart({ link, common, t, strategy, startCommand, saveDir: sav.out.saveDir })));
  if (lay && sav && rst)
    await steps.run('restore', () =>
      verifyRestore({
        target: connected(link),
        common,
        t,
        session,
        startCommand,
        expected: lay.out.expected,
        scrollPane: lay.out.scrollPane,
        token,
        ...sav.out,
        afterStart: rst.out.server,
        lastAfterShutdown: rst.out.lastAfterShutdown,
        onSettled: () => void (restoreSettled = true),
        explain: (facts) =>
          explainFailure('restore', {
            target: connected(link),
            tart: link.tart,
            checksDirs: opts.checksDirs ?? [],
            tmuxSec: t.tmuxSec,
            facts,
          }),
        signal,
      }),
    );
  steps.skipUnrun(['layout', 'save', 'restart', 'restore']);

  // a restart that did not end with the server started again: start it, or say how
  let back: BringBack | undefined;
  if (steps.began('restart') && !rst?.out.server.answers && steps.failed?.id === 'restart') {
    back = await bringServerBack({ link, common, t, strategy, startCommand, connection: opts });
    steps.failed.outcome.details.push(...back.details);
    if (back.manual) {
      steps.failed.outcome.fix.push(`start the tmux server again: ${back.manual}`);
      report.persist.bringBack = back.manual;
    }
  }

  // cleanup runs once a marker may exist, whatever happened before
  steps.announce('cleanup');
  const t0 = performance.now();
  if (!markerMayExist) {
    steps.record(
      'cleanup',
      'skip',
      {
        summary:
          steps.stop === 'refused' || steps.stop === 'could-not-run' || steps.failed?.id === 'preflight'
            ? 'nothing to remove: no marker session was made'
            : 'nothing to remove',
        details: [],
      },
      0,
    );
  } else {
    try {
      const restarted = rst?.out.server ?? back?.server;
      const r = await cleanup({
        // the connection was lost with the restart (a VM that did not come back): try once more, briefly
        target: link.target ?? (await link.connect(15_000)),
        common,
        session,
        dirs,
        settleSec: restarted && !restoreSettled ? (restarted.restoreMaxDelay ?? 10) + 1 + t.restoreGraceSec : 0,
        saveDir: sav?.out.saveDir,
        savedName: sav?.out.savedName,
      });
      steps.record('cleanup', r.status ?? 'pass', r, performance.now() - t0);
    } catch (e) {
      steps.record(
        'cleanup',
        'warn',
        {
          summary: `could not remove ${session}: ${(e as Error)?.message ?? String(e)}`,
          details: [],
          fix: [`remove it by hand: tmux kill-session -t ${session}`],
        },
        performance.now() - t0,
      );
    }
  }

  // a failure is explained by the checks that look at its cause
  const { failed } = steps;
  if (failed && !steps.stop && link.target) {
    const explained =
      steps.failedExplained ??
      (await explainFailure(failed.id, {
        target: link.target,
        tart: link.tart,
        checksDirs: opts.checksDirs ?? [],
        tmuxSec: t.tmuxSec,
      }).catch(() => [] as CheckOutcome[]));
    const notable = explained.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error');
    if (notable.length)
      failed.outcome.details.push(
        '',
        'what the checks say:',
        ...notable.map((c) => `${c.id} (${c.status}): ${c.summary}`),
      );
    steps.outcomes.push(...explained);
  }
  await link.drop();
  report.checks = steps.outcomes;
  report.summary = summarize(steps.outcomes);
  report.durationMs = Date.now() - started;
  const p = report.persist;
  if (steps.stop === 'refused') p.verdict = 'refused';
  else if (steps.stop === 'could-not-run') p.verdict = 'could-not-run';
  else if (steps.stop === 'interrupted' || signal?.aborted) p.verdict = 'interrupted';
  else p.verdict = failed ? 'lost' : 'survives';
  if (failed) {
    p.failedStep = failed.outcome.id;
    p.reason = failed.outcome.summary;
  } else if (report.error) {
    p.reason = report.error.message;
  }
  return report;
}
