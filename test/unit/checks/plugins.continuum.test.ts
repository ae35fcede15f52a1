import { describe, expect, it } from 'vitest';
import check from '../../../checks/plugins.continuum.js';
import {
  DEFAULT_STATUS_RIGHT,
  fix$,
  healthyFacts,
  NOW,
  runOn,
  TMUX_CONF,
  text$,
  verdict,
  withFacts,
  withStatus,
} from '../../helpers/facts.js';

const notWired = (mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {}) =>
  withFacts((f) => {
    f.server!.options['status-right'] = DEFAULT_STATUS_RIGHT;
    mutate(f);
  });

describe('plugins.continuum', () => {
  it('passes: installed, restore on, auto-save wired and recent', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'tmux-continuum installed (0698e8f); auto-restore on; auto-save wired into status-right (every 15 min)',
    );
    expect(r.details!.join('\n')).toContain('5 min ago');
  });

  it('fails when not installed', async () => {
    const f = withFacts((f) => {
      f.plugins.entries = f.plugins.entries.filter((e) => e.name !== 'tmux-continuum');
    });
    const r = withStatus(await runOn(check, f), 'fail');
    expect(r.summary).toBe('tmux-continuum is not installed (~/.tmux/plugins/tmux-continuum missing)');
  });

  it('fails when status-right has no continuum_save.sh because TPM is not loaded', async () => {
    const f = notWired((f) => {
      delete f.server!.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
      f.server!.globalEnv.PATH = '/usr/bin:/bin:/usr/sbin:/sbin';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('continuum auto-save is not wired: status-right has no continuum_save.sh');
    expect(r.details).toContain('cause: TPM is not loaded in the server, so continuum never ran (see plugins.tpm)');
    expect(fix$(r)).toContain('/opt/homebrew/bin/tmux run-shell /Users/admin/.tmux/plugins/tpm/tpm');
  });

  it('blames a status-right set after the TPM run line (a theme)', async () => {
    const f = notWired((f) => {
      f.configs[0]!.content = `${TMUX_CONF}set -g status-right '%H:%M'\n`;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(text$(r)).toContain(
      "status-right is set after TPM ran, overwriting continuum's hook: ~/.tmux.conf:13: set -g status-right '%H:%M'",
    );
    expect(fix$(r)).toContain('move the status-right line(s) above the TPM run line (~/.tmux.conf:12)');
  });

  it('blames another tmux server at load when continuum never set its timestamp', async () => {
    const f = notWired((f) => {
      delete f.server!.options['@continuum-save-last-timestamp'];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(text$(r)).toContain('saw another tmux server');
    expect(fix$(r)).toContain('tmux run-shell /Users/admin/.tmux/plugins/tmux-continuum/continuum.tmux');
  });

  it('fails when the status line is off', async () => {
    const f = withFacts((f) => {
      f.server!.options.status = 'off';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('status line is off');
    expect(fix$(r)).toContain('set -g status on');
  });

  it('fails when @continuum-restore is off (a restart brings nothing back)', async () => {
    const f = withFacts((f) => {
      delete f.server!.options['@continuum-restore'];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('auto-restore is off (@continuum-restore = unset, default off)');
    expect(fix$(r)).toContain(
      "set -g @continuum-restore 'on'   # in the config above ~/.tmux.conf:12 (the TPM run line)",
    );
  });

  it('warns when the interval is 0 (auto-save off)', async () => {
    const f = withFacts((f) => {
      f.server!.options['@continuum-save-interval'] = '0';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('auto-save is off (@continuum-save-interval = 0)');
  });

  it('fails when the halt file disables auto-restore', async () => {
    const f = withFacts((f) => {
      f.noAutoRestore = true;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('auto-restore disabled by the halt file ~/tmux_no_auto_restore');
    expect(fix$(r)).toBe('rm ~/tmux_no_auto_restore');
  });

  it('warns when the last auto-save is older than twice the interval', async () => {
    const f = withFacts((f) => {
      f.server!.options['@continuum-save-last-timestamp'] = String(NOW - 3600);
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('the last continuum auto-save ran 60 min ago, more than twice the 15-min interval');
  });

  it('honours a custom interval when judging the age', async () => {
    const f = withFacts((f) => {
      f.server!.options['@continuum-save-interval'] = '60';
      f.server!.options['@continuum-save-last-timestamp'] = String(NOW - 3600);
    });
    expect(verdict(await runOn(check, f)).status).toBe('pass');
  });

  it('warns when no client is attached (status line not drawn: no auto-save)', async () => {
    const f = withFacts((f) => {
      f.server!.clients = [];
      f.server!.sessions[0]!.attached = 0;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('no client attached');
    expect(fix$(r)).toContain('tmux run-shell /Users/admin/.tmux/plugins/tmux-resurrect/scripts/save.sh');
  });

  it('with no server: judges restore and interval from the config, loaded not verifiable', async () => {
    const f = withFacts((f) => {
      f.server = null;
      f.configs[0]!.content = TMUX_CONF.replace("set -g @continuum-restore 'on'\n", '');
    });
    const results = await runOn(check, f);
    const r = verdict(results);
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('auto-restore is off');
    expect(withStatus(results, 'skip').summary).toBe('loaded: not verifiable: no tmux server running');
  });
});
