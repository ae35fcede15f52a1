import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.pane-contents.js';
import { readPaneArchive } from '../../../src/domain/resurrect/archive.js';
import type { Facts } from '../../../src/probe/facts.js';
import { NOW, runOn, SAVE_DIR, SAVES, text$, UID, verdict, withFacts } from '../../helpers/facts.js';
import { RESURRECT_FIXTURES } from '../../helpers/fixtures.js';
import { genSaveDir, type Kind, nameAt } from '../../helpers/savedirs.js';

const FIXTURE = readFileSync(join(RESURRECT_FIXTURES, 'pane_contents.tar.gz'));
/** the fixture archive's entries carry this mtime (it was written next to healthy-one-session.txt) */
const FIXTURE_WRITTEN = Date.UTC(2026, 10, 24, 11, 44, 33) / 1000;
const HEALTHY_PANES = ['cal-dev:0.0', 'cal-dev:0.1', 'cal-dev:1.0', 'cal-dev:2.0', 'cal-dev:2.1', 'cal-dev:2.2'];

/** A gzip tar laid out as resurrect writes it: `./pane_contents/` then `./pane_contents/pane-<id>` files. */
async function archive(
  panes: string[],
  mtime = NOW,
  extra: Array<{ name: string; body: string }> = [],
): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  const date = new Date(mtime * 1000);
  p.entry({ name: './pane_contents/', type: 'directory', mtime: date });
  for (const id of panes) p.entry({ name: `./pane_contents/pane-${id}`, mtime: date }, `$ echo ${id}\n${id}\n`);
  for (const e of extra) p.entry({ name: e.name, mtime: date }, e.body);
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/** The save dir holds one save of `kind` at `at` (= `last`) and the archive `data`. */
function facts(
  data: Buffer | undefined,
  opts: { at?: number; kind?: Kind; truncated?: boolean; size?: number } = {},
): Facts {
  return withFacts((f) => {
    const d = genSaveDir([{ at: opts.at ?? NOW - 2, kind: opts.kind ?? 'valid' }]);
    if (data) {
      const entry = {
        name: 'pane_contents.tar.gz',
        mode: '-rw-r--r--',
        uid: UID,
        size: opts.size ?? data.length,
        type: 'file' as const,
      };
      d.files.push(entry);
      d.paneArchive = { entry, data, truncated: opts.truncated ?? false };
    }
    f.saveDirs[0] = d;
  });
}

describe('readPaneArchive', () => {
  it('reads the shared fixture: one pane file, written 2026-11-24 11:44:33 UTC', async () => {
    const a = await readPaneArchive(FIXTURE);
    expect(a.ok).toBe(true);
    expect(a.panes.map((e) => e.pane)).toEqual([{ session: 'cal-dev', window: 0, pane: 0 }]);
    expect(a.strays).toEqual([]);
    expect(a.written?.getTime()).toBe(FIXTURE_WRITTEN * 1000);
  });

  it('never throws on damage: empty, not gzip, corrupt gzip, cut gzip, gzip of no tar', async () => {
    const flipped = Buffer.from(FIXTURE);
    for (let i = 20; i < 60; i += 7) flipped[i] = flipped[i]! ^ 0xff;
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.alloc(0), /empty \(0 bytes\)/],
      [Buffer.from('PK\x03\x04 a zip'), /not gzip data/],
      [flipped, /gzip data corrupt|tar:/],
      [FIXTURE.subarray(0, FIXTURE.length - 10), /gzip data cut off|tar:/],
      [gzipSync(Buffer.from('x'.repeat(2000))), /^tar: /],
    ];
    for (const [data, why] of cases) {
      const a = await readPaneArchive(data);
      expect(a.ok, why.source).toBe(false);
      expect(a.error).toMatch(why);
    }
  });

  it('hostile session names in entry names are parsed verbatim', async () => {
    const names = [`it's $(id)`, '日本語 🚀', 'a:b'];
    const a = await readPaneArchive(await archive(names.map((n) => `${n}:3.1`)));
    expect(a.panes.map((e) => e.pane!.session)).toEqual(names);
  });
});

describe('resurrect.pane-contents', () => {
  it('skips when capture is off', async () => {
    const f = facts(await archive(HEALTHY_PANES));
    f.server!.options['@resurrect-capture-pane-contents'] = 'off';
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('skip');
    expect(r.summary).toBe('@resurrect-capture-pane-contents is off: no pane contents are saved');
  });

  it('passes when every pane of `last` has its entry', async () => {
    const r = verdict(await runOn(check, facts(await archive(HEALTHY_PANES))));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      `pane_contents.tar.gz: 6 pane files, all of them panes of ${nameAt(NOW - 2)}, every pane covered`,
    );
  });

  it('the real fixture next to its save: panes that printed nothing have no entry — info, not a warning', async () => {
    const r = verdict(await runOn(check, facts(FIXTURE, { at: FIXTURE_WRITTEN - 1 })));
    expect(r.status).toBe('info');
    expect(r.summary).toBe(
      '5 panes of 6 panes in `last` have no archived contents (resurrect archives only panes that showed output)',
    );
    expect(r.details).toContain(
      'panes of last without contents: cal-dev:0.1, cal-dev:1.0, cal-dev:2.0, cal-dev:2.1, cal-dev:2.2',
    );
  });

  it('entries for panes `last` does not have: written by another save → warn', async () => {
    const r = verdict(await runOn(check, facts(await archive(['work:0.0', 'work:1.0', 'cal-dev:0.0']))));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      `the archive holds contents of 2 panes that \`last\` does not have (work:0.0, work:1.0): it was written by a different save than ${nameAt(NOW - 2)}`,
    );
  });

  it('an empty archive written after `last` (a state-only save overwrote it) → warn', async () => {
    const r = verdict(await runOn(check, facts(await archive([], NOW), { at: NOW - 3600 })));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      `the archive holds no pane contents for the 6 panes of ${nameAt(NOW - 3600)}: a later save (with no panes) overwrote it: no scrollback will be restored`,
    );
    expect(text$(r)).toContain('archive written 3600 s after that save: by a later save');
  });

  it('missing entries in an archive from a later save → warn', async () => {
    const r = verdict(await runOn(check, facts(await archive(['cal-dev:0.0'], NOW), { at: NOW - 3600 })));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      '5 panes of 6 panes in `last` have no archived contents: the archive was written by a later save',
    );
  });

  it('grouped sessions: their panes in the archive are expected, not extra', async () => {
    const panes = [
      'cal-dev:0.0',
      'cal-dev:0.1',
      'cal-dev:1.0',
      'cal-dev:2.0',
      'cal-dev:2.1',
      'cal-dev:2.2',
      'notes:0.0',
      'cal-dev-mirror:0.0',
    ];
    const r = verdict(await runOn(check, facts(await archive(panes), { kind: 'grouped' })));
    expect(r.status).toBe('pass');
    expect(SAVES.grouped).toContain('grouped_session\tcal-dev-mirror');
  });

  it('a corrupt archive fails, with the reason and how to check it on the target', async () => {
    const flipped = Buffer.from(FIXTURE);
    for (let i = 20; i < 60; i += 7) flipped[i] = flipped[i]! ^ 0xff;
    for (const data of [flipped, Buffer.from('not an archive at all')]) {
      const r = verdict(await runOn(check, facts(data)));
      expect(r.status).toBe('fail');
      expect(r.summary).toMatch(
        /^~\/\.local\/share\/tmux\/resurrect\/pane_contents\.tar\.gz is corrupt: .*; restore gets no pane contents$/,
      );
      expect(r.details).toContain(
        `check on the target: gzip -t ${SAVE_DIR}/pane_contents.tar.gz && tar tzf ${SAVE_DIR}/pane_contents.tar.gz`,
      );
    }
  });

  it('an archive bigger than the probe read: what was read is checked, the rest is said to be unchecked', async () => {
    const full = await archive(HEALTHY_PANES);
    const rs = await runOn(check, facts(full.subarray(0, full.length - 8), { truncated: true, size: 9_000_000 }));
    const partial = rs.find((r) => r.summary.startsWith('the archive is 9000000 bytes; only its first'));
    expect(partial?.status).toBe('warn');
  });

  it('no archive although capture is on → warn; `last` without panes → nothing to compare', async () => {
    const none = verdict(await runOn(check, facts(undefined)));
    expect(none.status).toBe('warn');
    expect(none.summary).toBe(
      '@resurrect-capture-pane-contents is on, but there is no pane_contents.tar.gz in ~/.local/share/tmux/resurrect: no pane contents will be restored',
    );
    const stateOnly = verdict(await runOn(check, facts(await archive([]), { kind: 'state-only' })));
    expect(stateOnly.status).toBe('info');
    expect(stateOnly.summary).toBe(
      'the archive is readable (0 pane files), but `last` holds no panes to compare it with (see resurrect.history)',
    );
  });
});
