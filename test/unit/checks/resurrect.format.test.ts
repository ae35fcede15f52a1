import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.format.js';
import {
  fix$,
  healthyFacts,
  LAST_SAVE,
  runOn,
  SAVE_DIR,
  SAVE_NAMES,
  SAVES,
  saveContent,
  verdict,
  withFacts,
} from '../../helpers/facts.js';

/** tmux-resurrect 3.0: pane lines without the title (10 fields), window lines without automatic-rename (7) */
const V3 = [
  'pane\tcal-dev\t0\t1\t:*\t0\t:/Users/admin/projects/api\t1\tvim\t:vim server.go',
  'pane\tcal-dev\t0\t1\t:*\t1\t:/Users/admin\t0\tzsh\t:',
  'window\tcal-dev\t0\t:api\t1\t:*\tcf3a,200x50,0,0{100x50,0,0,0,99x50,101,0,1}',
  'state\tcal-dev\t',
  '',
].join('\n');
/** tmux-resurrect 2.x: the window name in the pane line, window lines with 6 fields */
const V2 = [
  'pane\tcal-dev\t0\t:api\t1\t:*\t0\t:/Users/admin/projects/api\t1\tvim\t:vim server.go',
  'window\tcal-dev\t0\t1\t:*\tb25d,200x50,0,0,0',
  'state\tcal-dev\t',
  '',
].join('\n');

const lastIs = (content: string, recent: 'old-only' | 'with-current') =>
  withFacts((f) => {
    const d = f.saveDirs[0]!;
    d.last!.file = saveContent(LAST_SAVE, content);
    d.recent =
      recent === 'old-only'
        ? [saveContent(LAST_SAVE, content)]
        : [saveContent(LAST_SAVE, content), saveContent(SAVE_NAMES[1], SAVES.healthy)];
  });

describe('resurrect.format', () => {
  it('passes for a save in the 4.x format', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`\`last\` (${LAST_SAVE}) is in the 4.x format the installed plugin reads`);
    expect(r.details).toContain('installed: tmux-resurrect cff343c (writes and reads the 4.x format)');
  });

  it('fails on a 3.x save and tells how to restore it with the release that wrote it', async () => {
    const r = verdict(await runOn(check, lastIs(V3, 'old-only')));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      `\`last\` (${LAST_SAVE}) was written by tmux-resurrect 3.x: the installed plugin restores it without window names or programs, and panes in the wrong directories`,
    );
    expect(r.details![0]).toBe(
      `${LAST_SAVE}: 2 pane lines in the 3.x format (line 1, 2); 1 window line in the 3.x format (line 3)`,
    );
    expect(fix$(r)).toContain(
      'git -C /Users/admin/.tmux/plugins/tmux-resurrect fetch --tags && git -C /Users/admin/.tmux/plugins/tmux-resurrect checkout v3.0.0',
    );
  });

  it('fails on a 2.x save and relinks to a current save when there is one', async () => {
    const r = verdict(await runOn(check, lastIs(V2, 'with-current')));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('was written by tmux-resurrect 2.x');
    expect(r.fix![0]).toBe(
      `relink \`last\` to a save in the current format: cd ${SAVE_DIR} && ln -sf ${SAVE_NAMES[1]} last`,
    );
  });

  it('warns on lines in no known format', async () => {
    const r = verdict(await runOn(check, lastIs('pane\tcal-dev\t0\t1\n', 'old-only')));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('has lines in no tmux-resurrect format');
  });

  it('skips a state-only `last`', async () => {
    expect(verdict(await runOn(check, lastIs(SAVES.stateOnly, 'old-only'))).status).toBe('skip');
  });
});
