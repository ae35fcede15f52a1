// Reaching a target, for every command: the doctor, --fix and persist connect the same way,
// and wait for a target that is not up yet with the same backoff.

import { retry, WaitTimeout } from '../common/backoff.js';
import type { HostKeyPolicy } from './known-hosts.js';
import { type Target, TargetError } from './target.js';
import type { TartFact } from './tart.js';

export type TargetSpec = { kind: 'local' } | { kind: 'ssh'; host: string } | { kind: 'vm'; name: string };

export interface ConnectOptions {
  target: TargetSpec;
  user?: string;
  port?: number;
  identity?: string;
  password?: string;
  hostKeyPolicy?: HostKeyPolicy;
  knownHostsFile?: string;
  sshConfigFile?: string;
  connectTimeoutMs?: number;
  /**
   * `--wait`: for this long, a target that is not up yet (`tart ip` has no address, the VM
   * is still stopped, nothing listens on the SSH port, no answer) is retried with backoff.
   */
  waitMs?: number;
}

export interface Connection {
  target: Target;
  tart?: TartFact;
}

/** `--wait`: the target is not up yet; the next attempt comes in `retryInMs`. */
export interface WaitingEvent {
  type: 'waiting';
  label: string;
  attempt: number;
  reason: string;
  retryInMs: number;
  remainingMs: number;
}

export function labelOf(spec: TargetSpec): string {
  return spec.kind === 'local' ? 'local' : spec.kind === 'ssh' ? spec.host : `vm ${spec.name}`;
}

/** Each kind of target loads only its own code: `--local` never loads ssh2. */
export async function connect(opts: ConnectOptions): Promise<Connection> {
  const t = opts.target;
  if (t.kind === 'local') {
    const { LocalTarget } = await import('./local.js');
    return { target: new LocalTarget() };
  }
  const { SshTarget } = await import('./ssh.js');
  const ssh = {
    user: opts.user,
    port: opts.port,
    identity: opts.identity,
    password: opts.password,
    hostKeyPolicy: opts.hostKeyPolicy ?? 'strict',
    knownHostsFile: opts.knownHostsFile,
    sshConfigFile: opts.sshConfigFile,
    connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
  };
  if (t.kind === 'ssh') return { target: await SshTarget.connect({ ...ssh, host: t.host }) };
  const { locateVm } = await import('./tart.js');
  const tart = await locateVm(t.name);
  const target = await SshTarget.connect({
    ...ssh,
    host: tart.ip,
    kind: 'vm',
    labelPrefix: `vm ${t.name}`,
    defaultUser: 'admin',
  });
  return { target, tart };
}

export interface WaitOptions {
  /** how long to keep trying (default: opts.waitMs; 0 or less: one attempt) */
  waitMs?: number;
  onWaiting?: (e: WaitingEvent) => void;
  /** before each attempt */
  onAttempt?: () => void;
  /** stops waiting at once (Aborted) */
  signal?: AbortSignal;
  /** how one attempt connects (default: connect) */
  connectOnce?: (opts: ConnectOptions) => Promise<Connection>;
}

/**
 * `connect`, retried while the target is merely not up yet (a transient TargetError) until
 * the wait runs out, with the backoff of src/common/backoff.ts (0.5 s growing to 5 s).
 * Anything else fails at once; never up: a TargetError with the last reason.
 */
export async function connectWithWait(opts: ConnectOptions, w: WaitOptions = {}): Promise<Connection> {
  const once = w.connectOnce ?? connect;
  const waitMs = w.waitMs ?? opts.waitMs ?? 0;
  if (waitMs <= 0) {
    w.onAttempt?.();
    return once(opts);
  }
  const label = labelOf(opts.target);
  let last: TargetError | undefined;
  try {
    return await retry(
      (_attempt, remainingMs) => {
        w.onAttempt?.();
        return once({
          ...opts,
          connectTimeoutMs: Math.max(1000, Math.min(opts.connectTimeoutMs ?? 10_000, remainingMs)),
        });
      },
      {
        timeoutMs: waitMs,
        what: label,
        signal: w.signal,
        retryable: (e) => {
          if (!(e instanceof TargetError && e.transient)) return false;
          last = e;
          return true;
        },
        onRetry: ({ attempt, reason, retryInMs, remainingMs }) =>
          w.onWaiting?.({ type: 'waiting', label, attempt, reason, retryInMs, remainingMs }),
      },
    );
  } catch (e) {
    if (!(e instanceof WaitTimeout) || !last) throw e;
    const secs = Math.round(waitMs / 1000);
    throw new TargetError(
      `not up after waiting ${secs} s (${e.attempts} attempts): ${last.message}`,
      last.hint ?? `is the target starting at all? raise --wait beyond ${secs}`,
    );
  }
}
