import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { AuthenticationType } from 'ssh2';
import ssh2 from 'ssh2';
import type { HostKeyPolicy, HostKeyVerdict } from './known-hosts.js';
import { TargetError } from './target.js';

const { utils } = ssh2;

export interface SshOptions {
  /** `host`, `user@host`, `user@host:port`, `[v6addr]:port` or a ~/.ssh/config alias */
  host: string;
  user?: string;
  port?: number;
  identity?: string;
  password?: string;
  hostKeyPolicy: HostKeyPolicy;
  knownHostsFile?: string;
  sshConfigFile?: string;
  connectTimeoutMs: number;
  kind?: 'ssh' | 'vm';
  /** a label prefix such as `vm cal-dev` */
  labelPrefix?: string;
  /** default user when neither flags, spec nor ssh config name one (`admin` for Tart VMs) */
  defaultUser?: string;
}

export interface Endpoint {
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
}

/** Splits `user@host:port`; a bare IPv6 address stays whole unless bracketed. */
export function parseHostSpec(spec: string): { host: string; user?: string; port?: number } {
  let rest = spec;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at > 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) return { user, host: bracket[1]!, port: bracket[2] ? Number(bracket[2]) : undefined };
  const hostPort = /^([^:]+):(\d+)$/.exec(rest);
  if (hostPort) return { user, host: hostPort[1]!, port: Number(hostPort[2]) };
  return { user, host: rest };
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

/** Flags beat the `user@host:port` spec, which beats ~/.ssh/config, which beats defaults. */
export function resolveEndpoint(opts: SshOptions): Endpoint {
  const spec = parseHostSpec(opts.host);
  let computed: Record<string, string | string[]> = {};
  const configFile = opts.sshConfigFile ?? join(homedir(), '.ssh', 'config');
  if (existsSync(configFile)) {
    try {
      computed = SSHConfig.parse(readFileSync(configFile, 'utf8')).compute(spec.host, {
        ignoreCase: true,
        matchExec: false,
      });
    } catch (e) {
      throw new TargetError(`cannot read ${configFile}: ${(e as Error).message}`);
    }
  }
  const one = (k: string) => {
    const v = computed[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const many = (k: string) => {
    const v = computed[k];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  const port = opts.port ?? spec.port ?? (one('port') ? Number(one('port')) : 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TargetError(`invalid port: ${port}`);
  return {
    host: one('hostname') ?? spec.host,
    port,
    user: opts.user ?? spec.user ?? one('user') ?? opts.defaultUser ?? userInfo().username,
    identityFiles: [
      ...(opts.identity ? [opts.identity] : []),
      ...many('identityfile').map(expandHome),
      ...['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => join(homedir(), '.ssh', k)),
    ],
  };
}

type AuthMethod = AuthenticationType | { type: string; username: string; [k: string]: unknown };

/** A usable ssh-agent: SSH_AUTH_SOCK names a socket that exists (a stale one would fail the whole login). */
function agentSocket(): string | undefined {
  const sock = process.env.SSH_AUTH_SOCK;
  if (!sock) return undefined;
  try {
    return statSync(sock).isSocket() ? sock : undefined;
  } catch {
    return undefined;
  }
}

export interface AuthPlan {
  methods: AuthMethod[];
  /** what the error message says was tried */
  tried: string[];
  /** keys that need a passphrase (usable only through the agent) */
  locked: string[];
}

export function authMethods(ep: Endpoint, opts: SshOptions): AuthPlan {
  const plan: AuthPlan = { methods: [], tried: [], locked: [] };
  const agent = agentSocket();
  if (agent) {
    plan.methods.push({ type: 'agent', username: ep.user, agent });
    plan.tried.push('ssh-agent');
  }
  const seen = new Set<string>();
  for (const file of ep.identityFiles) {
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    let key: Buffer;
    try {
      key = readFileSync(file);
    } catch {
      continue;
    }
    const parsed = utils.parseKey(key);
    if (parsed instanceof Error) {
      const encrypted = /encrypted|passphrase/i.test(parsed.message);
      if (file === opts.identity && !(encrypted && agent)) {
        throw new TargetError(
          `cannot use key ${file}: ${parsed.message}`,
          encrypted ? `load it into ssh-agent: ssh-add ${file}` : 'pass an OpenSSH, PEM or PuTTY private key',
        );
      }
      if (encrypted) plan.locked.push(file); // the agent may still hold it
      continue;
    }
    plan.methods.push({ type: 'publickey', username: ep.user, key });
    plan.tried.push(`key ${file}`);
  }
  if (opts.password !== undefined) {
    plan.methods.push({ type: 'password', username: ep.user, password: opts.password });
    plan.tried.push('password');
  }
  return plan;
}

export function connectError(
  e: Error & { level?: string; code?: string },
  ep: Endpoint,
  tried: string[],
  hostKey: HostKeyVerdict | undefined,
  timeoutMs: number,
  locked: string[] = [],
): TargetError {
  const where = `${ep.user}@${ep.host}:${ep.port}`;
  if (hostKey === 'changed')
    return new TargetError(
      `host key for ${ep.host}:${ep.port} does not match known_hosts: refusing to connect`,
      'if the machine was rebuilt, remove the old key with ssh-keygen -R, or pass --insecure-host-key for Tart VMs whose IPs are reused',
    );
  if (hostKey === 'unknown')
    return new TargetError(
      `host key for ${ep.host}:${ep.port} is not in known_hosts`,
      'run once with --accept-new-host-key to trust and record it, or --insecure-host-key (Tart VMs change IPs)',
    );
  if (e.level === 'client-authentication')
    return new TargetError(
      `authentication refused for ${where} (tried: ${tried.join(', ') || 'nothing'})`,
      locked.length
        ? `${locked.join(', ')} not tried: it needs a passphrase; ssh-add it, or check --user, --identity, --password-env VAR`
        : 'check --user, --identity, or pass the password with --password-env VAR',
    );
  if (e.level === 'client-timeout' || /timed out/i.test(e.message))
    return new TargetError(
      `no SSH answer from ${ep.host}:${ep.port} within ${Math.round(timeoutMs / 1000)} s`,
      'is the machine up and sshd running? For a freshly booted VM, use --wait',
      true,
    );
  switch (e.code) {
    case 'ECONNREFUSED':
      return new TargetError(
        `connection refused by ${ep.host}:${ep.port}: nothing listens there`,
        'enable Remote Login (sshd) on the target, or check --port',
        true,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TargetError(`unknown host name: ${ep.host}`, 'check the name, or use an IP / ~/.ssh/config alias');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new TargetError(`host unreachable: ${ep.host}`, undefined, true);
    case 'ECONNRESET':
      return new TargetError(`connection to ${where} was closed by the remote side`, undefined, true);
  }
  return new TargetError(`cannot connect to ${where}: ${e.message}`);
}
