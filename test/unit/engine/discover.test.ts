import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS_DIR, loadChecks, selectChecks } from '../../../src/engine/discover.js';

const extra = fileURLToPath(new URL('../../fixtures/checks-extra/', import.meta.url));

describe('check discovery', () => {
  it('loads every built-in check module', async () => {
    const { checks, problems } = await loadChecks();
    expect(problems).toEqual([]);
    const files = readdirSync(BUILTIN_CHECKS_DIR).filter((f) => f.endsWith('.ts'));
    expect(checks.length).toBe(files.length);
    expect(checks.map((c) => c.id)).toContain('tmux.path');
  });

  it('adds third-party checks from --checks-dir and reports invalid ones without failing', async () => {
    const { checks, problems } = await loadChecks([extra]);
    expect(checks.map((c) => c.id)).toContain('acme.hello');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toMatch(/broken\.js$/);
    expect(problems[0]!.reason).toMatch(/invalid id/);
  });

  it('reports a missing checks dir as a problem', async () => {
    const { problems } = await loadChecks(['/nonexistent/cal-doctor-checks']);
    expect(problems[0]!.reason).toMatch(/cannot read checks dir: ENOENT/);
  });

  it('selects by id, glob and category, and names unknown selectors', async () => {
    const { checks } = await loadChecks();
    const pick = (only: string[], skip: string[] = []) => selectChecks(checks, only, skip);
    expect(pick(['tmux.path']).selected.map((c) => c.id)).toEqual(['tmux.path']);
    expect(pick(['plugins.*']).selected.every((c) => c.category === 'plugins')).toBe(true);
    expect(pick(['plugins'], ['plugins.continuum']).selected.map((c) => c.id)).not.toContain('plugins.continuum');
    expect(pick(['tmux.pth']).unknown).toEqual(['tmux.pth']);
  });
});
