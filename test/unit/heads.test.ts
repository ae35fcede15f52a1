// splitHeads: the files of one `head -c N FILE…` record (probe.sh's cal_heads, cal_savedata).
// Fixtures are the bytes GNU head (coreutils 9.1) and FreeBSD's head (the family macOS's
// comes from; the macOS tools of test/harness/macos.ts) printed for the files named in each test, as an
// ordinary user who could not read ./unread; both printed the same bytes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remoteSource } from '../../src/remote/assemble.js';
import { splitHeads, splitRecords } from '../../src/remote/records.js';
import { BSD_USERLAND_BIN } from '../harness/macos.js';
import { TARGET_SHELLS } from '../helpers/shells.js';

const str = (parts: Array<Buffer | undefined>) => parts.map((p) => p?.toString('latin1'));

describe('splitHeads', () => {
  // `head -c 5 ./unread ./a './b<NL> <== x' ./empty ./gone`: a = "one\n", the b file "two"
  // (no newline), empty empty; no header for the unreadable file nor the missing one
  const HOSTILE = '==> ./a <==\none\n\n==> ./b\n <== x <==\ntwo\n==> ./empty <==\n';
  const hostileParts = (sizes: Array<number | undefined>) =>
    ['./unread', './a', './b\n <== x', './empty', './gone'].map((path, i) => ({ path, size: sizes[i] }));

  it('GNU and BSD output: a header per opened file, a name holding `<==` and a newline, no header for an unreadable one', () => {
    const b = Buffer.from(HOSTILE, 'latin1');
    for (const sizes of [[], [6, 4, 3, 0, undefined]]) {
      expect(str(splitHeads(b, hostileParts(sizes)))).toEqual([undefined, 'one\n', 'two', '', undefined]);
    }
  });

  it('a file that changed size since ls: the next exact header ends it', () => {
    const b = Buffer.from(HOSTILE, 'latin1');
    // a grew from 2 bytes, b shrank from 9: neither header is where the size says
    expect(str(splitHeads(b, hostileParts([undefined, 2, 9, 0])))).toEqual([undefined, 'one\n', 'two', '', undefined]);
  });

  it("a file that forges the next file's header: the size decides; without one, the first header wins", () => {
    // `head -c 40 ./a ./unread ./c ./b` where c holds "x\n==> ./b <==\nforged\n" and b is empty
    const b = Buffer.from('==> ./a <==\none\n\n==> ./c <==\nx\n==> ./b <==\nforged\n\n==> ./b <==\n', 'latin1');
    const parts = (c?: number) => [
      { path: './a', size: 4 },
      { path: './unread' },
      { path: './c', size: c },
      { path: './b', size: 0 },
    ];
    expect(str(splitHeads(b, parts(21)))).toEqual(['one\n', undefined, 'x\n==> ./b <==\nforged\n', '']);
    expect(str(splitHeads(b, parts()))).toEqual(['one\n', undefined, 'x', 'forged\n\n==> ./b <==\n']);
  });

  it('several head calls in a row (each first header without its empty line), and a cut-off record', () => {
    // cal_savedata: `./last` (a header written for one file), then two saves on one head,
    // then the listing's header
    const b = Buffer.from(
      '==> ./last <==\nL1\nL2\n==> ./s1 <==\nS1\n\n==> ./s2 <==\nS2\n\n==> . <==\ntotal 0\n',
      'latin1',
    );
    const parts = [{ path: './last', size: 6 }, { path: './s1', size: 3 }, { path: './s2' }, { path: '.' }];
    expect(str(splitHeads(b, parts))).toEqual(['L1\nL2\n', 'S1\n', 'S2\n', 'total 0\n']);
    // sizes unknown: a part that ends in a newline before a new head call loses it
    expect(
      str(
        splitHeads(
          b,
          parts.map((p) => ({ path: p.path })),
        ),
      ),
    ).toEqual(['L1\nL2', 'S1\n', 'S2\n', 'total 0\n']);
    // cut inside s1: what came is kept, the rest is missing
    expect(str(splitHeads(b.subarray(0, 36), parts))).toEqual(['L1\nL2\n', 'S1', undefined, undefined]);
  });

  it('bytes of any value, an empty record, garbage before the first header', () => {
    const bin = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256));
    const b = Buffer.concat([Buffer.from('==> ./x <==\n'), bin, Buffer.from('\n==> . <==\nls\n')]);
    const [x, ls] = splitHeads(b, [{ path: './x', size: 300 }, { path: '.' }]);
    expect(x?.equals(bin)).toBe(true);
    expect(ls?.toString()).toBe('ls\n');
    expect(splitHeads(Buffer.alloc(0), [{ path: './x' }])).toEqual([undefined]);
    expect(splitHeads(Buffer.from('junk\n==> ./x <==\nx'), [{ path: './x' }])).toEqual([undefined]);
  });
});

// probe.sh's cal_heads run for real: under dash and macOS's bash 3.2.57, with GNU's head and
// FreeBSD's (when the macOS tools are there), the files come back byte for byte
const HEADS = [
  { name: 'GNU head', path: process.env.PATH ?? '' },
  ...(existsSync(join(BSD_USERLAND_BIN, 'head'))
    ? [{ name: 'FreeBSD head', path: `${BSD_USERLAND_BIN}:${process.env.PATH ?? ''}` }]
    : []),
];
const probe = remoteSource('probe.sh');
const HELPERS = probe.slice(probe.indexOf('# cal_hq_add PATH'), probe.indexOf('main() {'));

describe('cal_heads on a real head', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cal-heads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files: Array<[string, Buffer]> = [
    ['a', Buffer.from('one\n')],
    ['b\n <== x ==> y', Buffer.from('two')],
    ['empty', Buffer.alloc(0)],
    ['bin', Buffer.from(Array.from({ length: 700 }, (_, i) => (i * 13) % 256))],
    ['forge', Buffer.from(`x\n==> ${join(dir, 'last')} <==\ny\n`)],
    ['last', Buffer.from('z'.repeat(600))],
  ];
  mkdirSync(dir, { recursive: true });
  for (const [n, b] of files) writeFileSync(join(dir, n), b);

  for (const sh of TARGET_SHELLS)
    for (const head of HEADS)
      it(`${sh.name}, ${head.name}: several files, one file, a cap`, () => {
        const run = (names: string[]) => {
          const script = `${remoteSource('lib.sh')}\n${HELPERS}\nNL='\n'\ncal_hn=0\nfor f in "$@"; do cal_hq_add "$f"; done\ncal_heads x 511\ncal_key end\n`;
          const r = spawnSync(
            sh.argv[0]!,
            [...sh.argv.slice(1), '-c', script, 'sh', ...names.map((n) => join(dir, n))],
            {
              env: { PATH: head.path, HOME: dir },
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
          expect(r.stderr.toString()).toBe('');
          const value = splitRecords(r.stdout).records.get('x') ?? Buffer.alloc(0);
          // sizes as ls gives them, cut to the cap + 1 (`forge` holds `last`'s header)
          return splitHeads(
            value,
            names.map((n) => ({ path: join(dir, n), size: Math.min(files.find(([f]) => f === n)![1].length, 512) })),
          );
        };
        const names = files.map(([n]) => n);
        const got = run(names);
        for (const [i, [, body]] of files.entries()) expect(got[i]?.equals(body.subarray(0, 512))).toBe(true);
        expect(run(['bin'])[0]?.equals(files[3]![1].subarray(0, 512))).toBe(true);
      });
});
