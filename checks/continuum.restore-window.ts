import { configLines, loadedConfigs, optionValue, tpmRunLines, where } from '../src/domain/config.js';
import { continuumAbsence, lastSaveTimestamp, restoreMaxDelay, saveInterval } from '../src/domain/continuum.js';
import { iso, restoreScript } from '../src/domain/saves.js';
import { liveServer, shq } from '../src/domain/util.js';
import { defineCheck } from '../src/engine/check.js';

export default defineCheck({
  id: 'continuum.restore-window',
  category: 'continuum',
  dependsOn: ['plugins.continuum'],
  title: 'continuum loaded within its restore window after server start',
  explain:
    'continuum auto-restores only if the plugin is loaded within @continuum-restore-max-delay seconds (default 10) of ' +
    "the server's start (`#{start_time}`); a slow plugin, a `run` line before TPM, or a delayed `run -b` pushes it past " +
    'that and the restore is silently skipped (tmux-continuum #90, PR #93). continuum sets @continuum-save-last-timestamp ' +
    'when it first loads; until its first auto-save (one save interval later) that value is the load time, so load delay ' +
    '= timestamp − start time. Once an auto-save has replaced it the delay cannot be seen from outside and the check says ' +
    'so. Fix: raise `set -g @continuum-restore-max-delay` above the delay (before the TPM run line), remove what slows ' +
    'plugin loading, and restore by hand once (prefix C-r).',
  appliesTo: (ctx) => continuumAbsence(ctx.facts) ?? true,
  run(ctx) {
    const f = ctx.facts;
    const server = liveServer(f)!;
    const restore = optionValue(f, '@continuum-restore').value;
    if (restore !== 'on')
      return {
        status: 'skip',
        summary: `auto-restore is off (@continuum-restore = ${restore === undefined ? 'unset' : JSON.stringify(restore)}): no restore window to miss (see plugins.continuum)`,
      };
    const start = server.startTime;
    if (start === null) return { status: 'skip', summary: 'the server did not report its start time' };

    const max = restoreMaxDelay(f);
    const iv = saveInterval(f);
    const ts = lastSaveTimestamp(server);
    const details = [`server started ${iso(start)} (#{start_time} ${start})`, max.source, iv.source];
    if (ts === null) {
      return {
        status: 'skip',
        summary:
          'continuum never set @continuum-save-last-timestamp, so its load time is unknown: it skipped auto-save and auto-restore altogether (see continuum.server-count)',
        details,
      };
    }
    const delay = ts - start;
    details.push(`@continuum-save-last-timestamp: ${ts} (${iso(ts)}), ${delay} s after server start`);
    if (!Number.isFinite(max.value)) {
      return {
        status: 'warn',
        summary: `@continuum-restore-max-delay is ${JSON.stringify(max.raw)}, not a number of seconds: continuum's start-time test fails and it never auto-restores`,
        details,
        fix: ["set -g @continuum-restore-max-delay '10'"],
      };
    }
    const interval = Number.isFinite(iv.value) ? iv.value : undefined;
    // the first auto-save comes one interval after the first load: before that, the stamp is the load time
    const firstStamp = interval === 0 || (interval !== undefined && delay < interval * 60);
    if (delay < 0 || !firstStamp) {
      return {
        status: 'info',
        summary: `cannot tell whether continuum loaded within its ${max.value}-s restore window: auto-saves have replaced the timestamp it set at load`,
        details: [
          ...details,
          delay < 0
            ? 'the timestamp predates this server (set by the config or by hand)'
            : `the timestamp is ${delay} s after start, later than the first auto-save could come (${interval} min): it is an auto-save's`,
        ],
        fix: [
          'right after the next server start, run the doctor again (or compare `tmux show -gv @continuum-save-last-timestamp` with `tmux display -p "#{start_time}"`)',
        ],
      };
    }
    if (delay < max.value) {
      return {
        status: 'pass',
        summary: `continuum loaded ${delay} s after the server started, within @continuum-restore-max-delay (${max.value} s): it started the auto-restore`,
        details: [
          ...details,
          ...(f.noAutoRestore
            ? ['but ~/tmux_no_auto_restore exists: the restore itself stopped there (see plugins.continuum)']
            : []),
        ],
      };
    }
    const run = tpmRunLines(configLines(f, loadedConfigs(f)))[0];
    const suggest = Math.max(30, Math.ceil(delay * 2));
    return {
      status: 'fail',
      summary: `continuum loaded ${delay} s after the server started, past @continuum-restore-max-delay (${max.value} s): auto-restore was skipped`,
      details: [
        ...details,
        'continuum restores only when #{start_time} is within the max delay of its load (`just_started_tmux_server`); this server started without restoring',
        ...(run ? [`TPM run line: ${where(run, f.host.home)}: ${run.text}`] : []),
      ],
      fix: [
        `set -g @continuum-restore-max-delay '${suggest}'   # in the config${run ? ` above ${where(run, f.host.home)} (the TPM run line)` : ', before TPM runs'}`,
        'find what delays plugin loading: `run`/`run-shell` lines before TPM, a `run -b` with a sleep, slow plugins listed before tmux-continuum',
        `restore now, while only the blank start-up sessions exist: prefix C-r, or tmux run-shell ${shq(restoreScript(f))}`,
      ],
    };
  },
});
