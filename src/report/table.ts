// The plain report, the one a person reads (piped, in CI, and as the live UI's final
// frame): one verdict line, the root causes in the order to fix them — each with its fix,
// its evidence and the symptoms it explains — then one count line for what passed and
// what was skipped. `--all` lists every check. Laid out for any width (src/report/layout.ts).
import { shWord } from '../common/quote.js';
import type { Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import type { Paint } from './color.js';
import { commandLine, fixLines, hang } from './layout.js';
import { symbol } from './symbols.js';
import { byCategory, errorLines, heading, manySummaryLine, repairsView, summaryLine, verdictLine } from './view.js';

export interface TableOptions {
  verbose?: boolean;
  /** every check's row, not only the problems */
  all?: boolean;
  width?: number;
  strict?: boolean;
  /** how the user ran the doctor on this target (src/cli/again.ts), for the last lines */
  rerun?: Rerun;
}

export interface Rerun {
  /** how to call the doctor: `cal-doctor`, or node and the bin's path */
  self: string;
  /** self with the flags that pick this target, reach it and choose the checks */
  command: string;
}

/** The table options every part of the table reads. */
type Shown = Required<Omit<TableOptions, 'rerun'>>;

/** Without word from the CLI: the target's flag from the report's label (`vm NAME (…)`, `HOST …`). */
function rerunOf(r: Report): Rerun {
  const t = r.target;
  const name = (t.kind === 'vm' ? t.label.replace(/^vm /, '') : t.label).split(' ')[0] ?? '';
  const flag = t.kind === 'local' ? '--local' : `--${t.kind === 'vm' ? 'vm' : 'host'} ${shWord(name)}`;
  return { self: 'cal-doctor', command: `cal-doctor ${flag}` };
}

/** Evidence lines shown per cause without --verbose. */
const EVIDENCE_LINES = 8;

/** Terminal width, else COLUMNS, else 100; never narrower than a check id needs. */
export function widthOf(opts: { width?: number }, env: NodeJS.ProcessEnv = process.env): number {
  const cols = Number(env.COLUMNS);
  const w = opts.width || (Number.isInteger(cols) && cols > 0 ? cols : 100);
  return Math.max(40, w);
}

function evidence(c: CheckOutcome, p: Paint, width: number, indent: number, verbose: boolean): string[] {
  if (!c.details.length) return [];
  const shown = verbose ? c.details : c.details.slice(0, EVIDENCE_LINES);
  const pad = ' '.repeat(indent);
  const out = [`${pad}${p.cyan('evidence:')}`];
  for (const d of shown) {
    // keep the evidence's own indentation (nested details), wrap under it
    const lead = /^ */.exec(d)![0].length;
    out.push(...hang(pad + '  '.padEnd(2 + lead), d.trimStart(), width, indent + 4 + lead).map((l) => p.dim(l)));
  }
  const more = c.details.length - shown.length;
  if (more > 0) out.push(p.dim(`${pad}  (${more} more line${more === 1 ? '' : 's'}: --verbose)`));
  return out;
}

function fixes(c: CheckOutcome, p: Paint, width: number, indent: number, label: string): string[] {
  if (!c.fix.length) return [];
  const out = [`${' '.repeat(indent)}${p.cyan(label)}`];
  for (const f of c.fix) out.push(...fixLines(f, width, indent + 2));
  return out;
}

/** `✗ plugins.resurrect: summary`, wrapped under the summary's start. */
function row(c: CheckOutcome, p: Paint, width: number, indent: number): string[] {
  return hang(`${' '.repeat(indent)}${symbol(c.status, p)} ${p.bold(c.id)}:`, c.summary, width, indent + 4);
}

function causeBlock(r: Report, n: number, id: string, symptoms: string[], p: Paint, o: Shown): string[] {
  const byId = new Map(r.checks.map((c) => [c.id, c]));
  const c = byId.get(id)!;
  const num = `${n}.`;
  const out = [`${p.bold(num)} ${symbol(c.status, p)} ${p.bold(c.id)}`];
  const ind = num.length + 1;
  out.push(...hang(' '.repeat(ind), c.summary, o.width, ind));
  out.push(...fixes(c, p, o.width, ind, 'fix:'));
  out.push(...evidence(c, p, o.width, ind, o.verbose));
  if (symptoms.length) {
    out.push(
      `${' '.repeat(ind)}${p.cyan(`explains ${symptoms.length === 1 ? 'this symptom' : `these ${symptoms.length} symptoms`}:`)}`,
    );
    for (const s of symptoms) {
      const sc = byId.get(s)!;
      out.push(...row(sc, p, o.width, ind + 2));
      if (o.all) out.push(...fixes(sc, p, o.width, ind + 4, 'then:'));
    }
  }
  return out;
}

/** `--all`: every check, grouped by category, id column as wide as the longest id that fits. */
function allRows(r: Report, p: Paint, o: Shown): string[] {
  const idw = Math.max(...r.checks.map((c) => c.id.length));
  const inline = o.width - (idw + 4) >= 24;
  const out: string[] = [];
  for (const g of byCategory(r.checks)) {
    out.push('', p.bold(g.category));
    for (const c of g.checks) {
      const lead = `${symbol(c.status, p)} ${c.id}`;
      if (inline) out.push(...hang(`${lead}${' '.repeat(idw - c.id.length + 2)}`, c.summary, o.width, idw + 4));
      else out.push(lead, ...hang('    ', c.summary, o.width, 4));
      if (o.verbose && c.status === 'pass')
        out.push(...c.details.flatMap((d) => hang('      ', d, o.width, 8).map((l) => p.dim(l))));
    }
  }
  return out;
}

function repairLines(r: Report, p: Paint, width = 100): string[] {
  const view = repairsView(r);
  if (!view) return [];
  const out = ['', ...hang('', p.bold(view.title), width, 0)];
  for (const item of view.items) {
    const mark =
      item.status === 'failed' ? p.red(item.mark) : item.status === 'applied' ? p.green(item.mark) : p.dim(item.mark);
    out.push(...hang(`${mark} `, item.head, width, 2));
    for (const b of item.blocks) {
      out.push(`    ${p.cyan(`${b.label}:`)}`);
      // a script or an undo is code: each line whole; advice may be prose with a command in it
      for (const l of b.lines) out.push(...(b.code ? [`      ${l}`] : fixLines(l, width, 6)));
    }
  }
  return out;
}

export function renderTable(r: Report, p: Paint, opts: TableOptions = {}): string {
  const o: Shown = {
    verbose: !!opts.verbose,
    all: !!opts.all,
    strict: !!opts.strict,
    width: widthOf(opts),
  };
  const out: string[] = hang('', `cal-doctor ${r.version} — ${heading(r)}`, o.width, 2);
  if (r.error) {
    const [first, ...rest] = errorLines(r);
    out.push(...hang(`${p.red('✗')} `, first!, o.width, 2), ...rest.flatMap((l) => hang('  ', l, o.width, 2)));
    return `${out.join('\n')}\n`;
  }
  out.push(...hang('', verdictLine(r, p), o.width, 2));
  const causes = r.causes ?? [];
  causes.forEach((c, i) => {
    out.push('', ...causeBlock(r, i + 1, c.id, c.symptoms, p, o));
  });
  const notes = r.checks.filter((c) => c.status === 'info');
  if (notes.length && !o.all) {
    out.push('', p.bold('Worth knowing'));
    for (const c of notes) out.push(...row(c, p, o.width, 0));
  }
  if (o.all) out.push(...allRows(r, p, o));
  else {
    const line = (status: 'pass' | 'skip', word: string) => {
      const ids = r.checks.filter((c) => c.status === status);
      if (!ids.length) return [];
      return hang(`${symbol(status, p)} `, `${ids.length} ${word} (--all lists them)`, o.width, 2);
    };
    out.push('', ...line('pass', 'passed'), ...line('skip', 'skipped: not applicable here'));
  }
  out.push(...repairLines(r, p, o.width));
  for (const lp of r.loadProblems ?? [])
    out.push(...hang(`${p.yellow('!')} `, `could not load check ${lp.file}: ${lp.reason}`, o.width, 2));
  out.push('', ...hang('', summaryLine(r), o.width, 0));
  if (!r.repairs && causes.length) {
    // each command whole on a line of its own, ready to paste
    const again = opts.rerun ?? rerunOf(r);
    out.push(
      ...hang('', 'Next, the repair plan in this order (changes nothing):', o.width, 2),
      commandLine(`${again.command} --fix`, o.width, 2),
      ...hang('', `and what ${causes[0]!.id} looks at and why:`, o.width, 2),
      commandLine(`${again.self} explain ${causes[0]!.id}`, o.width, 2),
    );
  }
  return `${out.join('\n')}\n`;
}

/** Several targets: a section each, then one line for the whole run. */
export function renderTables(
  reports: Report[],
  p: Paint,
  opts: Omit<TableOptions, 'rerun'> & { many?: boolean; reruns?: Rerun[] } = {},
): string {
  const each = reports.map((r, i) => renderTable(r, p, { ...opts, rerun: opts.reruns?.[i] })).join('\n');
  if (!(opts.many ?? reports.length > 1)) return each;
  return `${each}\n${p.bold(manySummaryLine(reports, opts.strict))}\n`;
}
