import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownHostsName, recordHostKey, verifyHostKey } from '../../../src/targets/known-hosts.js';

/** An SSH wire-format key blob: string type, then opaque key bytes. */
function blob(type: string, bytes = randomBytes(32)): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const klen = Buffer.alloc(4);
  klen.writeUInt32BE(bytes.length);
  return Buffer.concat([len, t, klen, bytes]);
}
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('known_hosts verification', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kh-'));
  const key = blob('ssh-ed25519');
  const other = blob('ssh-ed25519');

  it('names non-22 ports in brackets as OpenSSH does', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches plain, hashed, wildcard and comma-listed entries', () => {
    const file = join(dir, 'kh1');
    writeFileSync(
      file,
      [
        '# comment',
        `${hashed('[127.0.0.1]:2222')} ssh-ed25519 ${key.toString('base64')}`,
        `devbox,192.168.64.5 ssh-ed25519 ${key.toString('base64')}`,
        `*.lan ssh-ed25519 ${key.toString('base64')}`,
      ].join('\n'),
    );
    expect(verifyHostKey(file, '127.0.0.1', 2222, key)).toBe('match');
    expect(verifyHostKey(file, '192.168.64.5', 22, key)).toBe('match');
    expect(verifyHostKey(file, 'vm.lan', 22, key)).toBe('match');
    expect(verifyHostKey(file, '127.0.0.1', 22, key)).toBe('unknown');
  });

  it('calls a different key of the same type for a known host "changed"', () => {
    const file = join(dir, 'kh2');
    writeFileSync(file, `${hashed('10.0.0.9')} ssh-ed25519 ${key.toString('base64')}\n`);
    expect(verifyHostKey(file, '10.0.0.9', 22, other)).toBe('changed');
  });

  it('treats a missing file as unknown and records keys trust-on-first-use', () => {
    const file = join(dir, 'sub', 'known_hosts');
    expect(verifyHostKey(file, 'h', 22, key)).toBe('unknown');
    recordHostKey(file, 'h', 2200, key);
    expect(readFileSync(file, 'utf8')).toBe(`[h]:2200 ssh-ed25519 ${key.toString('base64')}\n`);
    expect(verifyHostKey(file, 'h', 2200, key)).toBe('match');
  });
});
