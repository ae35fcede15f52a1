import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.control-mode.js';
import { fix$, healthyFacts, runOn, verdict, withFacts } from '../../helpers/facts.js';

describe('tmux.control-mode', () => {
  it('passes with a normal client attached', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('1 attached client, none in control mode: the status line is drawn');
    expect(r.details).toContain('client pid 1904 on /dev/ttys001 (session cal-dev): normal');
  });

  it('fails when every attached client is an iTerm2 -CC client', async () => {
    const f = withFacts((f) => {
      f.server!.clients = [{ pid: 1904, session: 'cal-dev', tty: '/dev/ttys001', controlMode: true }];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      'every attached client is in control mode (iTerm2 tmux -CC): no tmux status line is drawn, so continuum never auto-saves',
    );
    expect(fix$(r)).toContain(
      "*/15 * * * * /opt/homebrew/bin/tmux run-shell '/Users/admin/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet'",
    );
  });

  it('is informational when a normal client is attached next to a control-mode one', async () => {
    const f = withFacts((f) => {
      f.server!.clients.push({ pid: 2200, session: 'cal-dev', tty: '/dev/ttys002', controlMode: true });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('info');
    expect(r.summary).toBe(
      '1 of 2 clients in control mode; the other 1 draws the status line, so auto-save runs while they stay attached',
    );
  });

  it('skips with no client attached', async () => {
    const f = withFacts((f) => {
      f.server!.clients = [];
    });
    expect(verdict(await runOn(check, f)).status).toBe('skip');
  });
});
