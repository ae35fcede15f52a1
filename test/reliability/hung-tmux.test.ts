// A hung tmux server (SIGSTOP) on the target, through the real CLI and a real sshd:
// every tmux-dependent check says so with the bound it hit, the run stays within
// --timeout + 1 s, and no probe process is left running on the target afterwards —
// also when the probe as a whole misses --timeout and is killed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { killServer, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { processesWithEnv, signal, sleep } from '../harness/util.js';
import { hostFlags } from '../helpers/cli.js';
import { cliBuilt, descendants, lines, runCli } from './cli.js';

const canRun = sshdAvailable() && tmuxAvailable() && cliBuilt();

/** Checks whose verdict needs an answer from the live server (they ask it what is loaded). */
const TMUX_DEPENDENT = ['tmux.server', 'plugins.tpm', 'plugins.resurrect', 'plugins.continuum'];

interface JsonCheck {
  id: string;
  status: string;
  summary: string;
  details: string[];
}

describe.skipIf(!canRun)('a SIGSTOPped tmux server on the target (needs sshd, tmux, plugins, a build)', () => {
  let home: Home;
  let sshd: Sshd;
  let serverPid: number;

  beforeAll(async () => {
    home = makeHome();
    sshd = await startSshd({ env: home.env() });
    serverPid = (await startServerLogin(home)).pid;
    signal(serverPid, 'SIGSTOP');
  });
  afterAll(async () => {
    if (serverPid) signal(serverPid, 'SIGCONT');
    await sshd?.stop();
    if (home) {
      await killServer(home);
      home.cleanup();
    }
  });

  const target = () => hostFlags(sshd);

  /** Processes of the target's sessions (their env has the test HOME) that are not the server or its panes. */
  const leftovers = () => {
    const server = descendants(serverPid);
    server.add(serverPid);
    return processesWithEnv('HOME', home.dir).filter((p) => !server.has(p.pid));
  };

  it('every tmux-dependent check reports "tmux server not responding (timed out after 1 s)", within --timeout + 1 s', async () => {
    const timeout = 6;
    const r = await runCli([...target(), '--json', '--tmux-timeout', '1', '--timeout', String(timeout)]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { durationMs: number; checks: JsonCheck[]; error?: unknown };
    expect(report.error).toBeUndefined();
    for (const id of TMUX_DEPENDENT) {
      const c = report.checks.find((x) => x.id === id);
      expect(c, id).toBeDefined();
      const text = [c!.summary, ...c!.details].join('\n');
      expect([id, text]).toEqual([id, expect.stringMatching(/tmux server not responding \(timed out after 1 s\)/)]);
    }
    expect(report.checks.find((x) => x.id === 'tmux.server')!.status).toBe('fail');
    expect(report.durationMs).toBeLessThan((timeout + 1) * 1000);
    expect(r.ms).toBeLessThan((timeout + 1) * 1000 + 3000); // + node start-up, with headroom for a loaded machine
    expect(leftovers()).toEqual([]);
  });

  it('a probe that outlives --timeout is killed on the target: exit 2, one line, within --timeout + 1 s, nothing left running', async () => {
    // each tmux call may take 20 s, the whole probe only 2: the probe itself must be cut
    const timeout = 2;
    const r = await runCli([...target(), '--json', '--tmux-timeout', '20', '--timeout', String(timeout)]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^cal-doctor: the probe did not finish within 2 s/)]);
    const report = JSON.parse(r.stdout) as { durationMs: number; error?: { message: string } };
    expect(report.error?.message).toMatch(/did not finish within 2 s/);
    expect(report.durationMs).toBeLessThan((timeout + 1) * 1000);
    expect(r.ms).toBeLessThan((timeout + 1) * 1000 + 3000);
    // the kill reaches the target before the doctor hangs up: nothing of the probe is left,
    // not even the tmux client stuck on the stopped server or its watchdog's sleep
    expect(leftovers()).toEqual([]);
    await sleep(300);
    expect(leftovers()).toEqual([]);
  });

  it('the plain report says the same on stdout, with the fix for a stopped server', async () => {
    const r = await runCli([...target(), '--tmux-timeout', '1', '--timeout', '6']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tmux server not responding \(timed out after 1 s\)/);
    expect(r.stdout).toMatch(/kill -CONT/); // the way out for a stopped server
    expect(leftovers()).toEqual([]);
  });
});
