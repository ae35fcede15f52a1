import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHostSpec, resolveEndpoint } from '../../../src/targets/ssh-login.js';

describe('host spec', () => {
  it.each([
    ['devbox', { host: 'devbox' }],
    ['admin@192.168.64.3', { user: 'admin', host: '192.168.64.3' }],
    ['admin@192.168.64.3:2222', { user: 'admin', host: '192.168.64.3', port: 2222 }],
    ['[::1]:2200', { host: '::1', port: 2200 }],
    ['me@[fe80::1]', { user: 'me', host: 'fe80::1' }],
  ])('%s', (spec, want) => {
    expect(parseHostSpec(spec)).toEqual({ user: undefined, port: undefined, ...want });
  });
});

describe('endpoint resolution with ~/.ssh/config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sshcfg-'));
  const cfg = join(dir, 'config');
  writeFileSync(
    cfg,
    'Host devbox\n  HostName 10.1.2.3\n  User dev\n  Port 2022\n  IdentityFile /keys/dev\n\nHost *\n  User fallback\n',
  );
  const base = { hostKeyPolicy: 'strict' as const, connectTimeoutMs: 1000, sshConfigFile: cfg };

  it('takes HostName, User, Port and IdentityFile from the config', () => {
    const ep = resolveEndpoint({ ...base, host: 'devbox' });
    expect(ep).toMatchObject({ host: '10.1.2.3', user: 'dev', port: 2022 });
    expect(ep.identityFiles[0]).toBe('/keys/dev');
  });

  it('lets flags beat the spec and the spec beat the config', () => {
    expect(resolveEndpoint({ ...base, host: 'ops@devbox:2200' })).toMatchObject({ user: 'ops', port: 2200 });
    expect(resolveEndpoint({ ...base, host: 'ops@devbox:2200', user: 'flag', port: 1 })).toMatchObject({
      user: 'flag',
      port: 1,
    });
  });

  it('uses the default user only when nothing names one', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    expect(resolveEndpoint({ ...base, sshConfigFile: empty, host: '192.168.64.9', defaultUser: 'admin' }).user).toBe(
      'admin',
    );
  });
});
