import { describe, expect, it } from 'vitest';
import check from '../../../checks/config.file.js';
import { fix$, HOME, healthyFacts, runOn, TMUX_CONF, text$, verdict, withFacts } from '../../helpers/facts.js';

const setConf = (content: string | null, path = `${HOME}/.tmux.conf`) =>
  withFacts((f) => {
    const c = f.configs.find((x) => x.path === path)!;
    c.exists = content !== null;
    c.content = content ?? '';
    c.size = content === null ? 0 : Buffer.byteLength(content);
  });

describe('config.file', () => {
  it('passes with both @plugin lines and lists the options from the running server', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('~/.tmux.conf declares tmux-resurrect and tmux-continuum');
    expect(r.details).toContain('~/.tmux.conf: exists (334 bytes), loaded by tmux, TPM reads @plugin lines here');
    expect(r.details).toContain('~/.config/tmux/tmux.conf: missing');
    expect(r.details).toContain('@plugin tmux-plugins/tmux-resurrect at ~/.tmux.conf:6');
    expect(r.details).toContain('@continuum-restore = "on" (running server)');
    expect(r.details).toContain('@resurrect-capture-pane-contents = "on" (running server)');
  });

  it('reads the options from the config text when no server runs', async () => {
    const f = withFacts((f) => {
      f.server = null;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.details).toContain('@continuum-save-interval = "15" (config)');
    expect(r.details).toContain('@continuum-restore = "on" (config)');
  });

  it('fails when the tmux-resurrect @plugin line is missing, with the line to add', async () => {
    const f = setConf(TMUX_CONF.replace("set -g @plugin 'tmux-plugins/tmux-resurrect'\n", ''));
    // the server shows what loaded: a plugin no line declares is not loaded there
    delete f.server!.options['@resurrect-save-script-path'];
    f.server!.options['status-right'] = '';
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('no @plugin line for tmux-resurrect: TPM never loads it');
    expect(fix$(r)).toContain(
      "add in ~/.tmux.conf, above line 11 (run '~/.tmux/plugins/tpm/tpm'): set -g @plugin 'tmux-plugins/tmux-resurrect'",
    );
  });

  it('fails for continuum too, and flags a line TPM cannot recognise', async () => {
    const f = setConf(
      TMUX_CONF.replace(
        "set -g @plugin 'tmux-plugins/tmux-continuum'",
        "set -ga @plugin 'tmux-plugins/tmux-continuum'",
      ),
    );
    // the server shows what loaded: a plugin no line declares is not loaded there
    delete f.server!.options['@resurrect-save-script-path'];
    f.server!.options['status-right'] = '';
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('no @plugin line for tmux-continuum: TPM never loads it');
    expect(text$(r)).toContain("TPM does not recognise ~/.tmux.conf:7: set -ga @plugin 'tmux-plugins/tmux-continuum'");
  });

  it('fails when there is no config file at all', async () => {
    const f = setConf(null);
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('no tmux config file');
    expect(fix$(r)).toContain("set -g @plugin 'tmux-plugins/tmux-resurrect'");
    expect(fix$(r)).toContain("run '~/.tmux/plugins/tpm/tpm'");
  });

  it('fails when ~/.config/tmux/tmux.conf exists: TPM then ignores the @plugin lines in ~/.tmux.conf', async () => {
    const f = withFacts((f) => {
      const x = f.configs.find((c) => c.path.endsWith('/.config/tmux/tmux.conf'))!;
      x.exists = true;
      x.content = 'set -g status-style bg=blue\n';
      x.size = x.content.length;
      delete f.server!.options['@resurrect-save-script-path'];
      f.server!.options['status-right'] = '';
    });
    const results = await runOn(check, f);
    const r = verdict(results);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      'tmux-resurrect is declared in ~/.tmux.conf, but TPM reads @plugin lines only from ~/.config/tmux/tmux.conf: it is never loaded',
    );
    expect(r.details).toContain('tmux loads all 2 files in the order above; later settings win');
    expect(fix$(r)).toContain(
      "move the line to ~/.config/tmux/tmux.conf: set -g @plugin 'tmux-plugins/tmux-resurrect'",
    );
    expect(results.filter((x) => x.status === 'fail')).toHaveLength(2);
  });

  it('follows source-file into a file the probe read', async () => {
    const f = withFacts((f) => {
      const main = f.configs[0]!;
      main.content = "source-file ~/.tmux/plugins.conf\nrun '~/.tmux/plugins/tpm/tpm'\n";
      f.configs.push({
        path: `${HOME}/.tmux/plugins.conf`,
        exists: true,
        content: "set -g @plugin 'tmux-plugins/tmux-resurrect'\nset -g @plugin 'tmux-plugins/tmux-continuum'\n",
        size: 90,
        truncated: false,
      });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.details).toContain('@plugin tmux-plugins/tmux-continuum at ~/.tmux/plugins.conf:2');
  });

  it('only warns when the config was cut at the probe cap', async () => {
    const f = setConf('set -g mouse on\n');
    f.configs[0]!.truncated = true;
    f.configs[0]!.size = 300_000;
    // the server shows what loaded: a plugin no line declares is not loaded there
    delete f.server!.options['@resurrect-save-script-path'];
    f.server!.options['status-right'] = '';
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain("cut at the probe's cap");
  });
});
