// `--fix` follows the causes: the plan is ordered like the report (root causes in fix
// order, each followed by its symptoms), and every problem gets a step — an automatic
// repair when there is one, else its own fix lines as advice to follow by hand.
import type { Report } from '../engine/report.js';
import type { Repair } from './repairs.js';

/** The check each planned repair answers. */
const ANSWERS: Array<[RegExp, string]> = [
  [/^resurrect\.(create-save-dir|save-dir-owner|save-dir-mode)$/, 'resurrect.dir'],
  [/^resurrect\.relink-last$/, 'resurrect.last'],
  [/^resurrect\.keep-valid-save$/, 'resurrect.history'],
  [/^(cause|trigger)\./, 'resurrect.save-triggers'],
  [/^config\.tpm-run-line$/, 'plugins.tpm'],
  [/^shell\.path$/, 'tmux.path'],
  [/^server\.path$/, 'tmux.server'],
];

function checkOf(repair: Pick<Repair, 'id'>): string | undefined {
  return ANSWERS.find(([re]) => re.test(repair.id))?.[1];
}

/** The plan in the report's cause order, with a step for every problem that had none. */
export function followCauses(plan: Repair[], report: Report): Repair[] {
  const out: Repair[] = [];
  const given = new Set<string>();
  for (const cause of report.causes ?? []) {
    for (const id of [cause.id, ...cause.symptoms]) {
      const own = plan.filter((r) => checkOf(r) === id);
      const c = report.checks.find((x) => x.id === id);
      if (own.length) out.push(...own);
      else if (c) {
        // a symptom's advice that its cause already gave is not repeated
        const fresh = c.fix.filter((l) => !given.has(l));
        const advice = fresh.length
          ? fresh
          : [id === cause.id ? `see: cal-doctor explain ${id}` : `the steps above for ${cause.id} fix this too`];
        out.push({ id: `check.${c.id}`, title: c.summary, automatic: false, advice });
      }
      for (const r of out) for (const l of r.advice ?? []) given.add(l);
    }
    for (const r of out) for (const l of r.advice ?? []) given.add(l);
  }
  // repairs for what no problem named (a save at risk while every check passed) come last
  out.push(...plan.filter((r) => !out.includes(r)));
  return out;
}
