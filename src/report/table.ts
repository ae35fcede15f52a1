// The plain report: a table grouped by category, the summary line, then every problem
// with its evidence and fix. Used when piped, in CI, and as the ink UI's final frame.
import Table from 'cli-table3';
import type { Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import type { Paint } from './color.js';
import { symbol } from './symbols.js';

export function summaryLine(r: Report): string {
  const s = r.summary;
  const extra = [s.skipped ? `${s.skipped} skipped` : '', s.errors ? `${s.errors} errors` : ''].filter(Boolean);
  return [`${s.passed} passed, ${s.warnings} warnings, ${s.failed} failed`, ...extra].join(', ');
}

function problemBlock(c: CheckOutcome, p: Paint, verbose: boolean): string[] {
  const lines = [`${symbol(c.status, p)} ${p.bold(c.id)}: ${c.summary}`];
  if (c.details.length && (verbose || c.status !== 'pass')) lines.push(...c.details.map((d) => `    ${p.dim(d)}`));
  if (c.fix.length) lines.push(`    ${p.cyan('fix:')}`, ...c.fix.map((f) => `      ${f}`));
  return lines;
}

export function renderTable(r: Report, p: Paint, opts: { verbose?: boolean; width?: number } = {}): string {
  const out: string[] = [`cal-doctor ${r.version} — ${r.target.label}${r.target.os ? ` (${r.target.os})` : ''}`];
  if (r.error) {
    out.push(p.red(`✗ cannot run: ${r.error.message}`));
    if (r.error.hint) out.push(`  ${r.error.hint}`);
    return out.join('\n') + '\n';
  }
  const width = Math.max(60, Math.min(opts.width ?? 100, 160));
  const table = new Table({
    head: ['', 'check', 'result'],
    style: { head: p.enabled ? ['bold'] : [], border: p.enabled ? ['grey'] : [] },
    colWidths: [3, 24, width - 31],
    wordWrap: true,
  });
  let category = '';
  for (const c of r.checks) {
    if (c.category !== category) {
      category = c.category;
      table.push([{ colSpan: 3, content: p.bold(category) }]);
    }
    table.push([symbol(c.status, p), c.id, c.summary]);
  }
  out.push(table.toString(), summaryLine(r));
  const problems = r.checks.filter((c) => opts.verbose || ['warn', 'fail', 'error'].includes(c.status));
  if (problems.length) {
    out.push('', p.bold(opts.verbose ? 'Details' : 'Problems'));
    for (const c of problems) out.push(...problemBlock(c, p, !!opts.verbose));
  }
  for (const lp of r.loadProblems ?? []) out.push(p.yellow(`! could not load check ${lp.file}: ${lp.reason}`));
  return out.join('\n') + '\n';
}
