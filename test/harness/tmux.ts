// Drives a real tmux server for a Home: always through the home's TMUX_TMPDIR socket,
// every client call bounded by a timeout.
import { existsSync, mkdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Home } from './home.js';
import { VENDOR_PLUGINS_DIR } from './home.js';
import {
  alive,
  processesWhere,
  type RunOutput,
  run,
  SYSTEM_PATH,
  signal,
  sleep,
  TMUX,
  terminate,
  waitFor,
  which,
} from './util.js';

/** A real tmux binary and the vendored plugins are there. */
export function tmuxAvailable(): boolean {
  return TMUX !== undefined && existsSync(join(VENDOR_PLUGINS_DIR, 'tpm', 'tpm'));
}

function realTmux(): string {
  if (!TMUX) throw new Error('tmux is not installed');
  return TMUX;
}

/** Runs one tmux client against the home's server; resolves whatever the exit status. */
export function tmuxTry(home: Home, args: string[], timeoutMs = 5_000): Promise<RunOutput> {
  return run(realTmux(), args, { env: home.env(), cwd: home.dir, timeoutMs });
}

/** Runs one tmux client (args may hold `;` separators); stdout without the final newline. Throws on failure. */
export async function tmuxCmd(home: Home, ...args: string[]): Promise<string> {
  const out = await tmuxTry(home, args);
  if (out.code !== 0) {
    const why = out.timedOut ? 'timed out' : `exit ${out.code ?? out.signal}`;
    throw new Error(`tmux ${args.join(' ')}: ${why}: ${out.stderr.trim()}`);
  }
  return out.stdout.replace(/\n$/, '');
}

interface Layout {
  sessions: string[];
  /** panes per session, in the order created */
  panes: Record<string, number>;
  /** the project dir and the dir whose name holds a space */
  dirs: { project: string; spaced: string };
}

export interface PluginState {
  /** `TMUX_PLUGIN_MANAGER_PATH` in the global environment (set by TPM) */
  tpmPath?: string;
  /** `@resurrect-save-script-path` (set by resurrect.tmux when it is sourced) */
  saveScriptPath?: string;
  /** continuum put its `#(continuum_save.sh)` in status-right (it skips that when it sees another tmux server) */
  continuumInStatus: boolean;
}

export interface Server {
  pid: number;
  plugins: PluginState;
  layout?: Layout;
}

export interface StartOptions {
  /** build the TESTING.md layout after the server is up (default true) */
  layout?: boolean;
  /** for the start and the plugin wait (default 10 s: TPM takes ~0.3 s, continuum's restore check 1 s more) */
  timeoutMs?: number;
}

/**
 * Starts the server from a *login* shell with the home's env (the Homebrew case: only the
 * login profile puts tmux on PATH), waits until TPM has sourced the plugins, builds the layout.
 */
export async function startServerLogin(
  home: Home,
  opts: StartOptions & {
    shell?: 'bash' | 'zsh';
    /** false: only wait for plugin scripts to finish, don't require TPM/resurrect options (custom configs) */
    waitForPlugins?: boolean;
  } = {},
): Promise<Server> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const dirs = layoutDirs(home);
  const shell = opts.shell ?? 'bash';
  const shellPath = which(shell, SYSTEM_PATH);
  if (!shellPath) throw new Error(`startServerLogin: ${shell} is not installed`);
  const out = await run(
    shellPath,
    ['-l', '-c', 'exec tmux new-session -d -s cal-dev -x 200 -y 50 -c "$1"', shell, dirs.project],
    { env: home.env(), cwd: home.dir, timeoutMs },
  );
  if (out.code !== 0) throw new Error(`${shell} -l: tmux new-session failed (${out.code}): ${out.stderr.trim()}`);
  const expectLoaded = opts.waitForPlugins !== false && home.plugins.includes('tpm');
  const plugins = await waitForPlugins(home, { expectLoaded, timeoutMs });
  const pid = await recordPid(home);
  return { pid, plugins, layout: opts.layout === false ? undefined : await buildLayout(home, dirs) };
}

/**
 * Starts the server with a full path to tmux from an environment whose PATH lacks tmux,
 * like `ssh vm /opt/homebrew/bin/tmux new-session -d`: TPM cannot call `tmux`, no plugin loads.
 * Needs a home whose PATH has no tmux (brew.ts `installBrew`).
 */
export async function startServerNonLogin(home: Home, opts: StartOptions = {}): Promise<Server> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (which('tmux', home.path)) {
    throw new Error(`startServerNonLogin: tmux is on the home's PATH (${home.path}); call installBrew(home) first`);
  }
  const brewTmux = join(home.dir, 'brew', 'bin', 'tmux');
  const tmux = existsSync(brewTmux) ? brewTmux : realTmux();
  const dirs = layoutDirs(home);
  const out = await run(tmux, ['new-session', '-d', '-s', 'cal-dev', '-x', '200', '-y', '50', '-c', dirs.project], {
    env: home.env(),
    cwd: home.dir,
    timeoutMs,
  });
  if (out.code !== 0) throw new Error(`${tmux} new-session failed (${out.code}): ${out.stderr.trim()}`);
  const plugins = await waitForPlugins(home, { expectLoaded: false, timeoutMs });
  const pid = await recordPid(home);
  return { pid, plugins, layout: opts.layout === false ? undefined : await buildLayout(home, dirs) };
}

export async function pluginState(home: Home): Promise<PluginState> {
  const env = await tmuxTry(home, ['show-environment', '-g', 'TMUX_PLUGIN_MANAGER_PATH']);
  const tpmPath = env.code === 0 ? env.stdout.trim().replace(/^TMUX_PLUGIN_MANAGER_PATH=/, '') : undefined;
  const save = (await tmuxCmd(home, 'show-options', '-gqv', '@resurrect-save-script-path')).trim();
  const status = await tmuxCmd(home, 'show-options', '-gqv', 'status-right');
  return {
    tpmPath: tpmPath || undefined,
    saveScriptPath: save || undefined,
    continuumInStatus: status.includes('continuum_save.sh'),
  };
}

/**
 * TPM runs from the config (`run`), then each plugin's *.tmux; continuum also starts
 * continuum_restore.sh, which sleeps 1 s and may restore. Done = no process of this home's
 * plugin dir left running (and, if expected, TPM's and resurrect's options set). No tmux
 * client is run while plugin scripts run: continuum counts tmux processes to decide
 * whether another server exists (then no auto-save, no auto-restore).
 */
export async function waitForPlugins(
  home: Home,
  opts: { expectLoaded: boolean; timeoutMs?: number },
): Promise<PluginState> {
  const marker = `${home.pluginsDir}/`;
  const expectResurrect = opts.expectLoaded && home.plugins.includes('tmux-resurrect');
  return waitFor(
    async () => {
      if (processesWhere((argv) => argv.some((a) => a.includes(marker))).length) return undefined;
      const state = await pluginState(home);
      if (opts.expectLoaded && !state.tpmPath) return undefined;
      if (expectResurrect && !state.saveScriptPath) return undefined;
      return state;
    },
    { timeoutMs: opts.timeoutMs ?? 10_000, intervalMs: 100, what: `TPM to finish loading plugins in ${home.dir}` },
  );
}

function layoutDirs(home: Home): Layout['dirs'] {
  const dirs = { project: join(home.dir, 'projects', 'cal'), spaced: join(home.dir, 'projects', 'my app') };
  mkdirSync(dirs.project, { recursive: true });
  mkdirSync(dirs.spaced, { recursive: true });
  return dirs;
}

/** cal-dev: window 0 (project), window 1 split in two (one pane in "my app"); notes: one pane. */
async function buildLayout(home: Home, dirs: Layout['dirs']): Promise<Layout> {
  await tmuxCmd(
    home,
    'new-window',
    '-t',
    'cal-dev',
    '-c',
    dirs.spaced,
    ';',
    'split-window',
    '-t',
    'cal-dev:1',
    '-c',
    dirs.project,
    ';',
    'new-session',
    '-d',
    '-s',
    'notes',
    '-x',
    '200',
    '-y',
    '50',
    '-c',
    dirs.project,
  );
  await waitForShells(home);
  return { sessions: ['cal-dev', 'notes'], panes: { 'cal-dev': 3, notes: 1 }, dirs };
}

/**
 * Until a new pane's child has exec'd the shell, its command (and so the window's automatic
 * name) is "tmux"; a save or a snapshot taken then records that name, which changes a moment
 * later. Waits until no pane or window of the server shows it.
 */
export async function waitForShells(home: Home): Promise<void> {
  await waitFor(
    async () =>
      !/^tmux$/m.test(await tmuxCmd(home, 'list-panes', '-a', '-F', '#{pane_current_command}\n#{window_name}')),
    { timeoutMs: 5000, intervalMs: 50, what: "the panes' shells to start" },
  );
}

async function recordPid(home: Home): Promise<number> {
  const pid = Number(await tmuxCmd(home, 'display-message', '-p', '#{pid}'));
  home.pids.add(pid);
  return pid;
}

export interface SaveFile {
  /** absolute path of the file `last` points to */
  file: string;
  content: string;
}

/** The file `last` points to and its content, or undefined when there is no (valid) `last`. */
export function readLast(home: Home): SaveFile | undefined {
  const last = join(home.saveDir, 'last');
  try {
    const file = join(home.saveDir, readlinkSync(last));
    return { file, content: readFileSync(file, 'utf8') };
  } catch {
    return undefined;
  }
}

function lastTarget(home: Home): string | undefined {
  try {
    const link = join(home.saveDir, 'last');
    return `${readlinkSync(link)}@${statSync(link).mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * Save file names have 1-second resolution: a second save within the same second rewrites
 * the file `last` points to, finds it identical and deletes it. Wait for the next second.
 */
async function nextSaveSecond(home: Home): Promise<void> {
  try {
    const mtime = statSync(join(home.saveDir, 'last')).mtimeMs;
    const now = Date.now();
    if (Math.floor(mtime / 1000) >= Math.floor(now / 1000)) await sleep(1000 - (now % 1000) + 20);
  } catch {
    // no previous save
  }
}

export interface SaveRun extends SaveFile {
  /** run-shell's status: save.sh's exit code (127 when it could not call tmux) */
  exitCode: number | null;
}

/**
 * `tmux run-shell <plugins>/tmux-resurrect/scripts/save.sh`, then waits for `last` to move.
 * A failing save.sh is not an error here (a broken save is what tests look at). A save
 * identical to the previous one is deleted by resurrect and `last` stays put: pass
 * `expectChange: false` to accept that. Throws when there is no `last` at all afterwards.
 */
export async function save(
  home: Home,
  opts: { quiet?: boolean; expectChange?: boolean; timeoutMs?: number } = {},
): Promise<SaveRun> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  await nextSaveSecond(home);
  const before = lastTarget(home);
  const script = join(home.pluginsDir, 'tmux-resurrect', 'scripts', 'save.sh');
  const cmd = opts.quiet ? `'${script}' quiet` : `'${script}'`;
  // run-shell without -b: the client returns once save.sh has exited, with its status
  const out = await tmuxTry(home, ['run-shell', cmd], timeoutMs);
  if (out.timedOut) throw new Error(`run-shell save.sh: no answer within ${timeoutMs} ms`);
  if (opts.expectChange !== false) {
    await waitFor(() => lastTarget(home) !== before, {
      timeoutMs: 3_000,
      what: `${home.saveDir}/last to change (save.sh exit ${out.code}; ${out.stderr.trim()})`,
    });
  }
  const last = readLast(home);
  if (!last) throw new Error(`save.sh (exit ${out.code}) left no readable ${home.saveDir}/last`);
  return { ...last, exitCode: out.code };
}

/**
 * The state-only save of docs/domain.md: `exit-empty off`, a `session-closed` hook running
 * `save.sh quiet`, then the last session killed. The server stays up with no session and
 * the hook stays set. Other sessions are closed *before* the hook is set, so that only
 * one hook save runs.
 */
export async function makeStateOnlySave(home: Home, opts: { timeoutMs?: number } = {}): Promise<SaveFile> {
  const sessions = (await tmuxCmd(home, 'list-sessions', '-F', '#{session_name}')).split('\n').filter(Boolean);
  if (!sessions.length) throw new Error('makeStateOnlySave: the server has no session');
  const lastSession = sessions[sessions.length - 1]!;
  await tmuxCmd(home, 'set-option', '-g', 'exit-empty', 'off');
  for (const s of sessions.slice(0, -1)) await tmuxCmd(home, 'kill-session', '-t', `=${s}`);
  const script = join(home.pluginsDir, 'tmux-resurrect', 'scripts', 'save.sh');
  await tmuxCmd(home, 'set-hook', '-g', 'session-closed', `run-shell "'${script}' quiet"`);
  await nextSaveSecond(home);
  const before = lastTarget(home);
  await tmuxCmd(home, 'kill-session', '-t', `=${lastSession}`);
  // the hook runs after kill-session's client has returned
  return waitFor(
    () => {
      if (lastTarget(home) === before) return undefined;
      const last = readLast(home);
      return last?.content ? last : undefined;
    },
    { timeoutMs: opts.timeoutMs ?? 10_000, what: `the session-closed hook's save in ${home.saveDir}` },
  );
}

/** kill-server (bounded), then makes sure every server pid of this home is gone. */
export async function killServer(home: Home): Promise<void> {
  const pids = [...home.pids];
  for (const pid of pids) signal(pid, 'SIGCONT'); // a stopped server can't answer
  if (existsSync(home.socket)) await tmuxTry(home, ['kill-server'], 3_000);
  await terminate(pids.filter(alive));
  home.pids.clear();
}
