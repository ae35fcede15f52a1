import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../../src/cli/args.js';
import { parseTargetsFile, targetsOf } from '../../../src/cli/targets.js';

const dir = mkdtempSync(join(tmpdir(), 'cal-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('targets', () => {
  it('reads a targets file: vm:NAME, local, hosts; comments and blanks ignored', () => {
    const text =
      '# CI images\nvm:built-image\nvm other-image   # the second one\n\nlocal\nhost:admin@10.0.0.5:2222\nssh devbox\nuser@h2\n';
    expect(parseTargetsFile(text)).toEqual([
      { kind: 'vm', name: 'built-image' },
      { kind: 'vm', name: 'other-image' },
      { kind: 'local' },
      { kind: 'ssh', host: 'admin@10.0.0.5:2222' },
      { kind: 'ssh', host: 'devbox' },
      { kind: 'ssh', host: 'user@h2' },
    ]);
  });

  it('says which line of the file it cannot read', () => {
    expect(() => parseTargetsFile('vm:a\nthis is prose\n', 'hosts.txt')).toThrow(
      /^hosts\.txt:2: expected vm:NAME, local, or one SSH host per line/,
    );
    expect(() => parseTargetsFile('vm:\n', 'hosts.txt')).toThrow(UsageError);
  });

  it('defaults to the VM cal-dev, keeps one target in the single shape, and many in the many shape', async () => {
    expect(await targetsOf(await parseArgs([]))).toEqual({ targets: [{ kind: 'vm', name: 'cal-dev' }], many: false });
    expect(await targetsOf(await parseArgs(['--host', 'x']))).toEqual({
      targets: [{ kind: 'ssh', host: 'x' }],
      many: false,
    });
    const both = await targetsOf(await parseArgs(['--vm', 'a', '--host', 'x', '--local']));
    expect(both).toEqual({
      targets: [{ kind: 'vm', name: 'a' }, { kind: 'ssh', host: 'x' }, { kind: 'local' }],
      many: true,
    });
  });

  it('uses the many shape for --targets even with one line, and refuses an empty or missing file', async () => {
    const one = join(dir, 'one.txt');
    writeFileSync(one, 'vm:built-image\n');
    expect(await targetsOf(await parseArgs(['--targets', one]))).toEqual({
      targets: [{ kind: 'vm', name: 'built-image' }],
      many: true,
    });
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '# nothing\n');
    await expect(targetsOf(await parseArgs(['--targets', empty]))).rejects.toThrow(/names no target/);
    await expect(targetsOf(await parseArgs(['--targets', join(dir, 'nope.txt')]))).rejects.toThrow(/no such file/);
  });
});
