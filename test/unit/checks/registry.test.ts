import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../src/engine/check.js';
import { loadChecks } from '../../../src/engine/discover.js';

const CHECKS_DIR = fileURLToPath(new URL('../../../checks/', import.meta.url));
const files = readdirSync(CHECKS_DIR).filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts'));

const EXPECTED = [
  'config.file',
  'config.unknown-options',
  'continuum.boot',
  'continuum.restore-window',
  'continuum.saves-happening',
  'continuum.server-count',
  'plugins.continuum',
  'plugins.resurrect',
  'plugins.tpm',
  'resurrect.dir',
  'resurrect.format',
  'resurrect.history',
  'resurrect.last',
  'resurrect.pane-contents',
  'resurrect.processes',
  'resurrect.risky-names',
  'resurrect.roundtrip',
  'resurrect.save-triggers',
  'resurrect.shrunken-save',
  'resurrect.stuck-saves',
  'shell.cwd-override',
  'tart.vm',
  'tmux.control-mode',
  'tmux.env',
  'tmux.known-bad-versions',
  'tmux.launch',
  'tmux.path',
  'tmux.server',
  'tmux.socket',
  'tmux.status-interval',
  'tmux.version',
];

describe('checks/ modules', () => {
  // ids are public interface (users pin them with --only/--skip): adding or renaming one is deliberate
  it('holds exactly the public check ids', () => {
    expect(files.map((n) => n.replace(/\.ts$/, '')).sort()).toEqual(EXPECTED);
  });

  it.each(files)('%s: default export with id = file name, category = id prefix, title and explain', async (name) => {
    const mod = (await import(pathToFileURL(CHECKS_DIR + name).href)) as { default: Check };
    const c = mod.default;
    expect(c.id).toBe(name.replace(/\.ts$/, ''));
    expect(c.category).toBe(c.id.split('.')[0]);
    expect(c.title.trim().length).toBeGreaterThan(10);
    expect(c.explain.trim().length).toBeGreaterThan(100);
    expect(typeof c.run).toBe('function');
  });

  it('ids are unique and discovery loads them all without problems (helpers live in src/domain)', async () => {
    const { checks, problems } = await loadChecks();
    expect(problems).toEqual([]);
    const ids = checks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(EXPECTED);
  });
});
