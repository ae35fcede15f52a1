// src/remote/lib.sh, the library of every target-side script, run for real under dash, bash
// --posix and (when the macOS tools are there) macOS's bash 3.2.57: its records read back byte for byte
// by src/remote/records.ts, and its watchdog bounds a call and leaves nothing behind, also
// under a caller's TERM trap and inside a signal's trap handler.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remoteSource, shellWord } from '../../src/remote/assemble.js';
import { decodeKv, outputComplete, scanOutput, splitRecords } from '../../src/remote/records.js';
import { POSIX_SHELLS, type Shell } from '../helpers/shells.js';

const dir = mkdtempSync(join(tmpdir(), 'cal-remote-lib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  stdout: Buffer;
  code: number | null;
  ms: number;
  /** processes (not zombies) left in the script's process group once it ended */
  left: string[];
}

function leftInGroup(pgid: number): string[] {
  const r = spawnSync('ps', ['-A', '-o', 'pgid=', '-o', 'stat=', '-o', 'args='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => {
      const [g, stat] = l.split(/\s+/);
      return Number(g) === pgid && !stat?.startsWith('Z');
    });
}

/** Runs lib.sh + `body` with `shell -s` in a process group of its own; `during` gets its pid. */
function run(shell: Shell, body: string, during?: (pid: number) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(shell.argv[0]!, [...shell.argv.slice(1), '-s'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      // a sleep orphaned by a watchdog would still be here
      setTimeout(() => resolve({ stdout: Buffer.concat(out), code, ms, left: leftInGroup(child.pid!) }), 100);
    });
    child.stdin.end(`${remoteSource('lib.sh')}${body}\n`);
    during?.(child.pid!).catch(reject);
  });
}

const HOSTILE = `it's "q" $(x) \`y\` \\ ${'\t'}tab\nline é 💥 @@end\n`;

describe.each(POSIX_SHELLS.map((s) => [s.name, s] as const))('lib.sh under %s', (_, shell) => {
  it('writes records that records.ts reads back exactly: kv items, strings, raw bytes with the cap', async () => {
    const bin = join(dir, 'bin');
    writeFileSync(bin, Buffer.from([0, 1, 2, 255, 10, 64, 64, 13, 10, ...Buffer.from('x'.repeat(200))]));
    const r = await run(
      shell,
      [
        `v=${shellWord(HOSTILE)}`,
        'cal_kv one "a=$v" "b=" "c=x=y"',
        'cal_str two "$v"',
        'cal_str empty ""',
        `cal_raw three ${shellWord(bin)} 4`,
        `cal_raw whole ${shellWord(bin)} 1000`,
        'cal_kv end ok=1',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    const { records, warnings, ended } = splitRecords(r.stdout);
    expect(warnings).toEqual([]);
    expect(ended).toBe(true);
    expect(outputComplete(r.stdout)).toBe(true);
    expect(Object.fromEntries(decodeKv(records.get('one')))).toEqual({ a: HOSTILE, b: '', c: 'x=y' });
    expect(records.get('two')?.toString('utf8')).toBe(HOSTILE);
    expect(records.get('empty')).toEqual(Buffer.alloc(0));
    // CAP+1 bytes: the reader can tell the file was longer
    expect(records.get('three')).toEqual(Buffer.from([0, 1, 2, 255, 10]));
    expect(records.get('whole')?.length).toBe(209);
    expect(scanOutput(r.stdout).list.map((x) => x.key)).toEqual(['one', 'two', 'empty', 'three', 'whole', 'end']);
  });

  it('cal_batch: kv records held and written by cal_flush as one kvs record, read back as the records they were', async () => {
    const r = await run(
      shell,
      [
        `v=${shellWord(HOSTILE)}`,
        'cal_batch=1',
        'cal_kv one "a=$v" "b=" "c=x=y"',
        // an item that names a batch variable is data, never expanded
        'cal_kv two "x=\\$cal_b_1" "y=$cal_bq"',
        'cal_str between "$v"',
        'cal_kv three "z=1"',
        'cal_flush',
        'cal_flush',
        'cal_kv four "w=2"',
        'cal_flush',
        'cal_key end',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    const { records, warnings, ended } = splitRecords(r.stdout);
    expect(warnings).toEqual([]);
    expect(ended).toBe(true);
    // one base64 per flush that held something
    expect(r.stdout.toString().match(/^@@kvs$/gm)).toHaveLength(2);
    expect(Object.fromEntries(decodeKv(records.get('one')))).toEqual({ a: HOSTILE, b: '', c: 'x=y' });
    expect(decodeKv(records.get('two')).get('x')).toBe('$cal_b_1');
    expect(decodeKv(records.get('two')).get('y')).toContain('"$cal_b_');
    expect(records.get('between')?.toString('utf8')).toBe(HOSTILE);
    expect(decodeKv(records.get('three')).get('z')).toBe('1');
    expect(decodeKv(records.get('four')).get('w')).toBe('2');
    expect(scanOutput(r.stdout).list.map((x) => x.key)).toEqual(['between', 'one', 'two', 'three', 'four', 'end']);
  });

  it('cal_bounded: a call within its bound keeps its status; one past it is killed (137); nothing is left', async () => {
    const r = await run(
      shell,
      ['cal_bounded 5 sh -c "exit 3"; echo "rc=$?"', 'cal_bounded 1 sleep 30; echo "rc=$?"'].join('\n'),
    );
    expect(r.stdout.toString()).toBe('rc=3\nrc=137\n');
    expect(r.ms).toBeLessThan(4000);
    expect(r.left).toEqual([]);
  });

  it("cal_bounded under a caller's TERM trap: the trap never runs in a watchdog", async () => {
    const r = await run(
      shell,
      [
        "trap 'echo TRAPPED' TERM",
        'i=0',
        'while [ "$i" -lt 40 ]; do cal_bounded 5 true; i=$((i + 1)); done',
        'echo done',
      ].join('\n'),
    );
    expect(r.stdout.toString()).toBe('done\n');
    expect(r.left).toEqual([]);
  });

  it('cal_watch runs its expiry function with the pid of the call', async () => {
    const r = await run(
      shell,
      [
        'expired() { echo "expired $1" >&3; kill -9 "$1"; }',
        'cal_watch expired 1 sleep 30 3>&1; echo "rc=$? pid=$_bp"',
      ].join('\n'),
    );
    const [line1, line2] = r.stdout.toString().trim().split('\n');
    expect(line2).toMatch(/^rc=137 pid=\d+$/);
    expect(line1).toBe(`expired ${line2!.split('pid=')[1]}`);
    expect(r.left).toEqual([]);
  });

  it('a cleanup that ignores the signals may use cal_bounded inside the trap handler: no watchdog sleep is left', async () => {
    // bash 3.2 delivers the signal being handled again to a subshell forked in its handler
    // unless the subshell ignores it: a watchdog would die of it and orphan its sleep
    const r = await run(
      shell,
      [
        'cleanup() { trap \'\' HUP INT TERM PIPE; kill "$s"; cal_bounded 3 true; cal_bounded 3 true; exit 129; }',
        'trap cleanup HUP',
        'sleep 30 &',
        's=$!',
        'wait',
      ].join('\n'),
      async (pid) => {
        await new Promise((r) => setTimeout(r, 300));
        process.kill(pid, 'SIGHUP');
      },
    );
    expect(r.code).toBe(129);
    expect(r.ms).toBeLessThan(3000);
    expect(r.left).toEqual([]);
  });
});

describe('records.ts: a kvs batch', () => {
  const batch = (...bs: Buffer[]) => `${bs.map((b) => `@@kvs\n${b.toString('base64')}\n`).join('')}@@end\n`;
  it('a cut-off batch keeps the records and items that were whole; a NUL-free tail is dropped', () => {
    const whole = Buffer.from('one\0a=1\0b=2\0\0two\0c=3\0d=4', 'latin1');
    const { records } = splitRecords(batch(whole));
    expect(Object.fromEntries(decodeKv(records.get('one')))).toEqual({ a: '1', b: '2' });
    expect(Object.fromEntries(decodeKv(records.get('two')))).toEqual({ c: '3' });
  });
  it('a key repeated across batches is a repeated record (the last wins, with a warning)', () => {
    const out = batch(Buffer.from('k\0a=1\0\0', 'latin1'), Buffer.from('k\0a=2\0\0', 'latin1'));
    const { records, warnings } = splitRecords(out);
    expect(decodeKv(records.get('k')).get('a')).toBe('2');
    expect(warnings).toEqual(['probe output repeats record k; the last one is used']);
  });
});
