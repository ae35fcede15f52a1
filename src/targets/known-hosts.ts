// Host-key verification against OpenSSH's known_hosts, hashed entries included, so the
// doctor refuses a changed key exactly like `ssh` does.
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type HostKeyPolicy = 'strict' | 'accept-new' | 'insecure';
export type HostKeyVerdict = 'match' | 'unknown' | 'changed';

/** The name known_hosts uses: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

function hostMatches(field: string, name: string): boolean {
  let matched = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) {
      if (patternMatches(p.slice(1), name)) return false;
    } else if (patternMatches(p, name)) matched = true;
  }
  return matched;
}

/** Compares a server's raw key blob with every entry for the host in `file`. */
export function verifyHostKey(file: string, host: string, port: number, key: Buffer): HostKeyVerdict {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 'unknown';
  }
  const name = knownHostsName(host, port);
  const keyType = key.subarray(4, 4 + key.readUInt32BE(0)).toString();
  let sawSameType = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let fields = line.split(/\s+/);
    if (fields[0]?.startsWith('@')) {
      if (fields[0] === '@revoked' && fields[1] && hostMatches(fields[1], name) && fields[3] === key.toString('base64'))
        return 'changed';
      fields = fields.slice(1);
      continue; // @cert-authority lines are not plain host keys
    }
    const [hosts, type, blob] = fields;
    if (!hosts || !type || !blob || !hostMatches(hosts, name)) continue;
    if (blob === key.toString('base64')) return 'match';
    if (type === keyType) sawSameType = true;
  }
  return sawSameType ? 'changed' : 'unknown';
}

/** Trust on first use: records the key the way `ssh -o StrictHostKeyChecking=accept-new` does. */
export function recordHostKey(file: string, host: string, port: number, key: Buffer): void {
  const keyType = key.subarray(4, 4 + key.readUInt32BE(0)).toString();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${knownHostsName(host, port)} ${keyType} ${key.toString('base64')}\n`, { mode: 0o600 });
}
