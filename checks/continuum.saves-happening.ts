import {
  continuumAbsence,
  continuumHooked,
  lastSaveTimestamp,
  restoreMaxDelay,
  saveInterval,
} from '../src/domain/continuum.js';
import { savesNotListed } from '../src/domain/resurrect/savedir.js';
import { iso, lastSave, saveProcesses, saveScript, savesByTime } from '../src/domain/saves.js';
import { ageText, isExecutable, liveServer, plural, samePath, shq, tilde } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

export default defineCheck({
  id: 'continuum.saves-happening',
  category: 'continuum',
  dependsOn: ['plugins.continuum'],
  title: "continuum's auto-saves actually write save files",
  explain:
    'continuum_save.sh starts save.sh in the background and advances @continuum-save-last-timestamp right away, ' +
    'whether or not the save works (tmux-continuum #162): with a wrong @resurrect-save-script-path, a save dir it ' +
    'cannot write, or a save.sh that dies, continuum looks healthy while no file is written. This check compares the ' +
    "timestamp with the save files' times (from their names). Proof of failure: an auto-save ran but the save dir holds " +
    'no save at all, or a session that existed when it ran is newer than the newest save file (a save that works writes ' +
    'a new file whenever the layout changed; resurrect deletes only saves identical to `last`). Fix: run the save by ' +
    'hand and read its error, then point @resurrect-save-script-path at the installed save.sh.',
  appliesTo: (ctx) => continuumAbsence(ctx.facts) ?? true,
  run(ctx) {
    const f = ctx.facts;
    const server = liveServer(f)!;
    if (!continuumHooked(server))
      return {
        status: 'skip',
        summary:
          "continuum's auto-save is not wired into status-right (see plugins.continuum and continuum.server-count)",
      };
    const iv = saveInterval(f);
    if (iv.value === 0) return { status: 'skip', summary: 'auto-save is off (@continuum-save-interval 0)' };
    const ts = lastSaveTimestamp(server);
    if (ts === null)
      return { status: 'skip', summary: 'no auto-save recorded yet (@continuum-save-last-timestamp unset)' };

    const home = f.host.home;
    const start = server.startTime;
    const max = restoreMaxDelay(f);
    const view = lastSave(f);
    const d = view.dir;
    const saves = d ? savesByTime(f, d) : [];
    const newest = saves[saves.length - 1];
    const running = saveProcesses(f);
    const script = server.options['@resurrect-save-script-path'];
    const installed = saveScript(f);
    const listed = f.plugins.resurrectScripts.find((e) => e.name === 'save.sh');
    const scriptDetail = !script
      ? '@resurrect-save-script-path is unset: continuum has nothing to run (see plugins.resurrect)'
      : !samePath(script, installed)
        ? `@resurrect-save-script-path = ${script}, not the installed ${tilde(installed, home)}: if that file is gone, every auto-save fails`
        : !listed
          ? `@resurrect-save-script-path = ${script}, but the plugin has no scripts/save.sh`
          : !isExecutable(listed, f.host.uid)
            ? `@resurrect-save-script-path = ${script}, not executable (${listed.mode})`
            : `@resurrect-save-script-path = ${script} (installed, executable)`;
    const details = [
      `last auto-save (@continuum-save-last-timestamp): ${iso(ts)}, ${ageText(f.host.now - ts)} ago`,
      iv.source,
      `save dir: ${view.resolved.path}${d ? '' : ' (missing)'}`,
      `save files: ${saves.length + savesNotListed(d)}${d?.listingTruncated ? '+' : ''}${newest ? `, newest ${newest.name} (${ageText(f.host.now - newest.time)} ago)` : ''}`,
      scriptDetail,
      ...running.map((p) => `save running now: pid ${p.pid}, up ${p.etime}: ${p.command}`),
    ];
    const fix = [
      `run the save by hand and read what it prints: tmux run-shell ${shq(script || installed)}`,
      ...(script && !samePath(script, installed)
        ? [
            `point continuum at the installed script: tmux set -g @resurrect-save-script-path ${shq(installed)} (or reload resurrect: tmux run-shell ${shq(`${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect/resurrect.tmux`)})`,
          ]
        : []),
      `check the save dir is writable: ls -ld ${shq(view.resolved.path)} (see resurrect.dir)`,
    ];

    // Is the stamp an auto-save's, not the one continuum sets when it loads? The first auto-save
    // comes one interval after the load, and continuum loads within its restore window.
    const interval = Number.isFinite(iv.value) ? iv.value : 15;
    const loadSlack = 2 * (Number.isFinite(max.value) ? max.value : 10);
    const sinceStart = start === null ? undefined : ts - start;
    const isSaveStamp = sinceStart !== undefined && (sinceStart >= interval * 60 || sinceStart > loadSlack);
    if (sinceStart !== undefined)
      details.push(
        `the timestamp is ${sinceStart} s after server start: ${isSaveStamp ? "an auto-save's" : 'possibly the one continuum set when it loaded'}`,
      );
    if (!isSaveStamp) {
      return {
        status: 'pass',
        summary: 'no auto-save due yet since the server started (the timestamp is the one continuum set at load)',
        details,
      };
    }

    const results: Result[] = [];
    if (saves.length === 0 && !d?.listingTruncated) {
      results.push({
        status: 'fail',
        summary: `continuum recorded an auto-save ${ageText(f.host.now - ts)} ago, but ${tilde(view.resolved.path, home)} holds no save file: its saves fail silently`,
        details: ['continuum advances its timestamp whether or not save.sh works (tmux-continuum #162)', ...details],
        fix,
      });
    } else if (running.length === 0 && f.host.now - ts >= 2) {
      const newestTime = newest?.time ?? -Infinity;
      const missed = server.sessions.filter((s) => s.created <= ts - 2 && s.created > newestTime + 2);
      if (missed.length > 0) {
        results.push({
          status: 'fail',
          summary: `continuum's auto-save at ${iso(ts)} wrote nothing: ${plural(missed.length, 'session')} (${missed.map((s) => s.name).join(', ')}) existed then, but the newest save file is older${newest ? ` (${newest.name})` : ''}`,
          details: [
            ...missed.map((s) => `session ${s.name} created ${iso(s.created)}`),
            'a save that works writes a new file when the layout changed (it deletes only saves identical to `last`), so that save failed; continuum still advanced its timestamp (tmux-continuum #162)',
            ...details,
          ],
          fix,
        });
      }
    }
    if (results.length) return results;

    if (newest && newest.time >= ts - 2) {
      return {
        status: 'pass',
        summary: `the last auto-save (${ageText(f.host.now - ts)} ago) wrote ${newest.name}`,
        details,
      };
    }
    const savedNames = new Set(view.parsed?.sessions.map((s) => s.name) ?? []);
    const savedWindows = new Map((view.parsed?.sessions ?? []).map((s) => [s.name, s.windows.length]));
    const differs = server.sessions.filter((s) => !savedNames.has(s.name) || savedWindows.get(s.name) !== s.windows);
    if (running.length > 0) {
      return {
        status: 'info',
        summary: `a save is running now; the newest save file${newest ? ` (${newest.name})` : ''} is older than the last auto-save`,
        details,
      };
    }
    if (view.parsed && differs.length === 0) {
      return {
        status: 'pass',
        summary: `auto-saves run (last ${ageText(f.host.now - ts)} ago); no newer file than ${newest?.name ?? '`last`'} because nothing changed since (resurrect deletes a save identical to \`last\`)`,
        details,
      };
    }
    return {
      status: 'info',
      summary: `the newest save file${newest ? ` (${newest.name})` : ''} is older than the last auto-save (${ageText(f.host.now - ts)} ago): either the layout changed after it or saves fail — it cannot be told apart from outside`,
      details: [
        ...details,
        ...differs.map((s) => `live session ${s.name} (${plural(s.windows, 'window')}) differs from \`last\``),
      ],
      fix: [
        `check: save by hand and see whether a new file appears: tmux run-shell ${shq(script || installed)}; ls -t ${shq(view.resolved.path)} | head -3`,
      ],
    };
  },
});
