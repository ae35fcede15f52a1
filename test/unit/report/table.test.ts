// The plain report laid out at several widths: verdict first, causes in fix order with
// their symptoms, ids whole, commands whole on their own line, every line within the width.
import { describe, expect, it } from 'vitest';
import { causeTree, foldOutcomes } from '../../../src/engine/causes.js';
import type { CheckOutcome } from '../../../src/engine/run.js';
import { paint } from '../../../src/report/color.js';
import { splitFix } from '../../../src/report/layout.js';
import { renderTable } from '../../../src/report/table.js';
import { CHECKS, REPAIRS, report, unreachable } from './fixture.js';

const withCauses = (checks: CheckOutcome[]) => {
  const folded = foldOutcomes(checks);
  return report({ checks: folded, causes: causeTree(folded) });
};
const plain = paint(false);

describe('plain report', () => {
  it('opens with the verdict, numbers the causes and ends with a newline', () => {
    const text = renderTable(withCauses(CHECKS), plain, { width: 80 });
    const lines = text.split('\n');
    expect(lines[1]).toBe('✗ Sessions will NOT survive a restart: 2 causes to fix, 1 warning');
    expect(text).toMatch(/^1\. ✗ tmux\.path$/m);
    expect(text).toMatch(/^2\. ✗ resurrect\.dir$/m);
    expect(text).toMatch(/^4\. ! tmux\.server$/m);
    expect(text).toMatch(/^1 passed, 1 info, 1 warning, 2 failed, 1 skipped, 1 crashed check$/m);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toMatch(/tmux\.version/); // passing rows only with --all
    expect(renderTable(withCauses(CHECKS), plain, { width: 80, all: true })).toMatch(/^✓ tmux\.version\s+tmux 3\.5a/m);
  });

  it('folds a problem whose prerequisite failed under it', () => {
    const checks = CHECKS.map((c) => (c.id === 'tmux.server' ? { ...c, dependsOn: ['tmux.path'] } : c));
    const r = withCauses(checks);
    expect(r.causes!.map((c) => c.id)).toEqual(['tmux.path', 'resurrect.dir', 'resurrect.last']);
    expect(r.causes![0]!.symptoms).toEqual(['tmux.server']);
    const text = renderTable(r, plain, { width: 80 });
    expect(text).toMatch(/explains this symptom:\n {5}! tmux\.server: no tmux server running/);
    expect(text.split('\n')[1]).toBe('✗ Sessions will NOT survive a restart: 2 causes to fix');
  });

  it('at any width: ids whole, fix commands whole on one line, no other line wider than the screen', () => {
    const r = withCauses(CHECKS);
    for (const width of [60, 80, 120, 200]) {
      const lines = renderTable(r, plain, { width }).replace(/\n$/, '').split('\n');
      const commands = r.checks.flatMap((c) => c.fix.map((f) => splitFix(f).command).filter((x): x is string => !!x));
      for (const cmd of commands.filter((x) =>
        r.causes!.some((c) => r.checks.find((k) => k.id === c.id)!.fix.some((f) => f.endsWith(x))),
      )) {
        expect(lines.some((l) => l.trim() === cmd)).toBe(true);
      }
      for (const l of lines)
        if (!commands.some((cmd) => l.trim() === cmd)) expect([...l].length).toBeLessThanOrEqual(width);
      for (const c of r.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip'))
        expect(lines.some((l) => l.includes(c.id))).toBe(true);
    }
  });

  it('ends with the commands to run next, each whole on a line of its own at any width', () => {
    const r = withCauses(CHECKS);
    const rerun = { self: 'cal-doctor', command: "cal-doctor --host admin@10.0.0.5:2222 --identity '/keys/my key'" };
    for (const width of [40, 60, 100]) {
      const lines = renderTable(r, plain, { width, rerun }).replace(/\n$/, '').split('\n');
      const trimmed = lines.map((l) => l.trim());
      expect(trimmed).toContain(`${rerun.command} --fix`);
      expect(trimmed.at(-1)).toBe('cal-doctor explain tmux.path');
      expect(trimmed.join(' ')).toMatch(/Next, the repair plan in this order \(changes nothing\):/);
    }
    // without word from the CLI: the report's own target
    expect(renderTable(r, plain, { width: 100 })).toMatch(/^ {2}cal-doctor --vm cal-dev --fix$/m);
    expect(renderTable(unreachable(), plain, { width: 100 })).not.toMatch(/--fix/);
  });

  it('shows the repair plan and the could-not-run lines', () => {
    expect(renderTable(report({ repairs: REPAIRS }), plain, { width: 80 })).toMatch(
      /Repair plan \(dry run[\s\S]*relink-last[\s\S]*script:\n {6}cd ~\/\.local\/share\/tmux\/resurrect/,
    );
    const text = renderTable(unreachable(), plain, { width: 60 });
    expect(text).toMatch(/✗ cannot run: connection refused by admin@10\.9\.9\.9:2222/);
    expect(text).not.toMatch(/tmux\.path/);
  });

  it('splits a fix line into prose and the command in it', () => {
    expect(splitFix('add to ~/.zshenv: eval "$(/opt/homebrew/bin/brew shellenv)"')).toEqual({
      prose: 'add to ~/.zshenv:',
      command: 'eval "$(/opt/homebrew/bin/brew shellenv)"',
    });
    expect(splitFix('kill -USR1 812   # tmux creates its socket again').command).toBe(
      'kill -USR1 812   # tmux creates its socket again',
    );
    expect(splitFix('save once: prefix C-s, then run the doctor again')).toEqual({
      prose: 'save once: prefix C-s, then run the doctor again',
    });
  });
});

describe('JUnit and Markdown follow the cause order', () => {
  it('lists a symptom right after its cause', async () => {
    const checks = CHECKS.map((c) => (c.id === 'tmux.server' ? { ...c, dependsOn: ['resurrect.dir'] } : c));
    const r = withCauses(checks);
    const { renderJunit } = await import('../../../src/report/junit.js');
    const { renderMarkdown } = await import('../../../src/report/markdown.js');
    const junit = renderJunit([r], {});
    const order = [...junit.matchAll(/<testcase[^>]* name="([^"]+)"/g)].map((m) => m[1]);
    expect(order.slice(0, 4)).toEqual(['tmux.path', 'resurrect.dir', 'tmux.server', 'resurrect.last']);
    const md = renderMarkdown([r], {});
    expect(md).toMatch(/\| verdict \| ✗ Sessions will NOT survive a restart: 2 causes to fix \|/);
    expect(md.indexOf('`resurrect.dir` —')).toBeLessThan(md.indexOf('`tmux.server` —'));
    expect(md).toMatch(/A symptom of `resurrect\.dir`\./);
  });
});
