import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.status-interval.js';
import { fix$, healthyFacts, runOn, TMUX_CONF, verdict, withFacts } from '../../helpers/facts.js';

describe('tmux.status-interval', () => {
  it('passes with a 15-s status interval', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe("status-interval 15 s: continuum's hook re-runs every 15 s while a status line is drawn");
  });

  it('fails on 0 and points at the config line that sets it', async () => {
    const f = withFacts((f) => {
      f.server!.options['status-interval'] = '0';
      f.configs[0]!.content = TMUX_CONF.replace('set -g mouse on\n', 'set -g mouse on\nset -g status-interval 0\n');
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('status-interval is 0: the status line is never redrawn on a timer');
    expect(r.details).toContain('set at ~/.tmux.conf:3: set -g status-interval 0');
    expect(r.fix).toEqual([
      'tmux set -g status-interval 15   # the running server, now',
      'replace ~/.tmux.conf:3 with: set -g status-interval 15',
    ]);
  });

  it('judges from the config when no server answers', async () => {
    const f = withFacts((f) => {
      f.server = null;
      f.configs[0]!.content = `${TMUX_CONF}set -g status-interval 0\n`;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.details).toContain('no server answered: judged from the config');
    expect(fix$(r)).toBe('replace ~/.tmux.conf:13 with: set -g status-interval 15');
  });

  it('warns when the status interval is longer than the save interval', async () => {
    const f = withFacts((f) => {
      f.server!.options['status-interval'] = '3600';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'status-interval is 3600 s, longer than the 15-min save interval: auto-saves come at most every 3600 s',
    );
  });

  it('uses the tmux default when unset, and skips without continuum', async () => {
    const unset = withFacts((f) => {
      delete f.server!.options['status-interval'];
    });
    const r = verdict(await runOn(check, unset));
    expect(r.status).toBe('pass');
    expect(r.details).toContain('status-interval: 15 (not set, tmux default 15)');
    const none = withFacts((f) => {
      f.plugins.entries = f.plugins.entries.filter((e) => e.name !== 'tmux-continuum');
    });
    expect(verdict(await runOn(check, none)).status).toBe('skip');
  });
});
