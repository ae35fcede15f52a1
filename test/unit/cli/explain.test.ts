// `explain ID`: three sections, wrapped to the width, no document the user does not have.
import { describe, expect, it } from 'vitest';
import { renderExplain } from '../../../src/cli/explain.js';
import { loadChecks } from '../../../src/engine/discover.js';

describe('explain', () => {
  it('every check: what it looks at, why, how to fix, within the width, no outside references', async () => {
    const { checks } = await loadChecks([]);
    expect(checks.length).toBeGreaterThan(20);
    for (const c of checks) {
      for (const width of [60, 100]) {
        const text = renderExplain(c, width);
        expect(text).toMatch(new RegExp(`^${c.id.replace('.', '\\.')} — `));
        expect(text).toMatch(/\nWhat it looks at\n {2}\S/);
        expect(text).toMatch(/\nHow to fix\n {2}\S/);
        expect(text).not.toMatch(/BUG-005|DOMAIN\.md|docs\/domain/i);
        expect(text.endsWith('\n')).toBe(true);
        for (const l of text.split('\n')) expect([...l].length).toBeLessThanOrEqual(width);
      }
    }
  });
});
