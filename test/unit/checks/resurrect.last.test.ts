import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.last.js';
import type { Facts, SaveDirFact } from '../../../src/probe/facts.js';
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

const dir = (f: Facts): SaveDirFact => f.saveDirs.find((d) => d.role === 'xdg')!;

/** `last` (the newest save) holds `content`; the two older saves stay healthy. */
const lastHolds = (content: string, truncated = false) =>
  withFacts((f) => {
    const d = dir(f);
    d.last!.file = saveContent(LAST_SAVE, content, truncated);
    d.recent[0] = saveContent(LAST_SAVE, content, truncated);
    d.files.find((e) => e.name === LAST_SAVE)!.size = Buffer.byteLength(content);
  });

const RELINK_PREVIOUS = `cd ${SAVE_DIR} && ln -sf ${SAVE_NAMES[1]} last`;

describe('resurrect.last', () => {
  it('passes on a valid save with the counts as evidence', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`last → ${LAST_SAVE}: 1 session, 3 windows, 6 panes (saved 5 min ago)`);
    expect(r.details).toContain('counts: 1 session, 3 windows, 6 panes, 1 state line, 0 grouped sessions');
  });

  it('fails on a state-only save, explains it and offers the older valid save', async () => {
    const r = verdict(await runOn(check, lastHolds(SAVES.stateOnly)));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      `\`last\` (${LAST_SAVE}) holds only 1 \`state\` line and no panes: restore has nothing to rebuild`,
    );
    expect(text$(r)).toContain('server with no sessions');
    expect(r.details).toContain('line 1: "state\\t\\t"');
    expect(fix$(r)).toContain(RELINK_PREVIOUS);
    expect(text$(r)).toMatch(
      /tmux_resurrect_20250602T111000\.txt has 1 newer save\(s\); .* older than 30 days \(2025-07-02\)/,
    );
  });

  it('counts the racing saves in the report\'s "state state state" file and names the logout hook', async () => {
    const f = lastHolds('state\t\t\nstate\t\t\nstate\t\t\n');
    const z = f.dotfiles.find((d) => d.path.endsWith('.zlogout'))!;
    Object.assign(z, { exists: true, content: '# save tmux\n~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet\n' });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('holds only 3 `state` lines');
    expect(r.details).toContain(
      '3 state lines in one file: that many saves ran in the same second and appended to the same file',
    );
    expect(r.details).toContain('logout hook: ~/.zlogout:2: ~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet');
    expect(r.fix![0]).toMatch(/^first remove the save from the logout file/);
    expect(fix$(r)).toContain(RELINK_PREVIOUS);
  });

  it('fails on a 0-byte save (server without plugins / tmux on PATH)', async () => {
    const r = verdict(await runOn(check, lastHolds(SAVES.empty)));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      `\`last\` (${LAST_SAVE}) is empty (0 bytes): saved by a server started without plugins / without tmux on its PATH`,
    );
    expect(fix$(r)).toContain(RELINK_PREVIOUS);
  });

  it('fails on a dangling `last` (the logout-hook race)', async () => {
    const f = withFacts((f) => {
      const d = dir(f);
      d.last = { entry: d.last!.entry, target: 'tmux_resurrect_20250602T112900.txt', resolves: false };
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(
      '`last` is dangling: it points to tmux_resurrect_20250602T112900.txt, which does not exist',
    );
    expect(fix$(r)).toContain(`cd ${SAVE_DIR} && ln -sf ${LAST_SAVE} last`);
  });

  it('without content of older saves, offers the newest plausible one by size, unverified', async () => {
    const f = lastHolds(SAVES.stateOnly);
    dir(f).recent = [dir(f).recent[0]!];
    const r = verdict(await runOn(check, f));
    expect(fix$(r)).toContain(RELINK_PREVIOUS);
    expect(fix$(r)).toContain('content not read');
  });

  it('says so when no good save is left', async () => {
    const f = lastHolds(SAVES.stateOnly);
    const d = dir(f);
    d.recent = [d.recent[0]!];
    d.files = d.files.filter((e) => e.name === 'last' || e.name === LAST_SAVE);
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(fix$(r)).toContain('no older save with panes');
  });

  it('warns when live sessions are missing from the save, naming them', async () => {
    const f = withFacts((f) => {
      f.server!.sessions.push({ id: '$1', name: 'notes', windows: 1, attached: 0, created: f.host.now - 60 });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('the save (5 min ago) lacks live session(s) notes: they are lost if the VM stops now');
  });

  it('counts grouped sessions as saved', async () => {
    const f = lastHolds(SAVES.grouped);
    f.server!.sessions.push(
      { id: '$1', name: 'notes', windows: 1, attached: 0, created: 0 },
      { id: '$2', name: 'cal-dev-mirror', windows: 3, attached: 0, created: 0 },
    );
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.summary).toContain('3 sessions, 4 windows, 7 panes');
  });

  it('fails on a malformed save with the parser problems and line numbers', async () => {
    const r = verdict(await runOn(check, lastHolds(`pane\tcal-dev\t0\n${SAVES.healthy}`)));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('malformed');
    expect(r.details!.some((d) => d.startsWith('line 1: '))).toBe(true);
  });

  it('fails on a save cut off mid-line', async () => {
    const r = verdict(await runOn(check, lastHolds(SAVES.healthy.slice(0, SAVES.healthy.indexOf('window') + 20))));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('cut off mid-line');
    expect(fix$(r)).toContain(RELINK_PREVIOUS);
  });

  it('only warns when the probe read just the start of a big file', async () => {
    const r = verdict(await runOn(check, lastHolds(SAVES.healthy.slice(0, 100), true)));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('only its start was checked');
  });

  it('fails when there is no `last` while sessions are open (a restart loses them), offering the newest good save', async () => {
    const f = withFacts((f) => {
      delete dir(f).last;
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(
      /^no `last` in .*: restore has nothing to read — a restart now loses the \d+ open sessions?$/,
    );
    expect(fix$(r)).toContain(`ln -sf ${LAST_SAVE} last`);
    const idle = withFacts((f) => {
      delete dir(f).last;
      f.server = null;
    });
    expect(verdict(await runOn(check, idle)).status).toBe('warn');
  });

  it('quotes hostile dir and file names in the relink command', async () => {
    const f = lastHolds(SAVES.stateOnly);
    const d = dir(f);
    d.path = "/Users/admin/it's saves";
    f.server!.options['@resurrect-dir'] = "~/it's saves";
    const r = verdict(await runOn(check, f));
    expect(fix$(r)).toContain(`cd '/Users/admin/it'\\''s saves' && ln -sf ${SAVE_NAMES[1]} last`);
  });
});
