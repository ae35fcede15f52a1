import { describe, expect, it } from 'vitest';
import { parseArgs, parseOutput, UsageError } from '../../../src/cli/args.js';

const usage = async (argv: string[]) => {
  const e = await parseArgs(argv).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UsageError);
  return (e as Error).message;
};

describe('argument grammar', () => {
  it('keeps the defaults of a plain run', async () => {
    const a = await parseArgs([]);
    expect(a).toMatchObject({
      command: 'run',
      vm: [],
      host: [],
      local: false,
      format: 'table',
      outputs: [],
      concurrency: 8,
      wait: 0,
      active: false,
      fix: false,
      yes: false,
      ci: false,
      strict: false,
      redact: false,
    });
  });

  it('takes --vm and --host repeatedly, and --targets FILE', async () => {
    const a = await parseArgs([
      '--vm',
      'a',
      '--vm',
      'b',
      '--host',
      'x',
      '--host',
      'admin@y:2222',
      '--targets',
      'hosts.txt',
      '--concurrency',
      '3',
    ]);
    expect([a.vm, a.host, a.targetsFile, a.concurrency]).toEqual([['a', 'b'], ['x', 'admin@y:2222'], 'hosts.txt', 3]);
    expect(await usage(['--concurrency', '0'])).toMatch(/--concurrency must be a number from 1 to 64/);
    expect(await usage(['--vm'])).toMatch(/vm/);
  });

  it('picks one stdout format: --format, --json or --report', async () => {
    expect((await parseArgs(['--json'])).format).toBe('json');
    expect((await parseArgs(['--report'])).format).toBe('markdown');
    expect((await parseArgs(['--format', 'junit'])).format).toBe('junit');
    expect((await parseArgs(['--json', '--format', 'json'])).format).toBe('json');
    expect(await usage(['--json', '--format', 'junit'])).toMatch(/choose one stdout format/);
    expect(await usage(['--format', 'yaml'])).toMatch(/Invalid values|Choices/);
  });

  it('reads --output formats from the extension or FILE:format', async () => {
    const a = await parseArgs([
      '--output',
      'report.xml',
      '-o',
      'out/r.json',
      '--output',
      'bug.md',
      '--output',
      'plain.txt',
      '--output',
      'ci/result:junit',
    ]);
    expect(a.outputs).toEqual([
      { file: 'report.xml', format: 'junit' },
      { file: 'out/r.json', format: 'json' },
      { file: 'bug.md', format: 'markdown' },
      { file: 'plain.txt', format: 'table' },
      { file: 'ci/result', format: 'junit' },
    ]);
    expect(parseOutput('C:/x/report.json')).toEqual({ file: 'C:/x/report.json', format: 'json' });
    expect(await usage(['--output', 'report.yaml'])).toMatch(/cannot tell the format/);
  });

  it('makes --ci imply --active, and --strict stand on its own', async () => {
    expect(await parseArgs(['--ci'])).toMatchObject({ ci: true, active: true, strict: false });
    expect(await parseArgs(['--active'])).toMatchObject({ ci: false, active: true });
    expect(await parseArgs(['--ci', '--strict'])).toMatchObject({ strict: true });
  });

  it('wants --fix for --yes', async () => {
    expect(await parseArgs(['--fix'])).toMatchObject({ fix: true, yes: false });
    expect(await parseArgs(['--fix', '--yes'])).toMatchObject({ fix: true, yes: true });
    expect(await parseArgs(['--fix', '-y'])).toMatchObject({ fix: true, yes: true });
    expect(await usage(['--yes'])).toMatch(/--yes applies the repairs of --fix/);
  });

  it('takes --wait in seconds', async () => {
    expect((await parseArgs(['--wait', '120'])).wait).toBe(120);
    expect(await usage(['--wait', '-1'])).toMatch(/--wait must be a number/);
  });

  it('has --help with examples of the new flags, and a completion command', async () => {
    const a = await parseArgs(['--help']);
    expect(a.command).toBe('help');
    for (const s of [
      '--format',
      '--output',
      '--wait',
      '--targets',
      '--concurrency',
      '--redact',
      '--ci',
      '--strict',
      '--fix',
      '--yes',
      '--active',
      'completion',
      'Examples:',
    ])
      expect(a.help).toContain(s);
    expect(a.help).toMatch(/--ci --wait 120 --vm built-image/);
  });
});
