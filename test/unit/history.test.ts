import { describe, expect, it } from 'vitest';
import { entryVerdict, KEEP_NEWEST, saveHistory, stampOf, timeline } from '../../src/domain/resurrect/history.js';
import { NOW, SAVE_DIR, SAVES, TZ } from '../helpers/facts.js';
import { CONTENT, genSaveDir, type Kind, nameAt, RECENT_MAX, series } from '../helpers/savedirs.js';

const opts = { tzOffset: TZ, now: NOW };
const MIN = 60;
const DAY = 86_400;

describe('nameAt (test helper) agrees with the reader', () => {
  it('writes local time at the offset', () => {
    expect(nameAt(NOW)).toBe('tmux_resurrect_20250602T113000.txt');
    expect(stampOf(nameAt(NOW))).toBe('2025-06-02 11:30:00');
  });
});

describe('saveHistory on generated save dirs', () => {
  it('hundreds of saves, a bad run at the end: newest valid, the run, what was read and retention', () => {
    // 300 saves every 15 min; the 7 newest are state-only (as after a session-closed hook)
    const saves = series(300, NOW - 5 * MIN, 15 * MIN, (i) => (i >= 293 ? 'state-only' : 'valid'));
    const h = saveHistory(genSaveDir(saves), opts);
    expect(h.entries).toHaveLength(300);
    expect(h.entries[0]!.time < h.entries[299]!.time).toBe(true);
    expect(h.unread).toBe(300 - RECENT_MAX);
    expect(h.entries.slice(0, 280).every((e) => e.classification === 'unread' && e.basis === 'none')).toBe(true);
    expect(h.last.state).toBe('ok');
    expect(h.last.classification).toBe('state-only');
    expect(h.lastUsable).toBe(false);
    expect(h.newestValid?.name).toBe(nameAt(saves[292]!.at));
    expect(h.newestValidVerified).toBe(true);
    expect(h.invalidAfter.map((e) => e.name)).toEqual(saves.slice(293).map((s) => nameAt(s.at)));
    expect(h.invalidAfter[0]!.classification).toBe('state-only');
    // 8th newest: out of the 5 resurrect always keeps
    expect(h.retention).toMatchObject({ rank: 8, atRisk: true, days: 30, overdue: false });
    expect(h.retention.dueBy!.getTime()).toBe(h.newestValid!.time.getTime() + 30 * DAY * 1000);
  });

  it('the timeline: older saves in one line, the newest valid and every bad save after it, `last` marked', () => {
    const saves = series(300, NOW - 5 * MIN, 15 * MIN, (i) => (i >= 293 ? 'state-only' : 'valid'));
    const h = saveHistory(genSaveDir(saves), opts);
    const t = timeline(h);
    expect(t[0]).toMatch(
      /^2025-05-\d\d \d\d:\d\d:00 … 2025-06-02 \d\d:\d\d:00 {2}292 older saves \(12 valid, 280 not read\)$/,
    );
    expect(t[1]).toContain(
      `${h.newestValid!.name}  ${Buffer.byteLength(SAVES.healthy)} B  valid: 1 session, 3 windows, 6 panes`,
    );
    expect(t.slice(2)).toHaveLength(7);
    expect(t[2]).toContain('state-only (a save of a server with no sessions)');
    expect(t[t.length - 1]).toMatch(
      /2025-06-02 11:25:00 {2}tmux_resurrect_20250602T112500\.txt {2}8 B {2}state-only .*← last$/,
    );
  });

  it('a very long bad run is summarised in the middle, the start and the end stay visible', () => {
    const saves = series(120, NOW, MIN, (i) => (i === 0 ? 'valid' : i % 2 ? 'state-only' : 'empty'));
    const h = saveHistory(genSaveDir(saves), opts);
    // the valid one is older than the 20 read: found by size, unverified
    expect(h.newestValid?.name).toBe(nameAt(saves[0]!.at));
    expect(h.newestValidVerified).toBe(false);
    expect(h.invalidAfter).toHaveLength(119);
    const t = timeline(h, { maxLines: 10 });
    expect(t).toHaveLength(11);
    expect(
      t.some((l) =>
        /^… 110 more saves 2025-06-02 09:36:00 … 2025-06-02 11:25:00 \(7 state-only, 55 empty, 48 not read\)$/.test(l),
      ),
    ).toBe(true);
    expect(t[0]).toContain('not read (big enough to hold panes)');
  });

  it('older saves that were not read: 0 bytes count as empty by size, the rest stay unread', () => {
    const saves = [
      { at: NOW - 100 * MIN, kind: 'empty' as Kind },
      { at: NOW - 99 * MIN, kind: 'state-only' as Kind },
      ...series(RECENT_MAX, NOW, MIN, () => 'racing'),
    ];
    const h = saveHistory(genSaveDir(saves), opts);
    expect(h.entries[0]).toMatchObject({ classification: 'empty', basis: 'size' });
    expect(h.entries[1]).toMatchObject({ classification: 'unread', basis: 'none', size: 8 });
    expect(entryVerdict(h.entries[0]!)).toBe('empty (0 bytes; judged by size)');
    // nothing valid, nothing big enough to be
    expect(h.newestValid).toBeUndefined();
    expect(h.invalidAfter).toHaveLength(22);
    expect(h.retention.atRisk).toBe(false);
    expect(entryVerdict(h.entries[21]!)).toBe(
      'state-only (3 state lines: 3 saves of a server with no sessions raced into this file)',
    );
  });

  it('every classification shows up by content', () => {
    const kinds: Kind[] = ['valid', 'grouped', 'state-only', 'racing', 'empty', 'truncated', 'malformed'];
    const h = saveHistory(genSaveDir(kinds.map((k, i) => ({ at: NOW - (10 - i) * MIN, kind: k }))), opts);
    expect(h.entries.map((e) => e.classification)).toEqual([
      'valid',
      'valid',
      'state-only',
      'state-only',
      'empty',
      'truncated',
      'malformed',
    ]);
    expect(h.newestValid?.name).toBe(nameAt(NOW - 9 * MIN));
    expect(h.invalidAfter.map((e) => e.classification)).toEqual([
      'state-only',
      'state-only',
      'empty',
      'truncated',
      'malformed',
    ]);
    expect(entryVerdict(h.entries[5]!)).toMatch(/^truncated: line 1: pane line refers to window cal-dev:0/);
    expect(entryVerdict(h.entries[6]!)).toMatch(/^malformed: line 1: pane line has 3 fields/);
  });

  it('a save bigger than the probe read: pane lines in the part read count as valid, unverified', () => {
    const part = SAVES.healthy.slice(0, 300);
    const h = saveHistory(genSaveDir([{ at: NOW - MIN, content: part, size: 200_000 }]), opts);
    expect(h.entries[0]).toMatchObject({ classification: 'valid', basis: 'partial', size: 200_000 });
    expect(entryVerdict(h.entries[0]!)).toContain('(only the start was read)');
    expect(h.lastUsable).toBe(true);
  });

  it('a listed save whose content could not be read stays unread', () => {
    const h = saveHistory(genSaveDir([{ at: NOW - MIN, content: '', size: 900 }]), opts);
    expect(h.entries[0]).toMatchObject({ classification: 'unread', basis: 'none' });
    expect(h.newestValid?.name).toBe(nameAt(NOW - MIN));
    expect(h.newestValidVerified).toBe(false);
  });

  it('dangling `last` (the logout-hook race): the missing name still dates the race', () => {
    const saves = series(10, NOW - 2 * MIN, MIN, () => 'valid');
    const gone = nameAt(NOW - MIN);
    const h = saveHistory(genSaveDir(saves, { last: gone }), opts);
    expect(h.last).toMatchObject({ state: 'dangling', target: gone });
    expect(h.last.time?.getTime()).toBe((NOW - MIN) * 1000);
    expect(h.lastUsable).toBe(false);
    expect(h.newestValid?.name).toBe(nameAt(NOW - 2 * MIN));
    expect(h.invalidAfter).toEqual([]);
    expect(timeline(h).at(-1)).toBe(`last → ${gone}: does not exist (dangling); that name is from 2025-06-02 11:29:00`);
  });

  it('`last` pointing outside the save dir: judged by the content read through it', () => {
    const saves = series(3, NOW, MIN, () => 'state-only');
    const outside = '/Users/admin/backup/tmux_resurrect_20250101T000000.txt';
    const h = saveHistory(genSaveDir(saves, { last: outside, lastContent: SAVES.healthy }), opts);
    expect(h.last).toMatchObject({ state: 'outside', classification: 'valid' });
    expect(h.lastUsable).toBe(true);
    expect(h.newestValid).toBeUndefined();
    const bad = saveHistory(genSaveDir(saves, { last: '../elsewhere/last-save.txt', lastContent: '' }), opts);
    expect(bad.last).toMatchObject({ state: 'outside', classification: 'empty' });
    expect(bad.lastUsable).toBe(false);
  });

  it('`last` as an absolute path into the dir, or `./name`, is the same entry', () => {
    const saves = series(2, NOW, MIN, (i) => (i ? 'valid' : 'state-only'));
    for (const target of [`${SAVE_DIR}/${nameAt(NOW)}`, `./${nameAt(NOW)}`]) {
      const h = saveHistory(genSaveDir(saves, { last: target, lastContent: CONTENT.valid }), opts);
      expect(h.last.state).toBe('ok');
      expect(h.last.entry?.name).toBe(nameAt(NOW));
      expect(h.entries[1]!.isLast).toBe(true);
    }
  });

  it('`last` missing, or a regular file', () => {
    const saves = series(2, NOW, MIN, () => 'valid');
    expect(saveHistory(genSaveDir(saves, { last: null }), opts).last.state).toBe('missing');
    const reg = saveHistory(genSaveDir(saves, { lastRegular: SAVES.stateOnly }), opts);
    expect(reg.last).toMatchObject({ state: 'not-link', classification: 'state-only' });
    expect(reg.lastUsable).toBe(false);
    expect(reg.entries.some((e) => e.isLast)).toBe(false);
  });

  it('retention: @resurrect-delete-backup-after, overdue, and not at risk within the 5 newest', () => {
    const mk = (validAt: number) => [
      { at: validAt, kind: 'valid' as Kind },
      ...series(KEEP_NEWEST, NOW, MIN, () => 'state-only'),
    ];
    const h = saveHistory(genSaveDir(mk(NOW - 40 * DAY)), { ...opts, deleteAfterDays: 7 });
    expect(h.retention).toMatchObject({ rank: 6, atRisk: true, days: 7, overdue: true });
    const fresh = saveHistory(genSaveDir(mk(NOW - DAY)), opts);
    expect(fresh.retention).toMatchObject({ rank: 6, atRisk: true, overdue: false });
    expect(fresh.retention.dueBy!.toISOString().slice(0, 10)).toBe('2025-07-01');
    const safe = saveHistory(
      genSaveDir([{ at: NOW - DAY, kind: 'valid' }, ...series(4, NOW, MIN, () => 'empty')]),
      opts,
    );
    expect(safe.retention).toMatchObject({ rank: 5, atRisk: false });
  });

  it('names that are not saves (last, the archive, strays, dirs) are not history', () => {
    const d = genSaveDir(series(2, NOW, MIN, () => 'valid'));
    d.files.push(
      { name: 'pane_contents.tar.gz', mode: '-rw-r--r--', uid: 501, size: 10, type: 'file' },
      { name: 'tmux_resurrect_notes.txt', mode: '-rw-r--r--', uid: 501, size: 10, type: 'file' },
      { name: 'tmux_resurrect_20250601T000000.txt', mode: 'drwxr-xr-x', uid: 501, size: 10, type: 'dir' },
      { name: 'save', mode: 'drwxr-xr-x', uid: 501, size: 10, type: 'dir' },
    );
    expect(saveHistory(d, opts).entries).toHaveLength(2);
  });

  it('an empty dir', () => {
    const h = saveHistory(genSaveDir([], { last: null }), opts);
    expect(h.entries).toEqual([]);
    expect(h.newestValid).toBeUndefined();
    expect(timeline(h)).toEqual(['last: missing']);
  });
});
