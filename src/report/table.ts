// The plain report: a table grouped by category, the summary line, then every problem
// with its evidence and fix. Used when piped, in CI, and as the ink UI's final frame.
import Table from 'cli-table3';
import type { Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import type { Paint } from './color.js';
import { symbol } from './symbols.js';
import { byCategory, detailed, errorLines, heading, manySummaryLine, repairsView, summaryLine } from './view.js';

export { summaryLine } from './view.js';

export interface TableOptions {
  verbose?: boolean;
  width?: number;
  strict?: boolean;
}

function problemBlock(c: CheckOutcome, p: Paint, verbose: boolean): string[] {
  const lines = [`${symbol(c.status, p)} ${p.bold(c.id)}: ${c.summary}`];
  if (c.details.length && (verbose || c.status !== 'pass')) lines.push(...c.details.map((d) => `    ${p.dim(d)}`));
  if (c.fix.length) lines.push(`    ${p.cyan('fix:')}`, ...c.fix.map((f) => `      ${f}`));
  return lines;
}

export function repairLines(r: Report, p: Paint): string[] {
  const view = repairsView(r);
  if (!view) return [];
  const out = ['', p.bold(view.title)];
  for (const item of view.items) {
    const mark =
      item.status === 'failed' ? p.red(item.mark) : item.status === 'applied' ? p.green(item.mark) : p.dim(item.mark);
    out.push(`${mark} ${item.head}`);
    for (const b of item.blocks) out.push(`    ${p.cyan(`${b.label}:`)}`, ...b.lines.map((l) => `      ${l}`));
  }
  return out;
}

export function renderTable(r: Report, p: Paint, opts: TableOptions = {}): string {
  const out: string[] = [`cal-doctor ${r.version} — ${heading(r)}`];
  if (r.error) {
    const [first, ...rest] = errorLines(r);
    out.push(p.red(`✗ ${first}`), ...rest.map((l) => `  ${l}`));
    return `${out.join('\n')}\n`;
  }
  const width = Math.max(60, Math.min(opts.width ?? 100, 160));
  const table = new Table({
    head: ['', 'check', 'result'],
    style: { head: p.enabled ? ['bold'] : [], border: p.enabled ? ['grey'] : [] },
    colWidths: [3, 24, width - 31],
    wordWrap: true,
  });
  for (const group of byCategory(r.checks)) {
    table.push([{ colSpan: 3, content: p.bold(group.category) }]);
    for (const c of group.checks) table.push([symbol(c.status, p), c.id, c.summary]);
  }
  out.push(table.toString(), summaryLine(r));
  const shown = detailed(r, opts.verbose);
  if (shown.length) {
    out.push('', p.bold(opts.verbose ? 'Details' : 'Problems'));
    for (const c of shown) out.push(...problemBlock(c, p, !!opts.verbose));
  }
  out.push(...repairLines(r, p));
  for (const lp of r.loadProblems ?? []) out.push(p.yellow(`! could not load check ${lp.file}: ${lp.reason}`));
  return `${out.join('\n')}\n`;
}

/** Several targets: a section each, then one line for the whole run. */
export function renderTables(reports: Report[], p: Paint, opts: TableOptions & { many?: boolean } = {}): string {
  if (!(opts.many ?? reports.length > 1)) return reports.map((r) => renderTable(r, p, opts)).join('\n');
  return `${reports.map((r) => renderTable(r, p, opts)).join('\n')}\n${p.bold(manySummaryLine(reports, opts.strict))}\n`;
}
