import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.known-bad-versions.js';
import { fix$, healthyFacts, runOn, TMUX, verdict, withFacts } from '../../helpers/facts.js';

const version = (binary: string, server = binary.replace(/^tmux /, '')) =>
  withFacts((f) => {
    f.tmuxBinaries[0]!.version = binary;
    f.server!.version = server;
  });

describe('tmux.known-bad-versions', () => {
  it('passes for tmux 3.5a', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('tmux 3.5a is not a release known to break resurrect or continuum');
    expect(r.details).toContain('known bad: 3.0 (fixed in 3.0a), 2.5 (fixed in 2.6), < 2.0 (fixed in 2.0)');
  });

  it('fails for tmux 3.0: restore crashes the server', async () => {
    const r = verdict(await runOn(check, version('tmux 3.0')));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      `${TMUX} is tmux 3.0: the server crashes while resurrect restores, taking every session with it — fixed in 3.0a`,
    );
    expect(r.details).toContain('known bug: tmux-resurrect #316 (tmux commit 2cb268d)');
    expect(fix$(r)).toContain('brew upgrade tmux');
    expect(fix$(r)).toContain('do not restore (prefix C-r) into this server');
  });

  it('judges the running server apart from the binary (upgraded under a live server)', async () => {
    const r = verdict(await runOn(check, version('tmux 3.5a', '3.0')));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^the running server is tmux 3\.0: /);
    expect(fix$(r)).toContain('tmux kill-server');
  });

  it('counts a 3.0 release candidate as 3.0 but not 3.0a', async () => {
    expect(verdict(await runOn(check, version('tmux 3.0-rc5'))).status).toBe('fail');
    expect(verdict(await runOn(check, version('tmux 3.0a'))).status).toBe('pass');
  });

  it('warns for 2.5 and for releases before 2.0', async () => {
    const r = verdict(await runOn(check, version('tmux 2.5')));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('fixed in 2.6');
    const old = verdict(await runOn(check, version('tmux 1.9a')));
    expect(old.status).toBe('warn');
    expect(old.summary).toContain('restore skips windows whose name starts with a digit');
  });

  it('passes builds from git and skips when no version is known', async () => {
    expect(verdict(await runOn(check, version('tmux next-3.6', 'next-3.6'))).status).toBe('pass');
    const none = withFacts((f) => {
      f.tmuxBinaries = [];
      f.server = null;
    });
    expect(verdict(await runOn(check, none)).status).toBe('skip');
  });
});
