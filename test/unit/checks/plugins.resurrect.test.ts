import { describe, expect, it } from 'vitest';
import check from '../../../checks/plugins.resurrect.js';
import { fix$, healthyFacts, PLUGINS, runOn, verdict, withFacts, withStatus } from '../../helpers/facts.js';

describe('plugins.resurrect', () => {
  it('passes: installed with executable scripts, loaded, keys bound', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('tmux-resurrect installed (cff343c); loaded (save script path set, C-s/C-r bound)');
    expect(r.details).toContain(
      '/Users/admin/.tmux/plugins/tmux-resurrect (revision cff343cf9e81983d3da0c8562b01616f12e8d548)',
    );
    expect(r.details).toContain('scripts/save.sh: -rwxr-xr-x uid 501');
  });

  it('fails when not installed', async () => {
    const f = withFacts((f) => {
      f.plugins.entries = f.plugins.entries.filter((e) => e.name !== 'tmux-resurrect');
      f.plugins.resurrectScripts = [];
    });
    const r = withStatus(await runOn(check, f), 'fail');
    expect(r.summary).toBe('tmux-resurrect is not installed (~/.tmux/plugins/tmux-resurrect missing)');
    expect(fix$(r)).toContain('/Users/admin/.tmux/plugins/tpm/bin/install_plugins');
  });

  it('fails when save.sh is not executable, with the chmod', async () => {
    const f = withFacts((f) => {
      f.plugins.resurrectScripts.find((e) => e.name === 'save.sh')!.mode = '-rw-r--r--';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('tmux-resurrect is installed but save.sh is not executable (-rw-r--r--)');
    expect(fix$(r)).toContain(
      `chmod u+x ${PLUGINS}/tmux-resurrect/scripts/save.sh ${PLUGINS}/tmux-resurrect/scripts/restore.sh`,
    );
  });

  it('judges the x bit of the owner or of others by uid', async () => {
    const f = withFacts((f) => {
      const s = f.plugins.resurrectScripts.find((e) => e.name === 'restore.sh')!;
      s.uid = 0;
      s.mode = '-rwxr-x---';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('restore.sh is not executable (-rwxr-x---)');
  });

  it('fails when restore.sh is missing', async () => {
    const f = withFacts((f) => {
      f.plugins.resurrectScripts = f.plugins.resurrectScripts.filter((e) => e.name !== 'restore.sh');
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('restore.sh is missing');
    expect(fix$(r)).toContain('git clone https://github.com/tmux-plugins/tmux-resurrect');
  });

  it('fails when the server never loaded it (TPM not loaded: the reported case)', async () => {
    const f = withFacts((f) => {
      delete f.server!.options['@resurrect-save-script-path'];
      delete f.server!.options['@resurrect-restore-script-path'];
      delete f.server!.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
      f.server!.globalEnv.PATH = '/usr/bin:/bin:/usr/sbin:/sbin';
      f.server!.keyBindings = [];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('not loaded in the running server (@resurrect-save-script-path unset)');
    expect(r.details).toContain('TPM is not loaded in the server either (see plugins.tpm)');
    expect(r.details).toContain('prefix C-s: unbound');
    expect(fix$(r)).toContain('/opt/homebrew/bin/tmux run-shell /Users/admin/.tmux/plugins/tpm/tpm');
  });

  it('warns when prefix C-s is bound to something else', async () => {
    const f = withFacts((f) => {
      f.server!.keyBindings[1] = 'bind-key    -T prefix       C-s                  choose-session';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('resurrect is loaded but prefix C-s (save) is bound to `choose-session`');
  });

  it('does not judge keys it has no bindings for (custom @resurrect-save key)', async () => {
    const f = withFacts((f) => {
      f.server!.options['@resurrect-save'] = 'S';
      f.server!.keyBindings = f.server!.keyBindings.filter((l) => !l.includes(' C-s '));
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.details).toContain('prefix S (save): not checked (only C-s/C-r bindings are gathered)');
  });

  it('with no server: installed passes, loaded not verifiable', async () => {
    const f = withFacts((f) => {
      f.server = null;
    });
    const results = await runOn(check, f);
    expect(verdict(results).status).toBe('pass');
    expect(withStatus(results, 'skip').summary).toBe('loaded: not verifiable: no tmux server running');
  });
});
