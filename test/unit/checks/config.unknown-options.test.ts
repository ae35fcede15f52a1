import { describe, expect, it } from 'vitest';
import check from '../../../checks/config.unknown-options.js';
import { fix$, healthyFacts, runOn, TMUX_CONF, text$, verdict, withFacts, withStatus } from '../../helpers/facts.js';

describe('config.unknown-options', () => {
  it("passes when every plugin option is a known one (incl. the strategy family and continuum's own timestamp)", async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('8 plugin options set, all known to tmux-resurrect/continuum');
    expect(r.details).toContain('@continuum-restore = "on" (~/.tmux.conf:9)');
  });

  it('fails on a misspelled @continuum-restore: auto-restore silently stays off', async () => {
    const f = withFacts((f) => {
      f.configs[0]!.content = TMUX_CONF.replace("@continuum-restore 'on'", "@continuum-restor 'on'");
      delete f.server!.options['@continuum-restore'];
      f.server!.options['@continuum-restor'] = 'on';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      '@continuum-restor is not an option the plugins know — did you mean @continuum-restore?: it is silently ignored, so @continuum-restore keeps its default',
    );
    expect(r.details).toContain('@continuum-restor = "on" (~/.tmux.conf:9)');
    expect(r.fix).toEqual([
      "in ~/.tmux.conf:9 write: set -g @continuum-restore 'on'",
      "and in the running server: tmux set -g @continuum-restore 'on'; tmux set -gu @continuum-restor",
    ]);
  });

  it('warns on a misspelled prefix and suggests the closest real name', async () => {
    const f = withFacts((f) => {
      f.configs[0]!.content =
        `${TMUX_CONF}set -g @resurect-capture-pane-contents 'on'\nset -g @tmux-resurrect-dir '~/tmux-saves'\n`;
      f.server = null;
    });
    const rs = await runOn(check, f);
    const typo = rs.find((r) => r.summary.startsWith('@resurect-capture-pane-contents'))!;
    expect(typo.status).toBe('warn');
    expect(typo.summary).toContain('did you mean @resurrect-capture-pane-contents?');
    const dir = rs.find((r) => r.summary.startsWith('@tmux-resurrect-dir'))!;
    expect(dir.summary).toContain('did you mean @resurrect-dir?');
    expect(dir.status).toBe('fail');
  });

  it('names unknown hooks and removed options', async () => {
    const f = withFacts((f) => {
      f.server!.options['@resurrect-hook-post-save'] = 'echo saved';
      f.server!.options['@resurrect-save-shell-history'] = 'on';
    });
    const rs = await runOn(check, f);
    expect(rs.find((r) => r.summary.startsWith('@resurrect-hook-post-save '))!.summary).toContain(
      'did you mean @resurrect-hook-post-save-all?',
    );
    expect(text$(rs.find((r) => r.summary.startsWith('@resurrect-save-shell-history'))!)).toContain(
      'shell history saving was removed from tmux-resurrect',
    );
  });

  it("warns that @resurrect-never-overwrite 'off' turns it on", async () => {
    const f = withFacts((f) => {
      f.server!.options['@resurrect-never-overwrite'] = 'off';
    });
    const r = withStatus(await runOn(check, f), 'warn');
    expect(r.summary).toContain('@resurrect-never-overwrite is "off", which turns it ON');
    expect(fix$(r)).toContain('tmux set -gu @resurrect-never-overwrite');
  });

  it("fails on @continuum-restore 'yes': only 'on' counts", async () => {
    const f = withFacts((f) => {
      f.server!.options['@continuum-restore'] = 'yes';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      '@continuum-restore is "yes": the plugins compare it with "on" exactly, so it counts as off',
    );
  });

  it("leaves other plugins' options alone", async () => {
    const f = withFacts((f) => {
      f.server!.options['@catppuccin_flavor'] = 'mocha';
      f.server!.options['@yank_selection'] = 'clipboard';
    });
    expect(verdict(await runOn(check, f)).status).toBe('pass');
  });
});
