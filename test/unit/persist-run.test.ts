// runPersist's control flow against a scripted target: which steps run, what is refused and
// why, that nothing is changed before the user agreed, and the report's shape.
import { describe, expect, it } from 'vitest';
import { exitCode } from '../../src/engine/report.js';
import {
  type PersistOptions,
  type RestartStrategy,
  runPersist,
  StepFailure,
  serverRestart,
} from '../../src/persist/index.js';
import { US } from '../../src/persist/scripts.js';
import { type RunResult, type Target, TargetError } from '../../src/targets/target.js';

const rec = (pairs: Array<[string, string]>) =>
  `${pairs.map(([k, v]) => `@@${k}\n${Buffer.from(v).toString('base64')}`).join('\n')}\n`;
const row = (...f: Array<string | number>) => f.join(US);

/** A target that answers the inspect script with a server holding `sessions`, and records every script it is sent. */
function scripted(sessions: Array<[string, number]>, callerTmux = ''): Target & { steps: string[] } {
  const steps: string[] = [];
  return {
    kind: 'ssh',
    label: 'admin@vm',
    steps,
    async runScript(script: string): Promise<RunResult> {
      const step =
        /# cal-doctor persist: (\S+)/.exec(script)?.[1] ?? (script.includes('cal-doctor probe') ? 'probe' : '?');
      steps.push(step);
      if (step !== 'inspect') throw new Error(`unexpected step ${step}`);
      const stdout = rec([
        ['caller.tmux', callerTmux],
        ['tmux', '/opt/homebrew/bin/tmux'],
        ['home', '/Users/admin'],
        ['sock', '/private/tmp/tmux-501/default'],
        ['halt', '0'],
        ['srv.ping', '0'],
        [
          'srv.info',
          row(
            777,
            1795526588,
            '3.5a',
            'on',
            '',
            'on',
            '/s/save.sh',
            '/s/restore.sh',
            '',
            '/private/tmp/tmux-501/default',
            '15',
          ),
        ],
        [
          'srv.sessions',
          `${sessions.map(([n, w], i) => row(`$${i}`, n, w, i === 0 ? 1 : 0, 1795526588)).join('\n')}\n`,
        ],
        [
          'srv.panes',
          `${sessions
            .flatMap(([n, w]) =>
              Array.from({ length: w }, (_, i) => row(n, i, 'zsh', 0, '/Users/admin', 900 + i, `%${i}`)),
            )
            .join('\n')}\n`,
        ],
        ['other.0', `/private/tmp/tmux-501/work${US}scratch\n`],
        ['end', '1'],
      ]);
      return { stdout: Buffer.from(stdout), stderr: '', code: 0 };
    },
    async close() {},
  };
}

const never: RestartStrategy = {
  kind: 'test',
  describe: 'restart (never called here)',
  endsEverything: true,
  restart: async () => {
    throw new StepFailure('restart must not be called');
  },
};

const opts = (target: Target, extra: Partial<PersistOptions> = {}): PersistOptions => ({
  target: { kind: 'ssh', host: 'admin@vm' },
  connectTarget: async () => ({ target }),
  restart: never,
  ...extra,
});

const steps = (r: { checks: Array<{ id: string; status: string }> }) =>
  r.checks.map((c) => `${c.id.replace('persist.', '')}=${c.status}`);

describe('runPersist: refusals change nothing', () => {
  it('without --yes: exit 2, the plan and every session a restart would end (other servers too, for a VM)', async () => {
    const t = scripted([
      ['cal-dev', 3],
      ['notes', 1],
    ]);
    const r = await runPersist(opts(t));
    expect(t.steps).toEqual(['inspect']);
    expect(exitCode(r)).toBe(2);
    expect(r.persist.verdict).toBe('refused');
    expect(r.error).toEqual({
      message: 'persist restarts the tmux server: refusing without --yes',
      hint: 'run again with --yes --force to go ahead',
    });
    expect(steps(r)).toEqual([
      'preflight=fail',
      'layout=skip',
      'save=skip',
      'restart=skip',
      'restore=skip',
      'cleanup=skip',
    ]);
    const pre = r.checks[0]!;
    expect(pre.details).toEqual(
      expect.arrayContaining([
        'a VM restart ends every process in it, among them:',
        '  cal-dev: 3 windows, 3 panes, 1 client attached',
        '  notes: 1 window, 1 pane',
        '  tmux server on /private/tmp/tmux-501/work: sessions scratch',
      ]),
    );
    expect(pre.details.join('\n')).toMatch(
      /plan: make session cal-doctor-e2e .* check the restore, remove cal-doctor-e2e/,
    );
  });

  it('with --yes but other sessions: exit 2 until --force', async () => {
    const t = scripted([['cal-dev', 2]]);
    const r = await runPersist(opts(t, { yes: true, restart: serverRestart() }));
    expect(t.steps).toEqual(['inspect']);
    expect(exitCode(r)).toBe(2);
    expect(r.error?.message).toBe(
      'the server has 1 session(s) besides cal-doctor-e2e, and a restart ends them: refusing without --force',
    );
    // a server restart ends only that server: other servers are not listed
    expect(r.checks[0]!.details.join('\n')).not.toMatch(/tmux-501\/work/);
    expect(r.checks[0]!.details).toContain(
      'ending the tmux server ends these sessions and every program in their panes:',
    );
  });

  it('a marker left by an earlier run is not "another session"', async () => {
    const t = scripted([['cal-doctor-e2e', 3]]);
    const r = await runPersist(opts(t, { yes: true, restart: serverRestart(), timeouts: { tmuxSec: 1 } }));
    // passes the preflight, then fails at the first script this fake does not answer; the
    // marker may exist from then on, so cleanup runs; then the probe, for the checks that explain
    expect(steps(r).slice(0, 2)).toEqual(['preflight=pass', 'layout=error']);
    expect(t.steps).toEqual(['inspect', 'marker', 'cleanup', 'probe']);
  });

  it('a VM restart also ends the other tmux servers in it: those need --force too', async () => {
    const t = scripted([['cal-doctor-e2e', 3]]);
    const r = await runPersist(opts(t, { yes: true }));
    expect(exitCode(r)).toBe(2);
    expect(r.error?.message).toBe(
      'other tmux servers run in the VM (1), and a restart ends them: refusing without --force',
    );
    expect(t.steps).toEqual(['inspect']);
  });

  it('--local inside the very server a restart ends: refused, whatever the flags', async () => {
    const t = scripted([['cal-doctor-e2e', 3]], '/private/tmp/tmux-501/default,777,0');
    const r = await runPersist(
      opts(t, { target: { kind: 'local' }, yes: true, force: true, restart: serverRestart() }),
    );
    expect(exitCode(r)).toBe(2);
    expect(r.error).toEqual({
      message: 'cal-doctor runs inside the tmux server persist would end (/private/tmp/tmux-501/default): refusing',
      hint: 'run it from outside tmux: another terminal, or over SSH (--host)',
    });
    expect(t.steps).toEqual(['inspect']);
    // inside another server (or none): fine
    const ok = await runPersist(
      opts(scripted([['cal-doctor-e2e', 3]], '/tmp/tmux-501/work,1,0'), {
        target: { kind: 'local' },
        yes: true,
        restart: serverRestart(),
        timeouts: { tmuxSec: 1 },
      }),
    );
    expect(ok.checks[0]!.status).toBe('pass');
  });
});

describe('runPersist: could not run', () => {
  it("an unreachable target is exit 2 with the doctor's one line", async () => {
    const r = await runPersist({
      target: { kind: 'ssh', host: 'nowhere' },
      yes: true,
      connectTarget: async () => {
        throw new TargetError('connection refused by nowhere:22: nothing listens there', 'enable Remote Login');
      },
    });
    expect(exitCode(r)).toBe(2);
    expect(r.persist.verdict).toBe('could-not-run');
    expect(r.error).toEqual({
      message: 'connection refused by nowhere:22: nothing listens there',
      hint: 'enable Remote Login',
    });
    expect(steps(r)).toEqual([
      'preflight=fail',
      'layout=skip',
      'save=skip',
      'restart=skip',
      'restore=skip',
      'cleanup=skip',
    ]);
  });

  it('Ctrl-C before anything: interrupted, nothing made', async () => {
    const ac = new AbortController();
    ac.abort();
    const t = scripted([]);
    const r = await runPersist(opts(t, { yes: true, signal: ac.signal }));
    expect(r.persist.verdict).toBe('interrupted');
    expect(steps(r)).toEqual([
      'preflight=fail',
      'layout=skip',
      'save=skip',
      'restart=skip',
      'restore=skip',
      'cleanup=skip',
    ]);
    expect(exitCode(r)).toBe(1);
  });

  it('the report is a doctor Report: summary counts, durations, the steps as checks', async () => {
    const r = await runPersist(opts(scripted([])));
    expect(r.tool).toBe('cal-doctor');
    expect(r.summary).toMatchObject({ failed: 1, skipped: 5, total: 6 });
    for (const c of r.checks)
      expect(Object.keys(c).sort()).toEqual([
        'category',
        'details',
        'durationMs',
        'fix',
        'id',
        'status',
        'summary',
        'title',
      ]);
    expect(r.persist).toMatchObject({ session: 'cal-doctor-e2e', restart: 'test', verdict: 'refused' });
  });
});
