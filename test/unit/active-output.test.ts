// The round trip's output reader and per-environment verdict (src/active/roundtrip-output.ts),
// on records shaped like the script prints them.
import { describe, expect, it } from 'vitest';
import { type EnvLabel, expectedPanes, STEPS } from '../../src/active/roundtrip.js';
import { compareLayout, parsePaneList } from '../../src/active/roundtrip-layout.js';
import { type EnvRun, parseRoundtripOutput, SAVEFILE_CAP } from '../../src/active/roundtrip-output.js';
import { judgeRun, outputLines } from '../../src/active/roundtrip-verdict.js';
import { BREW_SAVE_OUT, healthyOutput, layoutSave, paneList, ROOT, raw, rec } from '../harness/active.js';

const judge = (run: EnvRun | undefined, label: EnvLabel = 'nonlogin') =>
  judgeRun(run, label, { budgetSec: 3.8, runShellTimeoutSec: 3 });
const text = (v: ReturnType<typeof judge>) => [v.reason ?? '', ...v.evidence, ...v.notes].join('\n');

describe('parseRoundtripOutput', () => {
  it('reads the runner record, both runs, their steps and the save file', () => {
    const out = parseRoundtripOutput(healthyOutput());
    expect(out.complete).toBe(true);
    expect(out.error).toBeUndefined();
    expect(out).toMatchObject({
      tmpDir: '/tmp/cal-doctor.Ab12Cd34',
      clock: 'ns',
      budgetSec: 3.8,
      shell: '/bin/zsh',
      totalMs: 1890,
      reaped: 0,
      removed: true,
    });
    for (const label of ['login', 'nonlogin'] as const) {
      const run = out.runs[label]!;
      expect(run).toMatchObject({ label, ran: true, rc: 0 });
      expect(run.steps.map((s) => s.name)).toEqual([...STEPS]);
      expect(run.steps.every((s) => s.status === 'ok' && typeof s.ms === 'number')).toBe(true);
      expect(run.saveFile?.bytes.toString()).toBe(layoutSave({ label }));
      expect(run.cleanupMs).toBe(3);
    }
    expect(out.runs.login!.steps[1]!.items.srvpath).toBe('/opt/homebrew/bin:/usr/bin:/bin');
  });

  it('decodes GNU-wrapped base64 and values with newlines, NUL-free', () => {
    const long = `${'x'.repeat(300)}\nline two`;
    const out = parseRoundtripOutput(
      rec('nonlogin.step.0', ['name=env', 'status=fail', 'ms=4', `out=${long}`], true) +
        rec('rt', ['nonlogin.ran=1', 'nonlogin.rc=0']) +
        '@@end\n',
    );
    expect(out.runs.nonlogin!.steps[0]!.items.out).toBe(long);
  });

  it('an output without @@end is incomplete, and still read', () => {
    const out = parseRoundtripOutput(rec('nonlogin.step.0', ['name=env', 'status=ok', 'ms=1']));
    expect(out.complete).toBe(false);
    expect(out.runs.nonlogin!.steps).toHaveLength(1);
    expect(out.runs.login).toBeUndefined();
  });

  it('reports a runner that could not start', () => {
    expect(parseRoundtripOutput('@@nobase64\n@@end\n').error).toMatch(/base64/);
    expect(
      parseRoundtripOutput(
        `${rec('rt', ['error=mktemp -d /tmp/cal-doctor.XXXXXXXX failed: Read-only file system'])}@@end\n`,
      ).error,
    ).toMatch(/mktemp/);
  });

  it('a login run the runner could not start is there, not ran', () => {
    const out = parseRoundtripOutput(`${rec('rt', ['login.ran=0', 'nonlogin.ran=1', 'nonlogin.rc=0'])}@@end\n`);
    expect(out.runs.login).toMatchObject({ ran: false, steps: [] });
  });

  it('caps the save file and says so', () => {
    const big = Buffer.alloc(SAVEFILE_CAP + 1, 'a');
    const out = parseRoundtripOutput(`${raw('nonlogin.savefile', big) + rec('rt', ['nonlogin.ran=1'])}@@end\n`);
    expect(out.runs.nonlogin!.saveFile).toMatchObject({ truncated: true });
    expect(out.runs.nonlogin!.saveFile!.bytes.length).toBe(SAVEFILE_CAP);
  });

  it('never throws on garbage', () => {
    for (const junk of [
      '',
      'hello',
      '@@',
      '@@login.step.0\n!!!\n',
      Buffer.from([0, 255, 10, 64, 64]),
      '@@rt\nAAAA\n@@end',
    ]) {
      expect(() => parseRoundtripOutput(junk)).not.toThrow();
    }
  });
});

describe('compareLayout', () => {
  const exact = () =>
    expectedPanes().map((p) => ({ session: p.session, window: p.window, pane: p.pane, dir: `${ROOT}/${p.dir}` }));

  it('the layout itself has no problems; /private/tmp and /tmp are one dir', () => {
    expect(compareLayout(exact(), ROOT)).toEqual({ problems: [], extraSessions: [] });
    expect(
      compareLayout(
        exact().map((p) => ({ ...p, dir: p.dir.replace(/^\/private/, '') })),
        ROOT,
      ).problems,
    ).toEqual([]);
  });

  it('names a missing session, a missing pane and a wrong dir', () => {
    const panes = exact()
      .filter((p) => p.session !== 'cal-rt-2')
      .filter((p) => !(p.window === 1 && p.pane === 1))
      .map((p) => (p.window === 0 ? { ...p, dir: '/Users/admin' } : p));
    expect(compareLayout([...panes, { session: '0', window: 0, pane: 0, dir: '/' }], ROOT)).toEqual({
      problems: [
        `pane cal-rt-1:0.0 is in /Users/admin, the layout in ${ROOT}/alpha`,
        'window cal-rt-1:1 has 1 pane(s), the layout 2',
        'session cal-rt-2 is missing',
      ],
      extraSessions: ['0'],
    });
  });

  it('parsePaneList reads the US-separated list-panes lines and skips junk', () => {
    expect(parsePaneList(`a\x1f0\x1f1\x1f/x y\nbroken\nb\x1fz\x1f0\x1f/`)).toEqual([
      { session: 'a', window: 0, pane: 1, dir: '/x y' },
    ]);
  });
});

describe('judgeRun', () => {
  const healthy = () => parseRoundtripOutput(healthyOutput());

  it('a healthy run is ok, with its step times and what tmux it used', () => {
    const v = judge(healthy().runs.nonlogin);
    expect(v).toMatchObject({
      ok: true,
      ran: true,
      tmux: '/opt/homebrew/bin/tmux',
      how: 'path',
      serverTmux: '/opt/homebrew/bin/tmux',
    });
    expect(v.failedStep).toBeUndefined();
    expect(v.steps.map((s) => s.state)).toEqual(STEPS.map(() => 'ok'));
    expect(v.totalMs).toBe(8 * 100);
    expect(v.save?.counts).toMatchObject({ sessions: 2, windows: 3, panes: 4 });
  });

  it('the Homebrew case: save.sh cannot run tmux → save failed, with the output and the fallback dir', () => {
    const out = parseRoundtripOutput(healthyOutput({ brewNonLogin: true }));
    const v = judge(out.runs.nonlogin);
    expect(v).toMatchObject({
      ok: false,
      failedStep: 'save',
      cause: 'tmux-not-on-server-path',
      how: 'fallback',
      serverTmux: '',
    });
    expect(v.reason).toMatch(/save\.sh could not run tmux: the server's PATH has no tmux/);
    expect(text(v)).toMatch(/tmux: command not found/);
    expect(text(v)).toMatch(/fallback dir .*home\/\.local\/share\/tmux\/resurrect.*\(0 bytes\)/);
    expect(text(v)).toMatch(/loading resurrect\.tmux did not set @resurrect-save-script-path/);
    expect(v.steps.map((s) => s.state)).toEqual(['ok', 'ok', 'ok', 'warn', 'fail', 'not run', 'not run', 'not run']);
    expect(judge(out.runs.login, 'login').ok).toBe(true);
  });

  it('save.sh not executable: Permission denied, with its ls line', () => {
    const run = parseRoundtripOutput(
      healthyOutput({
        save: {
          status: 'fail',
          items: {
            rc: '126',
            out: "sh: 1: '/p/tmux-resurrect/scripts/save.sh': Permission denied",
            'script.ls': '-rw-r--r-- 1 501 20 8307 Jun  2 09:00 /p/tmux-resurrect/scripts/save.sh',
          },
          noSave: true,
        },
      }),
    ).runs.nonlogin;
    const v = judge(run);
    expect(v).toMatchObject({ failedStep: 'save', cause: 'script-not-executable' });
    expect(text(v)).toContain('-rw-r--r-- 1 501 20 8307');
  });

  it('save.sh missing: exit 127, not a tmux problem', () => {
    const run = parseRoundtripOutput(
      healthyOutput({
        save: { status: 'fail', items: { rc: '127', out: 'sh: 1: /p/scripts/save.sh: not found' }, noSave: true },
      }),
    ).runs.nonlogin;
    expect(judge(run)).toMatchObject({ failedStep: 'save', cause: 'script-missing' });
  });

  it('a hung save.sh: killed at the run-shell bound', () => {
    const run = parseRoundtripOutput(
      healthyOutput({ save: { status: 'fail', items: { rc: '137', out: '' }, noSave: true } }),
    ).runs.nonlogin;
    const v = judge(run);
    expect(v).toMatchObject({ failedStep: 'save', cause: 'timeout' });
    expect(v.reason).toBe('save.sh did not finish within 3 s');
  });

  it('a save holding only the state line', () => {
    const run = parseRoundtripOutput(healthyOutput({ saveBytes: 'state\t\t\n' })).runs.nonlogin;
    const v = judge(run);
    expect(v).toMatchObject({ failedStep: 'save', cause: 'save-invalid' });
    expect(v.reason).toMatch(/only the `state` line/);
  });

  it('a save that misses a session', () => {
    const run = parseRoundtripOutput(healthyOutput({ saveBytes: layoutSave({ without: 'cal-rt-2' }) })).runs.nonlogin;
    const v = judge(run);
    expect(v).toMatchObject({
      failedStep: 'save',
      cause: 'save-invalid',
      reason: 'the save file does not hold the layout',
    });
    expect(v.evidence).toContain('session cal-rt-2 is missing');
  });

  it('a 0-byte save without any error message', () => {
    const run = parseRoundtripOutput(
      healthyOutput({ save: { status: 'fail', items: { rc: '0', out: '' } }, saveBytes: '' }),
    ).runs.nonlogin;
    expect(judge(run)).toMatchObject({
      failedStep: 'save',
      cause: 'other',
      reason: 'save.sh wrote a 0-byte save file',
    });
  });

  it('a restore that rebuilt something else', () => {
    const panes = paneList().split('\n').slice(0, 2).join('\n');
    const run = parseRoundtripOutput(healthyOutput({ restorePanes: `${panes}\n0\x1f0\x1f0\x1f/` })).runs.nonlogin;
    const v = judge(run);
    expect(v).toMatchObject({ failedStep: 'restore', cause: 'layout-mismatch' });
    expect(v.evidence).toContain('session cal-rt-2 is missing');
  });

  it('extra sessions after a good restore are a note, not a failure', () => {
    const run = parseRoundtripOutput(healthyOutput({ restorePanes: `${paneList()}\n0\x1f0\x1f0\x1f/` })).runs.nonlogin;
    const v = judge(run);
    expect(v.ok).toBe(true);
    expect(v.notes.join('\n')).toMatch(/also has session\(s\) 0/);
  });

  it('a run killed at the budget: the step after the last record timed out', () => {
    const run = parseRoundtripOutput(healthyOutput({ cutAfter: 'load', rc: 137 })).runs.nonlogin;
    const v = judge(run);
    expect(v).toMatchObject({ failedStep: 'save', cause: 'timeout' });
    expect(v.reason).toMatch(/3\.8 s budget/);
    expect(v.steps.map((s) => s.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'timed out', 'not run', 'not run', 'not run']);
  });

  it('a login shell that never ran the script: its own output is the evidence', () => {
    const out = parseRoundtripOutput(
      `${rec('rt', ['login.ran=1', 'login.rc=137', 'login.log=waiting for ssh-agent…'])}@@end\n`,
    );
    const v = judge(out.runs.login, 'login');
    expect(v).toMatchObject({ failedStep: 'env', cause: 'login-shell' });
    expect(v.reason).toMatch(/did not start the round trip within 3\.8 s/);
    expect(v.evidence.join('\n')).toContain('waiting for ssh-agent');
  });

  it('no tmux at all', () => {
    const out = parseRoundtripOutput(
      rec('nonlogin.step.0', [
        'name=env',
        'status=fail',
        'ms=3',
        'path=/usr/bin:/bin',
        'found=',
        'out=tmux is not on this PATH, and no other tmux binary is executable (none known)',
      ]) +
        rec('rt', ['nonlogin.ran=1', 'nonlogin.rc=0']) +
        '@@end\n',
    );
    expect(judge(out.runs.nonlogin)).toMatchObject({
      failedStep: 'env',
      cause: 'no-tmux',
      reason: 'tmux is not on this PATH, and no other tmux binary is executable (none known)',
    });
  });

  it('a run that was not started', () => {
    const v = judge(undefined, 'login');
    expect(v).toMatchObject({ ran: false, ok: false });
    expect(v.steps.every((s) => s.state === 'not run')).toBe(true);
  });

  it('the brew output is folded: repeated lines once with a count', () => {
    expect(outputLines(BREW_SAVE_OUT)).toContain('/p/scripts/helpers.sh: line 20: tmux: command not found (×4)');
    expect(outputLines(Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n'))).toHaveLength(13);
  });
});
