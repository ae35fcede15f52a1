// checks/resurrect.roundtrip.ts with a fake live target: when it applies, what it sends,
// and the verdict, evidence and fix it makes of the script's output.
import { describe, expect, it, vi } from 'vitest';
import check from '../../checks/resurrect.roundtrip.js';
import type { Result } from '../../src/engine/check.js';
import type { RunResult, Target } from '../../src/targets/target.js';
import { TargetError } from '../../src/targets/target.js';
import { healthyOutput, rec } from '../harness/active.js';
import { fix$, healthyFacts, PLUGINS, runOn, text$, verdict, withFacts } from '../helpers/facts.js';

class FakeTarget implements Target {
  readonly kind = 'vm' as const;
  readonly label = 'vm cal-dev (admin@192.168.64.3)';
  scripts: Array<{ script: string; timeoutMs: number }> = [];
  constructor(private readonly reply: string | Error) {}
  async runScript(script: string, opts: { timeoutMs: number }): Promise<RunResult> {
    this.scripts.push({ script, timeoutMs: opts.timeoutMs });
    if (this.reply instanceof Error) throw this.reply;
    return { stdout: Buffer.from(this.reply), stderr: '', code: 0 };
  }
  async close(): Promise<void> {}
}

async function runWith(
  reply: string | Error,
  facts = healthyFacts(),
): Promise<{ results: Result[]; target: FakeTarget }> {
  const target = new FakeTarget(reply);
  return { results: await runOn(check, facts, { target, targetKind: 'vm' }), target };
}

describe('resurrect.roundtrip: when it runs', () => {
  it('skips without --active', async () => {
    const r = await runOn(check, healthyFacts());
    expect(r).toEqual([{ status: 'skip', summary: expect.stringMatching(/^only with --active/) }]);
  });

  it('skips with a clear reason when tmux-resurrect is not installed', async () => {
    const f = withFacts((x) => {
      x.plugins.entries = x.plugins.entries.filter((e) => e.name !== 'tmux-resurrect');
    });
    const { results, target } = await runWith(healthyOutput(), f);
    expect(results).toEqual([
      {
        status: 'skip',
        summary:
          'tmux-resurrect is not installed in ~/.tmux/plugins: nothing to save or restore with (see plugins.resurrect)',
      },
    ]);
    expect(target.scripts).toEqual([]);
  });

  it('skips when no tmux was found at all', async () => {
    const f = withFacts((x) => {
      x.execTmux = undefined;
      x.login.tmux = undefined;
      x.tmuxBinaries = [];
    });
    expect((await runWith(healthyOutput(), f)).results[0]).toMatchObject({
      status: 'skip',
      summary: expect.stringMatching(/no tmux binary/),
    });
  });

  it('sends one script: the installed plugin and the fallback tmux quoted, its budget inside the engine deadline', async () => {
    const { target } = await runWith(healthyOutput());
    expect(target.scripts).toHaveLength(1);
    const { script, timeoutMs } = target.scripts[0]!;
    expect(script).toContain(`CAL_RT_PLUGIN='${PLUGINS}/tmux-resurrect'`);
    expect(script).toContain(`CAL_RT_TMUX='/opt/homebrew/bin/tmux'`);
    expect(script).toMatch(/^CAL_RT_ID='[0-9a-f]{8}'$/m); // every parameter is quoted the one way
    expect(script).toMatch(/^CAL_RT_ENVS='login nonlogin'$/m);
    const budget = Number(/^CAL_RT_BUDGET=(\S+)$/m.exec(script)![1]);
    // the check asks the engine for its own deadline; the script's budget ends well inside it
    expect(check.timeoutMs).toBeGreaterThan(5000);
    expect(budget * 1000).toBeLessThan(check.timeoutMs! - 2000);
    // the transport must never kill the runner before it has cleaned up
    expect(timeoutMs).toBeGreaterThan(budget * 1000 + 5000);
    // a new socket suffix each time
    const again = await runWith(healthyOutput());
    expect(/^CAL_RT_ID=(\S+)$/m.exec(again.target.scripts[0]!.script)![1]).not.toBe(
      /^CAL_RT_ID=(\S+)$/m.exec(script)![1],
    );
  });
});

describe('resurrect.roundtrip: verdicts', () => {
  it('passes when both environments round-trip, with the steps side by side', async () => {
    const { results } = await runWith(healthyOutput());
    expect(results).toHaveLength(1);
    const r = results[0]!;
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'a real save and restore work in an isolated server, from a login shell and from a non-login exec (login shell 800 ms, non-login exec 800 ms)',
    );
    expect(r.details).toEqual(
      expect.arrayContaining([
        'step     login (/bin/zsh -l)  non-login exec',
        'save     ok 100 ms            ok 100 ms',
        'total    800 ms               800 ms',
        'sandbox /tmp/cal-doctor.Ab12Cd34: removed; no server left',
      ]),
    );
    expect(text$(r)).toMatch(/non-login exec: tmux \/opt\/homebrew\/bin\/tmux \(on PATH\); server PATH .* has tmux/);
  });

  it('the Homebrew case: fails, names the save step and the cause, and fixes PATH for non-login shells', async () => {
    const { results } = await runWith(healthyOutput({ brewNonLogin: true }));
    const r = verdict(results);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      "resurrect works only when tmux is on the server's PATH: from a non-login exec the save failed (save.sh could not run tmux: the server's PATH has no tmux); from a login shell it works",
    );
    const t = text$(r);
    expect(t).toMatch(/save +ok 100 ms +FAIL 100 ms/);
    expect(t).toMatch(/restore +ok 100 ms +-/);
    expect(t).toMatch(
      /non-login exec: tmux \/opt\/homebrew\/bin\/tmux \(not on PATH \/usr\/bin:\/bin; started by full path\); server PATH \/usr\/bin:\/bin has no tmux/,
    );
    expect(t).toMatch(/non-login exec: save failed: save\.sh could not run tmux/);
    expect(t).toMatch(/tmux: command not found/);
    expect(fix$(r)).toMatch(/^add to ~\/\.zshenv: eval "\$\(\/opt\/homebrew\/bin\/brew shellenv\)"$/m);
    expect(fix$(r)).toMatch(/from a login shell/);
  });

  it('a non-executable save.sh fails in both environments with the chmod fix', async () => {
    const bad = {
      status: 'fail' as const,
      items: {
        rc: '126',
        out: 'sh: 1: save.sh: Permission denied',
        'script.ls': '-rw-r--r-- 1 501 20 8307 Jun  2 09:00 save.sh',
      },
      noSave: true,
    };
    const out = healthyOutput({ save: bad })
      .replace(/@@login\.step\.4[\s\S]*?(?=@@login\.cleanup)/, '') // the login run: same failure
      .replace(/@@login\.savefile\n[^\n]*\n/, '');
    const login = rec('login.step.4', [
      'name=save',
      'status=fail',
      'ms=50',
      'rc=126',
      'out=sh: 1: save.sh: Permission denied',
      'script.ls=-rw-r--r-- 1 501 20 8307 Jun  2 09:00 save.sh',
    ]);
    const { results } = await runWith(out.replace('@@login.cleanup', `${login}@@login.cleanup`));
    const r = verdict(results);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      'the round trip fails at save from a login shell and from a non-login exec: save.sh is not executable (run-shell: Permission denied)',
    );
    expect(fix$(r)).toBe(
      `chmod u+x ${PLUGINS}/tmux-resurrect/scripts/save.sh ${PLUGINS}/tmux-resurrect/scripts/restore.sh`,
    );
  });

  it("a hung save.sh: the fix watches that script in a throwaway server, not the user's", async () => {
    const r = verdict(
      (await runWith(healthyOutput({ save: { status: 'fail', items: { rc: '137', out: '' }, noSave: true } }))).results,
    );
    expect(r.summary).toBe(
      'the round trip fails from a non-login exec at save (save.sh did not finish within 3 s); from a login shell it works',
    );
    expect(fix$(r)).toBe(
      `save.sh hangs or the target is slow: watch it by hand in a throwaway server: tmux -L cal-test -f /dev/null new-session -d \\; set -g @resurrect-dir /tmp/cal-test \\; run-shell ${PLUGINS}/tmux-resurrect/scripts/save.sh; tmux -L cal-test kill-server`,
    );
  });

  it('a run the runner had to clean up after is a warning besides the verdict', async () => {
    const { results } = await runWith(
      healthyOutput().replace(
        /@@rt\n[^\n]*\n/,
        rec('rt', [
          'tmp=/tmp/cal-doctor.X',
          'login.ran=1',
          'nonlogin.ran=1',
          'login.rc=0',
          'nonlogin.rc=0',
          'reaped=1',
          'removed=0',
        ]),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['pass', 'warn']);
    expect(results[1]!.summary).toMatch(/could not be removed/);
    expect(results[1]!.fix).toEqual(['rm -rf /tmp/cal-doctor.X']);
  });

  it('a login shell that is not executable: only the non-login run, a warning', async () => {
    const out = healthyOutput()
      .replace(/@@login\.[\s\S]*?(?=@@nonlogin\.)/, '')
      .replace(
        /@@rt\n[^\n]*\n/,
        rec('rt', [
          'tmp=/tmp/cal-doctor.X',
          'shell=',
          'login.ran=0',
          'nonlogin.ran=1',
          'nonlogin.rc=0',
          'reaped=0',
          'removed=1',
        ]),
      );
    const r = verdict((await runWith(out)).results);
    expect(r.status).toBe('warn');
    expect(text$(r)).toMatch(/login shell: not run \(no executable login shell: SHELL=\(unset\)\)/);
  });

  it('answers within the engine deadline when the target does not, without killing the script', async () => {
    vi.useFakeTimers();
    try {
      let settled = false;
      const target = new FakeTarget('');
      target.runScript = () => new Promise<RunResult>(() => undefined);
      const pending = runOn(check, healthyFacts(), { target, targetKind: 'vm' }).then((r) => {
        settled = true;
        return r;
      });
      await vi.advanceTimersByTimeAsync(11_900);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(200);
      expect(settled).toBe(true);
      const r = (await pending)[0]!;
      expect(r).toMatchObject({
        status: 'error',
        summary: expect.stringMatching(/did not finish within 12 s: the target is slow/),
      });
      // and before the engine's deadline for this check would turn it into a bare timeout
      expect(12_000).toBeLessThan(check.timeoutMs!);
      expect(text$(r)).toMatch(/removes itself/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a target error is an error result, not a throw', async () => {
    const { results } = await runWith(new TargetError('the target refused to run a command: channel open failure'));
    expect(results[0]).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/could not run on the target: the target refused/),
    });
  });

  it('no base64 on the target, or nothing usable printed', async () => {
    expect((await runWith('@@nobase64\n@@end\n')).results[0]).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/base64/),
    });
    expect((await runWith('zsh: command not found: foo\n')).results[0]).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/nothing usable/),
    });
  });
});
