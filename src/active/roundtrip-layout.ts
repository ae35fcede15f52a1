// The layout a round trip builds, compared with what a save or the restored server holds.
import type { ParsedSave } from '../domain/resurrect/savefile.js';
import { LAYOUT, type LayoutSession } from './roundtrip.js';
import { int, US } from './roundtrip-output.js';

export interface ActualPane {
  session: string;
  window: number;
  pane: number;
  dir: string;
}

/** `/private/tmp/x` and `/tmp/x` are one dir on macOS; trailing slashes don't matter. */
function normDir(p: string): string {
  return p.replace(/^\/private(?=\/(tmp|var|etc)\/)/, '').replace(/(.)\/+$/, '$1');
}

/** What differs between the layout (dirs under `root`) and what a save or a server holds. */
export function compareLayout(
  actual: ActualPane[],
  root: string,
  layout: readonly LayoutSession[] = LAYOUT,
): { problems: string[]; extraSessions: string[] } {
  const problems: string[] = [];
  const bySession = new Map<string, ActualPane[]>();
  for (const p of actual) bySession.set(p.session, [...(bySession.get(p.session) ?? []), p]);
  for (const s of layout) {
    const got = bySession.get(s.name);
    if (!got) {
      problems.push(`session ${s.name} is missing`);
      continue;
    }
    const windows = new Set(got.map((p) => p.window));
    if (windows.size !== s.windows.length)
      problems.push(`session ${s.name} has ${windows.size} window(s), the layout ${s.windows.length}`);
    s.windows.forEach((w, wi) => {
      const panes = got.filter((p) => p.window === wi).sort((a, b) => a.pane - b.pane);
      if (panes.length === 0) {
        if (windows.size === s.windows.length) problems.push(`window ${s.name}:${wi} is missing`);
        return;
      }
      if (panes.length !== w.panes.length)
        problems.push(`window ${s.name}:${wi} has ${panes.length} pane(s), the layout ${w.panes.length}`);
      w.panes.forEach((rel, pi) => {
        const p = panes[pi];
        const want = `${root.replace(/\/+$/, '')}/${rel}`;
        if (p && normDir(p.dir) !== normDir(want))
          problems.push(`pane ${s.name}:${wi}.${pi} is in ${p.dir}, the layout in ${want}`);
      });
    });
  }
  const known = new Set(layout.map((s) => s.name));
  return { problems, extraSessions: [...bySession.keys()].filter((s) => !known.has(s)) };
}

/** `list-panes -a -F '#{session_name}<US>#{window_index}<US>#{pane_index}<US>#{pane_current_path}'` */
export function parsePaneList(text: string): ActualPane[] {
  const panes: ActualPane[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(US);
    if (f.length < 4) continue;
    const window = int(f[1]);
    const pane = int(f[2]);
    if (window === null || pane === null) continue;
    panes.push({ session: f[0]!, window, pane, dir: f.slice(3).join(US) });
  }
  return panes;
}

export function savedPanes(save: ParsedSave): ActualPane[] {
  return save.sessions.flatMap((s) =>
    s.windows.flatMap((w) => w.panes.map((p) => ({ session: s.name, window: w.index, pane: p.paneIndex, dir: p.dir }))),
  );
}
