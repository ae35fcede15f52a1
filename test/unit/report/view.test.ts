import { describe, expect, it } from 'vitest';
import {
  byCategory,
  detailed,
  heading,
  isProblem,
  manySummaryLine,
  repairsView,
  summaryLine,
} from '../../../src/report/view.js';
import { CHECKS, REPAIRS, report, unreachable } from './fixture.js';

describe('report view-model', () => {
  it('counts warn, fail and error as problems, and shows every check with --verbose', () => {
    expect(CHECKS.filter(isProblem).map((c) => c.id)).toEqual([
      'tmux.path',
      'tmux.server',
      'resurrect.last',
      'resurrect.dir',
    ]);
    expect(detailed(report()).length).toBe(4);
    expect(detailed(report(), true).length).toBe(CHECKS.length);
  });

  it('groups checks by category in first-seen order', () => {
    const groups = byCategory(CHECKS);
    expect(groups.map((g) => g.category)).toEqual(['tmux', 'tart', 'resurrect']);
    expect(groups[0]!.checks.map((c) => c.id)).toEqual(['tmux.path', 'tmux.version', 'tmux.server', 'tmux.env']);
  });

  it('says the counts in one line, and names the target with its OS', () => {
    expect(summaryLine(report())).toBe('1 passed, 1 info, 1 warning, 2 failed, 1 skipped, 1 crashed check');
    expect(heading(report())).toBe('vm cal-dev (admin@192.168.64.3) (Darwin 15.3)');
  });

  it('closes a many-target run with the exit-code buckets', () => {
    const ok = report({
      checks: [],
      summary: { passed: 1, info: 0, warnings: 1, failed: 0, skipped: 0, errors: 0, total: 2 },
    });
    expect(manySummaryLine([report(), ok, unreachable()])).toBe('3 targets: 1 ok, 1 failed, 1 could not run');
    expect(manySummaryLine([ok], true)).toBe('1 targets: 0 ok, 1 failed');
  });

  it('reads a plan as a dry run, and outcomes as applied', () => {
    expect(repairsView(report())).toBeUndefined();
    const plan = repairsView(report({ repairs: REPAIRS }))!;
    expect(plan.title).toMatch(/dry run.*--fix --yes/);
    expect(plan.items[0]!.blocks.map((b) => b.label)).toEqual(['script', 'undo']);
    expect(plan.items[0]!.blocks[0]!.lines).toEqual([
      'cd ~/.local/share/tmux/resurrect',
      'ln -sf tmux_resurrect_20250602T111000.txt last',
    ]);
    expect(plan.items[1]!.head).toMatch(/\(manual\)$/);
    const applied = repairsView(
      report({ repairs: [{ ...REPAIRS[0]!, status: 'failed', message: 'permission denied' }] }),
    )!;
    expect(applied.title).toMatch(/verify/);
    expect(applied.items[0]!.head).toMatch(/failed: permission denied/);
    expect(applied.items[0]!.blocks.map((b) => b.label)).toEqual(['undo']);
  });
});
