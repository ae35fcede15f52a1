// Renders a finished run in one of the output formats; each format's module (and its
// library) is loaded only when that format is asked for.
import type { Report } from '../engine/report.js';
import { VERSION } from '../version.js';
import { paint } from './color.js';
import type { Rerun } from './table.js';

export const FORMATS = ['table', 'json', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export interface Run {
  reports: Report[];
  /** the multi-target shapes (JSON `reports`, a summary line), even for one report */
  many: boolean;
  startedAt: Date;
  durationMs: number;
}

export interface RenderOptions {
  /** colour codes (table only; never in files) */
  color?: boolean;
  verbose?: boolean;
  /** table: every check's row, not only the problems */
  all?: boolean;
  strict?: boolean;
  width?: number;
  /** table: how the user ran the doctor on each report's target, for its last lines */
  reruns?: Rerun[];
}

export async function render(format: Format, run: Run, opts: RenderOptions = {}): Promise<string> {
  const { reports, many } = run;
  switch (format) {
    case 'json': {
      const { renderJson } = await import('./json.js');
      return renderJson(reports, {
        many,
        strict: opts.strict,
        startedAt: run.startedAt,
        durationMs: run.durationMs,
        version: VERSION,
      });
    }
    case 'junit': {
      const { renderJunit } = await import('./junit.js');
      return renderJunit(reports, opts);
    }
    case 'markdown': {
      const { renderMarkdown } = await import('./markdown.js');
      return renderMarkdown(reports, { ...opts, many });
    }
    case 'table': {
      const { renderTables } = await import('./table.js');
      return renderTables(reports, paint(!!opts.color), { ...opts, many });
    }
  }
}
