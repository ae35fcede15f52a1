import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.history.js';
import type { SaveDirFact } from '../../../src/probe/facts.js';
import {
  fix$,
  HOME,
  healthyFacts,
  LAST_SAVE,
  NOW,
  runOn,
  SAVE_DIR,
  SAVE_NAMES,
  text$,
  verdict,
  withFacts,
} from '../../helpers/facts.js';
import { type DirOptions, genSaveDir, nameAt, type SaveSpec, series } from '../../helpers/savedirs.js';

const MIN = 60;
const DAY = 86_400;
const withDir = (saves: SaveSpec[], opts: DirOptions = {}, mutate?: (d: SaveDirFact) => void) =>
  withFacts((f) => {
    const d = genSaveDir(saves, opts);
    mutate?.(d);
    f.saveDirs[0] = d;
  });

describe('resurrect.history', () => {
  it('passes on the healthy snapshot, with the timeline as evidence', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`3 saves; \`last\` → ${LAST_SAVE} (5 min ago) is valid and the newest save`);
    expect(r.details).toContain(
      `  2025-06-02 11:25:00  ${LAST_SAVE}  540 B  valid: 1 session, 3 windows, 6 panes  ← last`,
    );
    expect(
      r.details!.some((l) => l.startsWith('  2025-06-02 10:55:00 … 2025-06-02 11:10:00  2 older saves (2 valid)')),
    ).toBe(true);
  });

  it('state-only `last`: fails as recoverable, names the valid save, its age, the bad run and the exact relink', async () => {
    const saves = [
      ...series(6, NOW - 60 * MIN, 5 * MIN, () => 'valid'),
      ...series(4, NOW - MIN, 10, () => 'state-only'),
    ];
    const r = verdict(await runOn(check, withDir(saves)));
    // the valid saves end an hour ago; the 4 bad ones run from 90 s to 60 s ago
    const valid = nameAt(NOW - 60 * MIN);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      `\`last\` → ${nameAt(NOW - MIN)} is state-only (a save of a server with no sessions); recoverable: the newest valid save is ${valid} (60 min ago), followed by 4 bad saves since 2025-06-02 11:28:30`,
    );
    expect(r.details).toContain(`bad saves after it: 4, the run began 2025-06-02 11:28:30 (90 s ago)`);
    expect(r.fix).toContain(`relink \`last\` to it: cd ${SAVE_DIR} && ln -sf ${valid} last`);
    expect(fix$(r)).toContain('cal-doctor --fix --yes');
    // 5 newest are all bad? no: 4 bad, the valid one is 5th: not at risk yet
    expect(text$(r)).not.toContain('retention');
  });

  it('no valid save at all: a distinct, harder failure with nothing to relink', async () => {
    const r = verdict(await runOn(check, withDir(series(8, NOW, MIN, (i) => (i % 2 ? 'empty' : 'racing')))));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(
      /^no valid save at all: all 8 saves since 2025-06-02 11:23:00 hold no panes and `last` → .* — nothing can be restored or relinked$/,
    );
    expect(fix$(r)).not.toContain('ln -sf');
    expect(fix$(r)).toContain('resurrect.save-triggers');
  });

  it('older saves the probe only counted: in the count and the timeline, and never taken for "no valid save at all"', async () => {
    const notListed = (n: number) => (d: SaveDirFact) => {
      d.savesNotListed = n;
    };
    const saves = [
      ...series(6, NOW - 60 * MIN, 5 * MIN, () => 'valid'),
      ...series(4, NOW - MIN, 10, () => 'state-only'),
    ];
    const r = verdict(await runOn(check, withDir(saves, {}, notListed(9500))));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/; recoverable: the newest valid save is /);
    expect(r.details).toContain(
      '9510 save files; 10 read, 9500 older ones only counted (not listed, not judged: the probe lists the newest 10)',
    );
    expect(r.details).toContain('  before 2025-06-02 10:05:00: 9500 older saves (counted, not listed or read)');
    // nothing valid among the listed saves: an older one may still be
    const bad = verdict(
      await runOn(
        check,
        withDir(
          series(8, NOW, MIN, (i) => (i % 2 ? 'empty' : 'racing')),
          {},
          notListed(1),
        ),
      ),
    );
    expect(bad.status).toBe('fail');
    expect(bad.summary).toMatch(
      /^no valid save among the 8 newest saves \(since 2025-06-02 11:23:00\) and `last` → .*; 1 older save was counted, not listed: one may still hold your layout$/,
    );
    expect(fix$(bad)).toContain(`cd ${SAVE_DIR} && grep -l '^pane' tmux_resurrect_*.txt | tail -n 1`);
  });

  it('hundreds of saves and a dangling `last`: the newest valid save, the run, retention with a date and the copy-aside', async () => {
    // valid every 15 min for 3 days, then 40 state-only/empty saves, `last` → a file the race deleted
    const saves = [
      ...series(288, NOW - 2 * DAY, 15 * MIN, () => 'valid'),
      ...series(40, NOW - MIN, 30 * MIN, (i) => (i % 3 ? 'state-only' : 'empty')),
    ];
    const gone = nameAt(NOW);
    const r = verdict(await runOn(check, withDir(saves, { last: gone })));
    const valid = nameAt(NOW - 2 * DAY);
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(
      new RegExp(
        `^\`last\` is dangling \\(→ ${gone}, which does not exist\\); recoverable: the newest valid save is ${valid} \\(2 days ago\\), followed by 40 bad saves since 2025-06-01 15:59:00$`,
      ),
    );
    expect(text$(r)).toContain(
      `retention: ${valid} is number 41 by age and resurrect keeps only the 5 newest saves regardless of age (@resurrect-delete-backup-after 30 days): the first save after 2025-06-30`,
    );
    expect(r.fix![0]).toBe(
      `copy it aside now, out of resurrect's reach: mkdir -p ${HOME}/tmux-resurrect-keep && cp -p ${SAVE_DIR}/${valid} ${HOME}/tmux-resurrect-keep/`,
    );
    // older than the 20 saves the probe reads: judged by size, so the fix says to check it first
    expect(r.fix).toContain(
      `relink \`last\` to it: cd ${SAVE_DIR} && ln -sf ${valid} last (check it holds \`pane\` lines first: grep -c '^pane' ${SAVE_DIR}/${valid})`,
    );
    expect(text$(r)).toContain(
      '328 save files; 20 read, 308 older ones only listed (7 of them 0 bytes: empty by size)',
    );
    expect(text$(r)).toContain(`last → ${gone}: does not exist (dangling); that name is from 2025-06-02 11:30:00`);
  });

  it('the retention deadline has passed: the next save deletes the newest valid one', async () => {
    const saves = [{ at: NOW - 45 * DAY, kind: 'valid' as const }, ...series(6, NOW, DAY, () => 'state-only' as const)];
    const r = verdict(await runOn(check, withDir(saves)));
    expect(r.status).toBe('fail');
    expect(text$(r)).toContain('it is already older than 30 days, so the very next save deletes it');
  });

  it('`last` valid, but newer bad saves not linked to it (a race): warns, and warns about retention', async () => {
    const saves = [{ at: NOW - DAY, kind: 'valid' as const }, ...series(6, NOW, MIN, () => 'state-only' as const)];
    const results = await runOn(check, withDir(saves, { last: NOW - DAY }));
    expect(verdict(results).status).toBe('warn');
    expect(results.map((x) => x.summary)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^`last` is valid, but 6 newer saves not linked to it are bad \(first 2025-06-02 11:25:00\)/,
        ),
        `the newest valid save ${nameAt(NOW - DAY)} is no longer among the 5 newest: a save after 2025-07-01 deletes it`,
      ]),
    );
  });

  it("`last` points outside the save dir: valid → warns it is not resurrect's; bad → recoverable failure", async () => {
    const saves = series(3, NOW, MIN, () => 'valid');
    const ok = verdict(
      await runOn(
        check,
        withDir(saves, {
          last: '/Users/admin/keep/tmux_resurrect_20250101T000000.txt',
          lastContent: healthyFacts().saveDirs[0]!.last!.file!.content,
        }),
      ),
    );
    expect(ok.status).toBe('warn');
    expect(ok.summary).toContain('`last` points outside the save dir');
    const bad = verdict(await runOn(check, withDir(saves, { last: '../other/x.txt', lastContent: 'state\t\t\n' })));
    expect(bad.status).toBe('fail');
    expect(bad.summary).toMatch(
      /^`last` points outside the save dir \(→ \.\.\/other\/x\.txt\) and is state-only; recoverable/,
    );
    expect(bad.fix).toContain(`relink \`last\` to it: cd ${SAVE_DIR} && ln -sf ${nameAt(NOW)} last`);
  });

  it('`last` as a regular file: the relink moves it aside instead of overwriting it', async () => {
    const r = verdict(
      await runOn(
        check,
        withDir(
          series(2, NOW, MIN, () => 'valid'),
          { lastRegular: 'state\t\t\n' },
        ),
      ),
    );
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^`last` is a regular file, not resurrect's symlink, and is state-only; recoverable/);
    expect(r.fix).toContain(`relink \`last\` to it: cd ${SAVE_DIR} && mv last last.keep && ln -s ${nameAt(NOW)} last`);
  });

  it('no `last` with saves present: recoverable', async () => {
    const r = verdict(
      await runOn(
        check,
        withDir(
          series(3, NOW, MIN, () => 'valid'),
          { last: null },
        ),
      ),
    );
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^there is no `last`; recoverable: the newest valid save is/);
  });

  it('hostile dir names are quoted in the commands', async () => {
    const path = `/Users/admin/it's $(id) dir`;
    const f = withDir([...series(2, NOW - MIN, 1, () => 'valid'), { at: NOW, kind: 'state-only' }], { path });
    f.server!.options['@resurrect-dir'] = path;
    f.saveDirs[0]!.role = 'option';
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.fix).toContain(
      `relink \`last\` to it: cd '/Users/admin/it'\\''s $(id) dir' && ln -sf ${nameAt(NOW - MIN)} last`,
    );
  });

  it('skips without a save dir, warns on an empty one', async () => {
    const none = withFacts((f) => {
      f.saveDirs = [
        { role: 'xdg', path: SAVE_DIR, exists: false, writable: false, files: [], listingTruncated: false, recent: [] },
      ];
    });
    expect(verdict(await runOn(check, none)).status).toBe('skip');
    const empty = verdict(await runOn(check, withDir([], { last: null })));
    expect(empty.status).toBe('warn');
    expect(empty.summary).toBe('no saves in ~/.local/share/tmux/resurrect yet: nothing to restore');
  });

  it('a `last` whose content was not read is not relinked over, only flagged', async () => {
    const saves: SaveSpec[] = [
      { at: NOW - MIN, kind: 'valid' },
      { at: NOW, content: '', size: 700 },
    ];
    const r = verdict(await runOn(check, withDir(saves)));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      `\`last\` → ${nameAt(NOW)} (0 s ago) could not be read: it is big enough to hold panes, but not verified`,
    );
  });

  it('keeps SAVE_NAMES semantics of the shared helper (sanity)', () => {
    expect(SAVE_NAMES[2]).toBe(LAST_SAVE);
  });
});
