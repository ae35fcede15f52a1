// Where a left-over tmux server listens, as the probe reads it from the OS: the parsers over
// real /proc and lsof output (test/fixtures/linux, test/fixtures/macos; each file says where
// it comes from), and the @@unreached records into Facts.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROBE_FILES } from '../../src/probe/gather.js';
import { parseLsofListens, parseProcListens } from '../../src/probe/parse/server.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { remoteSource, shellWord } from '../../src/remote/assemble.js';
import { POSIX_SHELLS, type Shell, which } from '../helpers/shells.js';

/** A fixture's output: the file without its `#` header and the blank line after it. */
function fixture(path: string): string {
  const text = readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
  return text.replace(/^(#[^\n]*\n)+\n/, '');
}

/** A kv record as probe.sh writes it: items ended by NUL, base64. */
function kv(key: string, items: Record<string, string | number>): string {
  const body = Object.entries(items)
    .map(([k, v]) => `${k}=${v}\0`)
    .join('');
  return `@@${key}\n${Buffer.from(body).toString('base64')}\n`;
}

const probe = (...records: string[]) =>
  parseProbeOutput(`${kv('meta', { 'probe.timeout': 2, 'host.uid': 501 })}${records.join('')}@@end\n`);

const SOCK = '/tmp/cap.6JGT/tmux-501/default';

describe('parseProcListens: /proc/PID/fd socket links matched with /proc/net/unix', () => {
  it('takes the listening socket and leaves the accepted connection on the same path', () => {
    const fd = fixture('linux/proc-fd-tmux-server.txt');
    const unix = fixture('linux/proc-net-unix-tmux-server.txt');
    expect(unix.split('\n')[2]).toContain(' 00000000 0001 03 8250647 ');
    expect(parseProcListens(fd, unix)).toEqual([SOCK]);
  });

  it('names only sockets of the process, and nothing from garbage', () => {
    const unix = fixture('linux/proc-net-unix-tmux-server.txt');
    expect(parseProcListens('lrwx------ 1 root root 64 Dec  3 18:13 6 -> socket:[1]\n', unix)).toEqual([]);
    expect(parseProcListens('\0\x1f junk -> socket:[', `${unix}\n\0garbage 00010000`)).toEqual([]);
    expect(parseProcListens(undefined, undefined)).toEqual([]);
  });
});

describe('parseLsofListens: lsof -a -U -p PID -F fn', () => {
  it('Linux lsof: the path once, without ` type=STREAM`', () => {
    expect(parseLsofListens(fixture('linux/lsof-U-tmux-server.txt'))).toEqual([SOCK]);
  });

  it('macOS lsof: the bound path; an accepted connection shows its peer, not a path', () => {
    expect(parseLsofListens(fixture('macos/lsof-U-tmux-server.txt'))).toEqual(['/private/tmp/tmux-501/default']);
  });

  it('null when lsof listed no process (refused, or the process is gone)', () => {
    expect(parseLsofListens('')).toBeNull();
    expect(parseLsofListens("lsof: WARNING: can't stat() file system /Volumes/x\n")).toBeNull();
    expect(parseLsofListens('p123\n')).toEqual([]);
  });
});

describe('@@unreached into Facts.serverSockets', () => {
  it('absent from a probe without the record', () => {
    expect(probe().serverSockets).toBeUndefined();
  });

  it('a server under another TMUX_TMPDIR: its socket, the pid answering there, its environment', () => {
    const f = probe(
      kv('unreached', { servers: 2, answering: 1, count: 1 }),
      kv('unreached.0', {
        pid: 12,
        how: 'proc',
        'environ.rc': 0,
        'env.tmux_tmpdir': '/tmp/other',
        'fd.rc': 0,
        'fd.sockets': fixture('linux/proc-fd-tmux-server.txt'),
        'unix.rc': 0,
        'unix.out': fixture('linux/proc-net-unix-tmux-server.txt'),
        'sock.0.path': SOCK,
        'sock.0.exists': 1,
        'sock.0.rc': 0,
        'sock.0.out': '',
        'sock.0.pid': '12\n',
      }),
    );
    expect(f.serverSockets).toEqual({
      servers: 2,
      answering: 1,
      processes: [
        {
          pid: 12,
          how: 'proc',
          tmuxTmpdir: '/tmp/other',
          tmux: null,
          listens: [{ path: SOCK, exists: true, answers: true, timedOut: false, pid: 12, asked: true }],
          unreadable: [],
        },
      ],
    });
  });

  it('a deleted socket file: exists false, not asked', () => {
    const f = probe(
      kv('unreached', { servers: 1, answering: 0, count: 1 }),
      kv('unreached.0', {
        pid: 6,
        how: 'lsof',
        'lsof.rc': 0,
        'lsof.out': fixture('linux/lsof-U-tmux-server.txt'),
        'sock.0.path': SOCK,
        'sock.0.exists': 0,
      }),
    );
    const p = f.serverSockets!.processes[0]!;
    expect(p.tmuxTmpdir).toBeUndefined();
    expect(p.listens).toEqual([
      { path: SOCK, exists: false, answers: false, timedOut: false, pid: null, asked: false },
    ]);
  });

  it('says what could not be read: environ, fd, lsof refused or timed out, neither /proc nor lsof', () => {
    const f = probe(
      kv('unreached', { servers: 5, answering: 0, count: 4 }),
      kv('unreached.0', {
        pid: 1,
        how: 'proc',
        'environ.rc': 1,
        'environ.err': 'sh: 1: cannot open /proc/1/environ: Permission denied',
        'fd.rc': 2,
        'fd.err': "ls: cannot open directory '/proc/1/fd': Permission denied",
      }),
      kv('unreached.1', { pid: 2, how: 'lsof', 'lsof.rc': 1, 'lsof.out': '' }),
      kv('unreached.2', { pid: 3, how: 'lsof', 'lsof.rc': 137, 'lsof.out': 'p3\n' }),
      kv('unreached.3', { pid: 4, how: 'none' }),
    );
    const ps = f.serverSockets!.processes;
    expect(ps.map((p) => [p.listens, p.unreadable])).toEqual([
      [
        undefined,
        [
          '/proc/1/environ: sh: 1: cannot open /proc/1/environ: Permission denied',
          "/proc/1/fd: ls: cannot open directory '/proc/1/fd': Permission denied",
        ],
      ],
      [undefined, ['lsof -a -U -p 2: listed nothing (exit status 1)']],
      [undefined, ['lsof -a -U -p 3: no answer within 2s']],
      [undefined, ['its sockets: this host has neither /proc nor lsof']],
    ]);
  });

  it('never throws on garbage, and skips an entry without a pid', () => {
    const f = probe(
      kv('unreached', { servers: 'x', answering: '', count: 99999999999 }),
      kv('unreached.0', { pid: 'nope' }),
      kv('unreached.1', { pid: 7, how: 'proc', 'fd.rc': 0, 'fd.sockets': '\0', 'unix.rc': 'x' }),
    );
    expect(f.serverSockets?.servers).toBe(0);
    expect(f.serverSockets?.processes.map((p) => p.pid)).toEqual([7]);
    expect(f.serverSockets?.processes[0]?.listens).toEqual([]);
  });
});

// The probe's own functions, run for real: the choice of servers from ps, and the lsof way
// (the Linux one runs in the integration tests) with a stand-in lsof printing the fixture.

const dir = mkdtempSync(join(tmpdir(), 'cal-unreached-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The probe's files without their last line (the call of main), then `body`; the records it printed, read as Facts. */
function probeFunctions(shell: Shell, path: string, body: string) {
  const probeSh = PROBE_FILES.map(remoteSource)
    .join('')
    .replace(/\nmain <\/dev\/null\n*$/, '\n');
  const r = spawnSync(shell.argv[0]!, [...shell.argv.slice(1), '-s'], {
    input: `${remoteSource('lib.sh')}${probeSh}\nNL='\n'\n${body}\n`,
    env: { PATH: path },
    timeout: 20_000,
  });
  return { code: r.status, facts: probe(r.stdout.toString('latin1')) };
}

/** A pid no /proc holds (above any pid_max), so the probe takes the lsof way. */
const NO_PROC = 99999999;
const UID = process.getuid?.() ?? 0;
const psLines = [
  `${NO_PROC} 1 ${UID} 01:00 tmux new-session -d`,
  `4242 999 ${UID} 01:00 tmux attach`, // a client
  `4243 1 ${UID + 1} 01:00 tmux new-session -d`, // another user's server
].join('\n');

function fakeLsof(name: string, script: string): string {
  const bin = join(dir, name);
  mkdirSync(bin);
  writeFileSync(join(bin, 'lsof'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, 'lsof'), 0o755);
  return `${bin}:/usr/bin:/bin`;
}
const LSOF_OUT = fixture('macos/lsof-U-tmux-server.txt').replace('p4211', `p${NO_PROC}`);
const PRINTS = fakeLsof('prints', `printf '%s' ${shellWord(LSOF_OUT)}`);
const REFUSED = fakeLsof('refused', "echo 'lsof: WARNING: access denied' >&2; exit 1");

describe.each(POSIX_SHELLS.map((s) => [s.name, s] as const))('cal_unreached (probe-server.sh) under %s', (_, shell) => {
  const run = (path: string, answering: number) =>
    probeFunctions(
      shell,
      path,
      [
        `cal_uid=${UID}`,
        'cal_tb=',
        'cal_t=2',
        `cal_nup=${answering}`,
        'cal_srv_rc=1',
        `cal_ps_lines=${shellWord(psLines)}`,
        'cal_unreached',
      ].join('\n'),
    );

  it('looks at nothing when every server is accounted for by an answering socket', () => {
    const { code, facts } = run(PRINTS, 1);
    expect(code).toBe(0);
    expect(facts.serverSockets).toEqual({ servers: 1, answering: 1, processes: [] });
  });

  it('lsof names the socket of a left-over server, and the probe sees its file is gone', () => {
    const { facts } = run(PRINTS, 0);
    expect(facts.serverSockets?.servers).toBe(1);
    expect(facts.serverSockets?.processes).toEqual([
      {
        pid: NO_PROC,
        how: 'lsof',
        unreadable: [],
        listens: [
          {
            path: '/private/tmp/tmux-501/default',
            exists: false,
            answers: false,
            timedOut: false,
            pid: null,
            asked: false,
          },
        ],
      },
    ]);
  });

  it.skipIf(existsSync('/usr/sbin/lsof'))(
    'says lsof was refused, or that there is no lsof to ask (skipped where /usr/sbin/lsof exists: the probe falls back to it)',
    () => {
      expect(run(REFUSED, 0).facts.serverSockets?.processes[0]?.unreadable).toEqual([
        `lsof -a -U -p ${NO_PROC}: lsof: WARNING: access denied`,
      ]);
      // a PATH with base64 (the records need it) and no lsof
      const bare = join(dir, 'bare');
      mkdirSync(bare, { recursive: true });
      if (!existsSync(join(bare, 'base64'))) symlinkSync(which('base64')!, join(bare, 'base64'));
      const none = run(bare, 0).facts.serverSockets?.processes[0];
      expect([none?.how, none?.unreadable]).toEqual(['none', ['its sockets: this host has neither /proc nor lsof']]);
    },
  );
});
