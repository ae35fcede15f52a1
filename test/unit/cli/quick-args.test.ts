// The quick parser of plain runs must give exactly what the yargs grammar gives, or step
// aside: for every command line it takes, both paths agree on the result or on refusing it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArgs, quickFlags } from '../../../src/cli/args.js';

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

const outcome = (p: Promise<unknown>): Promise<Outcome> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (e: unknown) => ({ ok: false as const, message: (e as Error).message }),
  );

async function agree(argv: string[]): Promise<void> {
  const quick = await outcome(parseArgs(argv));
  const full = await outcome(parseArgs(argv, { quick: false }));
  if (full.ok) expect(quick, JSON.stringify(argv)).toEqual(full);
  // yargs may refuse first with its own words; the quick path must refuse too
  else expect(quick.ok, JSON.stringify(argv)).toBe(false);
}

const TOKENS = [
  '--host',
  'root@127.0.0.1:2222',
  '--vm',
  'cal-dev',
  '--local',
  '--json',
  '--report',
  '--format',
  'junit',
  'yaml',
  '--port',
  '22',
  '0',
  '70000',
  'x',
  '--identity',
  '-i',
  '/k',
  '--known-hosts',
  '/kh',
  '--concurrency',
  '3',
  '--wait',
  '120',
  '-1',
  '--timeout',
  '1e3',
  '--tmux-timeout',
  '2.6',
  '--only',
  'tmux.path,plugins.*',
  '--skip',
  'tmux',
  '--checks-dir',
  'a,b',
  '--output',
  'r.json',
  '-o',
  'r.xml',
  'r.yaml',
  '--redact',
  '-v',
  '--verbose',
  '--color',
  '--no-color',
  '--ci',
  '--strict',
  '--active',
  '--fix',
  '--yes',
  '-y',
  '-vy',
  '--accept-new-host-key',
  '--insecure-host-key',
  '--user',
  'admin',
  '--password-env',
  'PW',
  '--ssh-config',
  '/c',
  '--connect-timeout',
  '5',
  '--force',
  '--start-command',
  'tmux',
  '--',
  '--host=',
  '--port=2222',
  'list',
  '--help',
  '-h',
  '--bogus',
  '--knownHosts',
  '/kh2',
  '',
];

describe('quick parser of plain runs', () => {
  it('takes the common command lines itself', () => {
    for (const argv of [
      [],
      ['--local'],
      ['--host', 'h', '--identity', 'k', '--known-hosts', 'kh', '--json'],
      ['--vm', 'a', '--vm', 'b', '-o', 'r.xml', '--ci'],
      ['-i', 'k', '--host=h'],
    ])
      expect(quickFlags(argv), JSON.stringify(argv)).toBeDefined();
  });

  it('leaves commands, help, --no- forms, repeats and unknown flags to yargs', () => {
    for (const argv of [
      ['list'],
      ['explain', 'tmux.path'],
      ['--help'],
      ['-h'],
      ['--no-color'],
      ['--user', 'a', '--user', 'b'],
      ['--bogus'],
      ['--host'],
      ['--host', '--local'],
      ['--format', 'yaml'],
      ['--', 'x'],
      ['--accept-new-host-key', '--insecure-host-key'],
    ])
      expect(quickFlags(argv), JSON.stringify(argv)).toBeUndefined();
  });

  it('agrees with the yargs grammar on hand-picked lines', async () => {
    for (const argv of [
      [],
      ['--local', '--json'],
      ['--host', 'root@127.0.0.1:2222', '--port', '2200', '-i', '/k', '--known-hosts', '/kh'],
      ['--port', 'x'],
      ['--port', '0'],
      ['--concurrency', '0'],
      ['--wait', '-1'],
      ['--json', '--format', 'junit'],
      ['--yes'],
      ['--fix', '-y'],
      ['--output', 'r.yaml'],
      ['--ci', '--strict'],
      ['--only', 'tmux.path,plugins.*', '--skip', 'tmux', '--checks-dir', 'a,b'],
      ['--tmux-timeout', '2.6', '--timeout', '1e3'],
      ['-vy', '--fix'],
      ['--port=2222'],
    ])
      await agree(argv);
  });

  it('agrees with the yargs grammar on generated lines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...TOKENS), { maxLength: 8 }), async (argv) => {
        await agree(argv);
      }),
      { numRuns: 400 },
    );
  });
});
