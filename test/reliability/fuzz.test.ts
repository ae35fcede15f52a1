// Fuzzing the two readers of target data (issue #7): the save-file reader (parseSave) and
// the probe-output parser (parseProbeOutput). 100,000 generated inputs each: none may
// throw, none may reach the parsers' last-resort catch (that would be a bug they
// swallowed), every result keeps its shape. The probe-output inputs are built from a real
// probe run's records (keys and values), then mutated, mixed with garbage and cut. And no
// superlinear time: adversarial input families at n and 8n must cost about 8×, not 64×.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ParsedSave, parseSave } from '../../src/domain/resurrect/savefile.js';
import { loadChecks } from '../../src/engine/discover.js';
import { runChecks } from '../../src/engine/run.js';
import { probeScript } from '../../src/probe/gather.js';
import { parseProcesses } from '../../src/probe/parse/jobs.js';
import { parseLsEntry, parseLsListing } from '../../src/probe/parse/ls.js';
import {
  filterKeyBindings,
  parseClients,
  parseSessions,
  parseShowEnvironment,
  parseShowOptions,
  unquoteTmuxValue,
} from '../../src/probe/parse/tmux.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { decodeKv, splitRecords } from '../../src/remote/records.js';
import { LocalTarget } from '../../src/targets/local.js';
import { type Home, makeHome } from '../harness/home.js';
import { killServer, tmuxCmd } from '../harness/tmux.js';
import { TMUX } from '../harness/util.js';

const RUNS = 100_000;
/** each fuzz test must stay under 20 s on 2 cores; vitest's limit is set above that as a backstop */
const FUZZ_TEST_TIMEOUT = 60_000;

const CLASSES = new Set(['valid', 'empty', 'state-only', 'malformed', 'truncated']);

function checkSave(r: ParsedSave): void {
  if (!CLASSES.has(r.classification)) throw new Error(`bad classification ${r.classification}`);
  for (const p of r.problems) {
    if (!Number.isInteger(p.line) || p.line < 1) throw new Error(`bad problem line ${p.line}`);
    if (/^could not be read/.test(p.reason)) throw new Error(`parseSave swallowed its own exception: ${p.reason}`);
  }
  const c = r.counts;
  for (const v of Object.values(c))
    if (!Number.isInteger(v) || v < 0) throw new Error(`bad count ${JSON.stringify(c)}`);
  if (c.panes !== r.sessions.reduce((n, s) => n + s.windows.reduce((m, w) => m + w.panes.length, 0), 0))
    throw new Error('pane count differs from the panes listed');
  if (r.classification === 'valid' && c.panes === 0) throw new Error('a valid save without panes');
}

// ---------------------------------------------------------------------------------
// save files

const hostileField = fc.constantFrom(
  '',
  ':',
  '0',
  '1',
  '01',
  '-1',
  '99999999999999999',
  ':*',
  ':-Z',
  'cal-dev',
  ':/a\\ b',
  '\\',
  '$(touch x)',
  '`id`',
  'é🙂',
  '\r',
  ' ',
  '\u0000',
  '\u001b[31m',
  'state',
  'pane',
);
const field = fc.oneof(
  { weight: 3, arbitrary: hostileField },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const lineType = fc.constantFrom(
  'pane',
  'window',
  'state',
  'grouped_session',
  'win',
  'pan',
  '',
  'garbage',
  'pane ',
  'PANE',
);
const expectedFields: Record<string, number> = { pane: 10, window: 7, state: 2, grouped_session: 4 };
const saveLine = fc.oneof(
  // the right number of fields for the type, mostly: what a real save holds, with odd values
  lineType.chain((t) =>
    fc
      .array(field, { minLength: expectedFields[t] ?? 0, maxLength: (expectedFields[t] ?? 3) + 1 })
      .map((f) => [t, ...f].join('\t')),
  ),
  fc.tuple(lineType, fc.array(field, { maxLength: 12 })).map(([t, f]) => [t, ...f].join('\t')),
  fc.string({ maxLength: 20 }),
);
const saveText = fc
  .tuple(fc.array(saveLine, { maxLength: 8 }), fc.boolean(), fc.constantFrom('\n', '\r\n'))
  .map(([lines, terminated, nl]) => lines.join(nl) + (terminated && lines.length ? nl : ''));
const saveInput = fc.record({
  input: fc.oneof(
    { weight: 4, arbitrary: saveText },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: saveText.map((t) => Buffer.from(t)) },
  ),
  truncated: fc.boolean(),
});

// ---------------------------------------------------------------------------------
// probe output, from a real run's records

interface RealRecords {
  kv: Map<string, Array<[string, string]>>;
  raw: Map<string, Buffer>;
}

let home: Home | undefined;
let real: RealRecords;

async function realProbeRecords(): Promise<RealRecords> {
  home = makeHome({
    plugins: [],
    files: {
      '.zlogout': 'save.sh quiet\n',
      '.tmux/resurrect/tmux_resurrect_20240101T000000.txt':
        'pane\tcal-dev\t0\t1\t:*\t0\tt\t:/tmp/a\\ b\t1\tzsh\t:\nwindow\tcal-dev\t0\t:zsh\t1\t:*\tc5d2,200x50,0,0,0\ton\nstate\tcal-dev\t\n',
      '.tmux/resurrect/tmux_resurrect_20240102T000000.txt': 'state\t\t\n',
    },
  });
  symlinkSync('tmux_resurrect_20240102T000000.txt', join(home.dir, '.tmux', 'resurrect', 'last'));
  mkdirSync(join(home.dir, '.local', 'share', 'tmux', 'resurrect'), { recursive: true });
  writeFileSync(join(home.dir, 'x'), '');
  if (TMUX) await tmuxCmd(home, '-f', '/dev/null', 'new-session', '-d', '-s', 'fuzz $(x) é');
  const res = await new LocalTarget({ ...home.env(), LANG: 'C.UTF-8' }).runScript(probeScript(2), {
    timeoutMs: 30_000,
  });
  const { records } = splitRecords(res.stdout);
  const out: RealRecords = { kv: new Map(), raw: new Map() };
  for (const [key, value] of records) {
    const items = value.toString('latin1').split('\0');
    const looksKv = items.length > 1 && items.slice(0, -1).every((i) => /^[^=\n]+=/.test(i));
    // values capped: the families below cover long values; here breadth matters, not length
    if (looksKv)
      out.kv.set(
        key,
        [...decodeKv(value)].map(([k, v]) => [k, v.slice(0, 512)] as [string, string]),
      );
    else out.raw.set(key, value);
  }
  return out;
}

const hostileValue = fc.constantFrom(
  '',
  '0',
  '1',
  '137',
  '-1',
  'x'.repeat(300),
  'tab\there',
  'new\nline',
  '\x1f\x1f\x1f',
  '$1\x1f2\x1f0\x1f1700000000\x1fname\nmore',
  '-rw-r--r--  1 501  20  10 Nov 24 12:45 a\nb -> c',
  'lrwxr-xr-x  1 501  20  10 2024-01-01 12:45 last -> x',
  'A="v\\"q"; export A;\nunset B;\nC=plain\n-D',
  '@o "a\\033b\\M-x\\^?"',
  ' 1 2 3 00:01 tmux new -s x',
  'tmux 3.5a',
  'tmux next-3.6',
  '🙂',
  '\u0000',
);
const value = fc.oneof(
  { weight: 2, arbitrary: hostileValue },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** base64 of a value, wrapped like GNU (76 columns) or not (macOS), sometimes damaged. */
function encode(buf: Buffer, wrap: boolean): string {
  const b64 = buf.toString('base64');
  return wrap ? (b64.match(/.{1,76}/g) ?? ['']).join('\n') : b64;
}

const probeOutput = fc
  .record({
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    edits: fc.array(fc.tuple(fc.nat(), fc.oneof(value, fc.constant(undefined))), { maxLength: 6 }),
    extraItems: fc.array(
      fc.tuple(
        fc.constantFrom(
          'srv.sessions.out',
          'srv.env.out',
          'bin.0.path',
          'bin.0.rc',
          'sock.0.path',
          'file.0.path',
          'plugin.0.name',
          'count',
          'cap',
          'x',
        ),
        value,
      ),
      { maxLength: 3 },
    ),
    rawKeys: fc.array(fc.nat(), { maxLength: 2 }),
    rawBytes: fc.uint8Array({ maxLength: 48 }),
    garbage: fc.array(fc.constantFrom('@@', '@@end', '@@@@', 'not base64 !', '====', '@@meta', '\r', 'QUFB'), {
      maxLength: 3,
    }),
    wrap: fc.boolean(),
    end: fc.boolean(),
    cut: fc.option(fc.nat(), { nil: undefined }),
    crlf: fc.boolean(),
  })
  .map((g) => {
    const kvKeys = [...real.kv.keys()];
    const rawKeys = [...real.raw.keys()];
    const parts: string[] = [];
    for (const p of g.picks) {
      const key = kvKeys[p % kvKeys.length]!;
      const items = [...real.kv.get(key)!];
      for (const [i, v] of g.edits) {
        if (!items.length) break;
        const at = i % items.length;
        if (v === undefined) items.splice(at, 1);
        else items[at] = [items[at]![0], v];
      }
      items.push(...g.extraItems);
      const body = Buffer.from(items.map(([k, v]) => `${k}=${v}\0`).join(''), 'utf8');
      parts.push(`@@${key}\n${encode(body, g.wrap)}\n`);
    }
    for (const r of g.rawKeys) {
      if (!rawKeys.length) break;
      const key = rawKeys[r % rawKeys.length]!;
      parts.push(
        `@@${key}\n${encode(r % 2 ? Buffer.from(g.rawBytes) : real.raw.get(key)!.subarray(0, 256), g.wrap)}\n`,
      );
    }
    for (const junk of g.garbage) parts.splice(junk.length % (parts.length + 1), 0, `${junk}\n`);
    if (g.end) parts.push('@@end\nb2s9MQA=\n');
    let text = parts.join('');
    if (g.crlf) text = text.replace(/\n/g, '\r\n');
    if (g.cut !== undefined) text = text.slice(0, g.cut % (text.length + 1));
    return text;
  });

function checkFacts(out: string | Buffer): void {
  const f = parseProbeOutput(out);
  if (!f || !Array.isArray(f.probe.warnings)) throw new Error('no facts');
  const swallowed = f.probe.warnings.find((w) => /could not fully parse the probe output/.test(w));
  if (swallowed) throw new Error(`parseProbeOutput swallowed its own exception: ${swallowed}`);
  if (
    !Array.isArray(f.saveDirs) ||
    !Array.isArray(f.sockets) ||
    !Array.isArray(f.tmuxBinaries) ||
    !Array.isArray(f.processes)
  )
    throw new Error('facts lost their shape');
  for (const d of f.saveDirs)
    if (d.last?.file) checkSave(parseSave(d.last.file.content, { truncated: d.last.file.truncated }));
}

describe('fuzz (fast-check)', () => {
  beforeAll(async () => {
    real = await realProbeRecords();
  }, 60_000);
  afterAll(async () => {
    if (home) {
      await killServer(home);
      home.cleanup();
    }
  });

  it('the real probe run gave records to build from (meta, server, saves…)', () => {
    expect([...real.kv.keys()]).toEqual(
      expect.arrayContaining(['meta', 'server', 'sockets', 'files', 'plugins', 'saves', 'ps', 'end']),
    );
    expect(real.kv.get('meta')!.length).toBeGreaterThan(10);
  });

  it(
    `parseSave: ${RUNS} generated save files (structured, garbage, binary, CRLF, cut) never throw and keep their shape`,
    () => {
      const t0 = performance.now();
      fc.assert(
        fc.property(saveInput, ({ input, truncated }) => {
          checkSave(parseSave(input, { truncated }));
        }),
        { numRuns: RUNS },
      );
      expect(performance.now() - t0).toBeLessThan(20_000);
    },
    FUZZ_TEST_TIMEOUT,
  );

  it(
    `parseProbeOutput: ${RUNS} mutated real probe outputs (edited values, garbage lines, wrapped base64, CRLF, cut anywhere) never throw`,
    () => {
      const t0 = performance.now();
      fc.assert(
        fc.property(probeOutput, fc.boolean(), (text, asBuffer) => {
          checkFacts(asBuffer ? Buffer.from(text, 'latin1') : text);
        }),
        { numRuns: RUNS },
      );
      expect(performance.now() - t0).toBeLessThan(20_000);
    },
    FUZZ_TEST_TIMEOUT,
  );

  it(
    'every built-in check, run on facts from 2,000 mutated probe outputs, returns a result (none crashes)',
    async () => {
      const { checks } = await loadChecks([]);
      const passive = checks.filter((c) => c.id !== 'resurrect.roundtrip');
      const crashes = new Map<string, string>();
      await fc.assert(
        fc.asyncProperty(
          probeOutput,
          fc.constantFrom('local', 'ssh', 'vm') as fc.Arbitrary<'local' | 'ssh' | 'vm'>,
          async (text, targetKind) => {
            const facts = parseProbeOutput(text);
            const outcomes = await runChecks(passive, { facts, targetKind }, 5000);
            for (const o of outcomes)
              if (o.status === 'error' && !crashes.has(o.id))
                crashes.set(o.id, `${o.summary} (input ${JSON.stringify(text.slice(0, 400))})`);
          },
        ),
        { numRuns: 2_000 },
      );
      expect(Object.fromEntries(crashes)).toEqual({});
    },
    FUZZ_TEST_TIMEOUT,
  );

  it('parseProbeOutput: arbitrary bytes and strings (no structure at all) never throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        (x) => {
          checkFacts(x);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('the parser helpers on arbitrary text never throw', () => {
    const text = fc.oneof(
      value,
      fc.array(value, { maxLength: 6 }).map((a) => a.join('\n')),
    );
    fc.assert(
      fc.property(text, (s) => {
        parseLsListing(s);
        parseLsEntry(s, 'x');
        unquoteTmuxValue(s);
        parseShowOptions(s);
        parseShowEnvironment(s);
        parseSessions(s);
        parseClients(s);
        parseProcesses(s);
        filterKeyBindings(s);
      }),
      { numRuns: 20_000 },
    );
  });
});

// ---------------------------------------------------------------------------------
// no superlinear time

/** ms for one call, the best of `reps` (the least disturbed by other load) */
function best(f: () => void, reps = 5): number {
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/** kv record text of a probe output with one item holding `v` */
const rec = (key: string, items: Record<string, string>) =>
  `@@${key}\n${Buffer.from(
    Object.entries(items)
      .map(([k, v]) => `${k}=${v}\0`)
      .join(''),
  ).toString('base64')}\n`;
const serverWith = (name: string, out: string) =>
  `${rec('server', {
    'server.socket': '/tmp/tmux-1/default',
    'server.exists': '1',
    'server.called': '1',
    'srv.display.rc': '0',
    'srv.display.out': '3.4\x1f1\x1f1\x1f/tmp/tmux-1/default',
    [`srv.${name}.rc`]: '0',
    [`srv.${name}.out`]: out,
  })}@@end\nb2s9MQA=\n`;

/** Input families that would expose a quadratic parser: long runs of what each loop or regex handles. */
const FAMILIES: Array<[string, (n: number) => string | Buffer, (x: string | Buffer) => unknown]> = [
  ['save: many pane lines', (n) => 'pane\tcal-dev\t0\t1\t:*\t0\tt\t:/d\t1\tzsh\t:\n'.repeat(n), (x) => parseSave(x)],
  [
    'save: many sessions, no window lines',
    (n) => `${Array.from({ length: n }, (_, i) => `pane\ts${i}\t0\t1\t:*\t0\tt\t:/d\t1\tzsh\t:`).join('\n')}\n`,
    (x) => parseSave(x),
  ],
  [
    'save: one long line of escaped spaces',
    (n) => `pane\tx\t0\t1\t:*\t0\tt\t:${'a\\ '.repeat(n * 4)}\t1\tzsh\t:\n`,
    (x) => parseSave(x),
  ],
  ['save: binary', (n) => Buffer.alloc(n * 40, 0xfe), (x) => parseSave(x)],
  [
    'save: cut last line, truncated',
    (n) => `${'state\t\t\n'.repeat(n)}pane\tx`,
    (x) => parseSave(x, { truncated: true }),
  ],
  ['probe: many records', (n) => `${rec('x', { a: 'b' }).repeat(n)}@@end\n`, (x) => parseProbeOutput(x)],
  ['probe: lines outside records', (n) => `${'garbage\n'.repeat(n * 4)}@@end\n`, (x) => parseProbeOutput(x)],
  [
    'probe: one long base64 line',
    (n) => `${rec('ps', { out: ' 1 2 3 00:01 tmux\n'.repeat(n), trunc: '0' })}@@end\n`,
    (x) => parseProbeOutput(x),
  ],
  [
    'probe: show-environment, unclosed quotes',
    (n) => serverWith('env', 'A="x\n'.repeat(n)),
    (x) => parseProbeOutput(x),
  ],
  [
    'probe: show-environment, escaped quotes',
    (n) => serverWith('env', 'A="x\\"y"; export A;\n'.repeat(n)),
    (x) => parseProbeOutput(x),
  ],
  [
    'probe: show-options, escapes',
    (n) => serverWith('opts', `@o "${'\\M-a\\^b\\012'.repeat(n)}"\n`),
    (x) => parseProbeOutput(x),
  ],
  [
    'probe: session names continued over lines',
    (n) => serverWith('sessions', `$1\x1f1\x1f0\x1f0\x1fname\n${'more\n'.repeat(n)}`),
    (x) => parseProbeOutput(x),
  ],
  [
    'ls: a name continued over many lines',
    (n) => `-rw-r--r--  1 501  20  10 Nov 24 12:45 a\n${'x\n'.repeat(n * 2)}`,
    (x) => parseLsListing(x as string),
  ],
  [
    'ls: many entries',
    (n) => '-rw-r--r--  1 501  20  10 Nov 24 12:45 tmux_resurrect_20240101T000000.txt\n'.repeat(n),
    (x) => parseLsListing(x as string),
  ],
];

describe('no superlinear time: n and 8n', () => {
  const N = 2_000;
  it.each(FAMILIES)(
    '%s',
    (_name, make, run) => {
      const small = make(N);
      const large = make(8 * N);
      run(small);
      run(large); // warm up (JIT) before timing
      let ratio = Infinity;
      let times = [0, 0];
      // a loaded machine can disturb one measurement; a quadratic parser is slow every time
      for (let attempt = 0; attempt < 3 && ratio >= 24; attempt++) {
        times = [best(() => run(small)), best(() => run(large))];
        // below 1 ms a measurement is mostly noise: floor the small one
        ratio = times[1]! / Math.max(times[0]!, 0.5);
      }
      // linear: ~8×; quadratic: ~64×. 24× leaves room for GC and caches.
      expect(ratio, `n=${N}: ${times[0]!.toFixed(2)} ms, 8n: ${times[1]!.toFixed(2)} ms`).toBeLessThan(24);
    },
    60_000,
  );
});
