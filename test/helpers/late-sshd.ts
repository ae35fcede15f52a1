// "The VM's sshd is not up yet": a second sshd for the same HOME and keys as a running
// harness sshd, on a port chosen now but started only when the test says so. Until then
// the port refuses connections, as a booting VM's does.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SSHD, type Sshd } from '../harness/sshd.js';
import { alive, childrenOf, cleanupAtExit, freePort, makeTempDir, signal, terminate } from '../harness/util.js';

export interface LateSshd {
  port: number;
  /** known_hosts with the host key for [127.0.0.1]:port */
  knownHosts: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function lateSshd(base: Sshd): Promise<LateSshd> {
  const dir = makeTempDir('cal-late-sshd-');
  const port = await freePort();
  const config = readFileSync(join(base.dir, 'sshd_config'), 'utf8')
    .replace(/^Port \d+$/m, `Port ${port}`)
    .replace(/^PidFile .*$/m, `PidFile ${join(dir, 'sshd.pid')}`);
  writeFileSync(join(dir, 'sshd_config'), config);
  const [type, blob] = base.hostKeyPub.split(' ');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${type} ${blob}\n`);
  let child: ChildProcess | undefined;
  const kill = () => {
    if (child?.pid) for (const pid of [child.pid, ...childrenOf(child.pid)]) signal(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const forget = cleanupAtExit(kill);
  return {
    port,
    knownHosts,
    async start() {
      const c = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {},
      });
      child = c;
      let log = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`late sshd did not listen on ${port}:\n${log}`)), 10_000);
        c.stderr!.setEncoding('utf8').on('data', (d: string) => {
          log += d;
          if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
            clearTimeout(timer);
            resolve();
          }
        });
        c.once('exit', () => {
          clearTimeout(timer);
          reject(new Error(`late sshd exited:\n${log}`));
        });
      });
    },
    async stop() {
      forget();
      const pid = child?.pid;
      if (pid !== undefined) {
        const pids = [pid, ...childrenOf(pid)].filter(alive);
        if (pids.length) await terminate(pids);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
