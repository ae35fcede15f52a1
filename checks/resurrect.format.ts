import { parseSave } from '../src/domain/resurrect/savefile.js';
import { lastSave, relinkCommand, restoreScript } from '../src/domain/saves.js';
import { plural, shq } from '../src/domain/util.js';
import { defineCheck } from '../src/engine/check.js';

// Line formats by tmux-resurrect release (field counts include the type token):
//   2.x   pane 11: session, window, :window name, window active, :flags, pane, :dir, pane active, command, :full command
//         window 6: session, index, active, :flags, layout
//   3.x   pane 10: session, window, window active, :flags, pane, :dir, pane active, command, :full command
//         window 7: session, index, :name, active, :flags, layout
//   4.x   pane 11: session, window, window active, :flags, pane, title, :dir, pane active, command, :full command
//         window 8: session, index, :name, active, :flags, layout, automatic-rename
// 4.x restore reads every pane line by position, so a 2.x or 3.x line puts the wrong value
// in every later slot: no names, no commands, panes in the wrong dir (tmux-resurrect #404, #416).
type Gen = '2.x' | '3.x' | '4.x' | 'unknown';

/** revisions known to write the 4.x format */
const KNOWN_4X: Record<string, string> = { cff343cf9e81983d3da0c8562b01616f12e8d548: 'cff343c' };

const isBit = (s: string | undefined) => s === '0' || s === '1';

function paneGen(fields: string[]): Gen {
  if (fields.length === 10 && isBit(fields[3]) && fields[4]?.startsWith(':')) return '3.x';
  if (fields.length === 11 && isBit(fields[3]) && fields[4]?.startsWith(':')) return '4.x';
  if (fields.length === 11 && fields[3]?.startsWith(':') && isBit(fields[4]) && fields[5]?.startsWith(':'))
    return '2.x';
  return 'unknown';
}

function windowGen(fields: string[]): Gen {
  if (fields.length === 8) return '4.x';
  if (fields.length === 7 && fields[3]?.startsWith(':')) return '3.x';
  if (fields.length === 6 && isBit(fields[3]) && fields[4]?.startsWith(':')) return '2.x';
  return 'unknown';
}

const TAG: Record<Exclude<Gen, 'unknown' | '4.x'>, string> = { '2.x': 'v2.4.0', '3.x': 'v3.0.0' };

export default defineCheck({
  id: 'resurrect.format',
  category: 'resurrect',
  dependsOn: ['resurrect.last'],
  title: '`last` is in the line format the installed tmux-resurrect reads',
  explain:
    'tmux-resurrect changed its save-file lines twice: 3.0 moved the window name from the pane lines to the window lines, ' +
    '4.0 added the pane title (pane lines 10 → 11 fields) and automatic-rename (window lines 7 → 8). restore.sh reads ' +
    'every line by position, so a save written by an older plugin restores without window names or programs, with panes ' +
    'in the wrong directories (tmux-resurrect #404, #416) — typically after the plugin was updated while the last good ' +
    'save predates it. This check tells each `pane`/`window` line of `last` by its field count and shape and compares ' +
    'with what the installed plugin writes. Fix: relink `last` to a save in the current format if there is one; else ' +
    'restore once with the old plugin release (git checkout of its tag), update it again and save.',
  run(ctx) {
    const f = ctx.facts;
    const view = lastSave(f);
    const d = view.dir;
    if (!d || !view.file || !view.name) return { status: 'skip', summary: 'no readable `last` (see resurrect.last)' };
    const tally: Record<'pane' | 'window', Record<Gen, number[]>> = {
      pane: { '2.x': [], '3.x': [], '4.x': [], unknown: [] },
      window: { '2.x': [], '3.x': [], '4.x': [], unknown: [] },
    };
    const lines = view.file.content.split('\n');
    // a `last` cut at the probe's cap ends mid-line: that fragment says nothing about the format
    if (view.file.truncated) lines.pop();
    lines.forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      const fields = line.split('\t');
      if (fields[0] === 'pane') tally.pane[paneGen(fields)].push(i + 1);
      else if (fields[0] === 'window') tally.window[windowGen(fields)].push(i + 1);
    });
    const total = (t: Record<Gen, number[]>) => Object.values(t).reduce((n, l) => n + l.length, 0);
    if (total(tally.pane) + total(tally.window) === 0)
      return {
        status: 'skip',
        summary: `\`last\` (${view.name}) has no pane or window lines to judge (see resurrect.last)`,
      };

    const entry = f.plugins.entries.find((e) => e.name === 'tmux-resurrect');
    const rev = entry?.revision;
    const rdir = `${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect`;
    const installed =
      rev && KNOWN_4X[rev]
        ? `tmux-resurrect ${KNOWN_4X[rev]} (writes and reads the 4.x format)`
        : `tmux-resurrect ${rev ? rev.slice(0, 7) : 'of unknown revision'} (assumed current: 4.x format)`;
    const describe = (type: 'pane' | 'window') =>
      (Object.entries(tally[type]) as Array<[Gen, number[]]>)
        .filter(([, l]) => l.length)
        .map(
          ([g, l]) =>
            `${plural(l.length, `${type} line`)} in ${g === 'unknown' ? 'no known' : `the ${g}`} format (line ${l.slice(0, 5).join(', ')}${l.length > 5 ? ', …' : ''})`,
        )
        .join('; ');
    const details = [
      `${view.name}: ${[describe('pane'), describe('window')].filter(Boolean).join('; ')}`,
      `installed: ${installed}`,
    ];
    const old = (['2.x', '3.x'] as const).filter((g) => tally.pane[g].length + tally.window[g].length > 0);
    if (old.length === 0) {
      if (tally.pane.unknown.length + tally.window.unknown.length > 0) {
        return {
          status: 'warn',
          summary: `\`last\` (${view.name}) has lines in no tmux-resurrect format: restore reads them into the wrong slots`,
          details,
          fix: ['see resurrect.last; relink `last` to an earlier save that parses'],
        };
      }
      return {
        status: 'pass',
        summary: `\`last\` (${view.name}) is in the 4.x format the installed plugin reads`,
        details,
      };
    }
    const gen = old[0]!;
    const current = d.recent.find((r) => r.name !== view.name && parseSave(r.content).classification === 'valid');
    return {
      status: 'fail',
      summary: `\`last\` (${view.name}) was written by tmux-resurrect ${gen}: the installed plugin restores it without window names or programs, and panes in the wrong directories`,
      details: [
        ...details,
        `restore.sh reads pane lines by position: a ${gen} line shifts every field after the first difference (tmux-resurrect #404, #416)`,
      ],
      fix: current
        ? [
            `relink \`last\` to a save in the current format: ${relinkCommand(d.path, current.name)}`,
            `then restore: prefix C-r, or tmux run-shell ${shq(restoreScript(f))}`,
          ]
        : [
            `restore once with the plugin release that wrote it: git -C ${shq(rdir)} fetch --tags && git -C ${shq(rdir)} checkout ${TAG[gen]}`,
            'start a fresh server (save nothing first), then restore: prefix C-r',
            `go back to the current plugin and save in its format: git -C ${shq(rdir)} checkout master; tmux run-shell ${shq(`${rdir}/resurrect.tmux`)}; prefix C-s`,
          ],
    };
  },
});
