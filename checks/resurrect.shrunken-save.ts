import { parseSaveName } from '../src/domain/resurrect/savedir.js';
import { type ParsedSave, parseSave } from '../src/domain/resurrect/savefile.js';
import { lastSave, relinkCommand, restoreScript, saveScript } from '../src/domain/saves.js';
import { ageText, liveServer, plural, shq } from '../src/domain/util.js';
import { defineCheck } from '../src/engine/check.js';

interface Read {
  name: string;
  p: ParsedSave;
  time?: number;
}

const counts = (p: ParsedSave) =>
  `${plural(p.counts.sessions, 'session')}, ${plural(p.counts.windows, 'window')}, ${plural(p.counts.panes, 'pane')}`;

/** far smaller: at most half the panes (or windows) and at least 2 fewer */
function shrunk(last: ParsedSave, good: ParsedSave): boolean {
  const by = (a: number, b: number) => a * 2 <= b && b - a >= 2;
  return by(last.counts.panes, good.counts.panes) || by(last.counts.windows, good.counts.windows);
}

export default defineCheck({
  id: 'resurrect.shrunken-save',
  category: 'resurrect',
  dependsOn: ['resurrect.dir'],
  title: '`last` is not a blank start-up layout saved over a good one',
  explain:
    'A save is only as good as the server it saw. Pressing prefix C-s instead of C-r after a restart, or an auto-save ' +
    'that ran before the restore did, saves the blank start-up layout (one session, one pane) and `last` points to it: ' +
    'the next restore brings back nothing (tmux-resurrect #287, #188). The file is valid, so nothing looks wrong. This ' +
    'check compares `last` with the recent saves the probe read and fails when it holds at most half the panes or ' +
    'windows of one of them, naming the better file. Fix: relink `last` to that file (`ln -sf`), restore (prefix C-r), ' +
    'then save.',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const view = lastSave(f);
    const d = view.dir;
    if (!d || !view.parsed || !view.name) return { status: 'skip', summary: 'no readable `last` (see resurrect.last)' };
    const last = view.parsed;
    if (last.classification !== 'valid')
      return { status: 'skip', summary: `\`last\` is ${last.classification}, not a valid save (see resurrect.last)` };

    const time = (name: string) => {
      const t = parseSaveName(name, f.host.tzOffset);
      return t ? Math.floor(t.getTime() / 1000) : undefined;
    };
    const others: Read[] = d.recent
      .filter((r) => r.name !== view.name && !r.truncated)
      .map((r) => ({ name: r.name, p: parseSave(r.content), time: time(r.name) }))
      .filter((r) => r.p.classification === 'valid');
    const lastTime = time(view.name);
    const when = (t?: number) => (t === undefined ? 'time unknown' : `${ageText(f.host.now - t)} ago`);
    const details = [
      `save dir: ${d.path}`,
      `last → ${view.name} (${when(lastTime)}): ${counts(last)}; sessions ${last.sessions.map((s) => s.name).join(', ')}`,
    ];
    if (others.length === 0) {
      return {
        status: 'pass',
        summary: `\`last\` (${counts(last)}) is the only valid save read: nothing to compare with`,
        details,
      };
    }
    const best = others.reduce((b, r) =>
      r.p.counts.panes > b.p.counts.panes || (r.p.counts.panes === b.p.counts.panes && (r.time ?? 0) > (b.time ?? 0))
        ? r
        : b,
    );
    details.push(
      `largest of ${plural(others.length, 'other recent save')}: ${best.name} (${when(best.time)}): ${counts(best.p)}`,
    );
    if (!shrunk(last, best.p)) {
      return {
        status: 'pass',
        summary: `\`last\` (${counts(last)}) is in line with the recent saves (largest: ${best.p.counts.panes} panes)`,
        details,
      };
    }
    // the newest save that is about as full as the largest one
    const better = others
      .filter((r) => r.p.counts.panes * 5 >= best.p.counts.panes * 4)
      .reduce((b, r) => ((r.time ?? 0) > (b.time ?? 0) ? r : b));
    const lastNames = new Set(last.sessions.map((s) => s.name));
    const missing = better.p.sessions.map((s) => s.name).filter((n) => !lastNames.has(n));
    const blank = last.counts.sessions === 1 && last.counts.windows === 1 && last.counts.panes === 1;
    const server = liveServer(f);
    const live = new Set(server?.sessions.map((s) => s.name) ?? []);
    const stillLive = missing.length > 0 && !!server && missing.every((n) => live.has(n));
    details.push(
      `better save: ${better.name} (${when(better.time)}): ${counts(better.p)}; sessions ${better.p.sessions.map((s) => s.name).join(', ')}`,
      ...(missing.length ? [`sessions in ${better.name} but not in \`last\`: ${missing.join(', ')}`] : []),
      ...(blank
        ? [
            `\`last\` is a lone session with one pane (${last.sessions[0]!.name}): the shape of a fresh server's start-up session`,
          ]
        : []),
      ...(server ? [`live sessions: ${server.sessions.map((s) => s.name).join(', ') || 'none'}`] : []),
    );
    const relink = relinkCommand(d.path, better.name);
    if (stillLive) {
      return {
        status: 'warn',
        summary: `\`last\` (${view.name}: ${counts(last)}) is far smaller than ${better.name} (${counts(better.p)}), but the missing sessions are still live: save now before they are lost`,
        details,
        fix: [`save now: prefix C-s, or tmux run-shell ${shq(saveScript(f))}`, `if the VM stops first: ${relink}`],
      };
    }
    return {
      status: 'fail',
      summary: `\`last\` (${view.name}: ${counts(last)}) is far smaller than ${better.name} (${counts(better.p)}): a blank start-up layout was saved over a good one, and restore would bring back only that`,
      details: [
        ...details,
        'causes: prefix C-s pressed instead of C-r after a restart, or an auto-save before the restore ran (see continuum.restore-window, continuum.server-count, tmux.launch)',
      ],
      fix: [
        `point \`last\` at the good save: ${relink}`,
        `restore it: prefix C-r, or tmux run-shell ${shq(restoreScript(f))}`,
        `keep a copy outside the save dir (retention deletes old saves): cp -p ${shq(`${d.path}/${better.name}`)} ${shq(`${home.replace(/\/+$/, '')}/${better.name}`)}`,
      ],
    };
  },
});
