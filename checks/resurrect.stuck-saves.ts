import { allSaveProcesses, etimeSeconds, lastSave, saveHelperProcesses, saveProcesses } from '../src/domain/saves.js';
import { ageText, liveServer, plural, shq } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

/** a save of a few dozen panes takes seconds; one running this long is stuck */
const STUCK_SEC = 60;

export default defineCheck({
  id: 'resurrect.stuck-saves',
  category: 'resurrect',
  title: 'no save processes piling up, no stale continuum locks',
  explain:
    'A save normally finishes in seconds. After a sleep/wake, or with many panes, save.sh and its per-pane `ps` helpers ' +
    'can hang and pile up (tmux-resurrect #544): concurrent saves append to the same file and race on `last` (a ' +
    'duplicated or dangling `last`), and they eat CPU. continuum guards its saves with lock dirs ' +
    '`/tmp/tmux-continuum-<server pid>-lock-<epoch/100>` removed when continuum_save.sh exits; one left behind past its ' +
    '200-s generation means a save run was killed mid-way (tmux-continuum #126). This check reads the save processes and ' +
    'their ages from `ps` and the lock dirs. Fix: kill the stuck saves, remove stale lock dirs, check `last`, and save once ' +
    'by hand.',
  run(ctx) {
    const f = ctx.facts;
    const saves = saveProcesses(f).map((p) => ({ p, age: etimeSeconds(p.etime) }));
    const helpers = saveHelperProcesses(f).map((p) => ({ p, age: etimeSeconds(p.etime) }));
    const locks = f.continuumLocks ?? [];
    const stale = locks.filter((l) => l.stale);
    const serverPid = liveServer(f)?.pid;
    const line = (x: { p: { pid: number; etime: string; command: string }; age: number }) =>
      `pid ${x.p.pid}, running ${Number.isFinite(x.age) ? ageText(x.age) : x.p.etime}: ${x.p.command}`;
    const details = [
      ...saves.map((x) => `save: ${line(x)}`),
      ...helpers.map((x) => `helper: ${line(x)}`),
      ...locks.map((l) => {
        const pid = l.path.match(/tmux-continuum-(\d*)-lock-/)?.[1];
        return `lock dir ${l.path}: ${l.stale ? 'stale (older than its 200-s generation)' : 'current'}${pid === '' ? ' (no server pid in its name: $TMUX was empty)' : pid && serverPid && Number(pid) !== serverPid ? ` (server pid ${pid}, not the running server's ${serverPid})` : ''}`;
      }),
    ];
    const results: Result[] = [];
    const old = saves.filter((x) => x.age >= STUCK_SEC);
    // the saves' subshells and helpers too: killing a bash does not end the children it forked
    const pids = [...new Set([...allSaveProcesses(f), ...helpers.map((x) => x.p)].map((p) => p.pid))];
    const killFix = `kill ${pids.join(' ')}`;
    const afterFix = [
      'then check `last` (see resurrect.last) and save once by hand: prefix C-s',
      'if it happens after every sleep: raise @continuum-save-interval, or save by hand before closing the lid',
    ];
    if (saves.length >= 2) {
      results.push({
        status: old.length ? 'fail' : 'warn',
        summary: old.length
          ? `${plural(saves.length, 'save')} piling up, ${old.length} running for over ${STUCK_SEC} s: concurrent saves append to the same file and race on \`last\``
          : `${plural(saves.length, 'save')} running at once: they append to the same file and race on \`last\``,
        details,
        fix: [killFix, ...afterFix],
      });
    } else if (old.length === 1) {
      results.push({
        status: 'warn',
        summary: `a save has been running for ${ageText(old[0]!.age)}: it is stuck (a save takes seconds)`,
        details,
        fix: [killFix, ...afterFix],
      });
    }
    if (stale.length) {
      results.push({
        status: 'warn',
        summary: `${plural(stale.length, 'stale continuum lock dir')} (${stale
          .slice(0, 3)
          .map((l) => l.path)
          .join(
            ', ',
          )}${stale.length > 3 ? ', …' : ''}): continuum_save.sh was killed before it cleaned up, so an auto-save was cut short`,
        details,
        fix: [`rmdir ${stale.map((l) => shq(l.path)).join(' ')}`, ...afterFix.slice(0, 1)],
      });
    }
    if (results.length) return results;
    const view = lastSave(f);
    return {
      status: 'pass',
      summary: saves.length
        ? `one save running (${ageText(saves[0]!.age)}), no pile-up, no stale locks`
        : `no save running, no stale continuum locks${view.name ? ` (last → ${view.name})` : ''}`,
      details,
    };
  },
});
