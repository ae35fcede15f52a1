// The target-side halves of `cal-doctor persist`: one script per step, each sent on stdin
// over one exec (Target.runScript), like the probe. The shell is src/remote/persist-lib.sh and
// persist-STEP.sh; these builders give each step its parameters.
import { assembleScript, type ScriptParams } from '../remote/assemble.js';
import { scanOutput } from '../remote/records.js';

/** Field separator inside one record (ASCII unit separator): never in a name or a path we make. */
export const US = '\x1f';

/** `display-message -p` format of the server facts persist needs (fields joined by US). */
const SERVER_FORMAT = [
  '#{pid}',
  '#{start_time}',
  '#{version}',
  '#{@continuum-restore}',
  '#{@continuum-restore-max-delay}',
  '#{@resurrect-capture-pane-contents}',
  '#{@resurrect-save-script-path}',
  '#{@resurrect-restore-script-path}',
  '#{@resurrect-dir}',
  '#{socket_path}',
  '#{@continuum-save-interval}',
].join(US);

const SESSION_FORMAT = [
  '#{session_id}',
  '#{session_name}',
  '#{session_windows}',
  '#{session_attached}',
  '#{session_created}',
].join(US);
const PANE_FORMAT = [
  '#{session_name}',
  '#{window_index}',
  '#{window_name}',
  '#{pane_index}',
  '#{pane_current_path}',
  '#{pane_pid}',
  '#{pane_id}',
].join(US);

export interface CommonVars {
  /** absolute tmux path (empty: find it with a login shell) */
  tmux: string;
  /** seconds for each tmux call */
  tmuxTimeoutSec: number;
  /** seconds for the login shell that finds tmux */
  loginTimeoutSec?: number;
}

const secs = (v: number, min = 1): number => Math.max(min, Math.round(v));

function assemble(step: string, c: CommonVars, vars: ScriptParams): string {
  return assembleScript(
    {
      CAL_TB: c.tmux,
      CAL_T: secs(c.tmuxTimeoutSec),
      CAL_LT: secs(c.loginTimeoutSec ?? c.tmuxTimeoutSec * 3),
      CAL_SERVER_FORMAT: SERVER_FORMAT,
      CAL_SESSION_FORMAT: SESSION_FORMAT,
      CAL_PANE_FORMAT: PANE_FORMAT,
      CAL_WATCH: '',
      ...vars,
    },
    'persist-lib.sh',
    `persist-${step}.sh`,
  );
}

/** What the user's setup and server look like now; finds tmux. Changes nothing. */
export function inspectScript(c: CommonVars): string {
  return assemble('inspect', c, {});
}

/**
 * Runs the start command the way `ssh host CMD` does (`$SHELL -c CMD`, from $HOME, no
 * terminal), bounded; then, at once, what the server holds (sessions that exist before
 * continuum's restore, which starts a second after the plugins load). With `snapshotDir`,
 * first records that dir's `last` as the shutdown left it.
 */
export function startScript(
  c: CommonVars,
  v: { startCommand: string; startTimeoutSec: number; snapshotDir?: string },
): string {
  return assemble('start', c, {
    CAL_START: v.startCommand,
    CAL_START_T: secs(v.startTimeoutSec),
    CAL_SNAPSHOT_DIR: v.snapshotDir ?? '',
  });
}

/** Waits (bounded) until the plugins are done: TPM, continuum's restore, resurrect's restore. */
export function settleScript(
  c: CommonVars,
  v: { maxSec: number; watch?: string; captureTarget?: string; lastDir?: string },
): string {
  return assemble('settle', c, {
    CAL_MAX: secs(v.maxSec),
    CAL_WATCH: v.watch ?? '',
    CAL_CAPTURE: v.captureTarget ?? '',
    CAL_LAST_DIR: v.lastDir ?? '',
  });
}

export interface MarkerVars {
  session: string;
  /** base dir, a plain subdir and one whose name holds a space */
  base: string;
  plain: string;
  spaced: string;
  /** the line echoed in the first pane; must be a single shell word */
  token: string;
  scrollTimeoutSec: number;
}

/**
 * Builds the marker layout in the running server: session S, window 1 (plain dir, the
 * scrollback line), window 2 split (spaced dir | plain dir), window 3 (base dir). A session
 * S left by an earlier run is replaced (renamed first, so the server never runs empty).
 */
export function markerScript(c: CommonVars, m: MarkerVars): string {
  if (!/^[A-Za-z0-9_-]+$/.test(m.session)) throw new Error(`marker session name must be [A-Za-z0-9_-]: ${m.session}`);
  if (!/^[A-Za-z0-9_.:-]+$/.test(m.token)) throw new Error(`marker token must be one plain word: ${m.token}`);
  return assemble('marker', c, {
    CAL_M: m.session,
    CAL_D0: m.base,
    CAL_D1: m.plain,
    CAL_D2: m.spaced,
    CAL_TOKEN: m.token,
    CAL_SCROLL_T: secs(m.scrollTimeoutSec),
  });
}

/**
 * Saves as `prefix C-s` does: `run-shell <@resurrect-save-script-path>` through the server
 * (waits for save.sh), in the next second if `last` already has this second's name; then
 * reads `last` and the pane-contents archive.
 */
export function saveScript(c: CommonVars, v: { saveTimeoutSec: number }): string {
  return assemble('save', c, { CAL_SAVE_T: secs(v.saveTimeoutSec) });
}

/**
 * Ends the default server the way a shutdown does: SIGTERM to the server (its panes' shells
 * get SIGHUP as their terminals close), then waits for the server, the pane shells and any
 * save.sh they started (a logout hook), and SIGKILLs what is left after the grace time, as
 * a shutdown would.
 */
export function stopServerScript(c: CommonVars, v: { graceSec: number }): string {
  return assemble('stop-server', c, { CAL_GRACE: secs(v.graceSec) });
}

/**
 * Removes the marker session (only it) and the marker dirs (only when empty). With
 * `settleSec`, first waits for a restore still running (it would bring the marker back).
 */
export function cleanupScript(
  c: CommonVars,
  m: Pick<MarkerVars, 'session' | 'base' | 'plain' | 'spaced'> & { settleSec?: number; lastDir?: string },
): string {
  return assemble('cleanup', c, {
    CAL_M: m.session,
    CAL_D0: m.base,
    CAL_D1: m.plain,
    CAL_D2: m.spaced,
    CAL_SETTLE: secs(m.settleSec ?? 0, 0),
    CAL_LAST_DIR: m.lastDir ?? '',
  });
}

/** Every record as text; repeated keys keep every value in order. */
export function parseRecords(out: Buffer | string): Map<string, string[]> {
  const recs = new Map<string, string[]>();
  for (const { key, value } of scanOutput(out).list) recs.set(key, [...(recs.get(key) ?? []), value.toString('utf8')]);
  return recs;
}

/** The raw bytes of one record (for binary values such as the pane archive). */
export function rawRecord(out: Buffer | string, key: string): Buffer | undefined {
  return scanOutput(out).list.find((r) => r.key === key)?.value;
}
