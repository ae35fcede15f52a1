// The bug-report format, read back with a real Markdown lexer (marked): its headings,
// tables and fenced blocks, never raw string comparison.
import { Lexer, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { redactReport } from '../../../src/report/redact.js';
import { HOSTILE, REPAIRS, report, unreachable } from './fixture.js';

const lex = (md: string) => Lexer.lex(md) as Token[];
const headings = (t: Token[]) =>
  t.filter((x): x is Tokens.Heading => x.type === 'heading').map((h) => [h.depth, h.text]);
const codes = (t: Token[]) => t.filter((x): x is Tokens.Code => x.type === 'code');
const tables = (t: Token[]) => t.filter((x): x is Tokens.Table => x.type === 'table');

describe('markdown bug report', () => {
  const md = renderMarkdown([report({ repairs: REPAIRS })]);
  const tokens = lex(md);

  it('has no colour codes or other control characters, even from hostile evidence', () => {
    const hostile = renderMarkdown([
      report({ checks: [{ ...report().checks[0]!, status: 'fail', details: ['\x1b[31mred\x1b[0m pane text'] }] }),
    ]);
    for (const text of [md, hostile]) expect(text).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/);
    expect(hostile).toContain('[31mred');
  });

  it('opens with the facts a bug needs: versions, OS, tmux, plugin revisions', () => {
    const facts = tables(tokens)[0]!;
    const rows = Object.fromEntries(facts.rows.map((r) => [r[0]!.text, r[1]!.text]));
    expect(rows['cal-doctor']).toBe('0.1.0');
    expect(rows.OS).toMatch(/^Darwin /);
    expect(rows.tmux).toMatch(/tmux 3\.5a at `\/opt\/homebrew\/bin\/tmux`.*server: /);
    expect(rows.plugins).toMatch(/tpm `[0-9a-f]{7,12}`/);
    expect(rows.plugins).toMatch(/tmux-resurrect `[0-9a-f]{7,12}`/);
    expect(rows.result).toBe('1 passed, 1 info, 1 warning, 2 failed, 1 skipped, 1 crashed check (exit 1)');
    expect(rows['Tart VM']).toBe('cal-dev (running, 192.168.64.3)');
  });

  it('has its sections in order', () => {
    expect(headings(tokens).map(([d, t]) => `${d} ${t}`)).toEqual([
      '2 cal-doctor report: vm cal-dev (admin@192.168.64.3) (Darwin 15.3)',
      '3 Failing and warning checks',
      expect.stringMatching(/^4 ✗ fail: `tmux.path` — /),
      expect.stringMatching(/^4 ! warn: `tmux.server` — /),
      expect.stringMatching(/^4 ‼ error: `resurrect.last` — /),
      expect.stringMatching(/^4 ✗ fail: `resurrect.dir` — /),
      '3 All checks',
      '3 Relevant config lines',
      '3 Save history (oldest first)',
      expect.stringMatching(/^3 Repair plan \(dry run/),
    ]);
  });

  it('puts evidence and fix in fences that hold hostile text whole', () => {
    const blocks = codes(tokens);
    const visible = HOSTILE.replace('\x07', '\uFFFD');
    expect(blocks.some((b) => b.text.includes(`file: ${visible}`))).toBe(true);
    // in prose, target text cannot open raw HTML
    expect(headings(tokens).some(([, t]) => String(t).includes('&lt;tag>'))).toBe(true);
    expect(tokens.some((t) => t.type === 'html')).toBe(false);
    expect(blocks.some((b) => b.text === 'add to ~/.zshenv: eval "$(/opt/homebrew/bin/brew shellenv)"')).toBe(true);
    const all = tables(tokens)[1]!;
    expect(all.header.map((h) => h.text)).toEqual(['', 'check', 'category', 'result']);
    expect(all.rows).toHaveLength(7);
  });

  it('lists the relevant config lines and the save history with `last` marked', () => {
    const config = codes(tokens).find((b) => b.lang === 'tmux')!;
    expect(config.text).toMatch(/^~\/\.tmux\.conf:\d+: set -g @plugin 'tmux-plugins\/tmux-resurrect'$/m);
    expect(config.text).not.toMatch(/history-limit/);
    const history = codes(tokens).find((b) => b.text.includes('tmux_resurrect_'))!;
    const lines = history.text.split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.at(-1)).toMatch(
      /^2025-06-02T09:25:00\.000Z {2}tmux_resurrect_20250602T112500\.txt {2}\d+ B {2}\d+ sessions?, .* {2}<- last$/,
    );
  });

  it('shows evidence of passing checks only with --verbose', () => {
    const plain = codes(tokens).some((b) => b.text.includes('tmux -V: tmux 3.5a'));
    const verbose = codes(lex(renderMarkdown([report()], { verbose: true }))).some((b) =>
      b.text.includes('tmux -V: tmux 3.5a'),
    );
    expect([plain, verbose]).toEqual([false, true]);
  });

  it('gives each of many targets its own section, saying why one could not run', () => {
    const t = lex(renderMarkdown([report(), unreachable()]));
    const h = headings(t);
    expect(h[0]).toEqual([2, 'cal-doctor report: 2 targets']);
    expect(h.filter(([d]) => d === 3).map(([, x]) => x)).toEqual([
      'cal-doctor report: vm cal-dev (admin@192.168.64.3) (Darwin 15.3)',
      'cal-doctor report: admin@10.9.9.9:2222',
    ]);
    expect(codes(t).some((b) => /^cannot run: connection refused/.test(b.text))).toBe(true);
  });

  it('with --redact, names neither the user, the host nor the home path', () => {
    const red = renderMarkdown([redactReport(report())]);
    expect(red).not.toMatch(/admin|\/Users\/admin|cal-dev-mac|192\.168\.64\.3/);
    expect(red).toMatch(/<home>\/\.local\/share\/tmux\/resurrect/);
    expect(red).toMatch(/&lt;user>@&lt;host>/); // in prose, escaped so GitHub shows it instead of eating a tag
    expect(red).toMatch(/`tart\.vm`/); // check ids are not target data
  });
});
