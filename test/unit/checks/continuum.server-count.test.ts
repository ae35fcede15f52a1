import { describe, expect, it } from 'vitest';
import check from '../../../checks/continuum.server-count.js';
import {
  DEFAULT_STATUS_RIGHT,
  fix$,
  healthyFacts,
  runOn,
  text$,
  UID,
  verdict,
  withFacts,
} from '../../helpers/facts.js';

/** continuum skipped its hook and its first timestamp: what it does when its count says "another server" */
const skipped = (mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {}) =>
  withFacts((f) => {
    f.server!.options['status-right'] = DEFAULT_STATUS_RIGHT;
    delete f.server!.options['@continuum-save-last-timestamp'];
    mutate(f);
  });

describe('continuum.server-count', () => {
  it('passes when the only counted tmux process is a client of the server', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'continuum counted no other tmux server at load: auto-save is wired (now 1 tmux process besides the server, all its clients)',
    );
    expect(r.details).toContain('ps: pid 1904 (a client of this server, up 04:58:10): tmux attach -t cal-dev');
    expect(r.details!.join('\n')).not.toContain('pid 812 (');
  });

  it('fails when continuum skipped its hook and timestamp and an extra tmux client still runs', async () => {
    const f = skipped((f) => {
      f.processes.push({ pid: 2001, ppid: 1990, uid: UID, etime: '04:59:59', command: 'tmux wait-for cal-block' });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      'continuum counted another tmux server at load and silently switched off auto-save and auto-restore: 1 tmux process besides the server and its clients still runs (2001 `tmux wait-for cal-block`)',
    );
    expect(r.details![0]).toBe(
      'status-right has no continuum_save.sh and @continuum-save-last-timestamp was never set: continuum skips both together only when its count says another server runs',
    );
    expect(r.details).toContain('ps: pid 2001 (not a client of this server, up 04:59:59): tmux wait-for cal-block');
    expect(fix$(r)).toContain('ps -o pid,ppid,etime,command -p 2001');
    expect(fix$(r)).toContain('prefix : then run-shell /Users/admin/.tmux/plugins/tmux-continuum/continuum.tmux');
    expect(fix$(r)).toContain(
      `tmux set -g status-right '#(/Users/admin/.tmux/plugins/tmux-continuum/scripts/continuum_save.sh)'"$(tmux show -gv status-right)"`,
    );
  });

  it('names a second server (parent pid 1) as such', async () => {
    const f = skipped((f) => {
      f.processes.push({ pid: 640, ppid: 1, uid: UID, etime: '1-02:00:00', command: 'tmux -L work new-session -d' });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.details).toContain(
      'ps: pid 640 (ppid 1: another tmux server, up 1-02:00:00): tmux -L work new-session -d',
    );
    expect(fix$(r)).toContain('`tmux -L NAME list-sessions`');
    expect(fix$(r)).not.toMatch(/kill/); // another live server: never advise ending it
  });

  it('fails with "none left now" when the extra processes were short-lived', async () => {
    const r = verdict(await runOn(check, skipped()));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('(none are left now: short-lived tmux clients ran while it loaded)');
    expect(fix$(r)).toContain('start the server with one tmux command');
  });

  it('counts what continuum counts: not `tmux source…`, not a tmux run by its full path, not other users', async () => {
    const f = withFacts((f) => {
      f.processes.push(
        { pid: 3000, ppid: 1904, uid: UID, etime: '00:01', command: 'tmux source-file /Users/admin/.tmux.conf' },
        { pid: 3001, ppid: 1890, uid: UID, etime: '00:10', command: '/opt/homebrew/bin/tmux attach' },
        { pid: 3002, ppid: 1, uid: 502, etime: '00:10', command: 'tmux new-session -d' },
      );
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.details).toContain('not counted by continuum (full path): pid 3001: /opt/homebrew/bin/tmux attach');
    expect(text$(r)).not.toContain('3000');
    expect(text$(r)).not.toContain('3002');
  });

  it('counts any command starting with "tmux" (tmux-mem-cpu-load), as continuum does', async () => {
    const f = withFacts((f) => {
      f.processes.push({ pid: 4000, ppid: 812, uid: UID, etime: '00:02', command: 'tmux-mem-cpu-load --interval 2' });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('info');
    expect(r.summary).toContain(
      'auto-save is wired, but 1 tmux process besides the server and its clients runs now (4000 `tmux-mem-cpu-load --interval 2`)',
    );
  });

  it('passes (for this check) when the timestamp shows continuum passed its count and the hook went missing later', async () => {
    const f = withFacts((f) => {
      f.server!.options['status-right'] = DEFAULT_STATUS_RIGHT;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.summary).toContain('its status-right hook went missing later (see plugins.continuum)');
  });

  it('skips when TPM never loaded continuum, and without a server', async () => {
    const noTpm = skipped((f) => {
      delete f.server!.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
    });
    expect(verdict(await runOn(check, noTpm)).summary).toBe(
      'continuum never ran: TPM is not loaded in the server (see plugins.tpm)',
    );
    const noServer = withFacts((f) => {
      f.server = { ...f.server!, answers: false };
    });
    expect(verdict(await runOn(check, noServer)).status).toBe('skip');
  });
});
