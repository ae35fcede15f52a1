import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.shrunken-save.js';
import {
  fix$,
  healthyFacts,
  LAST_SAVE,
  runOn,
  SAVE_DIR,
  SAVE_NAMES,
  SAVES,
  saveContent,
  text$,
  verdict,
  withFacts,
} from '../../helpers/facts.js';

/** what C-s in a fresh server saves: session 0, one window, one pane */
const BLANK =
  'pane\t0\t0\t1\t:*\t0\tcal-dev\t:/Users/admin\t1\tzsh\t:\nwindow\t0\t0\t:zsh\t1\t:*\tb25d,80x24,0,0,0\t:\nstate\t0\t\n';

/** `last` (the newest save) holds BLANK; the two earlier saves hold the healthy layout */
const shrunken = (mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {}) =>
  withFacts((f) => {
    const d = f.saveDirs[0]!;
    d.last!.file = saveContent(LAST_SAVE, BLANK);
    d.recent[0] = saveContent(LAST_SAVE, BLANK);
    f.server!.sessions = [{ id: '$0', name: '0', windows: 1, attached: 1, created: f.host.now - 600 }];
    mutate(f);
  });

describe('resurrect.shrunken-save', () => {
  it('passes when `last` is in line with the recent saves', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      '`last` (1 session, 3 windows, 6 panes) is in line with the recent saves (largest: 6 panes)',
    );
  });

  it('fails when a blank start-up layout was saved over a good save, naming the better file', async () => {
    const r = verdict(await runOn(check, shrunken()));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      `\`last\` (${LAST_SAVE}: 1 session, 1 window, 1 pane) is far smaller than ${SAVE_NAMES[1]} (1 session, 3 windows, 6 panes): a blank start-up layout was saved over a good one, and restore would bring back only that`,
    );
    expect(r.details).toContain(`sessions in ${SAVE_NAMES[1]} but not in \`last\`: cal-dev`);
    expect(text$(r)).toContain("the shape of a fresh server's start-up session");
    expect(r.fix![0]).toBe(`point \`last\` at the good save: cd ${SAVE_DIR} && ln -sf ${SAVE_NAMES[1]} last`);
    expect(fix$(r)).toContain('tmux run-shell /Users/admin/.tmux/plugins/tmux-resurrect/scripts/restore.sh');
  });

  it('only warns while the missing sessions are still live: saving now fixes it', async () => {
    const f = shrunken((f) => {
      f.server!.sessions.push({ id: '$1', name: 'cal-dev', windows: 3, attached: 0, created: f.host.now - 5000 });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('but the missing sessions are still live: save now before they are lost');
  });

  it('does not flag a save that lost one pane of six', async () => {
    const fewer = SAVES.healthy
      .split('\n')
      .filter((_, i) => i !== 1)
      .join('\n');
    const f = withFacts((f) => {
      f.saveDirs[0]!.last!.file = saveContent(LAST_SAVE, fewer);
      f.saveDirs[0]!.recent[0] = saveContent(LAST_SAVE, fewer);
    });
    expect(verdict(await runOn(check, f)).status).toBe('pass');
  });

  it('skips when `last` is not a valid save (resurrect.last judges that)', async () => {
    const f = withFacts((f) => {
      f.saveDirs[0]!.last!.file = saveContent(LAST_SAVE, SAVES.stateOnly);
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('skip');
    expect(r.summary).toBe('`last` is state-only, not a valid save (see resurrect.last)');
  });
});
