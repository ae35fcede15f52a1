// `--format markdown` (`--report`): a block to paste into a bug report. Plain Markdown, no
// colour codes; everything taken from the target (evidence, config lines, the save
// history) sits in fenced blocks whose fence is longer than any backtick run inside.
import { exitCode, type Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import { paint } from './color.js';
import { SYMBOL } from './symbols.js';
import { detailed, errorLines, heading, manySummaryLine, repairsView, summaryLine, verdictLine } from './view.js';

export interface MarkdownOptions {
  verbose?: boolean;
  strict?: boolean;
  /** render a multi-target document even for one report (`--targets FILE`) */
  many?: boolean;
}

function fence(lines: string[], lang = 'text'): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const f = '`'.repeat(longest + 1);
  return [`${f}${lang}`, ...lines, f];
}

/**
 * Prose from the target on one line: no raw HTML (`<tag>` would vanish on GitHub). Code
 * spans are left alone: inside them `&lt;` would show literally.
 */
function inline(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;')))
    .join('');
}

/** A table cell: one line, pipes escaped. */
function cell(s: string): string {
  return inline(s).replace(/\|/g, '\\|');
}

/** Terminal control characters (colour codes from pane contents, a bell) have no place in a paste. */
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g;

/** Inline code that survives backticks in the value. */
function code(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((m) => m.length));
  const f = '`'.repeat(longest + 1);
  return longest ? `${f} ${s} ${f}` : `${f}${s}${f}`;
}

function tmuxLine(r: Report): string {
  const t = r.environment?.tmux;
  if (!t) return 'unknown';
  const bins = t.binaries.map(
    (b) =>
      `${b.version ?? 'unknown version'} at ${code(b.path)}${b.foundBy.length ? ` (${b.foundBy.join(', ')})` : ''}`,
  );
  return [bins.join('; ') || 'no tmux binary found', `server: ${t.serverVersion ?? 'none running'}`].join('; ');
}

function pluginsLine(r: Report): string {
  const p = r.environment?.plugins;
  if (!p) return 'unknown';
  if (p.entries.length === 0) return `none in ${code(p.dir)}`;
  return p.entries
    .map((e) => `${e.name} ${e.revision ? code(e.revision.slice(0, 12)) : '(no git revision)'}`)
    .join(', ');
}

function checkBlock(c: CheckOutcome, h: string): string[] {
  const out = ['', `${h} ${SYMBOL[c.status]} ${c.status}: ${code(c.id)} — ${inline(c.summary)}`];
  if (c.causedBy?.length) out.push('', `A symptom of ${c.causedBy.map(code).join(', ')}.`);
  if (c.details.length) out.push('', 'Evidence:', '', ...fence(c.details));
  if (c.fix.length) out.push('', 'Fix:', '', ...fence(c.fix));
  return out;
}

function renderOne(r: Report, level: number, opts: MarkdownOptions): string[] {
  const h = (n: number) => '#'.repeat(Math.min(6, level + n));
  const env = r.environment;
  const out = [`${h(0)} cal-doctor report: ${inline(heading(r))}`, '', '| | |', '| --- | --- |'];
  const row = (k: string, v: string) => out.push(`| ${k} | ${cell(v)} |`);
  row('cal-doctor', r.version);
  row('date', r.startedAt);
  row('target', r.target.label);
  if (env) {
    row('OS', `${env.host.os} ${env.host.osVersion}`.trim());
    row('shell', env.host.shell);
    row('tmux', tmuxLine(r));
    row('plugins', pluginsLine(r));
    row('save dir', code(env.saves.dir));
    if (env.tart) row('Tart VM', `${env.tart.vm} (${env.tart.state}, ${env.tart.ip})`);
  }
  if (!r.error) row('verdict', verdictLine(r, paint(false)));
  row('result', r.error ? 'could not run (exit 2)' : `${summaryLine(r)} (exit ${exitCode(r, opts.strict)})`);
  if (r.error) {
    out.push('', ...fence(errorLines(r)));
    return out;
  }
  const shown = detailed(r, opts.verbose);
  out.push('', `${h(1)} ${opts.verbose ? 'Checks with evidence' : 'Failing and warning checks'}`);
  if (shown.length === 0) out.push('', 'None.');
  for (const c of shown) out.push(...checkBlock(c, h(2)));
  out.push('', `${h(1)} All checks`, '', '| | check | category | result |', '| --- | --- | --- | --- |');
  for (const c of r.checks)
    out.push(`| ${SYMBOL[c.status]} | ${code(c.id)} | ${cell(c.category)} | ${cell(c.summary)} |`);
  if (env) {
    out.push('', `${h(1)} Relevant config lines`, '');
    out.push(
      ...(env.configLines.length
        ? fence(env.configLines, 'tmux')
        : ['No tmux config file with plugin, resurrect or continuum lines was found.']),
    );
    out.push(
      '',
      `${h(1)} Save history (oldest first)`,
      '',
      `Save dir: ${code(env.saves.dir)} — ${inline(env.saves.reason)}`,
      '',
    );
    if (env.saves.history.length) {
      out.push(
        ...fence(
          env.saves.history.map(
            (s) =>
              `${s.time}  ${s.name}  ${s.size} B${s.contents ? `  ${s.contents}` : ''}${s.last ? '  <- last' : ''}`,
          ),
        ),
      );
    } else out.push('No save files.');
    if (env.saves.last !== undefined) out.push('', `\`last\` points to ${code(env.saves.last || '(empty)')}.`);
  }
  const repairs = repairsView(r);
  if (repairs) {
    out.push('', `${h(1)} ${repairs.title}`);
    for (const item of repairs.items) {
      out.push('', `- ${item.mark} ${inline(item.head)}`);
      for (const b of item.blocks)
        out.push('', `  ${b.label}:`, '', ...fence(b.lines, b.code ? 'sh' : 'text').map((l) => `  ${l}`));
    }
  }
  const notes = [
    ...(r.probeWarnings ?? []).map((w) => `probe: ${w}`),
    ...(r.loadProblems ?? []).map((p) => `could not load check ${p.file}: ${p.reason}`),
  ];
  if (notes.length) out.push('', `${h(1)} Notes`, '', ...fence(notes));
  return out;
}

export function renderMarkdown(reports: Report[], opts: MarkdownOptions = {}): string {
  const many = opts.many ?? reports.length > 1;
  const out = many
    ? [`## cal-doctor report: ${reports.length} targets`, '', manySummaryLine(reports, opts.strict)]
    : [];
  for (const r of reports) out.push(...(many ? ['', ...renderOne(r, 3, opts)] : renderOne(r, 2, opts)));
  return `${out.join('\n').replace(CONTROL, '\uFFFD')}\n`;
}
