import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.launch.js';
import { fix$, HOME, healthyFacts, NOW, runOn, text$, verdict, withFacts } from '../../helpers/facts.js';

const script = (content: string, mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {}) =>
  withFacts((f) => {
    f.scripts = [
      { path: `${HOME}/scripts/tmux-wrapper.sh`, exists: true, content, size: content.length, truncated: false },
    ];
    mutate(f);
  });

describe('tmux.launch', () => {
  it('passes when nothing starts tmux on its own', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'no rc file, script, LaunchAgent or crontab line starts tmux: it is started by hand (or by a terminal profile)',
    );
    expect(r.details).toContain('sessions that exist since server start: cal-dev (3 windows)');
  });

  it('passes a wrapper that creates one saved session: restore replaces its lone pane', async () => {
    const r = verdict(await runOn(check, script('#!/bin/sh\nexec /opt/homebrew/bin/tmux new-session -A -s cal-dev\n')));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'tmux is started by ~/scripts/tmux-wrapper.sh:2 with one session: restore replaces that lone pane',
    );
    expect(r.details).toContain(
      '~/scripts/tmux-wrapper.sh:2: exec /opt/homebrew/bin/tmux new-session -A -s cal-dev   (tmux new-session cal-dev)',
    );
  });

  it('warns when a wrapper builds windows before the restore', async () => {
    const r = verdict(
      await runOn(
        check,
        script(
          '#!/bin/sh\ntmux new-session -d -s cal-dev -c ~/projects\ntmux split-window -t cal-dev\ntmux new-window -t cal-dev\ntmux new-session -A -s cal-dev\n',
        ),
      ),
    );
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      '~/scripts/tmux-wrapper.sh creates a session and then 2 window/pane commands (split-window, new-window) at start: restore keeps the panes that exist (their dirs and programs are not restored) and merges the saved layout around them',
    );
  });

  it('fails when restore.sh is run from a shell instead of tmux run-shell', async () => {
    const r = verdict(
      await runOn(
        check,
        script(
          'tmux start-server\n~/.tmux/plugins/tmux-resurrect/scripts/restore.sh\ntmux attach || tmux new-session\n',
        ),
      ),
    );
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('~/scripts/tmux-wrapper.sh:2 runs restore.sh directly from a shell');
    expect(fix$(r)).toContain('tmux run-shell /Users/admin/.tmux/plugins/tmux-resurrect/scripts/restore.sh');
  });

  it('warns on start-server without a session, and on tmux commands sent to the background', async () => {
    const start = verdict(await runOn(check, script('tmux start-server\n')));
    expect(start.status).toBe('warn');
    expect(start.summary).toContain('runs `tmux start-server` without creating a session: the server exits at once');
    const bg = verdict(await runOn(check, script('tmux new-session -d -s a & tmux new-session -d -s cal-dev\n')));
    expect(bg.status).toBe('warn');
    expect(text$(bg)).toContain('sends a tmux command to the background at start');
  });

  it('warns when an rc file attaches a session that is not in the save', async () => {
    const f = withFacts((f) => {
      f.dotfiles.find((d) => d.path.endsWith('.zshrc'))!.content =
        '[ -z "$TMUX" ] && exec tmux new-session -A -s main\n';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      '~/.zshrc:1 creates and attaches session "main", which is not in the save: after the restore you sit in that empty session while the restored ones (cal-dev) are elsewhere',
    );
  });

  it('reads LaunchAgents and the crontab', async () => {
    const plist =
      '<plist><dict><key>Label</key><string>dev.tmux</string><key>ProgramArguments</key><array><string>/opt/homebrew/bin/tmux</string><string>start-server</string></array></dict></plist>';
    const f = withFacts((f) => {
      f.launchAgents = [
        {
          path: `${HOME}/Library/LaunchAgents/dev.tmux.plist`,
          exists: true,
          content: plist,
          size: plist.length,
          truncated: false,
        },
      ];
      f.crontab = '@reboot tmux new-session -d -s cal-dev\n';
      f.server!.sessions[0]!.created = NOW - 3600;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain(
      '~/Library/LaunchAgents/dev.tmux.plist:1 runs `tmux start-server` without creating a session',
    );
    expect(r.details).toContain('crontab:1: @reboot tmux new-session -d -s cal-dev   (tmux new-session cal-dev)');
    expect(r.details).toContain('sessions that exist since server start: none');
  });
});
