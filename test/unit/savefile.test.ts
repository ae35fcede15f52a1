import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeClass, parseSave, type SaveClass } from '../../src/domain/resurrect/savefile.js';
import { RESURRECT_FIXTURES } from '../helpers/fixtures.js';

const FIXTURES = RESURRECT_FIXTURES;
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

// ---- helpers that write lines the way save.sh does ------------------------------------

const T = '\t';

/** save.sh: `echo $dir | sed 's/ /\\ /'` — whitespace runs collapse, only the first space is escaped. */
function resurrectEscapeDir(dir: string): string {
  return dir.split(/\s+/).filter(Boolean).join(' ').replace(' ', '\\ ');
}

interface PaneSpec {
  session: string;
  win: number;
  winActive?: 0 | 1;
  flags?: string;
  pane: number;
  title?: string;
  dir: string;
  paneActive?: 0 | 1;
  cmd?: string;
  full?: string;
}
const paneLine = (p: PaneSpec): string =>
  [
    'pane',
    p.session,
    p.win,
    p.winActive ?? 0,
    `:${p.flags ?? ''}`,
    p.pane,
    p.title ?? 'vm',
    `:${resurrectEscapeDir(p.dir)}`,
    p.paneActive ?? 0,
    p.cmd ?? 'zsh',
    `:${p.full ?? ''}`,
  ].join(T);

interface WindowSpec {
  session: string;
  win: number;
  name?: string;
  active?: 0 | 1;
  flags?: string;
  layout?: string;
  autoRename?: string;
}
const windowLine = (w: WindowSpec): string =>
  [
    'window',
    w.session,
    w.win,
    `:${w.name ?? 'zsh'}`,
    w.active ?? 0,
    `:${w.flags ?? ''}`,
    w.layout ?? 'b263,80x24,0,0,6',
    w.autoRename ?? ':',
  ].join(T);

const stateLine = (a = '', b = ''): string => `state${T}${a}${T}${b}`;
const file = (...lines: string[]): string => lines.map((l) => `${l}\n`).join('');

const SIMPLE = file(
  paneLine({ session: 's', win: 0, pane: 0, dir: '/home/u', paneActive: 1, winActive: 1, flags: '*' }),
  windowLine({ session: 's', win: 0, active: 1, flags: '*' }),
  stateLine('s', ''),
);

// ---- the shared real fixtures -----------------------------------------------------------

describe('real tmux-resurrect fixtures (verdicts from the fixture README)', () => {
  it('healthy-one-session.txt: valid, 1 session, 3 windows, 6 panes', () => {
    for (const input of [fixture('healthy-one-session.txt'), fixture('healthy-one-session.txt').toString('utf8')]) {
      const r = parseSave(input);
      expect(r.classification).toBe('valid');
      expect(r.problems).toEqual([]);
      expect(r.counts).toEqual({
        sessions: 1,
        windows: 3,
        panes: 6,
        stateLines: 1,
        groupedSessions: 0,
        unknownLines: 0,
      });
      expect(r.fieldCounts).toEqual({ pane: [11], window: [8], state: [3] });
      expect(r.state).toEqual({ clientSession: '', clientLastSession: '' });
      expect(r.sessions.map((s) => s.name)).toEqual(['cal-dev']);
      const [w0, w1, w2] = r.sessions[0]!.windows;
      expect(w0).toMatchObject({ index: 0, name: 'zsh', active: false, flags: '', automaticRename: ':', line: 7 });
      expect(w0!.layout).toBe('cf3a,200x50,0,0{100x50,0,0,0,99x50,101,0,1}');
      expect(w1).toMatchObject({ index: 1, name: 'logs', flags: '-', automaticRename: 'off', line: 8 });
      expect(w2).toMatchObject({ index: 2, name: 'build', active: true, flags: '*', line: 9 });
      expect(w2!.panes.map((p) => p.paneIndex)).toEqual([0, 1, 2]);
      // the path with a space, saved as `my\ app`
      expect(w0!.panes[0]).toEqual({
        session: 'cal-dev',
        windowIndex: 0,
        windowActive: false,
        windowFlags: '',
        paneIndex: 0,
        title: 'vm',
        dir: '/home/caltest/projects/my app',
        paneActive: false,
        command: 'zsh',
        fullCommand: '',
        line: 1,
      });
      expect(w0!.panes[1]).toMatchObject({ dir: '/home/caltest/projects/api', paneActive: true, line: 2 });
      expect(w1!.panes[0]).toMatchObject({ dir: '/tmp', windowFlags: '-', line: 3 });
    }
  });

  it('healthy-grouped-sessions.txt: valid, 3 sessions (one grouped), 4 windows, 7 panes', () => {
    const r = parseSave(fixture('healthy-grouped-sessions.txt'));
    expect(r.classification).toBe('valid');
    expect(r.problems).toEqual([]);
    expect(r.counts).toEqual({ sessions: 3, windows: 4, panes: 7, stateLines: 1, groupedSessions: 1, unknownLines: 0 });
    expect(r.fieldCounts).toEqual({ grouped_session: [5], pane: [11], window: [8], state: [3] });
    // first-seen order: the grouped_session line is the first line of the file
    expect(r.sessions.map((s) => s.name)).toEqual(['cal-dev-mirror', 'cal-dev', 'notes']);
    const mirror = r.sessions[0]!;
    expect(mirror.groupedWith).toBe('cal-dev');
    expect(mirror.windows).toEqual([]); // resurrect saves no windows/panes for grouped sessions
    expect(r.sessions[1]!.groupedWith).toBeUndefined();
    const notes = r.sessions[2]!;
    expect(notes.windows).toHaveLength(1);
    expect(notes.windows[0]).toMatchObject({ index: 0, name: 'zsh', active: true, flags: '*', line: 12 });
    expect(notes.windows[0]!.panes).toHaveLength(1);
    expect(notes.windows[0]!.panes[0]).toMatchObject({ session: 'notes', paneActive: true, line: 8 });
  });

  it('state-only-after-last-session-closed.txt: state-only (no panes)', () => {
    const r = parseSave(fixture('state-only-after-last-session-closed.txt'));
    expect(r.classification).toBe('state-only');
    expect(r.counts).toEqual({ sessions: 0, windows: 0, panes: 0, stateLines: 1, groupedSessions: 0, unknownLines: 0 });
    expect(r.sessions).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.state).toEqual({ clientSession: '', clientLastSession: '' });
    expect(r.fieldCounts).toEqual({ state: [3] });
  });

  it('empty-save-from-server-without-plugins.txt: empty', () => {
    const buf = fixture('empty-save-from-server-without-plugins.txt');
    expect(buf.length).toBe(0);
    const r = parseSave(buf);
    expect(r.classification).toBe('empty');
    expect(r.sessions).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.state).toBeUndefined();
  });

  it('pane_contents.tar.gz (binary) fed as a save: malformed, never valid', () => {
    const r = parseSave(fixture('pane_contents.tar.gz'));
    expect(r.classification).toBe('malformed');
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]!.reason).toMatch(/binary|UTF-8|NUL|control/);
  });

  it('every prefix of a healthy save: truncated while panes or windows are missing, never malformed', () => {
    const text = fixture('healthy-one-session.txt').toString('utf8');
    const lastWindowStart = text.lastIndexOf('\nwindow') + 1;
    const stateStart = text.indexOf('state\t');
    for (let k = 1; k < text.length; k++) {
      const r = parseSave(text.slice(0, k));
      const stateEnd = stateStart + 'state\t\t'.length;
      const expected: SaveClass[] =
        k < lastWindowStart
          ? ['truncated'] // panes whose windows are missing, or a line cut short
          : k < stateStart
            ? ['truncated', 'valid'] // in the last window line: a cut inside its last field is undetectable
            : k === stateStart || k >= stateEnd
              ? ['valid']
              : ['truncated']; // `s`, `state`, `state\t`: the state line cut
      expect(expected, `cut at ${k}: ${JSON.stringify(text.slice(Math.max(0, k - 20), k))}`).toContain(
        r.classification,
      );
    }
    // cut right after the last window line (no state line yet): everything restore needs is there
    expect(parseSave(text.slice(0, stateStart)).classification).toBe('valid');
    expect(parseSave(text.slice(0, stateStart + 'state\t\t'.length)).classification).toBe('valid');
  });

  it('opts.truncated: the probe cut the content at its cap', () => {
    const text = fixture('healthy-grouped-sessions.txt').toString('utf8');
    const cut = text.slice(0, 300); // mid pane line
    const r = parseSave(cut, { truncated: true });
    expect(r.classification).toBe('truncated');
    const lineOfCut = cut.split('\n').length;
    expect(r.problems.find((p) => p.line === lineOfCut)?.reason).toMatch(/incomplete last line/);
    // the cut line is not counted as a pane
    expect(r.counts.panes).toBe(lineOfCut - 2);
    // a complete file flagged truncated at a line boundary is judged by its content
    expect(parseSave(text, { truncated: true }).classification).toBe('valid');
  });
});

// ---- classification, one by one -----------------------------------------------------------

describe('classification', () => {
  const cases: Array<[string, SaveClass, string | Buffer]> = [
    ['0 bytes (string)', 'empty', ''],
    ['0 bytes (Buffer)', 'empty', Buffer.alloc(0)],
    ['whitespace only', 'empty', ' \n\n\t \r\n'],
    ['one state line', 'state-only', 'state\t\t\n'],
    ['the bug report: state state state', 'state-only', 'state\t\t\nstate\t\t\nstate\t\t\n'],
    ['state lines plus unknown lines', 'state-only', 'state\t\t\nfuture_type\tx\n'],
    ['state line without trailing newline, all fields', 'state-only', 'state\tcal-dev\t'],
    ['state line cut', 'truncated', 'state\t\t\nstate\t'],
    ['valid', 'valid', SIMPLE],
    ['valid without state line', 'valid', SIMPLE.replace(/state.*\n$/, '')],
    ['panes but no windows', 'truncated', file(paneLine({ session: 's', win: 0, pane: 0, dir: '/' }))],
    ['last line is the start of a type name', 'truncated', `${SIMPLE}win`],
    ['too few fields', 'malformed', file('pane\ts\t0', windowLine({ session: 's', win: 0 }))],
    ['NUL bytes', 'malformed', `${SIMPLE}\0\0\0\n`],
    ['NUL inside a line', 'malformed', SIMPLE.replace('zsh', 'z\0sh')],
    ['random binary', 'malformed', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x0a, 0x01, 0x02])],
    ['invalid UTF-8 in a line', 'malformed', Buffer.concat([Buffer.from(SIMPLE), Buffer.from([0xc3, 0x28, 0x0a])])],
    ['not a save at all', 'malformed', 'hello world\nthis is a README\n'],
    ['windows without panes', 'malformed', file(windowLine({ session: 's', win: 0 }), stateLine())],
    ['grouped_session without panes', 'malformed', file('grouped_session\ta\tb\t:\t:0', stateLine())],
  ];
  it.each(cases)('%s -> %s', (_name, expected, input) => {
    expect(parseSave(input).classification).toBe(expected);
  });

  it('every class has a human sentence', () => {
    for (const c of ['valid', 'empty', 'state-only', 'malformed', 'truncated'] as SaveClass[]) {
      expect(describeClass(c)).toMatch(/^[a-z`].{20,}/);
    }
    expect(describeClass('state-only')).toBe(
      'only `state` lines: the save ran against a server with no sessions (or another server)',
    );
  });
});

// ---- tolerance and problems ---------------------------------------------------------------

describe('line handling', () => {
  it('tolerates unknown line types, counting them', () => {
    const r = parseSave(`future\tthing\n${SIMPLE}pane_contents\tx\n`);
    expect(r.classification).toBe('valid');
    expect(r.counts.unknownLines).toBe(2);
    expect(r.problems).toEqual([]);
  });

  it('tolerates extra trailing fields and records the counts', () => {
    const text = SIMPLE.replace(/\n/g, '\textra\n');
    const r = parseSave(text);
    expect(r.classification).toBe('valid');
    expect(r.fieldCounts).toEqual({ pane: [12], window: [9], state: [4] });
    expect(r.sessions[0]!.windows[0]!.automaticRename).toBe(':');
  });

  it('tolerates CRLF line ends and blank lines', () => {
    const r = parseSave(`\n${SIMPLE.replace(/\n/g, '\r\n')}\n\n`);
    expect(r.classification).toBe('valid');
    expect(r.state).toEqual({ clientSession: 's', clientLastSession: '' });
    expect(r.sessions[0]!.windows[0]!.automaticRename).toBe(':');
  });

  it('reports each malformed line with its 1-based number', () => {
    const text = file(
      paneLine({ session: 's', win: 0, pane: 0, dir: '/' }), // 1
      'pane\ts\t0\t0\t:\t1', // 2: 6 fields
      paneLine({ session: 's', win: 0, pane: 2, dir: '/' }).replace('\t0\t0\t:\t2\t', '\tX\t0\t:\t2\t'), // 3: bad window index
      windowLine({ session: 's', win: 0 }), // 4
      'window\ts\t1', // 5: 3 fields
      '', // 6: blank (ignored)
      'state', // 7: 1 field
    );
    const r = parseSave(text);
    expect(r.classification).toBe('malformed');
    expect(r.problems.map((p) => p.line)).toEqual([2, 3, 5, 7]);
    expect(r.problems[0]!.reason).toBe('pane line has 6 fields, expected 11');
    expect(r.problems[1]!.reason).toMatch(/window index `X` is not a number/);
    expect(r.problems[2]!.reason).toBe('window line has 3 fields, expected 8');
    expect(r.problems[3]!.reason).toBe('state line has 1 fields, expected 3');
    // good lines are still parsed
    expect(r.counts.panes).toBe(1);
    expect(r.counts.windows).toBe(1);
  });

  it('recognises the pre-v4.0.0 format (no pane title, no automatic-rename)', () => {
    const old = file(
      'pane\ts\t0\t1\t:*\t0\t:/home/u\t1\tzsh\t:',
      'window\ts\t0\t:zsh\t1\t:*\tb263,80x24,0,0,6',
      'state\ts\t',
    );
    const r = parseSave(old);
    expect(r.classification).toBe('malformed');
    expect(r.fieldCounts).toEqual({ pane: [10], window: [7], state: [3] });
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatchObject({ line: 1 });
    expect(r.problems[0]!.reason).toMatch(/before v4\.0\.0/);
    expect(r.problems[1]).toMatchObject({ line: 2 });
  });

  it('binary lines are reported with their line numbers', () => {
    const r = parseSave(`${SIMPLE}ok\tline\n\0garbage\n`);
    expect(r.classification).toBe('malformed');
    expect(r.problems).toEqual([{ line: 5, reason: expect.stringMatching(/NUL/) }]);
  });

  it('names the line of panes whose window was never written', () => {
    const text = file(
      paneLine({ session: 's', win: 0, pane: 0, dir: '/' }),
      paneLine({ session: 's', win: 1, pane: 0, dir: '/' }),
      paneLine({ session: 's', win: 1, pane: 1, dir: '/' }),
      windowLine({ session: 's', win: 0 }),
    );
    const r = parseSave(text);
    expect(r.classification).toBe('truncated');
    expect(r.problems).toEqual([{ line: 2, reason: expect.stringMatching(/window s:1/) }]);
    // the panes are still there, under a window with line 0
    const w1 = r.sessions[0]!.windows[1]!;
    expect(w1).toMatchObject({ index: 1, line: 0, name: '' });
    expect(w1.panes).toHaveLength(2);
    expect(r.counts.windows).toBe(1);
    expect(r.counts.panes).toBe(3);
  });

  it('the last line cut mid-line without a newline is truncated, with its number', () => {
    const r = parseSave(`${SIMPLE.replace(/state.*\n$/, '')}pane\ts\t0`);
    expect(r.classification).toBe('truncated');
    expect(r.problems).toEqual([{ line: 3, reason: expect.stringMatching(/cut mid-line: pane line has 3 of 11/) }]);
  });

  it('a cut inside a multi-byte character at the end reads as truncated, not binary', () => {
    const full = Buffer.from(
      file(paneLine({ session: 'é', win: 0, pane: 0, dir: '/' }), windowLine({ session: 'é', win: 0 })),
    );
    const cut = full.subarray(0, Buffer.from('pane\t').length + 1); // half of "é"
    expect(parseSave(cut).classification).toBe('truncated');
  });

  it('duplicate panes and windows (saves racing into one file) are counted once', () => {
    const r = parseSave(SIMPLE + SIMPLE);
    expect(r.classification).toBe('valid');
    expect(r.counts).toMatchObject({ sessions: 1, windows: 1, panes: 1, stateLines: 2 });
  });

  it('fields shifted by an empty pane title are tolerated (colon stripped only when present)', () => {
    // what save.sh writes when the pane title is empty: IFS=$'\t' read collapses the empty field
    const shifted = 'pane\ts\t0\t1\t:*\t0\t:/home/u\t1\tzsh\t4242\t:';
    const r = parseSave(file(shifted, windowLine({ session: 's', win: 0 }), stateLine()));
    expect(r.classification).toBe('valid');
    expect(r.sessions[0]!.windows[0]!.panes[0]).toMatchObject({ title: ':/home/u', dir: '1', command: '4242' });
  });

  it('dir unescaping: every `\\ ` becomes a space', () => {
    const r = parseSave(
      file('pane\ts\t0\t1\t:*\t0\tt\t:/a\\ b\\ c d\t1\tzsh\t:', windowLine({ session: 's', win: 0 })),
    );
    expect(r.sessions[0]!.windows[0]!.panes[0]!.dir).toBe('/a b c d');
  });

  it('keeps the last state line', () => {
    const r = parseSave(file(stateLine('a', 'b'), stateLine('c', 'd')));
    expect(r.state).toEqual({ clientSession: 'c', clientLastSession: 'd' });
    expect(r.counts.stateLines).toBe(2);
  });
});

// ---- hostile names ----------------------------------------------------------------------

describe('hostile names in generated saves', () => {
  const sentinel = `/tmp/cal-doctor-pwned-${process.pid}`;
  const hostile = [
    { session: 'my session', dir: '/home/u/my project', expectDir: '/home/u/my project' },
    { session: `it's "quoted"`, dir: `/home/u/it's "q"`, expectDir: `/home/u/it's "q"` },
    { session: `$(touch ${sentinel})`, dir: `/tmp/$(touch ${sentinel})`, expectDir: `/tmp/$(touch ${sentinel})` },
    { session: '`touch x`;rm -rf ~', dir: '/home/u/`id`/;|&<>*?[]', expectDir: '/home/u/`id`/;|&<>*?[]' },
    {
      session: '日本語-セッション 🚀',
      dir: '/Users/admin/Développement/プロジェクト 🚀',
      expectDir: '/Users/admin/Développement/プロジェクト 🚀',
    },
    // save.sh's unquoted echo collapses runs of spaces and escapes only the first one
    { session: 'spaces', dir: '/a  b   c', expectDir: '/a b c' },
    {
      session: 'long',
      dir: `/${'very-long-directory-name/'.repeat(400)}end`,
      expectDir: `/${'very-long-directory-name/'.repeat(400)}end`,
    },
    { session: 'x'.repeat(5000), dir: '/', expectDir: '/' },
  ];

  it.each(hostile)('session %#: parsed verbatim, nothing executed', ({ session, dir, expectDir }) => {
    const text = file(
      paneLine({ session, win: 3, pane: 0, dir, title: `"title" $(id) 'x'`, full: `vim "it's $(id).txt"`, cmd: 'vim' }),
      paneLine({ session, win: 3, pane: 1, dir: '/' }),
      windowLine({ session, win: 3, name: `$(reboot) 'w' 🚀`, flags: '*Z', active: 1 }),
      stateLine(session, ''),
    );
    for (const input of [text, Buffer.from(text, 'utf8')]) {
      const r = parseSave(input);
      expect(r.classification).toBe('valid');
      expect(r.sessions.map((s) => s.name)).toEqual([session]);
      const w = r.sessions[0]!.windows[0]!;
      expect(w).toMatchObject({ index: 3, name: `$(reboot) 'w' 🚀`, flags: '*Z', active: true });
      expect(w.panes[0]).toMatchObject({
        dir: expectDir,
        title: `"title" $(id) 'x'`,
        command: 'vim',
        fullCommand: `vim "it's $(id).txt"`,
      });
      expect(r.state?.clientSession).toBe(session);
    }
    expect(existsSync(sentinel)).toBe(false);
  });

  it('a 1 MB save with thousands of panes parses quickly', () => {
    const lines: string[] = [];
    let size = 0;
    for (let w = 0; size < 1_000_000; w++) {
      for (let p = 0; p < 4; p++) {
        const l = paneLine({
          session: `s${w % 50} ünïcødé`,
          win: w,
          pane: p,
          dir: `/home/u/dir with space/${'x'.repeat(100)}`,
        });
        lines.push(l);
        size += l.length + 1;
      }
    }
    const paneCount = lines.length;
    for (let w = 0; w < paneCount / 4; w++) lines.push(windowLine({ session: `s${w % 50} ünïcødé`, win: w }));
    lines.push(stateLine());
    const text = file(...lines);
    const t0 = performance.now();
    const r = parseSave(Buffer.from(text));
    const ms = performance.now() - t0;
    expect(r.classification).toBe('valid');
    expect(r.counts.panes).toBe(paneCount);
    expect(r.counts.sessions).toBe(50);
    expect(ms).toBeLessThan(2000);
  });
});

// ---- robustness -------------------------------------------------------------------------

describe('robustness', () => {
  const CLASSES = new Set(['valid', 'empty', 'state-only', 'malformed', 'truncated']);

  it('pathological 1 MB inputs finish fast', () => {
    const MB = 1 << 20;
    const inputs: Array<string | Buffer> = [
      '\t'.repeat(MB),
      '\n'.repeat(MB),
      'a'.repeat(MB),
      '\\ '.repeat(MB / 2),
      `pane${'\t:'.repeat(MB / 2)}`,
      `pane\ts\t0\t0\t:\t0\tt\t:${'\\ '.repeat(MB / 2)}\t0\tzsh\t:\n`,
      'state\t\t\n'.repeat(MB / 8),
      'pane\ts\t0\n'.repeat(MB / 10),
      `${'\uFFFD'.repeat(MB / 2)}x`,
      Buffer.alloc(MB, 0xff),
      Buffer.alloc(MB, 0),
      `${' '.repeat(MB)}x`,
      'pan'.repeat(MB / 3),
    ];
    for (const input of inputs) {
      const t0 = performance.now();
      const r = parseSave(input);
      const ms = performance.now() - t0;
      expect(CLASSES.has(r.classification)).toBe(true);
      expect(ms).toBeLessThan(3000);
    }
  });

  it('never throws on random input (fuzz)', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const atoms = [
      'pane',
      'window',
      'state',
      'grouped_session',
      '\t',
      '\n',
      ':',
      '\\ ',
      '0',
      '1',
      '12',
      'x',
      'é',
      '🚀',
      '\r',
      '\0',
      '\uFFFD',
      ' ',
      '-',
      '__proto__',
      'constructor',
    ];
    for (let i = 0; i < 5000; i++) {
      let s = '';
      const len = rnd(60);
      for (let j = 0; j < len; j++) s += atoms[rnd(atoms.length)];
      const r1 = parseSave(s);
      const bytes = Buffer.alloc(rnd(80));
      for (let j = 0; j < bytes.length; j++) bytes[j] = rnd(256);
      const r2 = parseSave(bytes, { truncated: rnd(2) === 1 });
      for (const r of [r1, r2]) {
        expect(CLASSES.has(r.classification)).toBe(true);
        for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        if (r.classification === 'valid') expect(r.counts.panes).toBeGreaterThan(0);
        if (r.classification === 'malformed' || r.classification === 'truncated')
          expect(r.problems.length).toBeGreaterThan(0);
      }
    }
  });

  it('does not throw on non-string input at runtime', () => {
    expect(parseSave(undefined as unknown as string).classification).toBe('empty');
    expect(parseSave(null as unknown as string).classification).toBe('empty');
  });
});
