// The view-model every format shares: what counts as a problem, grouping by category, the
// summary line, the heading, and how a repair reads. Formats only lay these out.
import type { Status } from '../engine/check.js';
import { exitCode, type RepairEntry, type Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import type { Paint } from './color.js';

const PROBLEM: ReadonlySet<Status> = new Set<Status>(['warn', 'fail', 'error']);

export function isProblem(c: Pick<CheckOutcome, 'status'>): boolean {
  return PROBLEM.has(c.status);
}

/**
 * The checks in the order to read and fix them: each root cause followed by its symptoms,
 * then everything else in the checks' own order.
 */
export function causeOrder(r: Report): CheckOutcome[] {
  const ids = (r.causes ?? []).flatMap((c) => [c.id, ...c.symptoms]);
  const first = ids.map((id) => r.checks.find((c) => c.id === id)).filter((c): c is CheckOutcome => !!c);
  return [...first, ...r.checks.filter((c) => !ids.includes(c.id))];
}

/** The checks whose evidence is shown, in cause order: the problems, or with --verbose every check. */
export function detailed(r: Report, verbose = false): CheckOutcome[] {
  return causeOrder(r).filter((c) => verbose || isProblem(c));
}

/** Checks grouped by category, in the order the categories first appear. */
export function byCategory<T extends Pick<CheckOutcome, 'category'>>(
  checks: T[],
): Array<{ category: string; checks: T[] }> {
  const groups = new Map<string, T[]>();
  for (const c of checks) {
    const g = groups.get(c.category);
    if (g) g.push(c);
    else groups.set(c.category, [c]);
  }
  return [...groups].map(([category, list]) => ({ category, checks: list }));
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Every check counted once: `24 passed, 3 info, 1 warning, 2 failed, 1 skipped`. */
export function summaryLine(r: Report): string {
  const s = r.summary;
  const extra = [
    s.skipped ? `${s.skipped} skipped` : '',
    s.errors ? count(s.errors, 'crashed check', 'crashed checks') : '',
  ].filter(Boolean);
  return [
    `${s.passed} passed`,
    ...(s.info ? [`${s.info} info`] : []),
    count(s.warnings, 'warning'),
    `${s.failed} failed`,
    ...extra,
  ].join(', ');
}

/**
 * The one line that answers "will my sessions survive a restart?", from the root causes:
 * a failure means they will not (or a mechanism the config asks for is broken), a warning
 * that it works but is fragile, a crashed check that the doctor could not tell.
 */
export function verdictLine(r: Report, p: Paint): string {
  const causes = r.causes ?? [];
  const n = (s: Status) => causes.filter((c) => c.status === s).length;
  const warns = n('warn') ? `, ${count(n('warn'), 'warning')}` : '';
  if (n('fail'))
    return `${p.red('✗')} ${p.bold(`Sessions will NOT survive a restart: ${count(n('fail'), 'cause')} to fix`)}${warns}`;
  if (n('error'))
    return `${p.red('‼')} ${p.bold(`Could not tell whether sessions survive a restart: ${count(n('error'), 'check')} crashed`)}${warns}`;
  if (n('warn'))
    return `${p.yellow('!')} ${p.bold(`Sessions should survive a restart, but ${count(n('warn'), 'thing makes', 'things make')} it fragile`)}`;
  return `${p.green('✓')} ${p.bold('Sessions should survive a restart: no check found a problem')}`;
}

/** `vm cal-dev (admin@192.168.64.3) (Darwin 15.3)` */
export function heading(r: Report): string {
  return `${r.target.label}${r.target.os ? ` (${r.target.os})` : ''}`;
}

/** The closing line of a many-target run: `3 targets: 1 ok, 1 failed, 1 could not run`. */
export function manySummaryLine(reports: Report[], strict = false): string {
  const codes = reports.map((r) => exitCode(r, strict));
  const n = (c: number) => codes.filter((x) => x === c).length;
  const parts = [`${n(0)} ok`, `${n(1)} failed`, ...(n(2) ? [`${n(2)} could not run`] : [])];
  return `${reports.length} targets: ${parts.join(', ')}`;
}

/** The could-not-run lines: what went wrong and what to do. */
export function errorLines(r: Report): string[] {
  return r.error ? [`cannot run: ${r.error.message}`, ...(r.error.hint ? [r.error.hint] : [])] : [];
}

const REPAIR_MARK: Record<RepairEntry['status'], string> = {
  planned: '•',
  applied: '✓',
  'already-ok': '=',
  failed: '✗',
  advice: 'i',
};

export interface RepairView {
  status: RepairEntry['status'];
  mark: string;
  /** `id: title`, plus the outcome for applied repairs */
  head: string;
  /** labelled blocks: the script, the undo, the advice */
  blocks: Array<{ label: string; lines: string[]; code: boolean }>;
}

/** How a report's repairs read, or undefined without --fix. */
export function repairsView(r: Report): { title: string; items: RepairView[] } | undefined {
  if (!r.repairs) return undefined;
  const planned = r.repairs.every((x) => x.status === 'planned');
  const title =
    r.repairs.length === 0
      ? 'Repairs: nothing to repair'
      : planned
        ? 'Repair plan (dry run: nothing was changed; apply with --fix --yes)'
        : 'Repairs (run cal-doctor again to verify)';
  const items = r.repairs.map((x): RepairView => {
    const blocks: RepairView['blocks'] = [];
    if (x.status === 'planned' && x.script)
      blocks.push({ label: 'script', lines: x.script.replace(/\n$/, '').split('\n'), code: true });
    if (x.undo) blocks.push({ label: 'undo', lines: x.undo.replace(/\n$/, '').split('\n'), code: true });
    if (x.advice?.length) blocks.push({ label: x.automatic ? 'also' : 'by hand', lines: x.advice, code: false });
    const manual = x.status === 'planned' && !x.automatic ? ' (manual)' : '';
    // an advice outcome only repeats the title and the advice
    const outcome = x.message && x.status !== 'advice' ? ` — ${x.status}: ${x.message}` : '';
    return { status: x.status, mark: REPAIR_MARK[x.status], head: `${x.id}: ${x.title}${manual}${outcome}`, blocks };
  });
  return { title, items };
}
