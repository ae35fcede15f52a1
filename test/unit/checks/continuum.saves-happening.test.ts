import { describe, expect, it } from 'vitest';
import check from '../../../checks/continuum.saves-happening.js';
import {
  DEFAULT_STATUS_RIGHT,
  fix$,
  healthyFacts,
  NOW,
  runOn,
  text$,
  UID,
  verdict,
  withFacts,
} from '../../helpers/facts.js';

describe('continuum.saves-happening', () => {
  it('passes when the last auto-save wrote the newest save file', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('the last auto-save (5 min ago) wrote tmux_resurrect_20250602T112500.txt');
    expect(r.details).toContain(
      '@resurrect-save-script-path = /Users/admin/.tmux/plugins/tmux-resurrect/scripts/save.sh (installed, executable)',
    );
  });

  it('fails when continuum recorded auto-saves but the save dir holds no save file (#162)', async () => {
    const f = withFacts((f) => {
      const d = f.saveDirs[0]!;
      d.files = [];
      d.recent = [];
      delete d.last;
      f.server!.options['@resurrect-save-script-path'] =
        '/Users/admin/.tmux/plugins-old/tmux-resurrect/scripts/save.sh';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      'continuum recorded an auto-save 5 min ago, but ~/.local/share/tmux/resurrect holds no save file: its saves fail silently',
    );
    expect(text$(r)).toContain(
      '@resurrect-save-script-path = /Users/admin/.tmux/plugins-old/tmux-resurrect/scripts/save.sh, not the installed ~/.tmux/plugins/tmux-resurrect/scripts/save.sh',
    );
    expect(fix$(r)).toContain(
      'tmux set -g @resurrect-save-script-path /Users/admin/.tmux/plugins/tmux-resurrect/scripts/save.sh',
    );
    expect(fix$(r)).toContain('tmux run-shell /Users/admin/.tmux/plugins-old/tmux-resurrect/scripts/save.sh');
  });

  it('fails when a session existed at the last auto-save but every save file is older than it', async () => {
    const f = withFacts((f) => {
      f.server!.options['@continuum-save-last-timestamp'] = String(NOW - 60);
      f.server!.sessions.push({ id: '$3', name: 'later', windows: 1, attached: 0, created: NOW - 200 });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      "continuum's auto-save at 2025-06-02T09:29:00Z wrote nothing: 1 session (later) existed then, but the newest save file is older (tmux_resurrect_20250602T112500.txt)",
    );
    expect(r.details).toContain('session later created 2025-06-02T09:26:40Z');
  });

  it('does not conclude while a save is still running', async () => {
    const f = withFacts((f) => {
      f.server!.options['@continuum-save-last-timestamp'] = String(NOW - 60);
      f.server!.sessions.push({ id: '$3', name: 'later', windows: 1, attached: 0, created: NOW - 200 });
      f.processes.push({
        pid: 5000,
        ppid: 1,
        uid: UID,
        etime: '00:59',
        command: '/bin/bash /Users/admin/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet',
      });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('info');
    expect(r.summary).toContain('a save is running now');
  });

  it('passes when no newer file exists because nothing changed since the newest save', async () => {
    const f = withFacts((f) => {
      f.server!.options['@continuum-save-last-timestamp'] = String(NOW - 60);
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.summary).toContain('because nothing changed since (resurrect deletes a save identical to `last`)');
  });

  it('says it cannot tell when the layout changed at an unknown time', async () => {
    const f = withFacts((f) => {
      f.server!.options['@continuum-save-last-timestamp'] = String(NOW - 60);
      f.server!.sessions[0]!.windows = 4;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('info');
    expect(r.details).toContain('live session cal-dev (4 windows) differs from `last`');
  });

  it('treats a timestamp right after server start as the load stamp, not a save', async () => {
    const f = withFacts((f) => {
      f.server!.startTime = NOW - 30;
      f.server!.options['@continuum-save-last-timestamp'] = String(NOW - 29);
      f.saveDirs[0]!.files = [];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'no auto-save due yet since the server started (the timestamp is the one continuum set at load)',
    );
  });

  it('skips when auto-save is not wired or off', async () => {
    const unwired = withFacts((f) => {
      f.server!.options['status-right'] = DEFAULT_STATUS_RIGHT;
    });
    expect(verdict(await runOn(check, unwired)).status).toBe('skip');
    const off = withFacts((f) => {
      f.server!.options['@continuum-save-interval'] = '0';
    });
    expect(verdict(await runOn(check, off)).summary).toBe('auto-save is off (@continuum-save-interval 0)');
  });
});
