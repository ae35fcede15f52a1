// The marker layout as persist sees it three times: built in the live server, written in the
// save file, rebuilt by restore. Pure functions: parsing the scripts' records and comparing.
import type { ParsedSave } from '../domain/resurrect/savefile.js';
import type { ServerFact } from '../probe/facts.js';
import { US } from './scripts.js';

export interface LivePane {
  session: string;
  window: number;
  windowName: string;
  pane: number;
  dir: string;
  pid: number;
  id: string;
}

/**
 * The default server as persist's step scripts read it: the probe's view of a server
 * (ServerFact: whether it answers, its sessions) with the plugin options a step needs
 * already read out, and every pane (the probe does not list panes).
 */
export interface ServerState extends Pick<ServerFact, 'answers' | 'error' | 'sessions'> {
  pid?: number;
  /** epoch seconds */
  startTime?: number;
  version?: string;
  socket?: string;
  continuumRestore?: string;
  /** seconds; continuum's default is 10 */
  restoreMaxDelay?: number;
  captureContents: boolean;
  saveScript?: string;
  restoreScript?: string;
  resurrectDir?: string;
  saveInterval?: string;
  /** XDG_DATA_HOME in the server's global environment */
  xdgDataHome?: string;
  /** TPM's TMUX_PLUGIN_MANAGER_PATH: set once TPM ran in this server */
  tpmLoaded: boolean;
  panes: LivePane[];
}

export type Records = Map<string, string[]>;

export const one = (r: Records, k: string): string | undefined => r.get(k)?.[0];

const int = (s: string | undefined): number | undefined =>
  s !== undefined && /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : undefined;

function rows(text: string | undefined): string[][] {
  return (text ?? '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(US));
}

/** The `PREFIX.*` records of cal_server. */
export function parseServer(r: Records, prefix: string): ServerState {
  const ping = int(one(r, `${prefix}.ping`));
  const base: ServerState = { answers: false, captureContents: false, tpmLoaded: false, sessions: [], panes: [] };
  if (ping === undefined) return { ...base, error: 'not asked' };
  if (ping !== 0) {
    const err = (one(r, `${prefix}.error`) ?? '').trim();
    return {
      ...base,
      error: ping === 137 ? 'timed out (the server does not answer: stopped or hung?)' : err || `exit ${ping}`,
    };
  }
  const f = (one(r, `${prefix}.info`) ?? '').replace(/\n$/, '').split(US);
  const opt = (i: number) => (f[i] === undefined || f[i] === '' ? undefined : f[i]);
  const tpm = one(r, `${prefix}.tpm`) ?? '';
  return {
    answers: true,
    pid: int(f[0]),
    startTime: int(f[1]),
    version: opt(2),
    continuumRestore: opt(3),
    restoreMaxDelay: int(f[4]),
    captureContents: f[5] === 'on',
    saveScript: opt(6),
    restoreScript: opt(7),
    resurrectDir: opt(8),
    socket: opt(9),
    saveInterval: opt(10),
    xdgDataHome: one(r, `${prefix}.xdg`) || undefined,
    tpmLoaded: /^TMUX_PLUGIN_MANAGER_PATH=./.test(tpm),
    sessions: rows(one(r, `${prefix}.sessions`))
      .filter((x) => x.length >= 5)
      .map(([id, name, windows, attached, created]) => ({
        id: id!,
        name: name!,
        windows: int(windows) ?? 0,
        attached: int(attached) ?? 0,
        created: int(created) ?? 0,
      })),
    panes: rows(one(r, `${prefix}.panes`))
      .filter((x) => x.length >= 7)
      .map(([session, window, windowName, pane, dir, pid, id]) => ({
        session: session!,
        window: int(window) ?? -1,
        windowName: windowName!,
        pane: int(pane) ?? -1,
        dir: dir!,
        pid: int(pid) ?? 0,
        id: id!,
      })),
  };
}

interface LayoutPane {
  index: number;
  dir: string;
}

interface LayoutWindow {
  index: number;
  name: string;
  panes: LayoutPane[];
}

export interface Layout {
  session: string;
  windows: LayoutWindow[];
}

function sortLayout(l: Layout): Layout {
  const windows = [...l.windows]
    .sort((a, b) => a.index - b.index)
    .map((w) => ({ ...w, panes: [...w.panes].sort((a, b) => a.index - b.index) }));
  return { session: l.session, windows };
}

/** The session's layout in a live server, or undefined when the session is not there. */
export function layoutOfLive(panes: LivePane[], session: string): Layout | undefined {
  const mine = panes.filter((p) => p.session === session);
  if (mine.length === 0) return undefined;
  const windows = new Map<number, LayoutWindow>();
  for (const p of mine) {
    let w = windows.get(p.window);
    if (!w) windows.set(p.window, (w = { index: p.window, name: p.windowName, panes: [] }));
    w.panes.push({ index: p.pane, dir: p.dir });
  }
  return sortLayout({ session, windows: [...windows.values()] });
}

/** The session's layout as a save file holds it, or undefined when the save lacks it. */
export function layoutOfSave(save: ParsedSave, session: string): Layout | undefined {
  const s = save.sessions.find((x) => x.name === session);
  if (!s) return undefined;
  return sortLayout({
    session,
    windows: s.windows.map((w) => ({
      index: w.index,
      name: w.name,
      panes: w.panes.map((p) => ({ index: p.paneIndex, dir: p.dir })),
    })),
  });
}

/** Paths as the same place: no trailing slash, macOS's /private/tmp and /tmp alike. */
export function samePlace(a: string, b: string): boolean {
  const n = (p: string) => {
    let s = p.replace(/\/{2,}/g, '/');
    while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
    return s.replace(/^\/private\/(tmp|var)(?=\/|$)/, '/$1');
  };
  return n(a) === n(b);
}

/** Every way `actual` differs from `expected`, in words; empty when they match. */
export function compareLayout(expected: Layout, actual: Layout | undefined): string[] {
  if (!actual) return [`session ${expected.session} is not there`];
  const out: string[] = [];
  const aw = new Map(actual.windows.map((w) => [w.index, w]));
  for (const w of expected.windows) {
    const got = aw.get(w.index);
    if (!got) {
      out.push(`window ${w.index} (${w.name}) is missing`);
      continue;
    }
    aw.delete(w.index);
    if (got.name !== w.name)
      out.push(`window ${w.index} is named ${JSON.stringify(got.name)}, not ${JSON.stringify(w.name)}`);
    if (got.panes.length !== w.panes.length)
      out.push(`window ${w.index} (${w.name}) has ${got.panes.length} pane(s), not ${w.panes.length}`);
    const ap = new Map(got.panes.map((p) => [p.index, p]));
    for (const p of w.panes) {
      const gp = ap.get(p.index);
      if (!gp) {
        if (got.panes.length === w.panes.length) out.push(`pane ${w.index}.${p.index} is missing`);
        continue;
      }
      if (!samePlace(gp.dir, p.dir))
        out.push(`pane ${w.index}.${p.index} is in ${JSON.stringify(gp.dir)}, not ${JSON.stringify(p.dir)}`);
    }
  }
  for (const w of aw.values()) out.push(`window ${w.index} (${w.name}) is extra`);
  return out;
}

function countPanes(l: Layout): number {
  return l.windows.reduce((n, w) => n + w.panes.length, 0);
}

/** `3 windows, 4 panes: 0 e2e-scroll [plain]; 1 e2e-split [with space | plain]; …` with dirs shortened to their last part. */
export function describeLayout(l: Layout): string {
  const last = (d: string) => d.replace(/\/+$/, '').split('/').pop() || '/';
  const ws = l.windows.map((w) => `${w.index} ${w.name} [${w.panes.map((p) => last(p.dir)).join(' | ')}]`).join('; ');
  return `${l.windows.length} window${l.windows.length === 1 ? '' : 's'}, ${countPanes(l)} pane${countPanes(l) === 1 ? '' : 's'}: ${ws}`;
}

/** What a restart would end, one line per session: `cal-dev: 3 windows, 4 panes, attached`. */
export function describeSessions(state: ServerState, except: string[] = []): string[] {
  return state.sessions
    .filter((s) => !except.includes(s.name))
    .map((s) => {
      const panes = state.panes.filter((p) => p.session === s.name).length;
      return `${s.name}: ${s.windows} window${s.windows === 1 ? '' : 's'}, ${panes} pane${panes === 1 ? '' : 's'}${s.attached ? `, ${s.attached} client${s.attached === 1 ? '' : 's'} attached` : ''}`;
    });
}
