// The report's last lines repeat the user's own invocation: the command is rebuilt from the
// parsed flags, split again by a real shell and parsed back to the same target and checks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { againCommand, selfForUser } from '../../../src/cli/again.js';
import { type ParsedArgs, parseArgs } from '../../../src/cli/args.js';
import { targetsOf } from '../../../src/cli/targets.js';

const BIN = fileURLToPath(new URL('../../../bin/cal-doctor.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cal-again-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One command per target, as the report's last lines print them. */
async function commands(argv: string[]): Promise<string[]> {
  const a = await parseArgs(argv);
  const { targets } = await targetsOf(a);
  return targets.map((t) => againCommand('cal-doctor', a, t));
}

/** The words a shell makes of a command line. */
const words = (command: string) =>
  execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${command}`])
    .toString()
    .split('\0')
    .slice(0, -1);

/** What a run is about: where, how it gets there, which checks (not how it prints). */
const gist = (a: ParsedArgs) => {
  const { format, outputs, verbose, all, json, color, ci, strict, redact, ...rest } = a;
  return rest;
};

describe('againCommand: the invocation the report tells the user to run again', () => {
  it('keeps the target as typed: none for the default VM, --local, --vm, --host', async () => {
    expect(await commands([])).toEqual(['cal-doctor']);
    expect(await commands(['--local'])).toEqual(['cal-doctor --local']);
    expect(await commands(['--vm', 'a', '--host', 'devbox', '--local'])).toEqual([
      'cal-doctor --vm a',
      'cal-doctor --host devbox',
      'cal-doctor --local',
    ]);
  });

  it('keeps how an SSH target is reached and which checks run; leaves out the output flags', async () => {
    const argv = [
      '--host',
      'admin@10.0.0.5:2222',
      '-i',
      '/keys/my key',
      '--known-hosts',
      '/kh',
      '--accept-new-host-key',
      '--connect-timeout',
      '5',
      '--password-env',
      'CAL_PW',
      '--only',
      'tmux.*,resurrect.last',
      '--skip',
      'tart.vm',
      '--json',
      '--verbose',
      '--output',
      '/tmp/r.xml',
      '--tmux-timeout',
      '4',
    ];
    const [cmd] = await commands(argv);
    expect(cmd).toBe(
      "cal-doctor --host admin@10.0.0.5:2222 --identity '/keys/my key' --password-env CAL_PW --accept-new-host-key " +
        "--known-hosts /kh --connect-timeout 5 --only 'tmux.*,resurrect.last' --skip tart.vm --tmux-timeout 4",
    );
    // a shell gives back the words, and they parse to the same run
    const again = await parseArgs([...words(cmd!).slice(1), '--fix']);
    expect(gist(again)).toEqual({ ...gist(await parseArgs(argv)), fix: true });
  });

  it('SSH flags only for targets reached over SSH', async () => {
    expect(await commands(['--local', '--user', 'admin', '--port', '2222', '--active'])).toEqual([
      'cal-doctor --local --active',
    ]);
  });
});

describe('selfForUser: how the user calls the doctor', () => {
  it('node and the bin when PATH does not find it; cal-doctor when it does; npx cal-doctor under npx', () => {
    const path = `${dir}/nothing`;
    expect(selfForUser(BIN, { PATH: path })).toBe(`'${process.execPath}' '${realpathSync(BIN)}'`);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'cal-doctor'));
    expect(selfForUser(BIN, { PATH: bin })).toBe('cal-doctor');
    expect(selfForUser(BIN, { PATH: bin, npm_command: 'exec' })).toBe('npx cal-doctor');
  });
});
