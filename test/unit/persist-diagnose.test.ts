import { describe, expect, it } from 'vitest';
import { logoutHooks } from '../../src/domain/resurrect/logout-hooks.js';
import { diagnose } from '../../src/persist/diagnose.js';
import type { ServerState } from '../../src/persist/layout.js';

const SAVED = 'tmux_resurrect_20261124T131802.txt';
const CONTENT =
  'pane\tcal-doctor-e2e\t0\t1\t:*\t0\tmac\t:/Users/admin\t1\tzsh\t:\nwindow\tcal-doctor-e2e\t0\t:zsh\t1\t:*\tb25d,80x24,0,0,0\t:\nstate\t\t\n';

const server = (over: Partial<ServerState> = {}): ServerState => ({
  answers: true,
  pid: 1,
  startTime: 100,
  continuumRestore: 'on',
  captureContents: true,
  saveScript: '/p/save.sh',
  restoreScript: '/p/restore.sh',
  tpmLoaded: true,
  sessions: [{ id: '$0', name: '0', windows: 1, attached: 0, created: 100 }],
  panes: [],
  ...over,
});

const base = {
  session: 'cal-doctor-e2e',
  savedName: SAVED,
  savedContent: CONTENT,
  lastAfterShutdown: { state: 'file', link: SAVED, content: CONTENT },
  markerBeforeRestore: false,
  settleKinds: ['continuum_restore', 'restore'],
  settleTimedOut: false,
  after: server(),
  halt: false,
  logoutHooks: [] as string[],
  mismatches: ['session cal-doctor-e2e is not there'],
  startCommand: `exec "$SHELL" -l -c 'exec "$(command -v tmux)" new-session -d'`,
};

describe('diagnose', () => {
  it('a logout hook that left `last` dangling during the shutdown', () => {
    const d = diagnose({
      ...base,
      lastAfterShutdown: { state: 'dangling', link: 'tmux_resurrect_20261124T131803.txt' },
      logoutHooks: ['~/.zlogout:1: ~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet'],
      settleKinds: [],
    });
    expect(d.cause).toBe('logout-hook');
    expect(d.summary).toMatch(
      /a logout hook saved while the server shut down.*dangling \(→ tmux_resurrect_20261124T131803\.txt/,
    );
    expect(d.details[0]).toBe('logout hook: ~/.zlogout:1: ~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet');
    expect(d.fix[0]).toMatch(/remove the save\.sh line/);
  });

  it('a state-only save written over `last` without a logout hook in sight', () => {
    const d = diagnose({
      ...base,
      lastAfterShutdown: { state: 'file', link: 'tmux_resurrect_20261124T131803.txt', content: 'state\t\t\n' },
    });
    expect(d.cause).toBe('save-during-shutdown');
    expect(d.summary).toMatch(/state-only, 0 session\(s\), 0 window\(s\), 0 pane\(s\), 1 state line/);
  });

  it('the start command made the session first: blocks the restore', () => {
    const d = diagnose({
      ...base,
      markerBeforeRestore: true,
      mismatches: ['window 0 (e2e-scroll) has 2 pane(s), not 1'],
    });
    expect(d.cause).toBe('start-command');
    expect(d.summary).toMatch(/blocks the restore/);
    expect(d.details).toContain('restored layout: window 0 (e2e-scroll) has 2 pane(s), not 1');
  });

  it('continuum never restored: each reason in turn', () => {
    const none = { ...base, settleKinds: [] };
    expect(diagnose({ ...none, after: server({ tpmLoaded: false }) }).summary).toMatch(/TPM did not run/);
    expect(diagnose({ ...none, after: server({ restoreScript: undefined }) }).summary).toMatch(
      /tmux-resurrect is not loaded/,
    );
    const off = diagnose({ ...none, after: server({ continuumRestore: undefined }) });
    expect(off.summary).toMatch(/@continuum-restore is not set \(default off\)/);
    expect(off.fix[0]).toMatch(/@continuum-restore 'on'/);
    expect(diagnose({ ...none, halt: true }).summary).toMatch(/tmux_no_auto_restore/);
    const seen = diagnose({ ...none, otherTmux: ['19609 tmux new-session -d -s cal-dev'] });
    expect(seen.summary).toMatch(/other tmux processes of this user run .*: 19609 tmux new-session -d -s cal-dev$/);
    expect(seen.fix[0]).toMatch(/end the other tmux server/);
    const other = diagnose(none);
    expect(other.cause).toBe('no-restore');
    expect(other.summary).toMatch(/another tmux server/);
    expect(other.details).toEqual([]);
  });

  it("continuum's own start-up tests, as the doctor's checks saw them on the restarted server, name the cause", () => {
    const outcome = (id: string, status: 'pass' | 'warn' | 'fail', summary: string) => ({
      id,
      category: 'continuum',
      title: id,
      status,
      summary,
      details: [`${id} evidence`],
      fix: [`${id} fix`],
      durationMs: 1,
    });
    const none = { ...base, settleKinds: [] };
    const d = diagnose({
      ...none,
      checks: [
        outcome('plugins.continuum', 'pass', 'auto-restore on'),
        outcome('continuum.restore-window', 'fail', 'continuum loaded 14 s after the server started, past 10 s'),
      ],
    });
    expect(d.cause).toBe('no-restore');
    expect(d.summary).toBe(
      'continuum did not restore: continuum did not start a restore: continuum loaded 14 s after the server started, past 10 s (continuum.restore-window)',
    );
    expect(d.details).toEqual(['continuum.restore-window evidence']);
    expect(d.fix).toEqual(['continuum.restore-window fix']);
    // checks that passed leave the general reason
    const clear = diagnose({ ...none, checks: [outcome('continuum.server-count', 'pass', 'no other server')] });
    expect(clear.summary).toMatch(/another tmux server/);
  });

  it('a start command running plain `tmux` is named as the race continuum loses now and then', () => {
    const d = diagnose({ ...base, settleKinds: [], startCommand: 'tmux new-session -d' });
    expect(d.details.join('\n')).toMatch(/plain `tmux`.*tmux-continuum #90/);
    expect(d.fix[0]).toMatch(/full path/);
    expect(
      diagnose({ ...base, settleKinds: [], startCommand: '/opt/homebrew/bin/tmux new-session -d' }).details,
    ).toEqual([]);
  });

  it('restore ran but the session is not as saved', () => {
    const d = diagnose(base);
    expect(d.cause).toBe('restore-incomplete');
    expect(diagnose({ ...base, settleTimedOut: true }).cause).toBe('restore-slow');
    expect(diagnose({ ...base, after: server({ answers: false, error: 'no server running' }) }).cause).toBe(
      'no-server',
    );
  });
});

describe('logoutHooks', () => {
  it('finds save lines in logout files, not comments, not other dotfiles', () => {
    const dot = (path: string, content: string) => ({
      path,
      exists: true,
      content,
      size: content.length,
      truncated: false,
    });
    const hooks = logoutHooks({
      host: { home: '/Users/admin' } as never,
      dotfiles: [
        dot(
          '/Users/admin/.zlogout',
          '# ~/.tmux/plugins/tmux-resurrect/scripts/save.sh\nclear\n~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet\n',
        ),
        dot('/Users/admin/.zshrc', 'alias s=~/.tmux/plugins/tmux-resurrect/scripts/save.sh\n'),
        dot('/Users/admin/.bash_logout', 'tmux run-shell ~/.tmux/plugins/tmux-resurrect/scripts/save.sh\n'),
      ],
    });
    expect(hooks).toEqual([
      '~/.zlogout:3: ~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet',
      '~/.bash_logout:1: tmux run-shell ~/.tmux/plugins/tmux-resurrect/scripts/save.sh',
    ]);
    expect(logoutHooks(undefined)).toEqual([]);
  });
});
