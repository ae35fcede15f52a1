import { describe, expect, it } from 'vitest';
import { describeEnvironment } from '../../../src/engine/environment.js';
import { healthyFacts, LAST_SAVE, REVISIONS, SAVE_DIR, SAVE_NAMES, TMUX, withFacts } from '../../helpers/facts.js';

describe('environment digest for bug reports', () => {
  it('has versions, plugin revisions, the relevant config lines and the save history', () => {
    const env = describeEnvironment(healthyFacts());
    expect(env.host.os).toBe('Darwin');
    expect(env.tmux.binaries[0]).toMatchObject({ path: TMUX, version: 'tmux 3.5a' });
    expect(env.tmux.serverVersion).toBe('3.5a');
    expect(env.plugins.entries.map((e) => e.name).sort()).toEqual(['tmux-continuum', 'tmux-resurrect', 'tpm']);
    expect(env.plugins.entries.find((e) => e.name === 'tpm')!.revision).toBe(REVISIONS.tpm);
    expect(env.configLines.some((l) => l.includes("@plugin 'tmux-plugins/tmux-continuum'"))).toBe(true);
    expect(env.configLines.some((l) => /mouse|history-limit|^#/.test(l.split(': ').slice(1).join(': ')))).toBe(false);
    expect(env.saves.dir).toBe(SAVE_DIR);
    expect(env.saves.history.map((s) => s.name)).toEqual([...SAVE_NAMES]);
    expect(env.saves.history.filter((s) => s.last).map((s) => s.name)).toEqual([LAST_SAVE]);
    expect(env.saves.history.at(-1)!.contents).toMatch(/session/);
    expect(env.tart).toBeUndefined();
  });

  it('marks a state-only save for what it is', () => {
    const env = describeEnvironment(
      withFacts((f) => {
        const d = f.saveDirs.find((x) => x.path === SAVE_DIR)!;
        d.recent = d.recent.map((rc) =>
          rc.name === LAST_SAVE ? { ...rc, content: 'state\tcal-dev\t\n', size: 14 } : rc,
        );
      }),
    );
    expect(env.saves.history.find((s) => s.name === LAST_SAVE)!.contents).toBe('state-only');
  });
});
