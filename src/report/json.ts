// `--format json` / `--json`: one target keeps the Report shape at the top level; several
// targets (or `--targets FILE`) get `{tool, version, startedAt, durationMs, summary, reports}`.
// Both are described by schema/report.schema.json.
import { combine, type Report } from '../engine/report.js';

export interface JsonOptions {
  many?: boolean;
  strict?: boolean;
  startedAt: Date;
  durationMs: number;
  version: string;
}

export function renderJson(reports: Report[], opts: JsonOptions): string {
  const many = opts.many ?? reports.length > 1;
  const doc = many ? combine(reports, opts.startedAt, opts.durationMs, opts.version, opts.strict) : reports[0];
  return `${JSON.stringify(doc, null, 2)}\n`;
}
