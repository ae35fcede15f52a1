// Every way the doctor can fail to run, through the real CLI: one line saying which, exit 2,
// within the connect timeout (issue #7, "Could-not-run cases"), and the host-key policy
// end to end against a real sshd (known_hosts with hashed entries, changed keys, TOFU).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTart, fakeTart } from '../harness/fake-tart.js';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import {
  closedPort,
  type FakeSshd,
  fakeSshd,
  newKeyPair,
  type SilentPort,
  silentPort,
} from '../harness/sshd-variants.js';
import { killServer, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { processesWithEnv, run, SYSTEM_PATH, signal, waitFor, which } from '../harness/util.js';
import { hostFlags } from '../helpers/cli.js';
import { type CliRun, cliBuilt, clientHome, descendants, lines, runCli, tempDir } from './cli.js';

const CONNECT_TIMEOUT_S = 3;
const CT = ['--connect-timeout', String(CONNECT_TIMEOUT_S)];

interface JsonReport {
  durationMs: number;
  error?: { message: string; hint?: string };
  checks: unknown[];
}

/** Exit 2, exactly one `cal-doctor: …` line on stderr matching `re`, the JSON report's error the same. */
function expectCouldNotRun(r: CliRun, re: RegExp, opts: { slowMs?: number } = {}): JsonReport {
  expect({ code: r.code, stderr: lines(r.stderr) }).toEqual({
    code: 2,
    stderr: [expect.stringMatching(/^cal-doctor: /)],
  });
  expect(r.stderr).toMatch(re);
  const report = JSON.parse(r.stdout) as JsonReport;
  expect(report.error?.message).toMatch(re);
  expect(report.checks).toEqual([]);
  // within the connect timeout: the doctor's own clock, and the wall clock with node's start-up and headroom
  const bound = opts.slowMs ?? CONNECT_TIMEOUT_S * 1000;
  expect(report.durationMs).toBeLessThan(bound);
  expect(r.ms).toBeLessThan(bound + 3000);
  return report;
}

const canBuild = cliBuilt();

describe.skipIf(!canBuild)('could not run: one line, exit 2, within the connect timeout (needs a build)', () => {
  let keyDir: string;
  let someKey: string;
  beforeAll(() => {
    keyDir = tempDir('cal-keys-');
    someKey = join(keyDir, 'id_ed25519');
    writeFileSync(someKey, newKeyPair().private, { mode: 0o600 });
  });

  it('closed port: connection refused', async () => {
    const port = await closedPort();
    const r = await runCli(['--host', `127.0.0.1:${port}`, '-i', someKey, '--json', ...CT]);
    expectCouldNotRun(r, new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}`));
  });

  describe('a port that accepts and never speaks', () => {
    let silent: SilentPort;
    beforeAll(async () => void (silent = await silentPort()));
    afterAll(async () => silent?.stop());

    it('gives up after the connect timeout, says so, and hangs up', async () => {
      const r = await runCli(['--host', `127.0.0.1:${silent.port}`, '-i', someKey, '--json', ...CT]);
      const report = expectCouldNotRun(
        r,
        new RegExp(`no SSH answer from 127\\.0\\.0\\.1:${silent.port} within ${CONNECT_TIMEOUT_S} s`),
        {
          slowMs: CONNECT_TIMEOUT_S * 1000 + 1000,
        },
      );
      expect(report.durationMs).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_S * 1000 - 100); // it did wait, not fail early
      expect(silent.connections()).toBe(1);
      await waitFor(() => silent.closed() === 1, { timeoutMs: 2000, what: 'the client to hang up' });
    });

    it('an --output path that cannot be written: exit 2 at once, before any connection', async () => {
      const bad = join(tempDir('cal-out-'), 'not-a-dir');
      writeFileSync(bad, 'a file where a dir should be');
      const before = silent.connections();
      const r = await runCli(['--host', `127.0.0.1:${silent.port}`, '-i', someKey, '--output', `${bad}/report.json`]);
      expect({ code: r.code, stderr: lines(r.stderr) }).toEqual({
        code: 2,
        stderr: [
          expect.stringMatching(
            new RegExp(`^cal-doctor: --output ${bad}/report\\.json: cannot write there \\(ENOTDIR\\)$`),
          ),
          'Run `cal-doctor --help` for usage.',
        ],
      });
      expect(silent.connections()).toBe(before); // no connect, no probe: the silent port would have held it
      expect(r.ms).toBeLessThan(CONNECT_TIMEOUT_S * 1000);
    });
  });

  describe('against an in-process SSH server with password auth', () => {
    let srv: FakeSshd;
    beforeAll(async () => void (srv = await fakeSshd({ password: 'the-right-one', exec: { kind: 'hang' } })));
    afterAll(async () => srv?.stop());

    it('wrong password: authentication refused, naming what was tried (not the password)', async () => {
      const r = await runCli(
        [
          '--host',
          `tester@127.0.0.1:${srv.port}`,
          '--known-hosts',
          srv.knownHosts,
          '--password-env',
          'CAL_PW',
          '--json',
          ...CT,
        ],
        {
          env: { CAL_PW: 'not-the-right-one' },
        },
      );
      expectCouldNotRun(r, /authentication refused for tester@127\.0\.0\.1:\d+ \(tried: password\)/);
      expect(srv.events.passwordsOffered).toEqual(['not-the-right-one']);
      expect(r.stdout + r.stderr).not.toContain('not-the-right-one');
      expect(srv.events.execs).toEqual([]);
    });

    it('no key and no agent (empty ~/.ssh, no SSH_AUTH_SOCK, no password): says there is no way to log in', async () => {
      const r = await runCli([
        '--host',
        `tester@127.0.0.1:${srv.port}`,
        '--known-hosts',
        srv.knownHosts,
        '--json',
        ...CT,
      ]);
      expectCouldNotRun(r, /no way to authenticate to 127\.0\.0\.1: no key in ~\/\.ssh, no ssh-agent, no password/);
      expect(srv.events.connections).toBe(1); // only the wrong-password test connected
    });
  });

  describe('against a real sshd', () => {
    let home: Home;
    let sshd: Sshd;
    const canSshd = sshdAvailable() && tmuxAvailable();
    beforeAll(async () => {
      if (!canSshd) return;
      home = makeHome({ plugins: [] });
      sshd = await startSshd({ env: home.env() });
    });
    afterAll(async () => {
      await sshd?.stop();
      home?.cleanup();
    });
    const at = () => `${sshd.user}@127.0.0.1:${sshd.port}`;

    it.skipIf(!canSshd)('wrong key: authentication refused, naming the key tried', async () => {
      const r = await runCli(['--host', at(), '-i', someKey, '--known-hosts', sshd.knownHosts, '--json', ...CT]);
      expectCouldNotRun(r, new RegExp(`authentication refused for .*\\(tried: key ${someKey}\\)`));
    });

    describe.skipIf(!canSshd)('keys with a passphrase, and ssh-agent', () => {
      const PASSPHRASE = 'key-passphrase-5e1f';
      let locked: string;
      let lockedPub: string;
      // biome-ignore lint/suspicious/noDuplicateTestHooks: this describe's own setup, after the outer one
      beforeAll(async () => {
        locked = join(tempDir('cal-lockedkey-'), 'id_ed25519');
        const k = await run(
          '/usr/bin/ssh-keygen',
          ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', 'locked', '-f', locked],
          { env: { PATH: SYSTEM_PATH } },
        );
        expect(k.code, k.stderr).toBe(0);
        lockedPub = readFileSync(`${locked}.pub`, 'utf8');
        // the server accepts this key too
        writeFileSync(
          join(sshd.dir, 'authorized_keys'),
          readFileSync(join(sshd.dir, 'authorized_keys'), 'utf8') + lockedPub,
        );
      });

      it('a stale SSH_AUTH_SOCK (agent gone) does not stop key auth', async () => {
        const r = await runCli(
          ['--host', at(), '-i', sshd.clientKey, '--known-hosts', sshd.knownHosts, '--json', ...CT],
          { env: { SSH_AUTH_SOCK: join(tempDir('cal-agent-'), 'gone.sock') } },
        );
        expect(r.stderr).toBe('');
        expect([0, 1]).toContain(r.code);
      });

      it('only a passphrase-protected key in ~/.ssh and no agent: says so, and how to load it', async () => {
        const client = clientHome();
        writeFileSync(join(client, '.ssh', 'id_ed25519'), readFileSync(locked), { mode: 0o600 });
        const r = await runCli(['--host', at(), '--known-hosts', sshd.knownHosts, '--json', ...CT], { home: client });
        expectCouldNotRun(
          r,
          /no way to authenticate to 127\.0\.0\.1: .*id_ed25519 needs a passphrase and no ssh-agent is running/,
        );
        expect(r.stderr).toMatch(/ssh-add .*id_ed25519/);
        expect(r.stderr).not.toContain(PASSPHRASE);
      });

      it('--identity of a passphrase-protected key and no agent: one line with the ssh-add hint', async () => {
        const r = await runCli(['--host', at(), '-i', locked, '--known-hosts', sshd.knownHosts, '--json', ...CT]);
        expectCouldNotRun(r, new RegExp(`cannot use key ${locked}: .*passphrase`));
        expect(r.stderr).toMatch(/ssh-add/);
      });

      it.skipIf(!which('ssh-agent', SYSTEM_PATH) || !which('ssh-add', SYSTEM_PATH))(
        'the same key loaded into ssh-agent: logs in through the agent, never asking for the passphrase',
        async () => {
          const sock = join(tempDir('cal-agent-'), 'agent.sock');
          const agent = spawn(which('ssh-agent', SYSTEM_PATH)!, ['-D', '-a', sock], {
            stdio: 'ignore',
            env: { PATH: SYSTEM_PATH },
          });
          try {
            await waitFor(() => existsSync(sock), { timeoutMs: 5000, what: 'ssh-agent to listen' });
            const askpass = join(tempDir('cal-askpass-'), 'askpass');
            writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${PASSPHRASE}'\n`, { mode: 0o700 });
            const add = await run(which('ssh-add', SYSTEM_PATH)!, [locked], {
              env: {
                PATH: SYSTEM_PATH,
                SSH_AUTH_SOCK: sock,
                SSH_ASKPASS: askpass,
                SSH_ASKPASS_REQUIRE: 'force',
                DISPLAY: ':0',
              },
            });
            expect(add.code, add.stderr).toBe(0);
            const client = clientHome();
            writeFileSync(join(client, '.ssh', 'id_ed25519'), readFileSync(locked), { mode: 0o600 });
            for (const args of [[], ['-i', locked]]) {
              const r = await runCli(['--host', at(), ...args, '--known-hosts', sshd.knownHosts, '--json', ...CT], {
                home: client,
                env: { SSH_AUTH_SOCK: sock },
              });
              expect(r.stderr).toBe('');
              expect([0, 1]).toContain(r.code);
            }
          } finally {
            agent.kill('SIGKILL');
          }
        },
      );
    });

    describe.skipIf(!canSshd)('host keys', () => {
      const hostKeyLine = () => `[127.0.0.1]:${sshd.port} ${sshd.hostKeyPub.split(' ').slice(0, 2).join(' ')}\n`;
      const ok = (r: CliRun) => {
        expect(r.stderr).toBe('');
        expect([0, 1]).toContain(r.code);
      };

      it('unknown host (empty known_hosts, the default policy): refused, and known_hosts is not written', async () => {
        const client = clientHome();
        const r = await runCli(['--host', at(), '-i', sshd.clientKey, '--json', ...CT], { home: client });
        expectCouldNotRun(r, new RegExp(`host key for 127\\.0\\.0\\.1:${sshd.port} is not in known_hosts`));
        expect(r.stderr).toMatch(/--accept-new-host-key/);
        expect(existsSync(join(client, '.ssh', 'known_hosts'))).toBe(false);
      });

      it('changed key: a clear refusal, also with --accept-new-host-key; known_hosts untouched', async () => {
        const dir = tempDir('cal-kh-');
        const kh = join(dir, 'known_hosts');
        const other = newKeyPair().public.split(' ').slice(0, 2).join(' ');
        writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${other}\n`);
        for (const extra of [[], ['--accept-new-host-key']]) {
          const r = await runCli([
            '--host',
            at(),
            '-i',
            sshd.clientKey,
            '--known-hosts',
            kh,
            ...extra,
            '--json',
            ...CT,
          ]);
          expectCouldNotRun(
            r,
            new RegExp(`host key for 127\\.0\\.0\\.1:${sshd.port} does not match known_hosts: refusing to connect`),
          );
          expect(r.stderr).toMatch(/ssh-keygen -R|--insecure-host-key/);
        }
        expect(readFileSync(kh, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${other}\n`);
      });

      it('a hashed known_hosts entry (ssh-keygen -H) is honoured', async () => {
        const dir = tempDir('cal-kh-');
        const kh = join(dir, 'known_hosts');
        writeFileSync(kh, hostKeyLine());
        const h = await run(join('/usr/bin', 'ssh-keygen'), ['-H', '-f', kh], { env: { PATH: SYSTEM_PATH } });
        expect(h.code, h.stderr).toBe(0);
        const hashed = readFileSync(kh, 'utf8');
        expect(hashed).toMatch(/^\|1\|/);
        expect(hashed).not.toContain('127.0.0.1');
        const r = await runCli(['--host', at(), '-i', sshd.clientKey, '--known-hosts', kh, '--json', ...CT]);
        ok(r);
      });

      it('--accept-new-host-key trusts on first use and records the key in ~/.ssh/known_hosts; the next strict run matches it', async () => {
        const client = clientHome();
        const r = await runCli(['--host', at(), '-i', sshd.clientKey, '--accept-new-host-key', '--json', ...CT], {
          home: client,
        });
        ok(r);
        expect(readFileSync(join(client, '.ssh', 'known_hosts'), 'utf8')).toBe(hostKeyLine());
        const again = await runCli(['--host', at(), '-i', sshd.clientKey, '--json', ...CT], { home: client });
        ok(again);
        expect(readFileSync(join(client, '.ssh', 'known_hosts'), 'utf8')).toBe(hostKeyLine()); // recorded once
      });

      it('--insecure-host-key connects despite a changed key, and the help says why it exists (Tart VMs change IPs)', async () => {
        const dir = tempDir('cal-kh-');
        const kh = join(dir, 'known_hosts');
        writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${newKeyPair().public.split(' ').slice(0, 2).join(' ')}\n`);
        const r = await runCli([
          '--host',
          at(),
          '-i',
          sshd.clientKey,
          '--known-hosts',
          kh,
          '--insecure-host-key',
          '--json',
          ...CT,
        ]);
        ok(r);
        const help = await runCli(['--help']);
        expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--insecure-host-key .*Tart VMs/);
        expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--accept-new-host-key .*record/);
      });
    });
  });

  it('unknown host name', async () => {
    const r = await runCli(['--host', 'no-such-host.invalid', '-i', someKey, '--json', ...CT]);
    expectCouldNotRun(r, /unknown host name: no-such-host\.invalid/);
  });

  describe('Tart', () => {
    let tart: FakeTart;
    beforeAll(() => {
      tart = fakeTart([
        { name: 'cal-dev', state: 'stopped' },
        { name: 'other', state: 'running', ip: '127.0.0.1' },
      ]);
    });
    afterAll(() => tart?.cleanup());

    it('tart missing from PATH', async () => {
      const r = await runCli(['--vm', 'cal-dev', '--json', ...CT], { env: { PATH: SYSTEM_PATH } });
      expectCouldNotRun(r, /tart not found on PATH/);
    });

    it('VM unknown: names the VMs there are', async () => {
      const r = await runCli(['--vm', 'nope', '--json', ...CT], { env: tart.env });
      expectCouldNotRun(r, /no Tart VM named "nope" \(known: cal-dev, other\)/);
    });

    it('VM stopped: says so, and how to start it', async () => {
      const r = await runCli(['--vm', 'cal-dev', '--json', ...CT], { env: tart.env });
      expectCouldNotRun(r, /Tart VM "cal-dev" is stopped/);
      expect(r.stderr).toMatch(/tart run cal-dev|--wait/);
    });

    it('the default target is the VM cal-dev (stopped here)', async () => {
      const r = await runCli(['--json', ...CT], { env: tart.env });
      expectCouldNotRun(r, /Tart VM "cal-dev" is stopped/);
    });
  });

  describe('probe killed mid-way', () => {
    const partial = '@@meta\ncHJvYmUudmVyc2lvbj0xLjAuMAA=\n@@server\nc2Vy';
    const servers: FakeSshd[] = [];
    afterAll(async () => {
      for (const s of servers) await s.stop();
    });
    const keyed = async (exec: Parameters<typeof fakeSshd>[0]['exec']) => {
      const kp = newKeyPair();
      const dir = tempDir('cal-key-');
      const key = join(dir, 'id');
      writeFileSync(key, kp.private);
      chmodSync(key, 0o600);
      const srv = await fakeSshd({ authorizedKeys: [kp.public], exec });
      servers.push(srv);
      return { srv, args: ['--host', `tester@127.0.0.1:${srv.port}`, '-i', key, '--known-hosts', srv.knownHosts] };
    };

    it('the remote shell is killed (SIGKILL) after printing part of its output', async () => {
      const { srv, args } = await keyed({ kind: 'cut', output: partial, signal: 'KILL' });
      const r = await runCli([...args, '--json', ...CT]);
      expectCouldNotRun(r, /probe was cut off: killed by (SIG)?KILL/);
      expect(srv.events.execs).toHaveLength(1);
    });

    it('the connection drops in the middle of the output', async () => {
      const { args } = await keyed({ kind: 'drop', output: partial });
      const r = await runCli([...args, '--json', ...CT]);
      expectCouldNotRun(
        r,
        /the connection to tester@127\.0\.0\.1:\d+ was lost while the probe ran \(49 bytes received\)/,
      );
    });

    /**
     * A real probe on a real sshd, against a SIGSTOPped server (so every tmux call waits for
     * its 10 s watchdog); `pick` chooses which of the probe's processes to SIGKILL, once
     * `ready` says the moment has come. The run must end as "cut off" well within those 10 s.
     */
    const killMidway = async (
      ready: (probe: Array<{ pid: number; argv: string }>) => boolean,
      pick: (probe: Array<{ pid: number; argv: string }>) => number[],
    ) => {
      const home = makeHome({ plugins: [] });
      const sshd = await startSshd({ env: home.env() });
      let pid = 0;
      try {
        pid = (await startServerLogin(home, { layout: false })).pid;
        signal(pid, 'SIGSTOP');
        const server = descendants(pid);
        server.add(pid);
        const probe = () => processesWithEnv('HOME', home.dir).filter((p) => !server.has(p.pid));
        let killed: number[] = [];
        const r = await runCli([...hostFlags(sshd), '--tmux-timeout', '10', '--timeout', '20', '--json', ...CT], {
          onSpawn: () => {
            void waitFor(() => ready(probe()), {
              timeoutMs: 10_000,
              intervalMs: 20,
              what: 'the probe to get there',
            }).then(() => {
              killed = pick(probe());
              for (const p of killed) signal(p, 'SIGKILL');
            });
          },
        });
        expect(killed.length).toBeGreaterThan(0);
        expectCouldNotRun(r, /probe was cut off: (killed by (SIG)?KILL|exit 137)/, {
          slowMs: CONNECT_TIMEOUT_S * 1000 + 2000,
        });
        // nothing of the probe is left on the target
        await waitFor(() => probe().length === 0, { timeoutMs: 5000, what: "the probe's processes to go" });
      } finally {
        if (pid) signal(pid, 'SIGCONT');
        await sshd.stop();
        await killServer(home);
        home.cleanup();
      }
    };
    const shells = (probe: Array<{ pid: number; argv: string }>) => probe.filter((p) => /^\/bin\/sh -s/.test(p.argv));

    it.skipIf(!(sshdAvailable() && tmuxAvailable()))(
      'a real probe on a real sshd, its shell killed while it waits on a stopped server',
      async () => {
        await killMidway(
          (probe) => shells(probe).length > 0,
          (probe) => shells(probe).map((p) => p.pid),
        );
      },
    );

    it.skipIf(!(sshdAvailable() && tmuxAvailable()))(
      'a real probe whose shell alone is killed, leaving a tmux client that holds its stderr open',
      async () => {
        // a short-lived subshell can exit between the listing and this read (bash 3.2 forks
        // more of them than dash): it has no parent then
        const parentOf = (pid: number) => {
          try {
            return Number(
              readFileSync(`/proc/${pid}/stat`, 'utf8')
                .replace(/^.*\) /s, '')
                .split(' ')[1],
            );
          } catch {
            return 0;
          }
        };
        await killMidway(
          (probe) => probe.some((p) => /(^|\/)tmux /.test(p.argv)),
          // the probe's own shell: the one /bin/sh -s whose parent is not one of the probe's subshells
          (probe) => {
            const sh = shells(probe);
            return sh.filter((p) => !sh.some((q) => q.pid === parentOf(p.pid))).map((p) => p.pid);
          },
        );
      },
    );
  });

  it('the plain report (no --json) shows the same one line', async () => {
    const port = await closedPort();
    const r = await runCli(['--host', `127.0.0.1:${port}`, '-i', someKey, ...CT]);
    expect(r.code).toBe(2);
    expect(lines(r.stdout).filter((l) => /cannot run/.test(l))).toEqual([
      expect.stringMatching(new RegExp(`cannot run: connection refused by 127\\.0\\.0\\.1:${port}`)),
    ]);
  });
});
