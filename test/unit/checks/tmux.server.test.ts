import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.server.js';
import { fix$, healthyFacts, runOn, text$, verdict, withFacts, withStatus } from '../../helpers/facts.js';

describe('tmux.server', () => {
  it('passes with one answering server and its session', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('tmux server running with 1 session: cal-dev');
    expect(r.details).toContain('sessions: cal-dev (3 windows, attached)');
  });

  it('warns when no server runs, saying what that means for restore', async () => {
    const f = withFacts((f) => {
      f.server = {
        ...f.server!,
        answers: false,
        error: 'no server running on /private/tmp/tmux-501/default',
        sessions: [],
        clients: [],
      };
      f.sockets = [
        {
          path: '/private/tmp/tmux-501/default',
          answers: false,
          timedOut: false,
          error: 'no server running on /private/tmp/tmux-501/default',
        },
      ];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('no tmux server running: nothing to save until one starts');
    expect(fix$(r)).toContain('`last` is what the next server restores');
    expect(fix$(r)).toContain("/bin/zsh -l -c 'tmux new-session -d'; then tmux attach");
  });

  it('a hung server: resume it if stopped, look at what it waits on, never a command that ends it', async () => {
    for (const pid of [4242, null]) {
      const f = withFacts((f) => {
        f.server = { ...f.server!, answers: false, timedOut: true, pid, error: 'timed out after 2 s' };
      });
      const r = verdict(await runOn(check, f));
      expect(r.status).toBe('fail');
      expect(r.summary).toMatch(/^tmux server not responding/);
      const fix = fix$(r);
      expect(fix).toContain('kill -CONT');
      // every kill the fix names resumes a process (-CONT), none ends one
      expect(fix.match(/\bkill\b(?! -CONT)/g)).toBeNull();
      if (pid) expect(fix).toContain(`sample ${pid} 3`);
    }
  });

  it('warns the same way when the probe found no server fact at all', async () => {
    const f = withFacts((f) => {
      f.server = null;
      f.sockets = [];
    });
    expect(verdict(await runOn(check, f)).status).toBe('warn');
  });

  it('fails on a hung server, with the timeout and how to wake or end it', async () => {
    const f = withFacts((f) => {
      f.server = { ...f.server!, answers: false, timedOut: true, error: 'timed out after 2 s' };
      f.sockets[0] = { ...f.sockets[0]!, answers: false, timedOut: true };
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('tmux server not responding (timed out after 2 s)');
    expect(fix$(r)).toContain('kill -CONT 812');
    expect(fix$(r)).toContain('ps -o pid,stat,etime,command -p 812');
  });

  it('warns when a second server answers for the user (continuum refuses to auto-save)', async () => {
    const f = withFacts((f) => {
      f.sockets.push({ path: '/private/tmp/tmux-501/work', answers: true, timedOut: false });
    });
    const r = withStatus(await runOn(check, f), 'warn');
    expect(r.summary).toContain('2 tmux servers answer for this user');
    expect(r.summary).toContain('continuum');
    expect(r.details).toContain('answers: /private/tmp/tmux-501/work');
    expect(fix$(r)).toContain('tmux -S /private/tmp/tmux-501/work list-sessions');
    expect(fix$(r)).not.toMatch(/kill/); // a server that answers is not proved orphaned
  });

  it('treats /tmp and /private/tmp as the same socket', async () => {
    const f = withFacts((f) => {
      f.sockets = [{ path: '/tmp/tmux-501/default', answers: true, timedOut: false }];
    });
    expect(verdict(await runOn(check, f)).status).toBe('pass');
  });

  it("fails when the server's PATH lacks the tmux directory (the 0-byte save cause)", async () => {
    const f = withFacts((f) => {
      f.server!.globalEnv.PATH = '/usr/bin:/bin:/usr/sbin:/sbin';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain("the server's PATH lacks /opt/homebrew/bin");
    expect(r.details).toContain('server global PATH: /usr/bin:/bin:/usr/sbin:/sbin');
    expect(fix$(r)).toContain(
      '/opt/homebrew/bin/tmux set-environment -g PATH /opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    );
    expect(fix$(r)).toContain('/opt/homebrew/bin/tmux run-shell /Users/admin/.tmux/plugins/tpm/tpm');
    expect(fix$(r)).toContain('add to ~/.zshenv: eval "$(/opt/homebrew/bin/brew shellenv)"');
  });

  it('fails when PATH was removed from the server environment', async () => {
    const f = withFacts((f) => {
      f.server!.globalEnv.PATH = null;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(text$(r)).toContain('server global PATH: (removed)');
  });

  it('warns when the server has no sessions: a save now is state-only', async () => {
    const f = withFacts((f) => {
      f.server!.sessions = [];
      f.server!.serverOptions['exit-empty'] = 'off';
      f.server!.hooks = ['session-closed[0] run-shell "~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet"'];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('no sessions');
    expect(r.summary).toContain('state-only');
    expect(r.details).toContain('exit-empty: off');
    expect(text$(r)).toContain('session-closed[0]');
  });
});
