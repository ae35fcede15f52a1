// `--host` / `--vm`: one ssh2 connection, one exec of `/bin/sh -s` with the probe on stdin
// (REMOTE_COMMAND; a second exec only to stop a script that missed its deadline or was
// interrupted by Ctrl-C).
// Who to log in as, how, and the words of a failed connection: ssh-login.ts.

import { EventEmitter } from 'node:events';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { AuthenticationType, ClientChannel, Client as ClientType } from 'ssh2';
import ssh2 from 'ssh2';
import { onShutdown } from '../common/lifecycle.js';
import { collect, type DataSource } from './collect.js';
import { type HostKeyVerdict, recordHostKey, verifyHostKey } from './known-hosts.js';
import {
  type AuthPlan,
  authMethods,
  connectError,
  type Endpoint,
  resolveEndpoint,
  type SshOptions,
} from './ssh-login.js';
import { type RunOptions, type RunResult, type Target, TargetError } from './target.js';

const { Client } = ssh2;

export class SshTarget implements Target {
  readonly kind: 'ssh' | 'vm';
  readonly label: string;
  private readonly running = new Set<RunningProbe>();
  private readonly kills = new Set<Promise<void>>();
  private closed = false;
  private release: () => void = () => {};

  private constructor(
    private readonly client: ClientType,
    ep: Endpoint,
    opts: SshOptions,
  ) {
    this.kind = opts.kind ?? 'ssh';
    const where = `${ep.user}@${ep.host}${ep.port === 22 ? '' : `:${ep.port}`}`;
    this.label = opts.labelPrefix ? `${opts.labelPrefix} (${where})` : where;
  }

  static connect(opts: SshOptions): Promise<SshTarget> {
    const ep = resolveEndpoint(opts);
    let plan: AuthPlan;
    try {
      plan = authMethods(ep, opts);
    } catch (e) {
      return Promise.reject(e);
    }
    const { tried, locked } = plan;
    const queue = plan.methods;
    if (queue.length === 0) {
      if (locked.length)
        return Promise.reject(
          new TargetError(
            `no way to authenticate to ${ep.host}: ${locked.join(', ')} need${locked.length === 1 ? 's' : ''} a passphrase and no ssh-agent is running`,
            `ssh-add ${locked[0]} (then run again), or --password-env VAR`,
          ),
        );
      return Promise.reject(
        new TargetError(
          `no way to authenticate to ${ep.host}: no key in ~/.ssh, no ssh-agent, no password`,
          'pass --identity FILE, start ssh-agent, or --password-env VAR',
        ),
      );
    }
    const knownHosts = opts.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');
    let hostKey: HostKeyVerdict | undefined;
    const client = new Client();
    // Ctrl-C while connecting: hang up; once connected, the target's own shutdown takes over.
    let release = onShutdown(() => void client.end());
    return new Promise((resolve, reject) => {
      client.on('ready', () => {
        release();
        const target = new SshTarget(client, ep, opts);
        target.release = onShutdown(() => target.shutdown());
        resolve(target);
      });
      client.on('error', (e) => {
        release();
        release = () => {};
        client.end();
        reject(connectError(e, ep, tried, hostKey, opts.connectTimeoutMs, locked));
      });
      client.connect({
        host: ep.host,
        port: ep.port,
        username: ep.user,
        readyTimeout: opts.connectTimeoutMs,
        authHandler: (_left, _partial, next) => {
          next((queue.shift() ?? false) as AuthenticationType);
        },
        hostVerifier: (key: Buffer) => {
          if (opts.hostKeyPolicy === 'insecure') return true;
          const verdict = verifyHostKey(knownHosts, ep.host, ep.port, key);
          if (verdict === 'match') return true;
          if (verdict === 'unknown' && opts.hostKeyPolicy === 'accept-new') {
            recordHostKey(knownHosts, ep.host, ep.port, key);
            return true;
          }
          hostKey = verdict;
          return false;
        },
      });
      // ssh2 writes each packet on its own; with Nagle on, a small write that follows
      // another waits for the server's delayed ACK (40 ms on Linux), once in the key
      // exchange, once in the login and again when the channel opens.
      client.setNoDelay(true);
    });
  }

  runScript(script: string, opts: RunOptions): Promise<RunResult> {
    const started = Date.now();
    const limit = `the probe did not finish within ${Math.round(opts.timeoutMs / 1000)} s`;
    return new Promise((resolve, reject) => {
      // The deadline covers the exec request too: a server that never opens the channel
      // must not hang the doctor.
      let late = false;
      const opening = setTimeout(() => {
        late = true;
        reject(
          new TargetError(
            limit,
            'the target accepted the connection but did not start the command; check the target for a hung sshd or a login that blocks',
          ),
        );
      }, opts.timeoutMs);
      this.client.exec(REMOTE_COMMAND, (err, stream: ClientChannel) => {
        clearTimeout(opening);
        if (late) {
          try {
            stream?.close();
          } catch {
            /* closed */
          }
          return;
        }
        if (err) return reject(new TargetError(`the target refused to run a command: ${err.message}`));
        const run: RunningProbe = { pid: undefined };
        this.running.add(run);
        let exit: { code: number | null; signal?: string } = { code: null };
        stream.on('exit', (code: number | null, signal?: string) => {
          exit = { code, signal };
        });
        const abort = () => {
          // OpenSSH forwards the signal to the script's process group (not for root logins,
          // and not older servers): the kill over a second channel below covers those.
          try {
            stream.signal('TERM');
          } catch {
            /* channel already closed */
          }
          this.killRemote(run);
          stream.close();
        };
        stream.on('error', () => {});
        const stderr = stripPidLine(stream.stderr, (pid) => (run.pid = pid));
        // ssh2 reports the transport going away before it closes the channels
        let lost = false;
        const onLost = () => void (lost = true);
        this.client.on('end', onLost).on('close', onLost);
        const remaining = Math.max(1, opts.timeoutMs - (Date.now() - started));
        collect(stream, stderr, {
          timeoutMs: remaining,
          abort,
          onClose: (done) => stream.on('close', () => done(exit.code, exit.signal)),
          onShellExit: (exited) => stream.on('exit', () => exited(exit.code, exit.signal)),
          leftovers: () => {
            this.killRemote(run);
            stream.close();
          },
          timeoutMessage: limit,
        })
          .then((res) => {
            if (lost && res.code === null && !res.signal)
              throw new TargetError(
                `the connection to ${this.label} was lost while the probe ran (${res.stdout.length} bytes received)`,
                'the target went away (rebooted, slept, or its network dropped): run again',
              );
            // a shell killed by a signal leaves its children behind (watchdogs, a tmux client)
            if (res.signal) this.killRemote(run);
            return res;
          })
          .finally(() => {
            this.running.delete(run);
            this.client.off('end', onLost).off('close', onLost);
          })
          .then(resolve, reject);
        stream.end(script);
        opts.onStarted?.();
      });
    });
  }

  /**
   * Stops a script still running on the target: SIGTERM to its whole process group (sshd
   * makes each session's command a group leader) so its traps can clean up (the --active
   * sandbox), up to 2 s for the shell to go, then SIGKILL to whatever is left of the group.
   * The pid is digits we parsed ourselves; nothing else goes into the command.
   */
  private killRemote(run: RunningProbe): void {
    const pid = run.pid;
    if (pid === undefined || this.closed || run.killing) return;
    run.killing = true;
    const script = `p=${pid}; kill -s TERM -- -$p $p 2>/dev/null; i=0; while kill -0 $p 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done; kill -s KILL -- -$p $p 2>/dev/null; exit 0`;
    const kill = new Promise<void>((resolve) => {
      try {
        this.client.exec(`/bin/sh -c '${script}'`, (err, ch) => {
          if (err) return resolve();
          ch.on('error', () => {});
          ch.on('close', () => resolve());
          ch.resume();
          ch.stderr.resume();
          ch.end();
        });
      } catch {
        resolve();
      }
    });
    this.kills.add(kill);
    void kill.finally(() => this.kills.delete(kill));
  }

  /** Ctrl-C / SIGTERM: stop what runs on the target, then hang up. */
  private async shutdown(): Promise<void> {
    for (const run of this.running) this.killRemote(run);
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // a kill still on its way must reach the target before the connection goes
    if (this.kills.size) await Promise.race([Promise.allSettled([...this.kills]), sleep(KILL_WAIT_MS)]);
    this.closed = true;
    this.release();
    this.client.end();
  }
}

interface RunningProbe {
  /** the remote shell's pid (= its process group), once it has said it */
  pid: number | undefined;
  /** a kill is on its way */
  killing?: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** How long close() waits for the kill of an aborted script (TERM, its traps, then KILL) to be done. */
const KILL_WAIT_MS = 2_500;

const PID_MARK = '@@cal-doctor-pid ';

/**
 * What the target runs: a POSIX sh that first says its pid on stderr (so an aborted probe
 * can be killed, process group and all), then becomes `/bin/sh -s` reading the probe from
 * stdin. A constant: no value from flags, config or the target is ever part of it. Quoted
 * for any login shell sshd hands it to (sh, bash, zsh, fish, csh).
 */
export const REMOTE_COMMAND = `/bin/sh -c 'echo "${PID_MARK}$$" >&2; exec /bin/sh -s'`;

/** `stderr` without the leading pid line, which goes to `onPid`; data passes on synchronously. */
function stripPidLine(stderr: Readable, onPid: (pid: number) => void): DataSource {
  const out = new EventEmitter();
  let head: Buffer | null = Buffer.alloc(0);
  const flush = (rest: Buffer) => {
    if (rest.length) out.emit('data', rest);
  };
  stderr.on('data', (chunk: Buffer) => {
    if (head === null) return flush(chunk);
    head = Buffer.concat([head, chunk]);
    const nl = head.indexOf(10);
    if (nl < 0 && head.length < 256) return;
    const first = head.subarray(0, nl < 0 ? head.length : nl).toString('latin1');
    const m = first.startsWith(PID_MARK) ? /^(\d{1,10})$/.exec(first.slice(PID_MARK.length)) : null;
    if (m && Number(m[1]) > 1) onPid(Number(m[1]));
    const rest = m ? head.subarray(nl + 1) : head;
    head = null;
    flush(rest);
  });
  stderr.on('end', () => {
    if (head?.length) flush(head);
    head = null;
  });
  return out as DataSource;
}
