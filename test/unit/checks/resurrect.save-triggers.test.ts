import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.save-triggers.js';
import type { Facts } from '../../../src/probe/facts.js';
import {
  fix$,
  HOME,
  healthyFacts,
  NOW,
  PLUGINS,
  runOn,
  SOCKET,
  text$,
  verdict,
  withFacts,
} from '../../helpers/facts.js';
import { type DirOptions, genSaveDir, nameAt, type SaveSpec, series } from '../../helpers/savedirs.js';

const MIN = 60;
const SAVE_SH = `${PLUGINS}/tmux-resurrect/scripts/save.sh`;
const setDir = (f: Facts, saves: SaveSpec[], opts: DirOptions = {}) => {
  f.saveDirs[0] = genSaveDir(saves, opts);
};
const dotfile = (f: Facts, name: string, content: string) => {
  const path = `${HOME}/${name}`;
  const d = f.dotfiles.find((x) => x.path === path);
  const tf = { path, exists: true, content, size: Buffer.byteLength(content), truncated: false };
  if (d) Object.assign(d, tf);
  else f.dotfiles.push(tf);
};
const noServer = (f: Facts) => {
  f.server = {
    ...f.server!,
    answers: false,
    error: `no server running on ${SOCKET}`,
    sessions: [],
    hooks: [],
    options: {},
    serverOptions: {},
    globalEnv: {},
    keyBindings: [],
  };
  f.sockets = [{ path: SOCKET, answers: false, timedOut: false, error: 'no server running' }];
};
const causes = (rs: Awaited<ReturnType<typeof runOn>>) => rs.filter((r) => r.status === 'fail').map((r) => r.summary);

describe('resurrect.save-triggers', () => {
  it('passes on the healthy snapshot and lists the triggers it found', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'no bad saves among 3 saves; saves are triggered by: continuum auto-save every 15 min while a client redraws the status line; prefix C-s',
    );
    expect(r.details!.some((l) => l.startsWith('trigger: status-right: continuum auto-save every 15 min'))).toBe(true);
  });

  it('state-only saves + a session-closed hook: names the hook, shows exit-empty, fix unsets it', async () => {
    const f = withFacts((f) => {
      setDir(f, [...series(3, NOW - 10 * MIN, MIN, () => 'valid'), { at: NOW - MIN, kind: 'state-only' }]);
      f.server!.hooks = [`session-closed[0] run-shell "${SAVE_SH} quiet"`];
      f.server!.serverOptions['exit-empty'] = 'off';
    });
    const rs = await runOn(check, f);
    const r = verdict(rs);
    expect(r.status).toBe('fail');
    expect(causes(rs)).toEqual([
      'cause: the tmux session-closed hook runs save.sh when a session closes; when the last one closes it saves a server with no sessions (`state` only), which becomes `last`',
    ]);
    expect(r.details).toContain(`trigger: show-hooks -g: session-closed[0] run-shell "${SAVE_SH} quiet"`);
    expect(r.details).toContain(
      'exit-empty off (the running server): the server stays up with no sessions, so every later close saves `state` only again',
    );
    expect(r.details).toContain(
      `evidence: 2025-06-02 11:29:00  ${nameAt(NOW - MIN)}: only 1 \`state\` line: a save of a server with no sessions`,
    );
    expect(r.fix![0]).toBe('tmux set-hook -gu session-closed   # now, in the running server');
  });

  it('the hook set in the config: the fix names the config line to delete', async () => {
    const f = withFacts((f) => {
      setDir(f, [
        { at: NOW - 2 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'state-only' },
      ]);
      f.server!.hooks = [`session-closed[0] run-shell "${SAVE_SH} quiet"`];
      f.configs[0]!.content += `set -g exit-empty off\nset-hook -g session-closed 'run-shell "${SAVE_SH} quiet"'\n`;
    });
    const r = verdict(await runOn(check, f));
    expect(r.fix).toContain(
      `in ~/.tmux.conf, delete line 14: set-hook -g session-closed 'run-shell "${SAVE_SH} quiet"'`,
    );
  });

  it('the report\'s "state state state" + a ~/.zlogout save: names the logout hook and its line', async () => {
    const f = withFacts((f) => {
      setDir(f, [
        { at: NOW - 20 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'racing' },
      ]);
      dotfile(f, '.zlogout', '# save tmux on logout\n~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet\n');
    });
    const rs = await runOn(check, f);
    const r = verdict(rs);
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(
      /^cause: the logout hook in ~\/\.zlogout saves from every pane's login shell as panes close/,
    );
    expect(r.details).toContain('trigger: ~/.zlogout:2: ~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet');
    expect(r.details).toContain(
      `evidence: 2025-06-02 11:29:00  ${nameAt(NOW - MIN)}: 3 \`state\` lines in one file: 3 saves ran in the same second and appended to it`,
    );
    expect(r.fix![0]).toBe('in ~/.zlogout, delete line 2: ~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet');
    expect(r.fix).toContain(
      `save while the sessions still exist instead, e.g. before \`tart stop\`: ssh admin@VM "/bin/zsh -l -c 'tmux run-shell ${SAVE_SH}'"`,
    );
  });

  it('a dangling `last` after kill-server + the logout hook, with no server left: the logout hook', async () => {
    const f = withFacts((f) => {
      noServer(f);
      setDir(
        f,
        series(3, NOW - 5 * MIN, MIN, () => 'valid'),
        { last: nameAt(NOW) },
      );
      dotfile(f, '.zlogout', 'tmux run-shell "$HOME/.tmux/plugins/tmux-resurrect/scripts/save.sh"\n');
    });
    const rs = await runOn(check, f);
    expect(causes(rs)).toHaveLength(1);
    const r = verdict(rs);
    expect(r.summary).toMatch(/^cause: the logout hook in ~\/\.zlogout/);
    expect(text$(r)).toContain(`evidence: last → ${nameAt(NOW)}, which does not exist (a save at 2025-06-02 11:30:00)`);
    expect(text$(r)).toContain('no tmux server answered: tmux hooks and continuum could only be read from the config');
  });

  it("0-byte saves + a server without Homebrew's PATH (TPM not loaded): names the server start, with the PATH fix", async () => {
    const f = withFacts((f) => {
      setDir(f, [
        { at: NOW - 30 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'empty' },
      ]);
      f.server!.globalEnv.PATH = '/usr/bin:/bin:/usr/sbin:/sbin';
      delete f.server!.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
      f.server!.options['status-right'] = '%H:%M';
    });
    const rs = await runOn(check, f);
    expect(causes(rs)).toEqual([
      "cause: the tmux server was started without Homebrew's PATH (its PATH lacks /opt/homebrew/bin), so `run-shell save.sh` cannot call tmux and writes a 0-byte save that still becomes `last`",
    ]);
    const r = verdict(rs);
    expect(r.details).toContain('server global PATH: /usr/bin:/bin:/usr/sbin:/sbin');
    expect(r.fix).toEqual(
      expect.arrayContaining([
        'add to ~/.zshenv: eval "$(/opt/homebrew/bin/brew shellenv)"',
        '/opt/homebrew/bin/tmux set-environment -g PATH /opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin',
        `/opt/homebrew/bin/tmux run-shell ${PLUGINS}/tpm/tpm`,
      ]),
    );
  });

  it('bad saves while several tmux servers answer: the wrong-server cause', async () => {
    const other = `/private/tmp/tmux-501/work`;
    const f = withFacts((f) => {
      setDir(f, [
        { at: NOW - 30 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'state-only' },
      ]);
      f.sockets.push({ path: other, answers: true, timedOut: false });
    });
    const rs = await runOn(check, f);
    expect(causes(rs)).toEqual([
      `cause: 2 tmux servers answer (${SOCKET}, ${other}); a save that reaches a server other than the one holding the sessions saves nothing or \`state\` only`,
    ]);
    expect(fix$(verdict(rs))).toContain(`tmux -S ${other} list-sessions`);
    // another server may be somebody's healthy work: nothing here ends it
    expect(fix$(verdict(rs))).not.toMatch(/kill/);
  });

  it('evidence that fits no known cause is reported as such, not guessed at', async () => {
    const f = withFacts((f) =>
      setDir(f, [
        { at: NOW - 30 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'state-only' },
        { at: NOW, kind: 'truncated' },
      ]),
    );
    const rs = await runOn(check, f);
    const r = verdict(rs);
    expect(r.status).toBe('warn');
    expect(causes(rs)).toEqual([]);
    expect(r.summary).toBe(
      'bad saves (state-only, damaged) that fit no known cause: the facts do not say what wrote them',
    );
    expect(text$(r)).not.toMatch(/^cause: /m);
    expect(r.details).toContain(
      `evidence: 2025-06-02 11:29:00  ${nameAt(NOW - MIN)}: only 1 \`state\` line: a save of a server with no sessions`,
    );
  });

  it('a named cause and leftover evidence: both reported', async () => {
    const f = withFacts((f) => {
      setDir(f, [
        { at: NOW - 30 * MIN, kind: 'valid' },
        { at: NOW - 2 * MIN, kind: 'malformed' },
        { at: NOW - MIN, kind: 'state-only' },
      ]);
      f.server!.hooks = [`session-closed[0] run-shell "${SAVE_SH} quiet"`];
    });
    const rs = await runOn(check, f);
    expect(rs.map((r) => r.status)).toEqual(['fail', 'warn']);
    expect(rs[1]!.summary).toBe(
      'more bad saves (damaged) that fit no known cause: the facts do not say what wrote them',
    );
    expect(rs[0]!.details).toContain(
      'exit-empty on (the running server): the server exits after the last session, but the hook still saves once before it goes',
    );
  });

  it('a logout hook with no bad save yet fails: it will destroy saves as panes close', async () => {
    const f = withFacts((f) => dotfile(f, '.bash_logout', 'bash ~/.tmux/plugins/tmux-resurrect/scripts/save.sh\n'));
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      "~/.bash_logout:1 saves from every pane's logout: it fires as panes/sessions close and will clobber `last` (no bad save from it yet)",
    );
    expect(r.fix).toEqual(['in ~/.bash_logout, delete line 1: bash ~/.tmux/plugins/tmux-resurrect/scripts/save.sh']);
  });

  it('a script running save.sh directly from a non-login shell without tmux: 0-byte saves named', async () => {
    const f = withFacts((f) => {
      setDir(f, [
        { at: NOW - 30 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'empty' },
      ]);
      f.execTmux = undefined;
      f.env.path = '/usr/bin:/bin:/usr/sbin:/sbin';
      f.scripts = [
        {
          path: `${HOME}/scripts/save-tmux.sh`,
          exists: true,
          content: '#!/bin/sh\n# save before stop\nbash ~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet\n',
          size: 80,
          truncated: false,
        },
      ];
    });
    const rs = await runOn(check, f);
    expect(causes(rs)).toEqual([
      'cause: ~/scripts/save-tmux.sh:3 runs save.sh directly from a non-login shell, where tmux is not on PATH: every tmux call in it fails and the save is 0 bytes',
    ]);
  });

  it('a logout file calling a saving script is a logout hook; cron and key bindings are listed', async () => {
    const f = withFacts((f) => {
      setDir(f, [
        { at: NOW - 30 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'state-only' },
      ]);
      f.scripts = [
        {
          path: `${HOME}/scripts/tmux-save.sh`,
          exists: true,
          content: `tmux run-shell ${SAVE_SH}\n`,
          size: 60,
          truncated: false,
        },
      ];
      dotfile(f, '.zlogout', '[ -n "$TMUX" ] && ~/scripts/tmux-save.sh\n');
      f.crontab = `# m h dom mon dow command\n*/5 * * * * ${SAVE_SH} quiet\n`;
    });
    const rs = await runOn(check, f);
    const r = verdict(rs);
    expect(r.summary).toMatch(/^cause: the logout hook in ~\/\.zlogout/);
    expect(r.details).toContain('trigger: ~/.zlogout:1: [ -n "$TMUX" ] && ~/scripts/tmux-save.sh');
    const t = text$(r);
    expect(t).toContain(
      'trigger: ~/scripts/tmux-save.sh:1: whenever this script runs (a save over SSH, e.g. before `tart stop`)',
    );
    expect(t).toContain(
      "trigger: crontab line 2: on the cron schedule, with cron's minimal environment (PATH without Homebrew)",
    );
    expect(t).toContain('trigger: list-keys: prefix C-s (manual save)');
  });

  it('no server: hooks come from the config', async () => {
    const f = withFacts((f) => {
      noServer(f);
      setDir(f, [
        { at: NOW - 30 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'state-only' },
      ]);
      f.configs[0]!.content += `set-hook -g session-closed "run-shell '${SAVE_SH} quiet'"\n`;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.details).toContain(
      `trigger: ~/.tmux.conf:13: set-hook -g session-closed "run-shell '${SAVE_SH} quiet'" (set in ~/.tmux.conf:13)`,
    );
    expect(r.details).toContain(
      "exit-empty on (tmux's default): the server exits after the last session, but the hook still saves once before it goes",
    );
  });
});
