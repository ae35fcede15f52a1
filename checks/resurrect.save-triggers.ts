import { historyOf } from '../src/domain/save-history.js';
import { diagnose, type SaveTrigger } from '../src/domain/triggers/diagnose.js';
import { liveServer, plural, tilde } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

function triggerLine(t: SaveTrigger): string {
  return `trigger: ${t.where}: ${t.when}${t.firesOnClose ? ' [fires as panes/sessions close]' : ''} — ${t.line}`;
}

export default defineCheck({
  id: 'resurrect.save-triggers',
  category: 'resurrect',
  dependsOn: ['plugins.resurrect', 'resurrect.dir'],
  title: 'what triggers saves, and which of them wrote the bad ones',
  explain:
    'Finds every way a save is triggered: continuum in status-right, tmux hooks running save.sh (session-closed, ' +
    'client-detached, …), shell logout files such as ~/.zlogout, scripts in ~/scripts, ~/bin and ~/.local/bin ' +
    '(cal-bootstrap-style saves over SSH), crontab, launch agents and the prefix C-s binding. Then it correlates them with ' +
    'the save history: state-only saves, several `state` lines in one file and a dangling `last` with a trigger that fires ' +
    'when panes or sessions close (a logout hook runs in every pane and its saves race; a session-closed hook saves the ' +
    'server after its last session is gone); 0-byte saves with a server that has no Homebrew PATH / no plugins loaded; ' +
    'bad saves while several tmux servers answer. Each named cause comes with its fix. Evidence that fits none of these ' +
    'is reported as unexplained, not guessed at. Saves triggered from another machine (cal-bootstrap on the host) are not ' +
    'visible from the target.',
  run(ctx) {
    const f = ctx.facts;
    const { history: h } = historyOf(f);
    const dx = diagnose(f, h);
    const triggerLines = dx.triggers.length
      ? dx.triggers.map(triggerLine)
      : [
          'no save trigger found on the target (no continuum in status-right, no hook, logout file, script or cron job that runs save.sh)',
        ];
    if (!liveServer(f))
      triggerLines.push('no tmux server answered: tmux hooks and continuum could only be read from the config');
    const results: Result[] = [];

    for (const c of dx.causes) {
      results.push({ status: 'fail', summary: c.summary, details: c.details, fix: c.fix });
    }
    if (dx.unexplained.length) {
      results.push({
        status: 'warn',
        summary: `${dx.causes.length ? 'more bad saves' : 'bad saves'} (${dx.unexplained.map((e) => e.kind).join(', ')}) that fit no known cause: the facts do not say what wrote them`,
        details: [
          ...dx.unexplained.flatMap((e) => e.lines.map((l) => `evidence: ${l}`)),
          ...triggerLines,
          'known causes checked: a logout hook running save.sh, a tmux hook saving when sessions close, a server without tmux on its PATH (0-byte saves), a script running save.sh without tmux on PATH, several tmux servers — none matches this evidence',
        ],
        fix: [
          'watch the next bad save happen: `ls -l --time-style=full-iso` (macOS: `ls -lT`) the save dir right after each save you make, and note what you did just before a bad one appeared (closed a pane, stopped the VM, ran a script)',
          "look for saves triggered elsewhere: the host's cal-bootstrap (`save_tmux_sessions` before `tart stop`), shell aliases, editor plugins",
        ],
      });
    }
    for (const t of dx.risky) {
      // a save hook that fires as sessions close destroys the saves it was meant to make
      results.push({
        status: 'fail',
        summary: `${t.where} saves ${t.kind === 'logout-hook' ? "from every pane's logout" : `on the tmux ${t.hook} hook`}: it fires as panes/sessions close and will clobber \`last\` (no bad save from it yet)`,
        details: [
          triggerLine(t),
          t.kind === 'logout-hook'
            ? 'panes run login shells: the hook runs in each pane on exit/kill-session/kill-server; the saves race within one second and save a server with no sessions'
            : 'when the last session closes, the hook saves a server with no sessions: `state` only',
        ],
        fix: t.file
          ? [`in ${tilde(t.file, f.host.home)}, delete line ${t.lineNo}: ${t.fileText ?? t.line}`]
          : [`tmux set-hook -gu ${t.hook}`],
      });
    }
    if (results.length === 0) {
      const n = h?.entries.length ?? 0;
      const older = h?.notListed ? ` (${h.notListed} older ones counted, not listed)` : '';
      results.push({
        status: 'pass',
        summary: `no bad saves${n ? ` among ${older ? 'the newest ' : ''}${plural(n, 'save')}${older}` : ''}; saves are triggered by: ${dx.triggers.map((t) => t.when.split(' (')[0]).join('; ') || 'nothing found on the target'}`,
        details: triggerLines,
      });
    } else {
      // every non-pass result carries the full trigger list as evidence (those it does not name already)
      for (const r of results) {
        const have = r.details ?? [];
        const more = dx.triggers
          .filter((t) => !have.some((l) => l.startsWith('trigger: ') && l.includes(t.line)))
          .map(triggerLine);
        const notes = triggerLines.filter((l) => !l.startsWith('trigger: ') && !have.includes(l));
        r.details = [...have, ...more, ...notes];
      }
    }
    return results;
  },
});
