import { loadedVia } from '../src/domain/config/tpm.js';
import {
  continuumAbsence,
  continuumCount,
  continuumHooked,
  describeCounted,
  lastSaveTimestamp,
  restoreMaxDelay,
  tpmLoaded,
  wireNowFix,
} from '../src/domain/continuum.js';
import { ageText, liveServer, plural } from '../src/domain/util.js';
import { defineCheck } from '../src/engine/check.js';

export default defineCheck({
  id: 'continuum.server-count',
  category: 'continuum',
  title: "continuum's own count of tmux processes does not see another server",
  explain:
    'When tmux-continuum loads it decides whether "another tmux server" runs by counting the `ps` lines of the user ' +
    'that start with `tmux` (except `tmux source…` and the server itself): right after server start (within ' +
    '@continuum-restore-max-delay) more than one such line means another server; later, more lines than attached ' +
    'clients. Extra clients — a wrapper running several tmux commands at once, another plugin calling `tmux` while ' +
    'plugins load, a second server — make it silently skip auto-save (no hook in status-right) and auto-restore ' +
    '(tmux-continuum #153, #152, #48). This check reproduces that count from `ps` and `list-clients`, and confirms it ' +
    'by what continuum leaves behind: no `continuum_save.sh` in status-right and no @continuum-save-last-timestamp. ' +
    'Fix: start the server with a single tmux command and stop the extra processes; then wire continuum from inside ' +
    'tmux (prefix : run-shell …/continuum.tmux), since a `tmux run-shell` typed in a shell is itself one more client.',
  appliesTo: (ctx) => continuumAbsence(ctx.facts) ?? true,
  run(ctx) {
    const f = ctx.facts;
    const server = liveServer(f)!;

    const c = continuumCount(f, server);
    const hooked = continuumHooked(server);
    const ts = lastSaveTimestamp(server);
    const max = restoreMaxDelay(f);
    const details = [
      `continuum's count now: ${plural(c.counted.length, 'ps line')} starting with "tmux" besides the server (pid ${server.pid ?? '?'}); ${plural(c.clients, 'client')} in list-clients`,
      ...c.counted.map((p) => describeCounted(p, c)),
      ...c.uncounted.map((p) => `not counted by continuum (full path): pid ${p.pid}: ${p.command}`),
      `its rule: within ${Number.isFinite(max.value) ? max.value : '?'} s of server start (${max.source}) one such line is allowed (the client that started the server); later, no more than the attached clients`,
      `status-right: ${hooked ? 'has continuum_save.sh' : 'no continuum_save.sh'}`,
      `@continuum-save-last-timestamp: ${ts === null ? 'unset' : `${ts} (${ageText(f.host.now - ts)} ago)`}`,
    ];
    const extraList = c.extra.map((p) => `${p.pid} \`${p.command}\``).join(', ');

    if (hooked) {
      if (c.extra.length > 0) {
        return {
          status: 'info',
          summary: `auto-save is wired, but ${plural(c.extra.length, 'tmux process', 'tmux processes')} besides the server and its clients ${c.extra.length === 1 ? 'runs' : 'run'} now (${extraList}): continuum would skip its hook if it were loaded again now, and a server started while they run gets no auto-save or auto-restore`,
          details,
          fix: [`see what they are: ps -o pid,ppid,etime,command -p ${c.extra.map((p) => p.pid).join(',')}`],
        };
      }
      return {
        status: 'pass',
        summary: `continuum counted no other tmux server at load: auto-save is wired (now ${plural(c.counted.length, 'tmux process', 'tmux processes')} besides the server, all its clients)`,
        details,
      };
    }
    const via = loadedVia(f, 'tmux-continuum');
    if (!via.tpm && !via.run)
      return {
        status: 'skip',
        summary:
          'continuum never ran: no @plugin line that TPM reads declares it and no run-shell line loads it (see plugins.continuum)',
        details,
      };
    if (!via.run && !tpmLoaded(server))
      return {
        status: 'skip',
        summary: 'continuum never ran: TPM is not loaded in the server (see plugins.tpm)',
        details,
      };
    if (ts !== null) {
      return {
        status: 'pass',
        summary:
          "continuum's count passed at load (it set @continuum-save-last-timestamp); its status-right hook went missing later (see plugins.continuum)",
        details,
      };
    }
    const evidence =
      'status-right has no continuum_save.sh and @continuum-save-last-timestamp was never set: continuum skips both together only when its count says another server runs';
    const fix = [
      ...(c.extra.length
        ? [
            `see what they are: ps -o pid,ppid,etime,command -p ${c.extra.map((p) => p.pid).join(',')}`,
            'a second server answers and may be in use: see its sessions with `tmux -L NAME list-sessions` (or `-S SOCKET`); whether to end it is your call — continuum counts it while it runs',
          ]
        : []),
      'start the server with one tmux command (`tmux new-session -d`, or a plain `tmux`), not a wrapper or rc file that runs several tmux commands at once; keep status-line scripts of other plugins from calling `tmux` while plugins load',
      ...wireNowFix(f),
    ];
    return {
      status: 'fail',
      summary: c.extra.length
        ? `continuum counted another tmux server at load and silently switched off auto-save and auto-restore: ${plural(c.extra.length, 'tmux process', 'tmux processes')} besides the server and its clients still ${c.extra.length === 1 ? 'runs' : 'run'} (${extraList})`
        : 'continuum counted extra tmux processes at load and silently switched off auto-save and auto-restore (none are left now: short-lived tmux clients ran while it loaded)',
      details: [evidence, ...details],
      fix,
    };
  },
});
