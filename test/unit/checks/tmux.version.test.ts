import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.version.js';
import { fix$, healthyFacts, runOn, verdict, withFacts, withStatus } from '../../helpers/facts.js';

describe('tmux.version', () => {
  it('passes on tmux 3.5a with a 3.5a server', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('tmux 3.5a (>= 1.9); server runs 3.5a');
    expect(r.details).toContain('/opt/homebrew/bin/tmux: tmux 3.5a (found by exec, login, known-location)');
  });

  it('accepts git builds (next-3.6) and OpenBSD base tmux', async () => {
    for (const [v, server] of [
      ['tmux next-3.6', 'next-3.6'],
      ['tmux openbsd-7.5', 'openbsd-7.5'],
    ] as const) {
      const f = withFacts((f) => {
        f.tmuxBinaries[0]!.version = v;
        f.server!.version = server;
      });
      expect(verdict(await runOn(check, f)).status).toBe('pass');
    }
  });

  it('fails below 1.9', async () => {
    const f = withFacts((f) => {
      f.tmuxBinaries[0]!.version = 'tmux 1.8';
      f.server!.version = '1.8';
    });
    const results = await runOn(check, f);
    const r = verdict(results);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('/opt/homebrew/bin/tmux is tmux 1.8: resurrect, continuum and TPM need tmux 1.9 or newer');
    expect(fix$(r)).toContain('brew');
    expect(results.some((x) => x.status === 'fail' && x.summary.includes('running server is tmux 1.8'))).toBe(true);
  });

  it('warns when the server runs another version than the binary (upgraded under a live server)', async () => {
    const f = withFacts((f) => {
      f.server!.version = '3.4';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'the running server is tmux 3.4 but /opt/homebrew/bin/tmux is 3.5a: tmux was upgraded under a live server',
    );
    expect(fix$(r)).toContain('/opt/homebrew/bin/tmux kill-server');
    expect(fix$(r)).toContain('save now');
  });

  it('a letter release is a different version (3.5 vs 3.5a)', async () => {
    const f = withFacts((f) => {
      f.server!.version = '3.5';
    });
    expect(verdict(await runOn(check, f)).status).toBe('warn');
  });

  it('warns when the PATHs hold binaries of different versions', async () => {
    const f = withFacts((f) => {
      f.tmuxBinaries[0]!.foundBy = ['exec', 'known-location'];
      f.tmuxBinaries.push({ path: '/usr/local/bin/tmux', version: 'tmux 3.3a', foundBy: ['login'] });
      f.login.tmux = '/usr/local/bin/tmux';
    });
    const r = withStatus(await runOn(check, f), 'warn');
    expect(r.summary).toBe(
      'different tmux versions on the PATHs: /opt/homebrew/bin/tmux (3.5a), /usr/local/bin/tmux (3.3a)',
    );
  });

  it('ignores an old binary that is on no PATH (only in a known location)', async () => {
    const f = withFacts((f) => {
      f.tmuxBinaries.push({ path: '/usr/local/bin/tmux', version: 'tmux 1.8', foundBy: ['known-location'] });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.details).toContain('/usr/local/bin/tmux: tmux 1.8 (found by known-location)');
  });

  it('fails when `tmux -V` could not run', async () => {
    const f = withFacts((f) => {
      f.tmuxBinaries[0]!.version = null;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('`/opt/homebrew/bin/tmux -V` failed: that tmux cannot run');
  });

  it('skips when no tmux was found at all', async () => {
    const f = withFacts((f) => {
      f.tmuxBinaries = [];
      f.server = null;
    });
    expect(verdict(await runOn(check, f)).status).toBe('skip');
  });
});
