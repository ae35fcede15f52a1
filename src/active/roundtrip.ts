// Builds the one script of the active round-trip check: a real tmux-resurrect save and
// restore in an isolated tmux server, run from a login shell and from the exec's own
// (non-login) environment at once. The shell is src/remote/roundtrip-runner.sh and
// roundtrip-env.sh; every value from outside (plugin dir, tmux path) reaches it as a
// parameter, and the layout, a constant, becomes quoted tmux argv.
import { assembleScript, remoteSource, shellWord } from '../remote/assemble.js';

/** The two environments: a login shell's (`$SHELL -l`), and the bare one of `ssh host cmd`. */
export type EnvLabel = 'login' | 'nonlogin';
export const ENV_LABELS: readonly EnvLabel[] = ['login', 'nonlogin'];

/** The steps each environment's run reports, in order. */
export const STEPS = ['env', 'start', 'layout', 'load', 'save', 'kill', 'restart', 'restore'] as const;
export type StepName = (typeof STEPS)[number];

interface LayoutWindow {
  /** pane dirs, relative to the layout root, in pane order (the first is the window's own) */
  panes: string[];
}
export interface LayoutSession {
  name: string;
  /** windows get the indexes 0, 1, … */
  windows: LayoutWindow[];
}

/** 2 sessions, 3 windows, a split pane, a working dir with a space. */
export const LAYOUT: readonly LayoutSession[] = [
  { name: 'cal-rt-1', windows: [{ panes: ['alpha'] }, { panes: ['my project', 'alpha'] }] },
  { name: 'cal-rt-2', windows: [{ panes: ['my project'] }] },
];

export interface ExpectedPane {
  session: string;
  window: number;
  pane: number;
  /** relative to the layout root */
  dir: string;
}

export function expectedPanes(layout: readonly LayoutSession[] = LAYOUT): ExpectedPane[] {
  return layout.flatMap((s) =>
    s.windows.flatMap((w, wi) => w.panes.map((dir, pi) => ({ session: s.name, window: wi, pane: pi, dir }))),
  );
}

export function layoutCounts(layout: readonly LayoutSession[] = LAYOUT): {
  sessions: number;
  windows: number;
  panes: number;
} {
  const windows = layout.reduce((n, s) => n + s.windows.length, 0);
  return { sessions: layout.length, windows, panes: expectedPanes(layout).length };
}

export interface RoundtripScriptOptions {
  /** the installed tmux-resurrect: `<plugins dir>/tmux-resurrect` */
  pluginDir: string;
  /** the tmux started by full path when an environment has none on its PATH (as `ssh vm /opt/homebrew/bin/tmux …` does) */
  tmuxFallback?: string;
  /** random suffix of the socket names `cal-doctor-<id>-a|b`: 4 to 32 lower-case hex digits */
  id: string;
  envs?: readonly EnvLabel[];
  /** bound of each tmux call, seconds */
  tmuxTimeoutSec: number;
  /** bound of each `run-shell` of a plugin script, seconds */
  runShellTimeoutSec: number;
  /** bound of one environment's whole run (its login shell included), seconds */
  budgetSec: number;
  layout?: readonly LayoutSession[];
}

const SESSION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** the sandbox panes' size: room for the splits */
const SIZE = ['-x', '160', '-y', '48'];

function seconds(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0 || v > 600)
    throw new RangeError(`${name} must be a number of seconds in (0, 600], got ${v}`);
  return Math.round(v * 10) / 10 || 0.1;
}

function validateLayout(layout: readonly LayoutSession[]): void {
  if (layout.length === 0) throw new Error('layout: no session');
  const names = new Set<string>();
  for (const s of layout) {
    if (!SESSION_NAME.test(s.name))
      throw new Error(`layout: session name ${JSON.stringify(s.name)} must be letters, digits, - and _`);
    if (names.has(s.name)) throw new Error(`layout: session ${s.name} twice`);
    names.add(s.name);
    if (s.windows.length === 0) throw new Error(`layout: session ${s.name} has no window`);
    for (const w of s.windows) {
      if (w.panes.length === 0) throw new Error(`layout: a window of ${s.name} has no pane`);
      for (const d of w.panes) {
        if (
          d === '' ||
          d.startsWith('/') ||
          d.split('/').some((p) => p === '' || p === '.' || p === '..') ||
          /[\0\n]/.test(d)
        )
          throw new Error(`layout: pane dir ${JSON.stringify(d)} must be a plain relative path`);
      }
    }
  }
}

/** `"$root"/'rel dir'` */
function under(rootVar: string, rel: string): string {
  return `"$${rootVar}"/${shellWord(rel)}`;
}

/** The layout as three shell functions the per-environment script calls. */
export function layoutShell(layout: readonly LayoutSession[] = LAYOUT): string {
  validateLayout(layout);
  const dirs = [...new Set(layout.flatMap((s) => s.windows.flatMap((w) => w.panes)))];
  const [first, ...others] = layout;
  const start = [
    'rt_tm "$rt_sock" -f "$rt_conf" new-session -d -P -F',
    shellWord('#{pid}'),
    ...SIZE,
    '-s',
    shellWord(first!.name),
    '-c',
    under('rt_L', first!.windows[0]!.panes[0]!),
  ].join(' ');
  const cmds: string[][] = [];
  // a session's first window comes with the session; later windows and every split follow
  const windowsOf = (s: LayoutSession) =>
    s.windows.forEach((w, wi) => {
      if (wi > 0) cmds.push(['new-window', '-d', '-t', shellWord(`${s.name}:${wi}`), '-c', under('rt_L', w.panes[0]!)]);
      for (const d of w.panes.slice(1))
        cmds.push(['split-window', '-d', '-t', shellWord(`${s.name}:${wi}`), '-c', under('rt_L', d)]);
    });
  windowsOf(first!);
  for (const s of others) {
    cmds.push(['new-session', '-d', ...SIZE, '-s', shellWord(s.name), '-c', under('rt_L', s.windows[0]!.panes[0]!)]);
    windowsOf(s);
  }
  const rest = cmds.length ? `rt_tm "$rt_sock" ${cmds.map((c) => c.join(' ')).join(" ';' ")}` : '_rc=0\n\t_o=';
  return [
    '# the layout (generated from LAYOUT in roundtrip.ts)',
    'rt_layout_mkdirs() {',
    `\tmkdir -p ${dirs.map((d) => under('rt_w', `layout/${d}`)).join(' ')}`,
    '}',
    'rt_layout_start() {',
    `\t${start}`,
    '}',
    'rt_layout_rest() {',
    `\t${rest}`,
    '}',
    '',
  ].join('\n');
}

/** The per-environment script (`/bin/sh "$CAL_RT_SCRIPT"`), as written into the temp dir. */
export function envScript(layout: readonly LayoutSession[] = LAYOUT): string {
  return remoteSource('lib.sh') + layoutShell(layout) + remoteSource('roundtrip-env.sh');
}

/** The whole script for `Target.runScript`. */
export function buildRoundtripScript(o: RoundtripScriptOptions): string {
  if (!/^[0-9a-f]{4,32}$/.test(o.id))
    throw new Error(`id must be 4 to 32 lower-case hex digits, got ${JSON.stringify(o.id)}`);
  if (!o.pluginDir.startsWith('/')) throw new Error(`pluginDir must be absolute, got ${JSON.stringify(o.pluginDir)}`);
  if (o.tmuxFallback !== undefined && !o.tmuxFallback.startsWith('/'))
    throw new Error(`tmuxFallback must be absolute, got ${JSON.stringify(o.tmuxFallback)}`);
  const envs = o.envs ?? ENV_LABELS;
  if (envs.length === 0 || envs.some((e) => !ENV_LABELS.includes(e)))
    throw new Error(`envs must be some of ${ENV_LABELS.join(', ')}`);
  return assembleScript(
    {
      CAL_RT_PLUGIN: o.pluginDir.replace(/(.)\/+$/, '$1'),
      CAL_RT_TMUX: o.tmuxFallback ?? '',
      CAL_RT_ID: o.id,
      CAL_RT_T: seconds('tmuxTimeoutSec', o.tmuxTimeoutSec),
      CAL_RT_RS: seconds('runShellTimeoutSec', o.runShellTimeoutSec),
      CAL_RT_BUDGET: seconds('budgetSec', o.budgetSec),
      CAL_RT_ENVS: [...new Set(envs)].join(' '),
      CAL_RT_ENV_SCRIPT: envScript(o.layout ?? LAYOUT),
    },
    'roundtrip-runner.sh',
  );
}
