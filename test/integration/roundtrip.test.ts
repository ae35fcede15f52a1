// resurrect.roundtrip end to end: `runDoctor({active: true})` over ssh2 to a real sshd, real
// tmux and the real plugins, in throwaway HOMEs. Every scenario proves isolation: the user's
// own server and save dir are byte-identical before and after, no sandbox dir, socket or
// process is left. The runner is also interrupted locally (Ctrl-C, hangup, TERM).
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRoundtripScript } from '../../src/active/roundtrip.js';
import { parseRoundtripOutput } from '../../src/active/roundtrip-output.js';
import { judgeRun } from '../../src/active/roundtrip-verdict.js';
import { type DoctorOptions, runDoctor } from '../../src/doctor.js';
import type { CheckOutcome } from '../../src/engine/run.js';
import {
  leakedDirs,
  runScriptLocally,
  sandboxDirs,
  sandboxProcesses,
  sandboxSocketsIn,
  settledUserState,
  userState,
} from '../harness/active.js';
import { installBrew } from '../harness/brew.js';
import { type Home, type MakeHomeOptions, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { killServer, save, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { sleep, TMUX, waitFor } from '../harness/util.js';

const canRun = sshdAvailable() && tmuxAvailable();

interface Scenario {
  home: Home;
  sshd: Sshd;
  check: CheckOutcome;
  ms: number;
  before: Record<string, string>;
  after: Record<string, string>;
  /** sandbox dirs that existed before the run (other runs') */
  dirsBefore: string[];
  /** the sandbox dir this run used, from the report */
  sandbox: string;
}

function sshOptions(sshd: Sshd, extra: Partial<DoctorOptions> = {}): DoctorOptions {
  return {
    target: { kind: 'ssh', host: `${sshd.user}@${sshd.host}:${sshd.port}` },
    identity: sshd.clientKey,
    knownHostsFile: sshd.knownHosts,
    connectTimeoutMs: 5000,
    only: ['resurrect.roundtrip'],
    ...extra,
  };
}

/**
 * A HOME with a live user server and a real save, an sshd for it, then the doctor with
 * --active; the user's state is fingerprinted around the doctor run.
 */
function scenario(
  opts: { home?: MakeHomeOptions; brew?: boolean; prepare?: (home: Home) => void; active?: boolean } = {},
) {
  const s = {} as Scenario;
  beforeAll(async () => {
    s.home = makeHome(opts.home);
    if (opts.brew) installBrew(s.home);
    s.sshd = await startSshd({ env: s.home.env() });
    await startServerLogin(s.home);
    if (!opts.home?.plugins || opts.home.plugins.includes('tmux-resurrect')) await save(s.home);
    opts.prepare?.(s.home);
    s.before = await settledUserState(s.home);
    s.dirsBefore = sandboxDirs();
    const t0 = performance.now();
    const report = await runDoctor(sshOptions(s.sshd, { active: opts.active ?? true }));
    s.ms = performance.now() - t0;
    if (report.error) throw new Error(`doctor failed: ${report.error.message}`);
    s.check = report.checks.find((c) => c.id === 'resurrect.roundtrip')!;
    s.sandbox = /^sandbox (\S+):/m.exec(s.check.details.join('\n'))?.[1] ?? '';
    s.after = await userState(s.home);
  });
  afterAll(async () => {
    await s.sshd?.stop();
    if (s.home) {
      await killServer(s.home);
      s.home.cleanup();
    }
  });
  return s;
}

const text = (c: CheckOutcome) => [c.summary, ...c.details, ...c.fix].join('\n');

/** The isolation proof every scenario that ran the sandbox must pass. */
function itLeavesNothing(s: Scenario) {
  it("leaves the user's server, save dir and `last` byte-identical", () => {
    expect(Object.keys(s.before).length).toBeGreaterThan(4);
    const changed = [...new Set([...Object.keys(s.before), ...Object.keys(s.after)])].filter(
      (k) => s.before[k] !== s.after[k],
    );
    expect(s.after, `changed: ${changed.join(', ')}`).toEqual(s.before);
  });

  it('leaves no sandbox dir, cal-doctor socket or process', async () => {
    expect(s.sandbox).toMatch(/^\/tmp\/cal-doctor\.\w{8}$/);
    expect(existsSync(s.sandbox)).toBe(false);
    expect(await leakedDirs(s.dirsBefore)).toEqual([]);
    expect(sandboxSocketsIn(s.home)).toEqual([]);
    // the panes of a killed server end on their SIGHUP a moment later: give them that moment
    await waitFor(() => sandboxProcesses(s.sandbox).length === 0, {
      timeoutMs: 500,
      what: 'sandbox processes to be gone',
    }).catch(() => undefined);
    expect(sandboxProcesses(s.sandbox)).toEqual([]);
  });
}

describe.skipIf(!canRun)('resurrect.roundtrip over a real sshd (needs sshd, tmux and the vendored plugins)', () => {
  describe('healthy target', () => {
    const s = scenario();

    it('passes in both environments within a few seconds', () => {
      expect(s.check.status, text(s.check)).toBe('pass');
      expect(s.check.summary).toMatch(/from a login shell and from a non-login exec/);
      expect(s.check.details.join('\n')).toMatch(/^restore +ok .+ +ok .+$/m);
      expect(s.check.durationMs).toBeLessThan(6_000);
      console.log(
        `healthy: check ${s.check.durationMs} ms (doctor ${Math.round(s.ms)} ms)\n${s.check.details.join('\n')}`,
      );
    });

    itLeavesNothing(s);
  });

  describe('tmux only on the login PATH (the Homebrew case)', () => {
    const s = scenario({ brew: true });

    it('fails the non-login run at save and says why; the login run passes', () => {
      expect(s.check.status, text(s.check)).toBe('fail');
      console.log(`brew: check ${s.check.durationMs} ms\n${s.check.details.join('\n')}`);
      expect(s.check.summary).toMatch(
        /^resurrect works only when tmux is on the server's PATH: from a non-login exec the save failed \(save\.sh could not run tmux/,
      );
      expect(s.check.summary).toMatch(/from a login shell it works$/);
      const t = text(s.check);
      expect(t).toMatch(/^save +ok .+ +FAIL .+$/m);
      expect(t).toMatch(
        /non-login exec: tmux .*brew\/bin\/tmux \(not on PATH .*; started by full path\); server PATH .* has no tmux/,
      );
      expect(t).toMatch(/tmux: (command )?not found/);
      expect(t).toMatch(/fallback dir .* instead of @resurrect-dir: .*\(0 bytes\)/);
    });

    it('fixes PATH for non-login shells (~/.zshenv) and restarts the server from a login shell', () => {
      expect(s.check.fix[0]).toBe(`add to ~/.zshenv: export PATH=${join(s.home.dir, 'brew', 'bin')}:"$PATH"`);
      expect(s.check.fix.join('\n')).toMatch(/login shell/);
    });

    itLeavesNothing(s);
  });

  describe('tmux-resurrect not installed', () => {
    const s = scenario({ home: { plugins: ['tpm', 'tmux-continuum'] } });

    it('skips with a clear reason', () => {
      expect(s.check.status).toBe('skip');
      expect(s.check.summary).toBe(
        'tmux-resurrect is not installed in ~/.tmux/plugins: nothing to save or restore with (see plugins.resurrect)',
      );
    });

    it('started nothing', async () => {
      expect(s.after).toEqual(s.before);
      expect(await leakedDirs(s.dirsBefore)).toEqual([]);
    });
  });

  describe('a plugin copy whose save.sh is not executable', () => {
    const s = scenario({
      prepare: (home) => chmodSync(join(home.pluginsDir, 'tmux-resurrect', 'scripts', 'save.sh'), 0o644),
    });

    it('fails at save in both environments with Permission denied and the chmod fix', () => {
      expect(s.check.status).toBe('fail');
      expect(s.check.summary).toBe(
        'the round trip fails at save from a login shell and from a non-login exec: save.sh is not executable (run-shell: Permission denied)',
      );
      expect(text(s.check)).toMatch(/-rw-r--r-- .*save\.sh/);
      expect(s.check.fix).toEqual([
        `chmod u+x ${join(s.home.pluginsDir, 'tmux-resurrect', 'scripts', 'save.sh')} ${join(s.home.pluginsDir, 'tmux-resurrect', 'scripts', 'restore.sh')}`,
      ]);
    });

    itLeavesNothing(s);
  });

  describe('a save.sh that hangs (and leaves a child behind)', () => {
    const s = scenario({
      prepare: (home) =>
        writeFileSync(
          join(home.pluginsDir, 'tmux-resurrect', 'scripts', 'save.sh'),
          '#!/bin/sh\nsleep 300 &\nexec sleep 300\n',
          { mode: 0o755 },
        ),
    });

    it('fails at save on the time limit, within the engine deadline', () => {
      expect(s.check.status, text(s.check)).toBe('fail');
      expect(s.check.summary).toMatch(
        /fails at save from a login shell and from a non-login exec: save\.sh did not finish within 3 s/,
      );
      expect(s.check.durationMs).toBeLessThan(5000);
    });

    itLeavesNothing(s);
  });

  describe('without --active', () => {
    const s = scenario({ active: false });

    it('skips and starts nothing', async () => {
      expect(s.check).toMatchObject({ status: 'skip', summary: expect.stringMatching(/^only with --active/) });
      expect(await leakedDirs(s.dirsBefore)).toEqual([]);
    });
  });
});

describe.skipIf(!tmuxAvailable())(
  'the round-trip runner run locally, interrupted (needs tmux and the vendored plugins)',
  () => {
    let home: Home;
    beforeAll(() => {
      home = makeHome();
    });
    afterAll(() => home?.cleanup());

    const script = () =>
      buildRoundtripScript({
        pluginDir: join(home.pluginsDir, 'tmux-resurrect'),
        tmuxFallback: TMUX,
        id: 'feedc0de',
        tmuxTimeoutSec: 2,
        runShellTimeoutSec: 3,
        budgetSec: 3.8,
      });

    /** Waits until a sandbox server of this run is up (a socket in a new sandbox dir). */
    async function serverUp(before: string[]): Promise<string> {
      return waitFor(
        () =>
          sandboxDirs().find(
            (d) =>
              !before.includes(d) && ['login', 'nonlogin'].some((e) => existsSync(join(d, e, 'cal-doctor-feedc0de-a'))),
          ),
        { timeoutMs: 5000, intervalMs: 20, what: 'a sandbox server to start' },
      );
    }

    it.each([
      ['Ctrl-C (SIGINT to the whole process group)', 'SIGINT', true],
      ['a hangup of the runner alone (SIGHUP, the SSH channel closing)', 'SIGHUP', false],
      ['SIGTERM to the runner alone', 'SIGTERM', false],
    ] as const)('%s: everything is cleaned up', async (_, sig, group) => {
      const before = sandboxDirs();
      let sandbox = '';
      const run = await runScriptLocally(script(), home.env(), {
        during: async (pid) => {
          sandbox = await serverUp(before);
          await sleep(150);
          process.kill(group ? -pid : pid, sig);
        },
      });
      expect(sandbox).not.toBe('');
      expect(run.code ?? run.signal).not.toBe(0);
      expect(run.ms).toBeLessThan(5000);
      expect(existsSync(sandbox)).toBe(false);
      await waitFor(() => sandboxProcesses(sandbox).length === 0, {
        timeoutMs: 500,
        what: 'sandbox processes to be gone',
      }).catch(() => undefined);
      expect(sandboxProcesses(sandbox)).toEqual([]);
      expect(sandboxSocketsIn(home)).toEqual([]);
    });

    it('runs to a pass under bash --posix, the /bin/sh of macOS', async () => {
      const bashScript = script().split('/bin/sh "$CAL_RT_SCRIPT"').join('/bin/bash --posix "$CAL_RT_SCRIPT"');
      expect(bashScript).not.toContain('/bin/sh "$CAL_RT_SCRIPT"');
      const run = await runScriptLocally(bashScript, home.env(), { shell: ['/bin/bash', '--posix', '-s'] });
      const out = parseRoundtripOutput(run.stdout);
      expect(out.complete, run.stderr).toBe(true);
      for (const label of ['login', 'nonlogin'] as const) {
        const v = judgeRun(out.runs[label], label, { budgetSec: 4.3, runShellTimeoutSec: 3 });
        expect(
          v.ok,
          `${label}: ${v.failedStep} ${v.reason}\n${v.evidence.join('\n')}\n${JSON.stringify(v.steps)}`,
        ).toBe(true);
      }
      expect(out.removed).toBe(true);
    });

    it('a login shell that hangs is cut off at the budget, with its children', async () => {
      const shell = join(home.root, 'slow-shell');
      writeFileSync(shell, '#!/bin/sh\necho "loading the profile..."\nsleep 100 &\nsleep 101\n', { mode: 0o755 });
      const before = sandboxDirs();
      const run = await runScriptLocally(
        buildRoundtripScript({
          pluginDir: join(home.pluginsDir, 'tmux-resurrect'),
          tmuxFallback: TMUX,
          id: 'feedc0de',
          envs: ['login'],
          tmuxTimeoutSec: 2,
          runShellTimeoutSec: 3,
          budgetSec: 1.5,
        }),
        { ...home.env(), SHELL: shell },
      );
      expect(run.ms).toBeLessThan(4000);
      const out = parseRoundtripOutput(run.stdout);
      const v = judgeRun(out.runs.login, 'login', { budgetSec: out.budgetSec });
      expect(v).toMatchObject({
        failedStep: 'env',
        cause: 'login-shell',
        reason: 'the login shell did not start the round trip within 1.5 s',
      });
      expect(v.evidence.join('\n')).toContain('loading the profile...');
      expect(out.tmpDir).toMatch(/^\/tmp\/cal-doctor\./);
      expect(existsSync(out.tmpDir!)).toBe(false);
      expect(sandboxProcesses(out.tmpDir)).toEqual([]);
      expect(await leakedDirs(before)).toEqual([]);
    });

    it('a hostile plugin path is data, never code', async () => {
      const marker = join(home.root, 'pwned');
      const evil = `${home.root}/it's "x" $(touch ${marker}) \`touch ${marker}\`;touch ${marker}`;
      const run = await runScriptLocally(
        buildRoundtripScript({
          pluginDir: evil,
          tmuxFallback: TMUX,
          id: 'feedc0de',
          tmuxTimeoutSec: 2,
          runShellTimeoutSec: 3,
          budgetSec: 3.8,
        }),
        home.env(),
      );
      const out = parseRoundtripOutput(run.stdout);
      expect(out.complete).toBe(true);
      expect(out.runs.nonlogin!.steps[0]).toMatchObject({
        name: 'env',
        status: 'fail',
        items: expect.objectContaining({ out: `no such directory: ${evil}` }),
      });
      expect(existsSync(marker)).toBe(false);
    });
  },
);
