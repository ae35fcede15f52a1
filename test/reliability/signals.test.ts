// Ctrl-C / SIGTERM (issue #7): the spawned CLI, interrupted while its probe runs, closes
// the SSH connection (the server sees it go), kills what it started on the target, and
// exits 130 (SIGINT) or 143 (SIGTERM). src/common/lifecycle.ts's ordering and deadline are
// checked in-process below.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXIT_CODES,
  onShutdown,
  pendingCleanups,
  runCleanups,
  shutdownHandlersInstalled,
  takeOverSignals,
} from '../../src/common/lifecycle.js';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { type FakeSshd, fakeSshd, newKeyPair } from '../harness/sshd-variants.js';
import { killServer, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { processesWithEnv, signal, sleep, waitFor } from '../harness/util.js';
import { hostFlags } from '../helpers/cli.js';
import { cliBuilt, descendants, lines, runCli, tempDir } from './cli.js';

describe('lifecycle: cleanups on shutdown', () => {
  it('runs the cleanups newest first (a sandbox before the connection it needs), each once', async () => {
    const order: string[] = [];
    onShutdown(() => void order.push('connection'));
    onShutdown(async () => {
      await sleep(20);
      order.push('sandbox');
    });
    const released = onShutdown(() => void order.push('released'));
    released();
    expect(pendingCleanups()).toBe(2);
    await runCleanups(1000);
    expect(order).toEqual(['sandbox', 'connection']);
    expect(pendingCleanups()).toBe(0);
    await runCleanups(1000);
    expect(order).toEqual(['sandbox', 'connection']);
  });

  it('bounds the cleanups by one deadline: a cleanup that never ends does not hold the exit, one that throws does not stop the rest', async () => {
    const order: string[] = [];
    onShutdown(() => void order.push('first registered'));
    onShutdown(() => {
      throw new Error('boom');
    });
    onShutdown(() => new Promise<void>(() => {}));
    const t0 = performance.now();
    await runCleanups(300);
    expect(performance.now() - t0).toBeLessThan(1000);
    // the hung one used up the deadline; nothing is run after it
    expect(order).toEqual([]);
    expect(pendingCleanups()).toBe(0);
    // and with a deadline to spare, a throwing cleanup does not stop the next
    onShutdown(() => void order.push('after a throw'));
    onShutdown(() => {
      throw new Error('boom');
    });
    await runCleanups(1000);
    expect(order).toEqual(['after a throw']);
  });

  it('the handlers are on only while something is registered (a test runner keeps its own SIGTERM otherwise)', () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    expect(shutdownHandlersInstalled()).toBe(false);
    const a = onShutdown(() => {});
    const b = onShutdown(() => {});
    expect(shutdownHandlersInstalled()).toBe(true);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    a();
    expect(shutdownHandlersInstalled()).toBe(true);
    b();
    expect(shutdownHandlersInstalled()).toBe(false);
    expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(before);
  });

  it('a command that took the signals over gets each one instead; the cleanups stay for it to use', () => {
    const ran: string[] = [];
    const release = onShutdown(() => void ran.push('cleanup'));
    const got: string[] = [];
    const give = takeOverSignals((sig) => void got.push(sig));
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGTERM', 'SIGTERM');
    expect(got).toEqual(['SIGINT', 'SIGTERM']);
    expect(ran).toEqual([]);
    expect(pendingCleanups()).toBe(1);
    release();
    expect(shutdownHandlersInstalled()).toBe(true);
    give();
    expect(shutdownHandlersInstalled()).toBe(false);
  });

  it('exit codes are 128 + the signal number', () => {
    expect(EXIT_CODES).toEqual({ SIGINT: 130, SIGTERM: 143 });
  });
});

describe.skipIf(!cliBuilt())('Ctrl-C / SIGTERM during a run (needs a build)', () => {
  let srv: FakeSshd;
  let args: string[];
  beforeAll(async () => {
    const kp = newKeyPair();
    const key = join(tempDir('cal-key-'), 'id');
    writeFileSync(key, kp.private, { mode: 0o600 });
    // the exec is accepted and never answered: the doctor waits on its probe
    srv = await fakeSshd({ authorizedKeys: [kp.public], exec: { kind: 'hang' } });
    args = ['--host', `tester@127.0.0.1:${srv.port}`, '-i', key, '--known-hosts', srv.knownHosts, '--timeout', '60'];
  });
  afterAll(async () => srv?.stop());

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while the probe runs: the connection is closed and the exit code is %i', async (sig, code) => {
    const execs = srv.events.execs.length;
    const closed = srv.events.closedAt.length;
    let sentAt = 0;
    const r = await runCli([...args, '--json'], {
      killAfterMs: 20_000,
      onSpawn: (child) => {
        void srv.waitExec(execs + 1, 15_000).then(() => {
          sentAt = Date.now();
          child.kill(sig);
        });
      },
    });
    expect(sentAt).toBeGreaterThan(0);
    expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
    await srv.waitClosed(closed + 1, 3_000);
    // the server saw the client go, promptly (not by a timeout)
    expect(srv.events.closedAt.at(-1)! - sentAt).toBeLessThan(3_000);
    expect(lines(r.stderr)).toEqual([`cal-doctor: interrupted (${sig}), cleaning up`]);
    expect(r.stdout).toBe(''); // no half report on stdout
  });
});

describe.skipIf(!(cliBuilt() && sshdAvailable() && tmuxAvailable()))(
  'Ctrl-C with a real probe stuck on a stopped tmux server (needs sshd, tmux, a build)',
  () => {
    let home: Home;
    let sshd: Sshd;
    let serverPid = 0;
    beforeAll(async () => {
      home = makeHome({ plugins: [] });
      sshd = await startSshd({ env: home.env() });
      serverPid = (await startServerLogin(home, { layout: false })).pid;
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

    const probeProcesses = () => {
      const server = descendants(serverPid);
      server.add(serverPid);
      return processesWithEnv('HOME', home.dir).filter((p) => !server.has(p.pid));
    };

    it('over SSH: exit 130, and the probe and the tmux client it waits on are killed on the target', async () => {
      const r = await runCli([...hostFlags(sshd), '--tmux-timeout', '30', '--timeout', '60'], {
        killAfterMs: 20_000,
        onSpawn: (child) => {
          void waitFor(() => probeProcesses().some((p) => /tmux (-N )?-u -S /.test(p.argv)), {
            timeoutMs: 10_000,
            intervalMs: 20,
            what: 'the probe to call tmux',
          }).then(() => child.kill('SIGINT'));
        },
      });
      expect(r.code).toBe(130);
      expect(probeProcesses()).toEqual([]);
    });

    it('--local: exit 143 on SIGTERM, and the local probe group is gone', async () => {
      const r = await runCli(['--local', '--tmux-timeout', '30', '--timeout', '60'], {
        env: { ...home.env() },
        home: home.dir,
        killAfterMs: 20_000,
        onSpawn: (child) => {
          void waitFor(() => probeProcesses().some((p) => /tmux (-N )?-u -S /.test(p.argv)), {
            timeoutMs: 10_000,
            intervalMs: 20,
            what: 'the probe to call tmux',
          }).then(() => child.kill('SIGTERM'));
        },
      });
      expect(r.code).toBe(143);
      expect(probeProcesses()).toEqual([]);
    });
  },
);
