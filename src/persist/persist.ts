// `cal-doctor persist`: the bug's "Expected Behavior" as one command. Build a marker layout on
// the user's real server, save it the way the setup saves, restart (the VM, or the tmux server
// as a shutdown ends it), start tmux the way the user does, and check that continuum restored
// the layout. Every step is bounded, timed and reported as a check-like result; on any
// failure, timeout or interrupt the marker session (and only it) is removed.

import { connect, type DoctorEvent, type DoctorOptions, labelOf, newReport } from '../doctor.js';
import { logoutHooks } from '../domain/resurrect/logout-hooks.js';
import { describeClass, type ParsedSave, parseSave } from '../domain/resurrect/savefile.js';
import type { CheckContext } from '../engine/check.js';
import { loadChecks } from '../engine/discover.js';
import { type Report, summarize } from '../engine/report.js';
import { type CheckOutcome, DEFAULT_CHECK_TIMEOUT_MS, runChecks } from '../engine/run.js';
import type { Facts, TartFact } from '../probe/facts.js';
import { describeRun, gatherFacts } from '../probe/gather.js';
import { type Target, TargetError } from '../targets/target.js';
import { hasLine, paneContents } from './contents.js';
import {
  compareLayout,
  describeLayout,
  describeSessions,
  type Layout,
  layoutOfLive,
  layoutOfSave,
  one,
  parseServer,
  type Records,
  type ServerState,
  samePlace,
} from './layout.js';
import { type RestartStrategy, StepFailure, serverRestart, tartRestart } from './restart.js';
import {
  type CommonVars,
  cleanupScript,
  inspectScript,
  markerScript,
  parseRecords,
  rawRecord,
  saveScript,
  settleScript,
  startScript,
} from './scripts.js';
import { Aborted, abortable, retry, WaitTimeout } from './wait.js';

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

export type StepId = 'preflight' | 'layout' | 'save' | 'restart' | 'restore' | 'cleanup';

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

/** The connection options of the doctor (target, SSH, host keys, `--wait`, checks dirs). */
export type ConnectionOptions = Omit<DoctorOptions, 'only' | 'skip' | 'onEvent' | 'afterChecks' | 'active'>;

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
  /** aborting (Ctrl-C) stops the current step and goes straight to removing the marker */
  signal?: AbortSignal;
  /** `checks` (the six steps), `phase`, `waiting` while reconnecting, `result` per step */
  onEvent?: (e: DoctorEvent) => void;
  /** marker session name (default cal-doctor-e2e) */
  session?: string;
  /** how to reach the target (default: `connect()` of src/doctor.ts); tests inject a LocalTarget here */
  connectTarget?: () => Promise<{ target: Target; tart?: TartFact }>;
}

export interface PersistSummary {
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
  /** seconds from the restarted server's start to the marker session existing again */
  restoredAfterSec?: number;
}

/** A Report (JSON/JUnit/table render it unchanged): the steps are its checks, `persist.<step>`. */
export interface PersistReport extends Report {
  persist: PersistSummary;
}

/** Which checks explain a failure at each step (those that exist are run). */
const EXPLAIN: Record<StepId, string[]> = {
  preflight: ['tmux.path', 'tmux.server'],
  layout: ['tmux.path', 'tmux.server', 'plugins.tpm', 'config.file'],
  save: ['tmux.server', 'plugins.tpm', 'plugins.resurrect', 'resurrect.dir', 'resurrect.last'],
  restart: ['tart.vm', 'tmux.path', 'tmux.server'],
  restore: [
    'resurrect.last',
    'resurrect.history',
    'resurrect.save-triggers',
    'plugins.continuum',
    'plugins.resurrect',
    'plugins.tpm',
  ],
  cleanup: [],
};

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Ctx {
  opts: PersistOptions;
  t: PersistTimeouts;
  session: string;
  startCommand: string;
  strategy: RestartStrategy;
  common: CommonVars;
  target?: Target;
  tart?: TartFact;
  /** the marker may exist on the server from here on */
  markerMade: boolean;
  dirs: { base: string; plain: string; spaced: string };
  token: string;
  before?: ServerState;
  expected?: Layout;
  /** `W.P` of the pane with the scrollback line */
  scrollPane?: { window: number; pane: number };
  scrollShown: boolean;
  saveDir?: string;
  savedName?: string;
  savedContent?: string;
  saved?: ParsedSave;
  scrollSaved: boolean;
  captureOn: boolean;
  /** after the restart */
  startedAt?: number;
  afterStart?: ServerState;
  lastAfterShutdown?: { state: string; link?: string; content?: string };
  startRc?: number;
  startOut?: string;
  /** the probe's facts at the failure, for the diagnosis and the explaining checks */
  facts?: Facts;
  /** the restore check waited for the plugins to finish */
  restoreDone?: boolean;
}

/** Runs one persist script and returns its records; a script cut off is a StepFailure. */
async function runOn(target: Target, script: string, timeoutMs: number): Promise<Records & { raw?: Buffer }> {
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

function parsedLine(p: ParsedSave): string {
  return `${p.counts.sessions} session(s), ${p.counts.windows} window(s), ${p.counts.panes} pane(s), ${p.counts.stateLines} state line(s)`;
}

function shorten(s: string, max = 300): string {
  const t = s.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export { logoutHooks };

export interface Diagnosis {
  summary: string;
  details: string[];
  fix: string[];
  /** short name of the cause: `logout-hook`, `start-command`, `no-restore`, … */
  cause: string;
}

/** Why the marker did not come back, from what persist saw around the restart (pure). */
export function diagnose(input: {
  session: string;
  savedName?: string;
  savedContent?: string;
  lastAfterShutdown?: { state: string; link?: string; content?: string };
  markerBeforeRestore: boolean;
  settleKinds: string[];
  settleTimedOut: boolean;
  after: ServerState;
  halt: boolean;
  logoutHooks: string[];
  mismatches: string[];
  startCommand: string;
  /** `pid command` of the user's processes continuum counts as tmux (besides the server), seen after the restore window */
  otherTmux?: string[];
}): Diagnosis {
  const { session } = input;
  const s = input.lastAfterShutdown;
  const lastChanged =
    s &&
    (s.state !== 'file' ||
      s.link !== input.savedName ||
      (input.savedContent !== undefined && s.content !== input.savedContent));
  if (lastChanged) {
    const what =
      s.state === 'dangling'
        ? `dangling (→ ${s.link}, which does not exist)`
        : s.state === 'missing'
          ? 'gone'
          : s.state !== 'file'
            ? `not a file (${s.state})`
            : `→ ${s.link ?? 'last'}: ${(() => {
                const p = parseSave(s.content ?? '');
                return `${p.classification}, ${parsedLine(p)}`;
              })()}`;
    const hooks = input.logoutHooks;
    return {
      cause: hooks.length ? 'logout-hook' : 'save-during-shutdown',
      summary: hooks.length
        ? `a logout hook saved while the server shut down and broke \`last\`: before the restart it was ${input.savedName} (with ${session}); after, ${what} — restore had nothing to rebuild`
        : `a save ran while the server shut down and replaced \`last\` (was ${input.savedName} with ${session}; after the shutdown ${what}): restore had nothing to rebuild`,
      details: [
        ...hooks.map((h) => `logout hook: ${h}`),
        ...(hooks.length
          ? [
              "tmux panes run login shells: a logout file runs in every pane as the panes' shells get SIGHUP at shutdown; the saves race each other (one file name per second), see a dying server with no sessions, and leave `last` state-only, empty or dangling",
            ]
          : ['something saved (continuum, a hook, a script) after the server had lost its sessions']),
      ],
      fix: hooks.length
        ? [
            'remove the save.sh line from the logout file(s) above',
            "save while the sessions exist instead: prefix C-s, continuum's auto-save, or `tmux run-shell <save.sh>` before `tart stop`",
            'then relink `last` to the newest good save (see resurrect.last)',
          ]
        : ['see resurrect.save-triggers for what saves on this target'],
    };
  }
  if (input.markerBeforeRestore) {
    return {
      cause: 'start-command',
      summary: `the start command created ${session} before continuum's restore ran: restore leaves an existing session as it is, so the start command blocks the restore`,
      details: [
        `start command: ${input.startCommand}`,
        `${session} already existed when the start command returned; continuum restores a second after the plugins load`,
        'resurrect only replaces the first pane when it is the only pane on the server ("restore from scratch"); anything more that exists is kept, and restored sessions, windows and panes with those names are skipped',
        ...input.mismatches.map((m) => `restored layout: ${m}`),
      ],
      fix: [
        'start the server without creating the saved session: `tmux new-session -d` (restore replaces that lone session), wait for the restore, then `tmux attach -t NAME || tmux new-session -s NAME`',
        'or let continuum start the server at boot (@continuum-boot on) and only attach after login',
      ],
    };
  }
  const sawRestore = input.settleKinds.includes('restore');
  const sawContinuum = input.settleKinds.includes('continuum_restore');
  const a = input.after;
  if (!a.answers) {
    return {
      cause: 'no-server',
      summary: `no tmux server answered after the start command (${a.error ?? 'no answer'})`,
      details: [],
      fix: [],
    };
  }
  if (!sawRestore && !sawContinuum) {
    const why: string[] = [];
    const fix: string[] = [];
    if (!a.tpmLoaded) {
      why.push(
        'TPM did not run in the restarted server (no TMUX_PLUGIN_MANAGER_PATH): no plugin loaded, so continuum never ran',
      );
      fix.push(
        'start the server from a login shell (so tmux is on the PATH TPM sees), see tmux.server and plugins.tpm',
      );
    } else if (!a.restoreScript) {
      why.push('tmux-resurrect is not loaded in the restarted server: continuum has no restore script to run');
    } else if (a.continuumRestore !== 'on') {
      why.push(
        `@continuum-restore is ${a.continuumRestore === undefined ? 'not set (default off)' : JSON.stringify(a.continuumRestore)}: continuum does not restore at server start`,
      );
      fix.push("set -g @continuum-restore 'on'   # in ~/.tmux.conf, before the `run ...tpm` line");
    } else if (input.halt) {
      why.push("~/tmux_no_auto_restore exists: continuum's halt file switches auto-restore off");
      fix.push('rm ~/tmux_no_auto_restore');
    } else if (input.otherTmux?.length) {
      why.push(
        `other tmux processes of this user run (continuum counts \`ps\` lines starting with \`tmux\` and skips the restore when it sees another server): ${input.otherTmux.join('; ')}`,
      );
      fix.push(
        'end the other tmux server(s) of this user before tmux starts (tmux -S SOCKET kill-server), or run them as another user',
      );
    } else {
      why.push(
        'continuum did not start a restore: at plugin load it saw another tmux server of this user (it counts `ps` lines starting with `tmux`: another server, or several tmux clients of a wrapper at once), or the plugins loaded later than @continuum-restore-max-delay after the server started',
      );
      if (/(^|[;&|(\s'"])tmux(\s|$)/.test(input.startCommand)) {
        why.push(
          "the start command runs plain `tmux`: its client is one such `ps` line while the plugins load, and one of continuum's own `tmux` calls running at the moment continuum_restore.sh looks makes two — the restore is skipped now and then (tmux-continuum #90)",
        );
        fix.push(
          'run tmux by its full path in the start command (e.g. /opt/homebrew/bin/tmux new-session -d): continuum does not count it',
        );
      }
      fix.push(
        'make sure no other tmux server runs as this user when tmux starts, and that the start command runs one tmux client at a time',
      );
    }
    return { cause: 'no-restore', summary: `continuum did not restore: ${why[0]}`, details: why.slice(1), fix };
  }
  if (input.settleTimedOut) {
    return {
      cause: 'restore-slow',
      summary: `the restore was still running when the restore window closed`,
      details: input.mismatches,
      fix: ['raise the restore grace time, or look for a hung restore.sh'],
    };
  }
  return {
    cause: 'restore-incomplete',
    summary: `continuum ran the restore, but ${session} did not come back as saved`,
    details: input.mismatches.map((m) => `restored layout: ${m}`),
    fix: ['see resurrect.last: restore reads the save `last` points to'],
  };
}

export async function runPersist(opts: PersistOptions): Promise<PersistReport> {
  const started = Date.now();
  const t: PersistTimeouts = { ...DEFAULT_TIMEOUTS, ...(opts.timeouts ?? {}) };
  if (opts.tmuxTimeoutSec && !opts.timeouts?.tmuxSec) t.tmuxSec = opts.tmuxTimeoutSec;
  const session = opts.session ?? MARKER_SESSION;
  const startCommand = opts.startCommand?.trim() || DEFAULT_START_COMMAND;
  const strategy = opts.restart ?? (opts.target.kind === 'vm' ? tartRestart(opts.target.name) : serverRestart());
  const emit = opts.onEvent ?? (() => {});
  const report: PersistReport = {
    ...newReport(opts.target, started),
    persist: { session, startCommand, restart: strategy.kind, verdict: 'could-not-run', timings: {} },
  };
  const ctx: Ctx = {
    opts,
    t,
    session,
    startCommand,
    strategy,
    common: { tmux: '', tmuxTimeoutSec: t.tmuxSec },
    markerMade: false,
    dirs: { base: '', plain: '', spaced: '' },
    token: `${session}:${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`,
    scrollShown: false,
    scrollSaved: false,
    captureOn: false,
  };
  emit({ type: 'checks', checks: STEPS.map((s) => ({ id: `persist.${s.id}`, category: 'persist', title: s.title })) });

  const outcomes: CheckOutcome[] = [];
  const record = (
    id: StepId,
    status: CheckOutcome['status'],
    summary: string,
    details: string[],
    fix: string[],
    ms: number,
  ) => {
    const title = STEPS.find((s) => s.id === id)!.title;
    const o: CheckOutcome = {
      id: `persist.${id}`,
      category: 'persist',
      title,
      status,
      summary,
      details,
      fix,
      durationMs: Math.round(ms),
    };
    outcomes.push(o);
    report.persist.timings[id] = Math.round(ms);
    emit({ type: 'result', outcome: o });
    return o;
  };

  type StepResult = { status?: 'pass' | 'warn' | 'info'; summary: string; details?: string[]; fix?: string[] };
  let failed: { id: StepId; outcome: CheckOutcome } | undefined;
  let stop: 'refused' | 'could-not-run' | 'interrupted' | undefined;

  const step = async (id: StepId, fn: () => Promise<StepResult>): Promise<boolean> => {
    if (failed || stop) {
      record(
        id,
        'skip',
        `not run: ${stop === 'refused' ? 'refused' : stop === 'interrupted' ? 'interrupted' : `persist.${failed?.id ?? 'preflight'} did not pass`}`,
        [],
        [],
        0,
      );
      return false;
    }
    const t0 = performance.now();
    const work = fn();
    try {
      const r = await abortable(work, opts.signal);
      record(id, r.status ?? 'pass', r.summary, r.details ?? [], r.fix ?? [], performance.now() - t0);
      return true;
    } catch (e) {
      const ms = performance.now() - t0;
      if (e instanceof Refusal) {
        stop = 'refused';
        report.error = { message: e.message, hint: e.hint };
        record(id, 'fail', e.message, e.details, e.hint ? [e.hint] : [], ms);
        return false;
      }
      if (e instanceof Aborted || opts.signal?.aborted) {
        stop = 'interrupted';
        // let what is running on the target finish (each action is bounded; wait at most
        // INFLIGHT_MS), so the cleanup does not race a marker still being made
        const settled = await settleWithin(work, INFLIGHT_MS);
        failed = {
          id,
          outcome: record(
            id,
            'fail',
            `interrupted (Ctrl-C): stopped here${settled ? '' : ` (what was running on the target did not finish within ${INFLIGHT_MS / 1000} s)`}; the marker session is removed next`,
            [],
            [],
            performance.now() - t0,
          ),
        };
        return false;
      }
      if (e instanceof TargetError && id === 'preflight') {
        stop = 'could-not-run';
        report.error = { message: e.message, hint: e.hint };
        record(id, 'fail', `could not reach the target: ${e.message}`, [], e.hint ? [e.hint] : [], ms);
        return false;
      }
      if (e instanceof StepFailure || e instanceof WaitTimeout || e instanceof TargetError) {
        const hint = e instanceof TargetError && e.hint ? [e.hint] : [];
        failed = {
          id,
          outcome: record(
            id,
            'fail',
            e.message,
            e instanceof StepFailure ? e.details : [],
            e instanceof StepFailure ? e.fix : hint,
            ms,
          ),
        };
        return false;
      }
      failed = {
        id,
        outcome: record(
          id,
          'error',
          `persist itself failed: ${(e as Error)?.message ?? String(e)}`,
          [],
          ['report this as a cal-doctor bug with `cal-doctor persist --json` output'],
          ms,
        ),
      };
      return false;
    }
  };

  try {
    await step('preflight', () => preflight(ctx, report, emit));
    await step('layout', () => buildLayout(ctx));
    await step('save', () => save(ctx));
    await step('restart', () => restart(ctx, emit));
    await step('restore', () => verifyRestore(ctx));
  } finally {
    // cleanup always runs once a marker may exist, whatever happened before
    const t0 = performance.now();
    if (!ctx.markerMade) {
      record(
        'cleanup',
        'skip',
        stop === 'refused' || stop === 'could-not-run' || failed?.id === 'preflight'
          ? 'nothing to remove: no marker session was made'
          : 'nothing to remove',
        [],
        [],
        0,
      );
    } else {
      try {
        const r = await cleanup(ctx, emit);
        record('cleanup', r.status ?? 'pass', r.summary, r.details ?? [], r.fix ?? [], performance.now() - t0);
      } catch (e) {
        record(
          'cleanup',
          'warn',
          `could not remove ${session}: ${(e as Error)?.message ?? String(e)}`,
          [],
          [`remove it by hand: tmux kill-session -t ${session}`],
          performance.now() - t0,
        );
      }
    }
    // a failure is explained by the checks that look at its cause
    if (failed && !stop && ctx.target) {
      const explained = await explain(ctx, failed.id).catch(() => [] as CheckOutcome[]);
      const notable = explained.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error');
      if (notable.length)
        failed.outcome.details.push(
          '',
          'what the checks say:',
          ...notable.map((c) => `${c.id} (${c.status}): ${c.summary}`),
        );
      outcomes.push(...explained);
    }
    await ctx.target?.close().catch(() => undefined);
    report.checks = outcomes;
    report.summary = summarize(outcomes);
    report.durationMs = Date.now() - started;
    const p = report.persist;
    if (stop === 'refused') p.verdict = 'refused';
    else if (stop === 'could-not-run') p.verdict = 'could-not-run';
    else if (stop === 'interrupted') p.verdict = 'interrupted';
    else p.verdict = failed ? 'lost' : 'survives';
    if (failed) {
      p.failedStep = failed.outcome.id;
      p.reason = failed.outcome.summary;
    } else if (report.error) {
      p.reason = report.error.message;
    }
  }
  return report;
}

/** After Ctrl-C, how long the step's running action may take to finish before the cleanup. */
const INFLIGHT_MS = 20_000;

/** true when `p` settles within `ms` (its result is dropped). */
function settleWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/** The user did not agree (no --yes), or a restart would end sessions that are not ours (no --force). */
class Refusal extends Error {
  constructor(
    message: string,
    readonly details: string[],
    readonly hint?: string,
  ) {
    super(message);
  }
}

async function connectOnce(ctx: Ctx, timeoutMs?: number): Promise<{ target: Target; tart?: TartFact }> {
  if (ctx.opts.connectTarget) return ctx.opts.connectTarget();
  return connect(
    timeoutMs === undefined
      ? ctx.opts
      : { ...ctx.opts, connectTimeoutMs: Math.max(1000, Math.min(ctx.opts.connectTimeoutMs ?? 10_000, timeoutMs)) },
  );
}

/**
 * Connects, retrying with the `--wait` backoff for at most `waitMs` while the target is merely
 * not up yet (a transient TargetError: VM stopped or booting, nothing listening, no answer).
 */
async function connectWithBackoff(
  ctx: Ctx,
  emit: (e: DoctorEvent) => void,
  waitMs: number,
): Promise<{ target: Target; tart?: TartFact }> {
  const label = labelOf(ctx.opts.target);
  return retry(
    async (_n, remaining) => {
      emit({ type: 'phase', phase: 'connecting', label });
      return connectOnce(ctx, remaining);
    },
    {
      timeoutMs: waitMs,
      signal: ctx.opts.signal,
      what: `${label} up`,
      retryable: (e) => e instanceof TargetError && (e as TargetError & { transient?: boolean }).transient === true,
      onRetry: ({ attempt: n, reason, retryInMs, remainingMs }) =>
        emit({ type: 'waiting', label, attempt: n, reason, retryInMs, remainingMs }),
    },
  );
}

async function preflight(
  ctx: Ctx,
  report: PersistReport,
  emit: (e: DoctorEvent) => void,
): Promise<{ summary: string; details: string[]; status?: 'pass' | 'warn' }> {
  emit({ type: 'phase', phase: 'connecting', label: report.target.label });
  const conn =
    ctx.opts.waitMs && ctx.opts.waitMs > 0
      ? await connectWithBackoff(ctx, emit, ctx.opts.waitMs)
      : await connectOnce(ctx);
  ctx.target = conn.target;
  ctx.tart = conn.tart;
  report.target = { kind: conn.target.kind, label: conn.target.label };
  const r = await runOn(conn.target, inspectScript(ctx.common), (ctx.t.tmuxSec * 24 + 10) * 1000);
  const tmux = one(r, 'tmux') ?? '';
  if (!tmux)
    throw new StepFailure(
      "no tmux on the target: not on a login shell's PATH, nor in /opt/homebrew/bin, /usr/local/bin, /usr/bin",
    );
  ctx.common.tmux = tmux;
  const home = one(r, 'home') ?? '';
  const base = `${home.replace(/\/+$/, '')}/.cache/cal-doctor/e2e`;
  ctx.dirs = { base, plain: `${base}/plain`, spaced: `${base}/dir with space` };
  const srv = parseServer(r, 'srv');
  ctx.before = srv;
  const sock = one(r, 'sock') ?? '';
  if (!srv.answers && /timed out/.test(srv.error ?? ''))
    throw new StepFailure(
      `the tmux server on ${sock} does not answer (${srv.error})`,
      [],
      ['kill -CONT or end the hung server first'],
    );

  // `--local` from a pane of the very server a restart ends: cal-doctor would end itself
  const callerSock = (one(r, 'caller.tmux') ?? '').split(',')[0] ?? '';
  if (
    !ctx.strategy.endsEverything &&
    callerSock &&
    srv.answers &&
    (samePlace(callerSock, sock) || (srv.socket !== undefined && samePlace(callerSock, srv.socket)))
  ) {
    throw new Refusal(
      `cal-doctor runs inside the tmux server persist would end (${callerSock}): refusing`,
      [`$TMUX=${one(r, 'caller.tmux')}`],
      'run it from outside tmux: another terminal, or over SSH (--host)',
    );
  }
  const others = describeSessions(srv, [ctx.session]);
  const otherServers = [...ctxRecords(r, 'other.')].map((v) => {
    const [sockPath, names] = v.split('\x1f');
    return `tmux server on ${sockPath}: sessions ${(names ?? '').trim().split('\n').filter(Boolean).join(', ') || 'none'}`;
  });
  const lost = [...others, ...(ctx.strategy.endsEverything ? otherServers : [])];
  const plan = [
    `tmux: ${tmux}; server: ${srv.answers ? `pid ${srv.pid} on ${srv.socket ?? sock} (tmux ${srv.version}), ${srv.sessions.length} session(s)` : `none running on ${sock}: the start command starts it`}`,
    `plan: make session ${ctx.session} (dirs under ${base}), save it as prefix C-s does, ${ctx.strategy.describe}, start tmux with \`${ctx.startCommand}\` (as \`$SHELL -c\`), check the restore, remove ${ctx.session}`,
  ];
  const ends = ctx.strategy.endsEverything
    ? `a VM restart ends every process in it${lost.length ? ', among them:' : ' (no tmux session but the marker runs now)'}`
    : `ending the tmux server ends ${lost.length ? 'these sessions and every program in their panes:' : 'no session but the marker (none other runs now)'}`;
  const lossLines = [ends, ...lost.map((l) => `  ${l}`)];
  if (!ctx.opts.yes) {
    throw new Refusal(
      `persist restarts ${ctx.strategy.kind === 'tart' ? `the VM ${ctx.tart?.vm ?? ''}`.trim() : 'the tmux server'}: refusing without --yes`,
      [...plan, ...lossLines],
      `run again with --yes${lost.length ? ' --force' : ''} to go ahead`,
    );
  }
  if (lost.length && !ctx.opts.force) {
    throw new Refusal(
      others.length
        ? `the server has ${others.length} session(s) besides ${ctx.session}, and a restart ends them: refusing without --force`
        : `other tmux servers run in the VM (${otherServers.length}), and a restart ends them: refusing without --force`,
      [
        ...plan,
        ...lossLines,
        'with --force they are saved with the marker and come back only if persistence works — which is what this finds out',
      ],
      'close them, or run again with --force',
    );
  }
  const details = [...plan, ...lossLines];
  if (one(r, 'halt') === '1')
    details.push('note: ~/tmux_no_auto_restore exists: continuum will not restore (expect persist.restore to fail)');
  return {
    summary: `ready on ${ctx.target.label}: ${srv.answers ? `server pid ${srv.pid}, ${srv.sessions.length} session(s)` : 'no tmux server yet'}; restart by ${ctx.strategy.kind === 'tart' ? 'tart stop/run' : 'SIGTERM to the server'}${lost.length ? ` (--force: ${lost.length} other session(s)/server(s) will be restarted too)` : ''}`,
    details,
  };
}

function ctxRecords(r: Records, prefix: string): string[] {
  const out: string[] = [];
  for (const [k, v] of r) if (k.startsWith(prefix)) out.push(...v);
  return out;
}

/** Runs the start command; `r` holds what the server had the moment it returned. */
async function startServer(ctx: Ctx, snapshotDir?: string): Promise<{ r: Records; state: ServerState; ms: number }> {
  const t0 = performance.now();
  const r = await runOn(
    ctx.target!,
    startScript(ctx.common, { startCommand: ctx.startCommand, startTimeoutSec: ctx.t.startSec, snapshotDir }),
    (ctx.t.startSec + ctx.t.tmuxSec * 12 + 15) * 1000,
  );
  const state = parseServer(r, 'srv');
  return { r, state, ms: performance.now() - t0 };
}

function startFacts(r: Records): { rc: number; out: string; lines: string[] } {
  const rc = Number(one(r, 'start.rc') ?? -1);
  const out = one(r, 'start.out') ?? '';
  const lines = [
    `start command exit ${rc === 137 ? '137 (did not return in time: killed)' : rc}${out.trim() ? `, output: ${shorten(out)}` : ''}`,
  ];
  return { rc, out, lines };
}

async function buildLayout(ctx: Ctx): Promise<{ summary: string; details: string[]; status?: 'pass' | 'warn' }> {
  const details: string[] = [];
  let srv = ctx.before!;
  if (!srv.answers) {
    const s = await startServer(ctx);
    const sf = startFacts(s.r);
    details.push(`no server was running: started it with \`${ctx.startCommand}\` in ${secs(s.ms)}; ${sf.lines[0]}`);
    if (!s.state.answers) {
      throw new StepFailure(
        `the start command left no tmux server running (${s.state.error ?? 'no answer'})`,
        [
          ...details,
          'a server with no session exits at once (exit-empty): `tmux start-server` alone does not keep it up',
        ],
        ['pass the command that starts your tmux with --start-command, e.g. --start-command "tmux new-session -d"'],
      );
    }
    const settle = await runOn(
      ctx.target!,
      settleScript(ctx.common, { maxSec: (s.state.restoreMaxDelay ?? 10) + ctx.t.settleSec }),
      ((s.state.restoreMaxDelay ?? 10) + ctx.t.settleSec + ctx.t.tmuxSec * 10 + 15) * 1000,
    );
    srv = parseServer(settle, 'srv');
    details.push(
      `waited ${one(settle, 'settle.sec')} s for the plugins to finish loading${(one(settle, 'settle.kinds') ?? '').trim() ? ` (${(one(settle, 'settle.kinds') ?? '').trim()})` : ''}`,
    );
    if (!srv.answers)
      throw new StepFailure(`the tmux server went away after starting (${srv.error ?? 'no answer'})`, details);
  }
  ctx.markerMade = true;
  const r = await runOn(
    ctx.target!,
    markerScript(ctx.common, {
      session: ctx.session,
      ...ctx.dirs,
      token: ctx.token,
      scrollTimeoutSec: ctx.t.scrollSec,
    }),
    (ctx.t.scrollSec + ctx.t.tmuxSec * 30 + 15) * 1000,
  );
  const fail = one(r, 'fail');
  if (fail) throw new StepFailure(`could not build ${ctx.session}: ${fail}`, details);
  if (one(r, 'stale')) details.push(`replaced a ${ctx.session} session left by an earlier run`);
  srv = parseServer(r, 'srv');
  ctx.before = srv;
  const layout = layoutOfLive(srv.panes, ctx.session);
  if (layout?.windows.length !== 3 || layout.windows.reduce((n, w) => n + w.panes.length, 0) !== 4) {
    throw new StepFailure(
      `${ctx.session} does not have the layout persist built (3 windows, 4 panes): ${layout ? describeLayout(layout) : 'it is gone'}`,
      details,
    );
  }
  ctx.expected = layout;
  const first = layout.windows[0]!;
  ctx.scrollPane = { window: first.index, pane: first.panes[0]!.index };
  ctx.scrollShown = one(r, 'scroll.ok') === '1';
  details.push(
    `layout: ${describeLayout(layout)}`,
    `dirs: ${ctx.dirs.plain} and "${ctx.dirs.spaced}"`,
    `server: pid ${srv.pid}, tmux ${srv.version}; plugins: TPM ${srv.tpmLoaded ? 'loaded' : 'NOT loaded'}, resurrect ${srv.saveScript ? 'loaded' : 'NOT loaded'}, @continuum-restore ${srv.continuumRestore ?? 'unset'}, pane contents ${srv.captureContents ? 'captured' : 'not captured'}`,
  );
  if (!ctx.scrollShown) {
    return {
      status: 'warn',
      summary: `${ctx.session} built (${describeLayout(layout).split(':')[0]}), but the scrollback line never showed in pane ${ctx.scrollPane.window}.${ctx.scrollPane.pane}: the pane's shell did not run \`echo\`; scrollback is not checked`,
      details: [...details, `last capture of the pane: ${shorten(one(r, 'scroll.capture') ?? '', 500)}`],
    };
  }
  details.push(`scrollback line in pane ${ctx.scrollPane.window}.${ctx.scrollPane.pane}: ${ctx.token}`);
  return {
    summary: `${ctx.session} built: ${describeLayout(layout).split(':')[0]}, a split, a dir with a space, a scrollback line`,
    details,
  };
}

async function save(ctx: Ctx): Promise<{ summary: string; details: string[]; status?: 'pass' | 'warn' }> {
  const r = await runOn(
    ctx.target!,
    saveScript(ctx.common, { saveTimeoutSec: ctx.t.saveSec }),
    (ctx.t.saveSec + ctx.t.tmuxSec * 10 + 15) * 1000,
  );
  const srv = parseServer(r, 'srv');
  if (!srv.answers) throw new StepFailure(`the tmux server does not answer (${srv.error})`);
  const script = one(r, 'save.script') ?? '';
  const dir = one(r, 'save.dir') ?? '';
  ctx.saveDir = dir;
  ctx.captureOn = srv.captureContents;
  if (!script) {
    throw new StepFailure(
      'tmux-resurrect is not loaded in the server (@resurrect-save-script-path is unset): prefix C-s saves nothing',
      [`TPM ${srv.tpmLoaded ? 'ran' : 'did not run'} in this server`],
      ['see plugins.tpm and tmux.server: the server must be started where TPM can run tmux (a login shell on macOS)'],
    );
  }
  const rc = Number(one(r, 'save.rc') ?? -1);
  const details = [
    `save: tmux run-shell ${script} (as prefix C-s), exit ${rc}${(one(r, 'save.out') ?? '').trim() ? `, output: ${shorten(one(r, 'save.out')!)}` : ''}`,
    `save dir: ${dir}`,
    `last before: ${one(r, 'save.before') || 'none'}`,
  ];
  if (rc === 137) throw new StepFailure(`save.sh did not finish within ${ctx.t.saveSec} s`, details);
  const state = one(r, 'post.state');
  const link = one(r, 'post.link');
  details.push(`last after: ${link ?? '(not a link)'} (${state})`);
  if (state !== 'file')
    throw new StepFailure(
      `after the save, \`last\` in ${dir} is ${state === 'dangling' ? `dangling (→ ${link})` : state}`,
      details,
      ['see resurrect.last'],
    );
  const content = one(r, 'post.content') ?? '';
  const parsed = parseSave(content);
  ctx.savedName = link;
  ctx.savedContent = content;
  ctx.saved = parsed;
  details.push(`parsed: ${parsed.classification}, ${parsedLine(parsed)}`);
  const inSave = layoutOfSave(parsed, ctx.session);
  const diff = compareLayout(ctx.expected!, inSave);
  if (diff.length) {
    throw new StepFailure(
      parsed.classification === 'valid'
        ? `the save (${link}) does not hold ${ctx.session} as built: ${diff[0]}`
        : `the save (${link}) is ${parsed.classification}: ${describeClass(parsed.classification)}`,
      [
        ...details,
        ...diff.map((d) => `save vs built: ${d}`),
        ...content
          .split('\n')
          .slice(0, 8)
          .map((l, i) => `line ${i + 1}: ${JSON.stringify(l)}`),
      ],
      ['see resurrect.last and tmux.server'],
    );
  }
  details.push(`the save holds ${ctx.session}: ${describeLayout(inSave!)}`);
  if (!ctx.captureOn) {
    details.push(
      'pane contents are not captured (@resurrect-capture-pane-contents is not on): the scrollback line is not checked after the restore',
    );
    return {
      summary: `last → ${link}: holds ${ctx.session} (${describeLayout(inSave!).split(':')[0]}); pane contents not captured`,
      details,
    };
  }
  const archive = rawRecord(r.raw ?? '', 'archive');
  const key = `${ctx.session}:${ctx.scrollPane!.window}.${ctx.scrollPane!.pane}`;
  const contents = archive ? await paneContents(archive) : new Map<string, string>();
  const text = contents.get(key);
  if (ctx.scrollShown) {
    if (text === undefined || !hasLine(text, ctx.token)) {
      throw new StepFailure(
        `pane contents are captured, but pane_contents.tar.gz ${archive ? `has ${text === undefined ? `no entry for ${key}` : `no line ${ctx.token} in ${key}`}` : 'is missing'}`,
        [...details, `entries: ${[...contents.keys()].join(', ') || 'none'}`],
      );
    }
    ctx.scrollSaved = true;
    details.push(`pane_contents.tar.gz: ${key} holds the scrollback line`);
  }
  return {
    summary: `last → ${link}: holds ${ctx.session} (${describeLayout(inSave!).split(':')[0]})${ctx.scrollSaved ? ' and its scrollback line' : ''}`,
    details,
  };
}

async function reconnect(ctx: Ctx, emit: (e: DoctorEvent) => void, waitMs: number): Promise<Target> {
  const conn = await connectWithBackoff(ctx, emit, waitMs);
  ctx.tart = conn.tart ?? ctx.tart;
  return conn.target;
}

async function restart(
  ctx: Ctx,
  emit: (e: DoctorEvent) => void,
): Promise<{ summary: string; details: string[]; status?: 'pass' | 'warn' }> {
  const t0 = performance.now();
  let res: Awaited<ReturnType<Ctx['strategy']['restart']>>;
  try {
    res = await ctx.strategy.restart({
      target: ctx.target!,
      common: ctx.common,
      run: runOn,
      reconnect: (waitMs) => reconnect(ctx, emit, waitMs),
      shutdownSec: ctx.t.shutdownSec,
      bootSec: ctx.t.bootSec,
      signal: ctx.opts.signal,
    });
  } catch (e) {
    // a VM restart that failed part way has ended the old connection: cleanup reconnects
    if (ctx.strategy.endsEverything) {
      await ctx.target?.close().catch(() => undefined);
      ctx.target = undefined;
    }
    throw e;
  }
  if (res.target !== ctx.target) {
    if (ctx.target) await ctx.target.close().catch(() => undefined);
    ctx.target = res.target;
  }
  const restartMs = performance.now() - t0;
  const s = await startServer(ctx, ctx.saveDir);
  const sf = startFacts(s.r);
  ctx.startRc = sf.rc;
  ctx.startOut = sf.out;
  ctx.afterStart = s.state;
  ctx.startedAt = Number(one(s.r, 'start.t0'));
  const preState = one(s.r, 'pre.state');
  ctx.lastAfterShutdown = preState
    ? { state: preState, link: one(s.r, 'pre.link'), content: one(s.r, 'pre.content') }
    : undefined;
  const details = [...res.details, `start: \`${ctx.startCommand}\` in ${secs(s.ms)}; ${sf.lines[0]}`];
  if (one(s.r, 'pre.ping') === '0')
    details.push(
      "note: a tmux server was already running before the start command (started at boot: continuum's @continuum-boot or a LaunchAgent)",
    );
  if (ctx.lastAfterShutdown)
    details.push(
      `last after the shutdown: ${ctx.lastAfterShutdown.link ?? '(no link)'} (${ctx.lastAfterShutdown.state})`,
    );
  if (!s.state.answers) {
    throw new StepFailure(
      `after the restart, the start command left no tmux server running (${s.state.error ?? 'no answer'})`,
      details,
      [
        'a command that attaches (new-session without -d, attach) needs a terminal, which persist does not have: pass the detached form, e.g. --start-command "tmux new-session -d -A -s cal-dev"',
      ],
    );
  }
  const before = s.state.sessions.map((x) => x.name);
  details.push(
    `server pid ${s.state.pid}, started ${s.state.startTime}; sessions when the start command returned: ${before.join(', ') || 'none'}`,
  );
  const what = ctx.strategy.kind === 'tart' ? 'VM restarted' : 'tmux server ended (SIGTERM) and started again';
  if (sf.rc !== 0)
    return {
      status: 'warn',
      summary: `${what} in ${secs(restartMs)}; the start command exited ${sf.rc}, but a server runs`,
      details,
    };
  return {
    summary: `${what} in ${secs(restartMs)}; tmux started by the start command (server pid ${s.state.pid})`,
    details,
  };
}

async function verifyRestore(
  ctx: Ctx,
): Promise<{ summary: string; details: string[]; status?: 'pass' | 'warn'; fix?: string[] }> {
  const a0 = ctx.afterStart!;
  const maxDelay = a0.restoreMaxDelay ?? 10;
  const windowSec = maxDelay + 1 + ctx.t.restoreGraceSec;
  const capture = `=${ctx.session}:${ctx.scrollPane!.window}.${ctx.scrollPane!.pane}`;
  const r = await runOn(
    ctx.target!,
    settleScript(ctx.common, { maxSec: windowSec, watch: ctx.session, captureTarget: capture, lastDir: ctx.saveDir }),
    (windowSec + ctx.t.tmuxSec * 12 + 15) * 1000,
  );
  ctx.restoreDone = true;
  const after = parseServer(r, 'srv');
  const kinds = (one(r, 'settle.kinds') ?? '').trim().split(/\s+/).filter(Boolean);
  const timedOut = one(r, 'settle.timedout') === '1';
  const seen = Number(one(r, 'settle.seen') || NaN);
  const start = after.startTime ?? a0.startTime;
  const restoredAfter = Number.isFinite(seen) && start ? seen - start : undefined;
  const actual = layoutOfLive(after.panes, ctx.session);
  const mismatches = compareLayout(ctx.expected!, actual);
  if (ctx.scrollSaved && actual) {
    const cap = one(r, 'capture') ?? '';
    if (one(r, 'capture.rc') !== '0' || !hasLine(cap, ctx.token))
      mismatches.push(
        `the scrollback line ${ctx.token} is not in pane ${ctx.scrollPane!.window}.${ctx.scrollPane!.pane}`,
      );
  }
  const markerBefore = a0.sessions.some((s) => s.name === ctx.session);
  const details = [
    `restore window: @continuum-restore-max-delay ${maxDelay} s (+1 s continuum waits, +${ctx.t.restoreGraceSec} s for the restore to run); waited ${one(r, 'settle.sec')} s${timedOut ? ' (the window closed with plugin scripts still running)' : ''}`,
    `plugin scripts seen running: ${kinds.join(', ') || 'none'}`,
    `sessions now: ${after.sessions.map((s) => s.name).join(', ') || 'none'}`,
  ];
  if (restoredAfter !== undefined) details.push(`${ctx.session} existed ${restoredAfter} s after the server started`);
  // the user's other saved sessions (with --force): came back too?
  const others: string[] = [];
  for (const s of ctx.saved?.sessions ?? []) {
    if (s.name === ctx.session || s.groupedWith) continue;
    const exp = layoutOfSave(ctx.saved!, s.name)!;
    const diff = compareLayout(exp, layoutOfLive(after.panes, s.name));
    const made = a0.sessions.some((x) => x.name === s.name) ? ' (the start command made it before the restore)' : '';
    others.push(
      diff.length
        ? `saved session ${s.name}${made}: ${diff.join('; ')}`
        : `saved session ${s.name}: back (${describeLayout(exp).split(':')[0]})${made}`,
    );
  }
  details.push(...others);
  ctx.afterStart = after;
  if (mismatches.length === 0) {
    const when = restoredAfter !== undefined ? ` ${restoredAfter} s after the server started` : '';
    const summary = `${ctx.session} is back${when}: ${describeLayout(actual!).split(':')[0]}, dirs${ctx.scrollSaved ? ', scrollback line' : ''} as saved`;
    if (markerBefore) {
      return {
        status: 'warn',
        summary: `${summary} — but only because resurrect replaced the start command's lone pane`,
        details: [
          ...details,
          `the start command created ${ctx.session} before the restore; resurrect rebuilt it because it was the only pane on the server ("restore from scratch"). A start command that makes anything more (a second window or session) blocks the restore of that session`,
        ],
        fix: [
          'start the server with a plain `tmux new-session -d`, and attach (or create your session) after the restore',
        ],
      };
    }
    const otherBroken = others.filter((o) => !/: back \(/.test(o) && !/made it before the restore/.test(o));
    if (otherBroken.length)
      return { status: 'warn', summary: `${summary}; but not every other saved session came back`, details };
    return { summary, details };
  }
  const facts = await gatherFacts(ctx.target!, { tmuxTimeoutSec: Math.min(ctx.t.tmuxSec, 5), timeoutMs: 60_000 }).catch(
    () => undefined,
  );
  ctx.facts = facts;
  const post = one(r, 'post.state');
  const d = diagnose({
    session: ctx.session,
    savedName: ctx.savedName,
    savedContent: ctx.savedContent,
    lastAfterShutdown: ctx.lastAfterShutdown,
    markerBeforeRestore: markerBefore,
    settleKinds: kinds,
    settleTimedOut: timedOut,
    after,
    halt: facts?.noAutoRestore ?? false,
    logoutHooks: logoutHooks(facts),
    mismatches,
    startCommand: ctx.startCommand,
    otherTmux: (one(r, 'settle.tmuxps') ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !(after.pid !== undefined && l.startsWith(`${after.pid} `))),
  });
  throw new StepFailure(
    `${ctx.session} did not come back: ${d.summary}`,
    [
      ...mismatches.map((m) => `expected vs restored: ${m}`),
      ...d.details,
      ...details,
      `last now: ${one(r, 'post.link') ?? '(no link)'} (${post})`,
      `cause: ${d.cause}`,
    ],
    d.fix,
  );
}

async function cleanup(
  ctx: Ctx,
  emit: (e: DoctorEvent) => void,
): Promise<{ summary: string; details: string[]; status?: 'pass' | 'warn' | 'info'; fix?: string[] }> {
  if (!ctx.target) {
    // the connection was lost with the restart (a VM that did not come back): try once more, briefly
    ctx.target = await reconnect(ctx, emit, 15_000);
  }
  // restarted but the restore was not seen through (interrupted, failed early): a restore still
  // running would bring the marker back after it was removed, so let it finish first
  const settleSec =
    ctx.afterStart && !ctx.restoreDone ? (ctx.afterStart.restoreMaxDelay ?? 10) + 1 + ctx.t.restoreGraceSec : 0;
  const r = await runOn(
    ctx.target,
    cleanupScript(ctx.common, { session: ctx.session, ...ctx.dirs, settleSec, lastDir: ctx.saveDir }),
    (settleSec + ctx.t.tmuxSec * 10 + 10) * 1000,
  );
  const killed = one(r, 'killed');
  const left = (one(r, 'left') ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\x1f')[1])
    .filter(Boolean);
  const details = [
    left.length ? `sessions left as they were: ${left.join(', ')}` : 'no other session on the server',
    ...(one(r, 'dirs.left') ? [`${one(r, 'dirs.left')} is not empty: left in place`] : []),
    ...historyNote(ctx, one(r, 'last.link')),
  ];
  if (killed === '0') return { summary: `removed ${ctx.session}`, details };
  if (killed === 'none')
    return { status: 'info', summary: `${ctx.session} was not on the server: nothing to remove`, details };
  if (killed === 'noserver')
    return { status: 'info', summary: `no tmux server runs: ${ctx.session} is not there`, details };
  return {
    status: 'warn',
    summary: `could not remove ${ctx.session} (kill-session exit ${killed}): ${one(r, 'kill.out') ?? ''}`,
    details,
    fix: [`tmux kill-session -t ${ctx.session}`],
  };
}

function historyNote(ctx: Ctx, link: string | undefined): string[] {
  if (!ctx.savedName) return [];
  if (link === ctx.savedName) {
    return [
      `the save history is untouched: \`last\` (${ctx.savedName}) still holds ${ctx.session} until the next save (continuum's auto-save or prefix C-s) replaces it; a restore before then brings it back: tmux kill-session -t ${ctx.session}`,
    ];
  }
  return [
    `the save history is untouched by the cleanup; \`last\` now points to ${link || '(nothing)'}, not to persist's save ${ctx.savedName}`,
  ];
}

async function explain(ctx: Ctx, id: StepId): Promise<CheckOutcome[]> {
  const want = EXPLAIN[id];
  if (!want.length || !ctx.target) return [];
  const { checks } = await loadChecks(ctx.opts.checksDirs ?? []);
  const selected = checks.filter((c) => want.includes(c.id));
  if (!selected.length) return [];
  const facts =
    ctx.facts ?? (await gatherFacts(ctx.target, { tmuxTimeoutSec: Math.min(ctx.t.tmuxSec, 5), timeoutMs: 60_000 }));
  const cctx: CheckContext = { facts, tart: ctx.tart, targetKind: ctx.target.kind };
  return runChecks(selected, cctx, DEFAULT_CHECK_TIMEOUT_MS);
}
