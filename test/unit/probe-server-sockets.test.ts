// Where a left-over tmux server listens, as the probe reads it from the OS: the parsers over
// real /proc and lsof output (test/fixtures/linux, test/fixtures/macos; each file says where
// it comes from), and the @@unreached records into Facts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLsofListens, parseProbeOutput, parseProcListens } from '../../src/probe/parse.js';

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
