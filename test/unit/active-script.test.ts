// The round-trip script builder (src/active/roundtrip.ts): data quoted, layout generated,
// the script parses under dash and bash --posix and passes shellcheck.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildRoundtripScript,
  envScript,
  expectedPanes,
  LAYOUT,
  layoutCounts,
  layoutShell,
  type RoundtripScriptOptions,
} from '../../src/active/roundtrip.js';
import { shellWord as shQuote } from '../../src/remote/assemble.js';

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const SHELLCHECK = which('shellcheck');
const SHELLS = [
  { name: 'dash', cmd: which('dash'), args: [] as string[] },
  { name: 'bash --posix', cmd: which('bash'), args: ['--posix'] },
].filter((s): s is { name: string; cmd: string; args: string[] } => s.cmd !== undefined);

const BASE: RoundtripScriptOptions = {
  pluginDir: '/Users/admin/.tmux/plugins/tmux-resurrect',
  tmuxFallback: '/opt/homebrew/bin/tmux',
  id: '0123abcd',
  tmuxTimeoutSec: 2,
  runShellTimeoutSec: 3,
  budgetSec: 3.8,
};

const HOSTILE = `/tmp/it's "a" $(touch /tmp/pwned) \`id\` $HOME; x\nnext line\\`;

const dir = mkdtempSync(join(tmpdir(), 'cal-rt-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` with `sh -c` and returns what it printed. */
function sh(script: string, shell = SHELLS[0]!): string {
  const r = spawnSync(shell.cmd, [...shell.args, '-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${shell.name}: ${r.stderr}`);
  return r.stdout;
}

describe('shQuote', () => {
  it.each(['', 'plain', 'a b', "it's", "''", '$HOME `id` $(id) \\ "q"', 'new\nline', HOSTILE])(
    '%j survives the shell unchanged',
    (s) => {
      for (const shell of SHELLS) expect(sh(`x=${shQuote(s)}; printf %s "$x"`, shell)).toBe(s);
    },
  );

  it('refuses a NUL byte', () => {
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('the layout', () => {
  it('is 2 sessions, 3 windows, a split pane and a dir with a space', () => {
    expect(layoutCounts()).toEqual({ sessions: 2, windows: 3, panes: 4 });
    expect(LAYOUT.some((s) => s.windows.some((w) => w.panes.length > 1))).toBe(true);
    expect(expectedPanes().some((p) => p.dir.includes(' '))).toBe(true);
  });

  it('becomes quoted tmux argv: one new-session to start, the rest in one call', () => {
    expect(layoutShell()).toBe(
      [
        '# the layout (generated from LAYOUT in roundtrip.ts)',
        'rt_layout_mkdirs() {',
        `\tmkdir -p "$rt_w"/'layout/alpha' "$rt_w"/'layout/my project'`,
        '}',
        'rt_layout_start() {',
        `\trt_tm "$rt_sock" -f "$rt_conf" new-session -d -P -F '#{pid}' -x 160 -y 48 -s 'cal-rt-1' -c "$rt_L"/'alpha'`,
        '}',
        'rt_layout_rest() {',
        `\trt_tm "$rt_sock" new-window -d -t 'cal-rt-1:1' -c "$rt_L"/'my project' ';' split-window -d -t 'cal-rt-1:1' -c "$rt_L"/'alpha' ';' new-session -d -x 160 -y 48 -s 'cal-rt-2' -c "$rt_L"/'my project'`,
        '}',
        '',
      ].join('\n'),
    );
  });

  it('a one-pane layout needs no second call', () => {
    expect(layoutShell([{ name: 'one', windows: [{ panes: ['d'] }] }])).toContain(
      'rt_layout_rest() {\n\t_rc=0\n\t_o=\n}',
    );
  });

  it.each([
    [[], /no session/],
    [[{ name: 'a:b', windows: [{ panes: ['d'] }] }], /session name/],
    [[{ name: 'a', windows: [{ panes: ['../up'] }] }], /plain relative path/],
    [[{ name: 'a', windows: [{ panes: ['/abs'] }] }], /plain relative path/],
    [[{ name: 'a', windows: [] }], /no window/],
    [
      [
        { name: 'a', windows: [{ panes: ['d'] }] },
        { name: 'a', windows: [{ panes: ['d'] }] },
      ],
      /twice/,
    ],
  ])('rejects a bad layout %#', (layout, err) => {
    expect(() => layoutShell(layout)).toThrow(err);
  });
});

describe('buildRoundtripScript', () => {
  it('carries plugin dir and tmux path single-quoted, whatever they hold', () => {
    const s = buildRoundtripScript({ ...BASE, pluginDir: `${HOSTILE}/tmux-resurrect`, tmuxFallback: HOSTILE });
    expect(s).toContain(`CAL_RT_PLUGIN=${shQuote(`${HOSTILE}/tmux-resurrect`)}\n`);
    expect(s).toContain(`CAL_RT_TMUX=${shQuote(HOSTILE)}\n`);
    // the values come back verbatim when the header is evaluated
    const end = s.indexOf('\nCAL_RT_ENVS=');
    expect(end).toBeGreaterThan(0);
    const header = s.slice(0, end);
    for (const shell of SHELLS) {
      expect(sh(`${header}\nprintf '%s|%s' "$CAL_RT_PLUGIN" "$CAL_RT_TMUX"`, shell)).toBe(
        `${HOSTILE}/tmux-resurrect|${HOSTILE}`,
      );
    }
  });

  it('sets the bounds, the id and the environments', () => {
    const s = buildRoundtripScript({ ...BASE, envs: ['nonlogin'] });
    expect(s).toMatch(/^CAL_RT_ID='0123abcd'$/m);
    expect(s).toMatch(/^CAL_RT_T=2$/m);
    expect(s).toMatch(/^CAL_RT_RS=3$/m);
    expect(s).toMatch(/^CAL_RT_BUDGET=3.8$/m);
    expect(s).toMatch(/^CAL_RT_ENVS='nonlogin'$/m);
    expect(buildRoundtripScript(BASE)).toMatch(/^CAL_RT_ENVS='login nonlogin'$/m);
    expect(buildRoundtripScript({ ...BASE, tmuxFallback: undefined })).toMatch(/^CAL_RT_TMUX=''$/m);
  });

  it('strips a trailing slash of the plugin dir', () => {
    expect(buildRoundtripScript({ ...BASE, pluginDir: '/p/tmux-resurrect/' })).toContain(
      "CAL_RT_PLUGIN='/p/tmux-resurrect'\n",
    );
  });

  it.each<[Partial<RoundtripScriptOptions>, RegExp]>([
    [{ id: 'XYZ' }, /id/],
    [{ id: 'ab' }, /id/],
    [{ id: '0123abcd; rm -rf ~' }, /id/],
    [{ pluginDir: 'relative/tmux-resurrect' }, /absolute/],
    [{ tmuxFallback: 'tmux' }, /absolute/],
    [{ budgetSec: 0 }, /budgetSec/],
    [{ runShellTimeoutSec: Number.NaN }, /runShellTimeoutSec/],
    [{ tmuxTimeoutSec: 1e6 }, /tmuxTimeoutSec/],
    [{ envs: [] }, /envs/],
    [{ envs: ['login', 'evil' as 'login'] }, /envs/],
  ])('rejects bad options %j', (bad, err) => {
    expect(() => buildRoundtripScript({ ...BASE, ...bad })).toThrow(err);
  });

  it('writes only under one mktemp dir in /tmp and ends every server it starts', () => {
    const s = buildRoundtripScript(BASE);
    expect(s).toContain('mktemp -d /tmp/cal-doctor.XXXXXXXX');
    // sockets by path inside that dir: never -L (a socket in the user's socket dir), never the default server
    expect(envScript()).toMatch(/rt_sock=\$rt_w\/cal-doctor-\$CAL_RT_ID-a/);
    expect(envScript()).toMatch(/rt_sock2=\$rt_w\/cal-doctor-\$CAL_RT_ID-b/);
    // every tmux call goes through -S with a sandbox socket
    const calls = envScript().match(/"\$rt_tmux" -[^\n]*/g) ?? [];
    expect(calls.length).toBeGreaterThan(3);
    for (const c of calls) expect(c).toMatch(/"\$rt_tmux" (-u )?(-S "\$(_ts|rt_sock|rt_sock2|1)"|-V)/);
    for (const sig of ['HUP', 'INT', 'TERM', 'PIPE']) {
      expect(s).toMatch(new RegExp(`trap 'rt_cleanup; exit \\d+' ${sig}$`, 'm'));
      expect(envScript()).toMatch(new RegExp(`trap 'rt_env_cleanup; exit \\d+' ${sig}$`, 'm'));
    }
    // no EXIT trap: bash would run it in a watchdog subshell ended by a signal before its first command
    expect(s).not.toMatch(/trap '[^']+' (\w+ )*EXIT/);
    // the ends of the runs clean up themselves
    expect(envScript()).toMatch(/\trt_env_steps\n\trt_env_cleanup\n\}/);
    // watchdogs are stopped with USR1, which no script traps
    expect(s).toContain('kill -USR1 "$_bw"');
    expect(s).not.toMatch(/kill (-TERM |-s TERM )?"\$_bw"/);
  });

  it('loads no user config, no TPM, no continuum', () => {
    const e = envScript();
    const code = e
      .split('\n')
      .filter((l) => !/^\s*#/.test(l))
      .join('\n');
    expect(e).toMatch(/-f "\$rt_conf" new-session/);
    expect(code).not.toMatch(/\.tmux\.conf|tpm|continuum|tmux"? [^\n]*-L /);
    expect(e).toContain("set -g default-command 'exec sleep 30'");
  });

  it.each(SHELLS.map((s) => [s.name, s] as const))(
    'parses under %s (runner and per-environment script)',
    (_, shell) => {
      for (const [name, text] of [
        ['runner.sh', buildRoundtripScript(BASE)],
        ['env.sh', envScript()],
      ] as const) {
        const file = join(dir, name);
        writeFileSync(file, text);
        const r = spawnSync(shell.cmd, [...shell.args, '-n', file], { encoding: 'utf8' });
        expect([name, r.status, r.stderr]).toEqual([name, 0, '']);
      }
    },
  );

  it.skipIf(!SHELLCHECK)('passes shellcheck -s sh (skipped when shellcheck is not installed)', () => {
    for (const [name, text] of [
      ['runner.sh', buildRoundtripScript({ ...BASE, pluginDir: `${HOSTILE}/x` })],
      ['env.sh', envScript()],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = spawnSync(SHELLCHECK!, ['-s', 'sh', '-f', 'gcc', file], { encoding: 'utf8' });
      expect([name, r.stdout]).toEqual([name, '']);
    }
  });
});
