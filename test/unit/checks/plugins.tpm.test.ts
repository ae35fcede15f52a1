import { describe, expect, it } from 'vitest';
import check from '../../../checks/plugins.tpm.js';
import { fix$, healthyFacts, runOn, TMUX_CONF, verdict, withFacts, withStatus } from '../../helpers/facts.js';

const withConf = (content: string) =>
  withFacts((f) => {
    f.configs[0]!.content = content;
  });

/** The reported case: the server was started by `ssh vm /opt/homebrew/bin/tmux …` from a non-login shell. */
const startedWithoutPath = () =>
  withFacts((f) => {
    delete f.server!.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
    f.server!.globalEnv.PATH = '/usr/bin:/bin:/usr/sbin:/sbin';
  });

describe('plugins.tpm', () => {
  it('passes: installed, run line last, loaded', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'TPM installed (~/.tmux/plugins/tpm/tpm); run line last (~/.tmux.conf:12); loaded in the running server',
    );
    expect(r.details).toContain('TMUX_PLUGIN_MANAGER_PATH=/Users/admin/.tmux/plugins/');
    expect(r.details).toContain('TPM revision: 99469c4a9b1ccf77fade25842dc7bafbc8ce9946');
  });

  it('fails when TPM is not installed, with the clone command', async () => {
    const f = withFacts((f) => {
      delete f.plugins.tpmScript;
      f.plugins.entries = f.plugins.entries.filter((e) => e.name !== 'tpm');
      // not installed, so not loaded: a server that shows TPM ran is believed
      delete f.server!.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
    });
    const r = withStatus(await runOn(check, f), 'fail');
    expect(r.summary).toBe('TPM is not installed (~/.tmux/plugins/tpm/tpm missing)');
    expect(fix$(r)).toContain('git clone https://github.com/tmux-plugins/tpm /Users/admin/.tmux/plugins/tpm');
  });

  it('fails when tpm/tpm is not executable', async () => {
    const f = withFacts((f) => {
      f.plugins.tpmScript!.mode = '-rw-r--r--';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('is not executable (-rw-r--r--)');
    expect(fix$(r)).toContain('chmod u+x /Users/admin/.tmux/plugins/tpm/tpm');
  });

  it('fails when the config never runs TPM, showing the line', async () => {
    const f = withConf(TMUX_CONF.replace("run '~/.tmux/plugins/tpm/tpm'\n", ''));
    // never run, so not loaded: a server that shows TPM ran is believed
    delete f.server!.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('no `run …/tpm/tpm` line');
    expect(fix$(r)).toBe("add as the last line of ~/.tmux.conf: run '~/.tmux/plugins/tpm/tpm'");
  });

  it('fails when the run line comes before an @plugin line', async () => {
    const conf =
      "set -g @plugin 'tmux-plugins/tmux-resurrect'\nrun-shell -b '~/.tmux/plugins/tpm/tpm'\nset -g @plugin 'tmux-plugins/tmux-continuum'\n";
    const r = verdict(await runOn(check, withConf(conf)));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      'the TPM run line (~/.tmux.conf:2) comes before 1 @plugin line(s): it must be the last line',
    );
    expect(r.details).toContain("after it: ~/.tmux.conf:3: set -g @plugin 'tmux-plugins/tmux-continuum'");
    expect(fix$(r)).toContain(
      "move `run-shell -b '~/.tmux/plugins/tpm/tpm'` to the very end of ~/.tmux.conf, after ~/.tmux.conf:3",
    );
  });

  it('fails when the server runs without TPM loaded, explaining the missing PATH', async () => {
    const r = verdict(await runOn(check, startedWithoutPath()));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('TPM is not loaded in the running server (no TMUX_PLUGIN_MANAGER_PATH)');
    expect(r.details!.join('\n')).toContain(
      "the server's PATH (/usr/bin:/bin:/usr/sbin:/sbin) lacks /opt/homebrew/bin",
    );
    expect(fix$(r)).toContain(
      '/opt/homebrew/bin/tmux set-environment -g PATH /opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    );
    expect(fix$(r)).toContain('/opt/homebrew/bin/tmux run-shell /Users/admin/.tmux/plugins/tpm/tpm');
    expect(fix$(r)).toContain('add to ~/.zshenv: eval "$(/opt/homebrew/bin/brew shellenv)"');
  });

  it('names the config problem as the cause when PATH is fine', async () => {
    const f = withConf(TMUX_CONF.replace("run '~/.tmux/plugins/tpm/tpm'\n", ''));
    delete f.server!.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
    const results = await runOn(check, f);
    const loaded = results.find((x) => x.summary.startsWith('TPM is not loaded'));
    expect(loaded?.status).toBe('fail');
    expect(loaded?.details).toContain('cause: the config never runs TPM');
  });

  it('with no server: still reports installed-ness; loaded is not verifiable', async () => {
    const f = withFacts((f) => {
      f.server = null;
    });
    const results = await runOn(check, f);
    expect(verdict(results).status).toBe('pass');
    expect(withStatus(results, 'skip').summary).toBe('loaded: not verifiable: no tmux server running');
    expect(withStatus(results, 'pass').summary).toContain('TPM installed');
  });
});
