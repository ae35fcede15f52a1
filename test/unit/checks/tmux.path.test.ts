import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.path.js';
import { fix$, healthyFacts, runOn, text$, verdict, withFacts } from '../../helpers/facts.js';

/** The reporting user's machine: Homebrew on PATH only through ~/.zprofile. */
const loginOnly = () =>
  withFacts((f) => {
    delete f.execTmux;
    f.env.path = '/usr/bin:/bin:/usr/sbin:/sbin';
    f.tmuxBinaries[0]!.foundBy = ['login', 'known-location'];
    f.dotfiles = f.dotfiles.filter((d) => !d.path.endsWith('.zshenv'));
  });

describe('tmux.path', () => {
  it('passes when both shells find /opt/homebrew/bin/tmux', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('tmux is /opt/homebrew/bin/tmux for non-login and login shells');
  });

  it('fails when only login shells find tmux, with the ~/.zshenv brew shellenv fix', async () => {
    const r = verdict(await runOn(check, loginOnly()));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('only on the login PATH (/opt/homebrew/bin/tmux)');
    expect(fix$(r)).toContain('add to ~/.zshenv: eval "$(/opt/homebrew/bin/brew shellenv)"');
    expect(r.details).toContain('non-login `command -v tmux`: not found');
    expect(r.details).toContain('non-login PATH: /usr/bin:/bin:/usr/sbin:/sbin');
  });

  it('uses an export PATH line for a tmux outside Homebrew and ~/.bashrc for bash', async () => {
    const f = loginOnly();
    f.host.shell = '/bin/bash';
    f.login.tmux = '/opt/tools/bin/tmux';
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(fix$(r)).toContain('~/.bashrc');
    expect(fix$(r)).toContain('export PATH=/opt/tools/bin:"$PATH"');
  });

  it('fails when neither shell finds tmux, suggesting an install', async () => {
    const f = withFacts((f) => {
      delete f.execTmux;
      delete f.login.tmux;
      f.tmuxBinaries = [];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('tmux not found by non-login or login shells');
    expect(fix$(r)).toContain('brew install tmux');
  });

  it('points at a binary in a known location that is on no PATH', async () => {
    const f = withFacts((f) => {
      delete f.execTmux;
      delete f.login.tmux;
      f.tmuxBinaries[0]!.foundBy = ['known-location'];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(fix$(r)).toContain('tmux is installed at /opt/homebrew/bin/tmux but on no PATH');
  });

  it('warns when the login shell timed out', async () => {
    const f = withFacts((f) => {
      f.login = { ok: false, timedOut: true };
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('the login shell timed out');
    expect(text$(r)).toContain('/opt/homebrew/bin/tmux');
  });

  it('warns when the login shell failed, with its error', async () => {
    const f = withFacts((f) => {
      f.login = { ok: false, timedOut: false, error: 'zsh: .zprofile:3: command not found: brew' };
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('command not found: brew');
  });

  it('fails when the non-login shell lacks tmux and the login shell could not be checked', async () => {
    const f = loginOnly();
    f.login = { ok: false, timedOut: true };
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('tmux is not on the non-login PATH, and the login shell timed out');
  });

  it('warns when a login file hides tmux that non-login shells find', async () => {
    const f = withFacts((f) => {
      delete f.login.tmux;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('not by a login shell');
  });
});
