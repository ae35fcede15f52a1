// `cal-doctor persist` end to end: a real sshd, a real tmux server, the real TPM/resurrect/
// continuum, and the only stand-in allowed, the fake `tart` (test/harness/bin/tart), whose
// `stop` ends the test target's tmux server as a guest shutdown does.
//
// continuum restores only when, at plugin load, it sees no other tmux process of the user:
// integration files run one at a time, and nothing here runs a `tmux` client while plugins
// load (persist calls tmux by absolute path, which continuum does not count). Another tmux
// server of the same user running elsewhere on the machine (someone else's tests) makes the
// restore scenarios fail: re-run them alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorEvent } from '../../src/doctor.js';
import { exitCode } from '../../src/engine/report.js';
import {
  MARKER_SESSION,
  type PersistOptions,
  type PersistReport,
  runPersist,
  tartRestart,
} from '../../src/persist/index.js';
import { LocalTarget } from '../../src/targets/local.js';
import { installBrew } from '../harness/brew.js';
import { type FakeTart, fakeTart } from '../harness/fake-tart.js';
import { type Home, type MakeHomeOptions, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { killServer, startServerLogin, tmuxAvailable, tmuxTry } from '../harness/tmux.js';
import { alive, processesWhere, run, which } from '../harness/util.js';

const canRun = sshdAvailable() && tmuxAvailable();
const hasZsh = which('zsh', '/usr/local/bin:/usr/bin:/bin') !== undefined;

/** Short bounds: a broken setup must fail these tests in seconds, not minutes. */
const TIMEOUTS: PersistOptions['timeouts'] = {
  tmuxSec: 5,
  startSec: 20,
  settleSec: 15,
  scrollSec: 8,
  saveSec: 30,
  shutdownSec: 10,
  bootSec: 30,
  restoreGraceSec: 15,
};
const SLOW = 150_000;

function sshOptions(sshd: Sshd, extra: Partial<PersistOptions> = {}): PersistOptions {
  return {
    target: { kind: 'ssh', host: `${sshd.user}@${sshd.host}:${sshd.port}` },
    identity: sshd.clientKey,
    knownHostsFile: sshd.knownHosts,
    connectTimeoutMs: 5000,
    timeouts: TIMEOUTS,
    ...extra,
  };
}

const step = (r: PersistReport, id: string) => {
  const c = r.checks.find((x) => x.id === `persist.${id}`);
  if (!c) throw new Error(`no persist.${id} in ${r.checks.map((x) => x.id).join(', ')}`);
  return c;
};
const text = (c: { summary: string; details: string[]; fix: string[] }) =>
  [c.summary, ...c.details, ...c.fix].join('\n');
const statuses = (r: PersistReport) =>
  r.checks.filter((c) => c.category === 'persist').map((c) => `${c.id}=${c.status}`);
/** The whole report when an assertion fails: which step said what. */
const why = (r: PersistReport) =>
  JSON.stringify(
    r.checks.map((c) => ({ id: c.id, status: c.status, summary: c.summary, details: c.details })),
    null,
    1,
  );

async function sessions(home: Home): Promise<string[]> {
  const out = await tmuxTry(home, ['list-sessions', '-F', '#{session_name}']);
  return out.code === 0 ? out.stdout.split('\n').filter(Boolean) : [];
}

interface Scenario {
  home: Home;
  sshd: Sshd;
  report: PersistReport;
  events: DoctorEvent[];
}

/** One HOME + sshd per scenario; `prepare` runs before sshd starts and persist runs; everything is torn down after. */
function scenario(
  homeOpts: MakeHomeOptions,
  prepare: (home: Home) => Promise<void>,
  persist: (s: Scenario) => PersistOptions,
  after?: (s: Scenario) => Promise<void>,
): Scenario {
  const s = { events: [] as DoctorEvent[] } as Scenario;
  beforeAll(async () => {
    s.home = makeHome(homeOpts);
    await prepare(s.home); // first: it may change the env sshd hands out (installBrew)
    s.sshd = await startSshd({ env: s.home.env() });
    const opts = persist(s);
    s.report = await runPersist({
      ...opts,
      onEvent: (e) => {
        s.events.push(e);
        opts.onEvent?.(e);
      },
    });
    await after?.(s);
  }, SLOW);
  afterAll(async () => {
    await s.sshd?.stop();
    if (s.home) {
      await killServer(s.home);
      s.home.cleanup();
      expect(processesWhere((argv) => argv.some((a) => a.includes(`${s.home.root}/`)))).toEqual([]);
    }
  }, 30_000);
  return s;
}

describe.skipIf(!canRun)('persist over a real sshd (needs sshd, tmux and the vendored plugins)', () => {
  describe('healthy setup, no server running: persist starts it with the default start command', () => {
    let left: string[] = [];
    const s = scenario(
      {},
      async () => {},
      (s) => sshOptions(s.sshd, { yes: true }),
      async (s) => void (left = await sessions(s.home)),
    );

    it('passes every step and answers "yes, it survives"', () => {
      expect(statuses(s.report), why(s.report)).toEqual([
        'persist.preflight=pass',
        'persist.layout=pass',
        'persist.save=pass',
        'persist.restart=pass',
        'persist.restore=pass',
        'persist.cleanup=pass',
      ]);
      expect(s.report.persist.verdict).toBe('survives');
      expect(exitCode(s.report)).toBe(0);
      expect(s.report.error).toBeUndefined();
    });

    it('checked the save file and the pane contents, then windows, panes, dirs and scrollback after the restart', () => {
      expect(step(s.report, 'save').summary).toMatch(
        /holds cal-doctor-e2e \(3 windows, 4 panes\) and its scrollback line/,
      );
      expect(text(step(s.report, 'save'))).toMatch(
        /pane_contents\.tar\.gz: cal-doctor-e2e:\d+\.\d+ holds the scrollback line/,
      );
      expect(step(s.report, 'restart').summary).toMatch(/tmux server ended \(SIGTERM\) and started again/);
      expect(text(step(s.report, 'restart'))).toMatch(/SIGTERM to tmux server pid \d+/);
      expect(step(s.report, 'restore').summary).toMatch(
        /cal-doctor-e2e is back \d+ s after the server started: 3 windows, 4 panes, dirs, scrollback line as saved/,
      );
      expect(text(step(s.report, 'layout'))).toMatch(/dir with space/);
    });

    it('timed every step', () => {
      for (const c of s.report.checks) expect(c.durationMs).toBeGreaterThanOrEqual(0);
      expect(Object.keys(s.report.persist.timings).sort()).toEqual([
        'cleanup',
        'layout',
        'preflight',
        'restart',
        'restore',
        'save',
      ]);
      // eslint-disable-next-line no-console
      console.log(
        `persist (healthy, server restart): ${JSON.stringify(s.report.persist.timings)} total ${s.report.durationMs} ms`,
      );
    });

    it("removed the marker session and only it: the start command's session stays, the save history too", () => {
      expect(left).not.toContain(MARKER_SESSION);
      expect(text(step(s.report, 'cleanup'))).toMatch(/save history is untouched/);
      expect(existsSync(join(s.home.saveDir, 'last'))).toBe(true);
      expect(existsSync(join(s.home.dir, '.cache', 'cal-doctor'))).toBe(false);
    });

    it('emits the steps for a live display: the list first, then one result each', () => {
      const first = s.events.find((e) => e.type === 'checks');
      expect(first && first.type === 'checks' && first.checks.map((c) => c.id)).toEqual(
        ['preflight', 'layout', 'save', 'restart', 'restore', 'cleanup'].map((x) => `persist.${x}`),
      );
      expect(
        s.events.filter((e) => e.type === 'result').map((e) => (e.type === 'result' ? e.outcome.id : '')),
      ).toHaveLength(6);
    });

    it('renders as JSON and JUnit with the steps as results', async () => {
      const json = JSON.parse(JSON.stringify(s.report)) as {
        checks: Array<Record<string, unknown>>;
        persist: Record<string, unknown>;
      };
      expect(Object.keys(json.checks[0]!).sort()).toEqual([
        'category',
        'details',
        'durationMs',
        'fix',
        'id',
        'status',
        'summary',
        'title',
      ]);
      expect(json.persist.verdict).toBe('survives');
      const renderPath = '../../src/report/render.js';
      const { render } = (await import(/* @vite-ignore */ renderPath).catch(() => ({ render: undefined }))) as {
        render?: (f: string, run: unknown) => Promise<string>;
      };
      if (!render) return; // the multi-format renderer has not landed: the JSON shape above is the contract
      const junit = await render('junit', {
        reports: [s.report],
        many: false,
        startedAt: new Date(s.report.startedAt),
        durationMs: s.report.durationMs,
      });
      for (const id of ['preflight', 'layout', 'save', 'restart', 'restore', 'cleanup'])
        expect(junit).toContain(`name="persist.${id}"`);
      const j = JSON.parse(
        await render('json', {
          reports: [s.report],
          many: false,
          startedAt: new Date(s.report.startedAt),
          durationMs: s.report.durationMs,
        }),
      ) as { checks: Array<{ id: string }> };
      expect(j.checks.map((c) => c.id).slice(0, 6)).toEqual(
        ['preflight', 'layout', 'save', 'restart', 'restore', 'cleanup'].map((x) => `persist.${x}`),
      );
    });
  });

  describe('the user has sessions: refusals, then --vm with --force through the fake tart', () => {
    let tart: FakeTart;
    let env: Record<string, string | undefined>;
    let pidBefore = '';
    const refusals: PersistReport[] = [];
    let after: string[] = [];
    const s = scenario(
      {},
      async (home) => {
        await startServerLogin(home);
        pidBefore = (await tmuxTry(home, ['display-message', '-p', '#{pid}'])).stdout.trim();
        tart = fakeTart([{ name: 'cal-e2e', state: 'running', ip: '127.0.0.1', tmuxSocket: home.socket }]);
        env = {
          PATH: process.env.PATH,
          FAKE_TART_STATE: process.env.FAKE_TART_STATE,
          FAKE_TART_LOG: process.env.FAKE_TART_LOG,
        };
        Object.assign(process.env, tart.env);
      },
      (s) => {
        // the refusals run first, then the real run (this function's result)
        return sshOptions(s.sshd, {
          target: { kind: 'vm', name: 'cal-e2e' },
          port: s.sshd.port,
          user: s.sshd.user,
          yes: true,
          force: true,
          // what --vm picks by default, with `tart run`'s output kept inside the test's dir
          restart: tartRestart('cal-e2e', { runLog: join(s.home.root, 'tart-run.log') }),
        });
      },
      async (s) => {
        after = await sessions(s.home);
      },
    );
    beforeAll(async () => {
      // (runs after the scenario's beforeAll: the vm run is done; refusals against the restored server)
      const vm = {
        ...sshOptions(s.sshd),
        target: { kind: 'vm' as const, name: 'cal-e2e' },
        port: s.sshd.port,
        user: s.sshd.user,
      };
      refusals.push(await runPersist({ ...vm }));
      refusals.push(await runPersist({ ...vm, yes: true }));
    }, SLOW);
    afterAll(() => {
      for (const [k, v] of Object.entries(env ?? {})) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      tart?.cleanup();
    });

    it('with --force, restarts the VM through tart stop / tart run --no-graphics and everything comes back', () => {
      expect(statuses(s.report), why(s.report)).toEqual([
        'persist.preflight=pass',
        'persist.layout=pass',
        'persist.save=pass',
        'persist.restart=pass',
        'persist.restore=pass',
        'persist.cleanup=pass',
      ]);
      expect(s.report.persist.restart).toBe('tart');
      const calls = tart.calls().map((c) => c.join(' '));
      expect(calls).toContain('stop cal-e2e');
      expect(calls).toContain('run --no-graphics cal-e2e');
      expect(calls.indexOf('stop cal-e2e')).toBeLessThan(calls.indexOf('run --no-graphics cal-e2e'));
      expect(tart.vms()[0]!.state).toBe('running');
      expect(step(s.report, 'restart').summary).toMatch(/VM restarted/);
      // eslint-disable-next-line no-console
      console.log(
        `persist (--vm, fake tart): ${JSON.stringify(s.report.persist.timings)} total ${s.report.durationMs} ms`,
      );
    });

    it("the user's own sessions were saved with the marker and came back; only the marker was removed", () => {
      const restore = text(step(s.report, 'restore'));
      expect(restore).toMatch(/saved session cal-dev: back \(2 windows, 3 panes\)/);
      expect(restore).toMatch(/saved session notes: back/);
      expect(after).toEqual(expect.arrayContaining(['cal-dev', 'notes']));
      expect(after).not.toContain(MARKER_SESSION);
      expect(pidBefore).not.toBe('');
    });

    it('refuses without --yes, saying exactly what a restart would end; changes nothing', async () => {
      const r = refusals[0]!;
      expect(exitCode(r)).toBe(2);
      expect(r.persist.verdict).toBe('refused');
      expect(r.error?.message).toMatch(/refusing without --yes/);
      const pre = step(r, 'preflight');
      expect(pre.status).toBe('fail');
      expect(text(pre)).toMatch(/a VM restart ends every process in it/);
      expect(text(pre)).toMatch(/cal-dev: 2 windows, 3 panes/);
      expect(text(pre)).toMatch(/notes: 1 window, 1 pane/);
      expect(pre.fix.join('\n')).toMatch(/--yes --force/);
      expect(statuses(r).slice(1)).toEqual(
        ['layout', 'save', 'restart', 'restore', 'cleanup'].map((x) => `persist.${x}=skip`),
      );
    });

    it('refuses with --yes but without --force while other sessions exist', () => {
      const r = refusals[1]!;
      expect(exitCode(r)).toBe(2);
      expect(r.error?.message).toMatch(/2 session\(s\) besides cal-doctor-e2e.*--force/);
      expect(step(r, 'layout').status).toBe('skip');
    });

    it('the refusals touched nothing: same sessions, no marker, tart not called again', async () => {
      expect(await sessions(s.home)).toEqual(after);
      expect(tart.calls().filter((c) => c[0] === 'stop')).toHaveLength(1);
    });
  });

  describe.skipIf(!hasZsh)('a ~/.zlogout that runs the save script (panes run zsh login shells; needs zsh)', () => {
    let left: string[] = [];
    const s = scenario(
      {
        shell: which('zsh', '/usr/local/bin:/usr/bin:/bin'),
        files: { '.zlogout': '~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet\n' },
      },
      async () => {},
      (s) => sshOptions(s.sshd, { yes: true }),
      async (s) => void (left = await sessions(s.home)),
    );

    it('fails at the restore step and names the logout hook as the cause', () => {
      expect(statuses(s.report), why(s.report)).toEqual([
        'persist.preflight=pass',
        'persist.layout=pass',
        'persist.save=pass',
        'persist.restart=pass',
        'persist.restore=fail',
        'persist.cleanup=info',
      ]);
      const c = step(s.report, 'restore');
      expect(c.summary).toMatch(/logout hook/);
      expect(text(c)).toMatch(
        /logout hook: ~\/\.zlogout:1: ~\/\.tmux\/plugins\/tmux-resurrect\/scripts\/save\.sh quiet/,
      );
      expect(text(c)).toMatch(/cause: logout-hook/);
      expect(c.fix.join('\n')).toMatch(/remove the save\.sh line/);
      expect(s.report.persist).toMatchObject({ verdict: 'lost', failedStep: 'persist.restore' });
      expect(exitCode(s.report)).toBe(1);
    });

    it('ran the checks that explain it', () => {
      const ids = s.report.checks.filter((c) => c.category !== 'persist').map((c) => c.id);
      expect(ids).toContain('resurrect.last');
      expect(text(step(s.report, 'restore'))).toMatch(/what the checks say:/);
    });

    it('leaves no marker session behind', () => {
      expect(left).not.toContain(MARKER_SESSION);
    });
  });

  describe('a start command that creates the session before the restore (new-session -A -s NAME style)', () => {
    let left: string[] = [];
    const start = `tmux new-session -d -A -s ${MARKER_SESSION} \\; new-window -d`;
    const s = scenario(
      {},
      async () => {},
      (s) => sshOptions(s.sshd, { yes: true, startCommand: start }),
      async (s) => void (left = await sessions(s.home)),
    );

    it('is reported as blocking the restore', () => {
      const c = step(s.report, 'restore');
      expect(c.status, why(s.report)).toBe('fail');
      expect(c.summary).toMatch(/the start command created cal-doctor-e2e before continuum's restore ran/);
      expect(c.summary).toMatch(/blocks the restore/);
      expect(text(c)).toMatch(/cause: start-command/);
      expect(text(c)).toMatch(/expected vs restored: /);
      expect(step(s.report, 'save').status).toBe('pass');
      expect(exitCode(s.report)).toBe(1);
    });

    it('still removes the marker session (and only it)', () => {
      expect(left).not.toContain(MARKER_SESSION);
      expect(step(s.report, 'cleanup').summary).toMatch(/removed cal-doctor-e2e/);
    });
  });

  describe('tmux only on the login PATH (the Homebrew case): the default start command is a login shell', () => {
    const s = scenario(
      {},
      async (home) => void installBrew(home),
      (s) => sshOptions(s.sshd, { yes: true }),
    );

    it('finds tmux through the login shell and the layout survives', () => {
      expect(statuses(s.report), why(s.report)).toEqual([
        'persist.preflight=pass',
        'persist.layout=pass',
        'persist.save=pass',
        'persist.restart=pass',
        'persist.restore=pass',
        'persist.cleanup=pass',
      ]);
      expect(text(step(s.report, 'preflight'))).toMatch(/tmux: .*\/brew\/bin\/tmux/);
    });
  });

  describe('started as `ssh vm /opt/homebrew/bin/tmux new-session -d` does (full path, non-login shell)', () => {
    let brewTmux = '';
    const s = scenario(
      {},
      async (home) => void (brewTmux = installBrew(home).tmux),
      (s) => sshOptions(s.sshd, { yes: true, startCommand: `${brewTmux} new-session -d` }),
    );

    it('fails at the save: the server has no Homebrew PATH, so TPM never loaded resurrect', () => {
      const c = step(s.report, 'save');
      expect(c.status, why(s.report)).toBe('fail');
      expect(c.summary).toMatch(/tmux-resurrect is not loaded in the server/);
      expect(text(c)).toMatch(/TPM did not run/);
      expect(text(c)).toMatch(/what the checks say:[\s\S]*plugins\.tpm \(fail\)/);
      expect(step(s.report, 'restart').status).toBe('skip');
      expect(step(s.report, 'cleanup').summary).toMatch(/removed cal-doctor-e2e/);
      expect(exitCode(s.report)).toBe(1);
    });
  });

  describe('a start command that leaves no server (tmux start-server alone)', () => {
    const s = scenario(
      {},
      async () => {},
      (s) => sshOptions(s.sshd, { yes: true, startCommand: 'tmux start-server' }),
    );

    it('fails at the layout step with why, and never made a marker', () => {
      const c = step(s.report, 'layout');
      expect(c.status, why(s.report)).toBe('fail');
      expect(c.summary).toMatch(/left no tmux server running/);
      expect(text(c)).toMatch(/exit-empty/);
      expect(step(s.report, 'cleanup').status).toBe('skip');
      expect(exitCode(s.report)).toBe(1);
    });
  });

  describe('Ctrl-C during the restore check, on a --local target', () => {
    const ac = new AbortController();
    let left: string[] = [];
    const s = scenario(
      {},
      async () => {},
      (s) => ({
        target: { kind: 'local' },
        yes: true,
        timeouts: TIMEOUTS,
        signal: ac.signal,
        connectTarget: async () => ({ target: new LocalTarget({ ...s.home.env() }) }),
        // Ctrl-C as soon as the restart step reports
        onEvent: (e) => {
          if (e.type === 'result' && e.outcome.id === 'persist.restart') ac.abort();
        },
      }),
      async (s) => void (left = await sessions(s.home)),
    );

    it('stops at once, says so, and removes the marker session', () => {
      expect(statuses(s.report), why(s.report)).toEqual([
        'persist.preflight=pass',
        'persist.layout=pass',
        'persist.save=pass',
        'persist.restart=pass',
        'persist.restore=fail',
        'persist.cleanup=pass',
      ]);
      expect(step(s.report, 'restore').summary).toMatch(/interrupted/);
      expect(s.report.persist.verdict).toBe('interrupted');
      expect(left).not.toContain(MARKER_SESSION);
      expect(exitCode(s.report)).toBe(1);
    });
  });

  describe("the fake tart: stop ends the test target's tmux as a shutdown does, run marks the VM running", () => {
    let home: Home;
    let tart: FakeTart;
    beforeAll(async () => {
      home = makeHome();
      await startServerLogin(home);
      tart = fakeTart([
        { name: 'cal-e2e', state: 'running', ip: '127.0.0.1', tmuxSocket: home.socket },
        { name: 'other', state: 'stopped' },
      ]);
    }, 60_000);
    afterAll(async () => {
      tart?.cleanup();
      if (home) {
        await killServer(home);
        home.cleanup();
      }
    });
    const call = (...args: string[]) => run('tart', args, { env: tart.env, timeoutMs: 20_000 });

    it('stop: SIGTERM to the server, its pane shells gone, the VM stopped; again: a no-op', async () => {
      const pid = Number((await tmuxTry(home, ['display-message', '-p', '#{pid}'])).stdout);
      const panes = (await tmuxTry(home, ['list-panes', '-a', '-F', '#{pane_pid}'])).stdout
        .split('\n')
        .filter(Boolean)
        .map(Number);
      expect(panes.length).toBeGreaterThan(0);
      expect(await call('stop', 'cal-e2e')).toMatchObject({ code: 0, stderr: '' });
      expect(alive(pid)).toBe(false);
      expect(panes.filter(alive)).toEqual([]);
      expect((await tmuxTry(home, ['list-sessions'])).code).not.toBe(0);
      expect(tart.vms().map((v) => [v.name, v.state, v.ip, v.tmuxSocket])).toEqual([
        ['cal-e2e', 'stopped', '127.0.0.1', home.socket],
        ['other', 'stopped', undefined, undefined],
      ]);
      expect((await call('ip', 'cal-e2e')).code).toBe(1);
      expect(await call('stop', 'cal-e2e')).toMatchObject({ code: 0 });
      expect(await call('stop', 'nope')).toMatchObject({ code: 2, stderr: 'the specified VM "nope" does not exist\n' });
    });

    it('run --no-graphics: running again at once (it starts nothing); a running VM cannot be run twice', async () => {
      expect(await call('run', '--no-graphics', 'cal-e2e')).toMatchObject({ code: 0 });
      expect(tart.vms()[0]!.state).toBe('running');
      expect((await call('ip', 'cal-e2e')).stdout).toBe('127.0.0.1\n');
      expect((await tmuxTry(home, ['list-sessions'])).code).not.toBe(0);
      expect(await call('run', '--no-graphics', 'cal-e2e')).toMatchObject({
        code: 1,
        stderr: 'the VM "cal-e2e" is already running\n',
      });
      expect((await call('run', '--bogus', 'cal-e2e')).code).toBe(64);
      expect(tart.calls().map((c) => c[0])).toEqual(['stop', 'ip', 'stop', 'stop', 'run', 'ip', 'run', 'run']);
    });
  });
});
