import { describe, expect, it } from 'vitest';
import { parseSave } from '../../src/domain/resurrect/savefile.js';
import {
  compareLayout,
  describeLayout,
  describeSessions,
  type Layout,
  layoutOfLive,
  layoutOfSave,
  parseServer,
  samePlace,
} from '../../src/persist/layout.js';
import { parseRecords, US } from '../../src/persist/scripts.js';

const rec = (pairs: Array<[string, string]>) =>
  `${pairs.map(([k, v]) => `@@${k}\n${Buffer.from(v).toString('base64')}`).join('\n')}\n`;
const row = (...f: Array<string | number>) => f.join(US);

const H = '/Users/admin';
const panes = [
  row('cal-doctor-e2e', 0, 'e2e-scroll', 0, `${H}/.cache/cal-doctor/e2e/plain`, 501, '%1'),
  row('cal-doctor-e2e', 1, 'e2e-split', 0, `${H}/.cache/cal-doctor/e2e/dir with space`, 502, '%2'),
  row('cal-doctor-e2e', 1, 'e2e-split', 1, `${H}/.cache/cal-doctor/e2e/plain`, 503, '%3'),
  row('cal-doctor-e2e', 2, 'e2e-base', 0, `${H}/.cache/cal-doctor/e2e`, 504, '%4'),
  row('cal-dev', 0, 'zsh', 0, H, 505, '%0'),
].join('\n');

const serverRecords = parseRecords(
  rec([
    ['srv.ping', '0'],
    [
      'srv.info',
      row(
        4242,
        1795526588,
        '3.5a',
        'on',
        '',
        'on',
        `${H}/.tmux/plugins/tmux-resurrect/scripts/save.sh`,
        `${H}/.tmux/plugins/tmux-resurrect/scripts/restore.sh`,
        '',
        '/private/tmp/tmux-501/default',
        '15',
      ),
    ],
    [
      'srv.sessions',
      `${[row('$0', 'cal-dev', 1, 1, 1795526588), row('$1', 'cal-doctor-e2e', 3, 0, 1795526590)].join('\n')}\n`,
    ],
    ['srv.panes', `${panes}\n`],
    ['srv.xdg', ''],
    ['srv.tpm', 'TMUX_PLUGIN_MANAGER_PATH=/Users/admin/.tmux/plugins/\n'],
    ['end', '1'],
  ]),
);

describe('parseServer', () => {
  it('reads the display line, sessions, panes and plugin state', () => {
    const s = parseServer(serverRecords, 'srv');
    expect(s).toMatchObject({
      answers: true,
      pid: 4242,
      startTime: 1795526588,
      version: '3.5a',
      continuumRestore: 'on',
      restoreMaxDelay: undefined,
      captureContents: true,
      saveScript: `${H}/.tmux/plugins/tmux-resurrect/scripts/save.sh`,
      socket: '/private/tmp/tmux-501/default',
      tpmLoaded: true,
    });
    expect(s.sessions.map((x) => [x.name, x.windows, x.attached])).toEqual([
      ['cal-dev', 1, 1],
      ['cal-doctor-e2e', 3, 0],
    ]);
    expect(s.panes).toHaveLength(5);
    expect(s.panes[1]).toMatchObject({ window: 1, pane: 0, dir: `${H}/.cache/cal-doctor/e2e/dir with space` });
  });

  it('a server that did not answer, or timed out', () => {
    expect(
      parseServer(
        parseRecords(
          rec([
            ['srv.ping', '1'],
            ['srv.error', 'no server running on /tmp/tmux-501/default\n'],
          ]),
        ),
        'srv',
      ),
    ).toMatchObject({
      answers: false,
      error: 'no server running on /tmp/tmux-501/default',
    });
    expect(parseServer(parseRecords(rec([['srv.ping', '137']])), 'srv').error).toMatch(/timed out/);
    expect(parseServer(parseRecords(''), 'srv')).toMatchObject({ answers: false, error: 'not asked' });
  });
});

describe('layouts', () => {
  const live = layoutOfLive(parseServer(serverRecords, 'srv').panes, 'cal-doctor-e2e')!;

  it('groups panes into windows, in order', () => {
    expect(describeLayout(live)).toBe(
      '3 windows, 4 panes: 0 e2e-scroll [plain]; 1 e2e-split [dir with space | plain]; 2 e2e-base [e2e]',
    );
    expect(layoutOfLive([], 'x')).toBeUndefined();
  });

  it('reads the same layout from a save file (escaped space, shifted fields and all)', () => {
    const t = '\t';
    const save = `${[
      ['pane', 'cal-doctor-e2e', '0', '0', ':', '0', 'mac', `:${H}/.cache/cal-doctor/e2e/plain`, '1', 'zsh', ':'].join(
        t,
      ),
      [
        'pane',
        'cal-doctor-e2e',
        '1',
        '0',
        ':-',
        '0',
        'mac',
        `:${H}/.cache/cal-doctor/e2e/dir\\ with space`,
        '0',
        'zsh',
        ':',
      ].join(t),
      ['pane', 'cal-doctor-e2e', '1', '0', ':-', '1', 'mac', `:${H}/.cache/cal-doctor/e2e/plain`, '1', 'zsh', ':'].join(
        t,
      ),
      ['pane', 'cal-doctor-e2e', '2', '1', ':*', '0', 'mac', `:${H}/.cache/cal-doctor/e2e`, '1', 'zsh', ':'].join(t),
      ['window', 'cal-doctor-e2e', '0', ':e2e-scroll', '0', ':', 'b25d,80x24,0,0,0', 'off'].join(t),
      [
        'window',
        'cal-doctor-e2e',
        '1',
        ':e2e-split',
        '0',
        ':-',
        '419a,80x24,0,0[80x12,0,0,1,80x11,0,13,2]',
        'off',
      ].join(t),
      ['window', 'cal-doctor-e2e', '2', ':e2e-base', '1', ':*', 'b260,80x24,0,0,3', 'off'].join(t),
      ['state', '', ''].join(t),
    ].join('\n')}\n`;
    const fromSave = layoutOfSave(parseSave(save), 'cal-doctor-e2e');
    expect(compareLayout(live, fromSave)).toEqual([]);
    expect(layoutOfSave(parseSave('state\t\t\n'), 'cal-doctor-e2e')).toBeUndefined();
  });

  it('names every difference: missing, extra, renamed, wrong dir, wrong pane count', () => {
    const broken: Layout = {
      session: 'cal-doctor-e2e',
      windows: [
        {
          index: 0,
          name: 'zsh',
          panes: [
            { index: 0, dir: H },
            { index: 1, dir: H },
          ],
        },
        {
          index: 1,
          name: 'e2e-split',
          panes: [
            { index: 0, dir: `${H}/.cache/cal-doctor/e2e/dir` },
            { index: 1, dir: `${H}/.cache/cal-doctor/e2e/plain/` },
          ],
        },
        { index: 5, name: 'extra', panes: [{ index: 0, dir: H }] },
      ],
    };
    expect(compareLayout(live, broken)).toEqual([
      'window 0 is named "zsh", not "e2e-scroll"',
      'window 0 (e2e-scroll) has 2 pane(s), not 1',
      `pane 0.0 is in "${H}", not "${H}/.cache/cal-doctor/e2e/plain"`,
      `pane 1.0 is in "${H}/.cache/cal-doctor/e2e/dir", not "${H}/.cache/cal-doctor/e2e/dir with space"`,
      'window 2 (e2e-base) is missing',
      'window 5 (extra) is extra',
    ]);
    expect(compareLayout(live, undefined)).toEqual(['session cal-doctor-e2e is not there']);
  });

  it('treats macOS /private/tmp as /tmp and ignores trailing slashes', () => {
    expect(samePlace('/private/tmp/x/', '/tmp/x')).toBe(true);
    expect(samePlace('/private/var/folders/a', '/var/folders/a')).toBe(true);
    expect(samePlace('/tmp/x', '/tmp/y')).toBe(false);
    expect(samePlace('/private/tmpfoo', '/tmpfoo')).toBe(false);
  });

  it('says what a restart would end, per session, skipping the marker', () => {
    expect(describeSessions(parseServer(serverRecords, 'srv'), ['cal-doctor-e2e'])).toEqual([
      'cal-dev: 1 window, 1 pane, 1 client attached',
    ]);
  });
});
