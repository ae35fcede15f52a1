import { optionValue, where } from '../src/domain/config.js';
import { allRcFiles, codeLines, paneRcFiles, paneShell } from '../src/domain/shell-rc.js';
import { shq, tilde } from '../src/domain/util.js';
import type { TextFile } from '../src/engine/check.js';
import { defineCheck, type Result } from '../src/engine/check.js';

/** `cd` at command position: line start, after ; && || |, or then/do/else. Not `(cd x; …)` subshells, not aliases. */
const CD = /(?:^|[;&|]\s*|\b(?:then|do|else)\s+)(?:builtin\s+)?cd(?:\s+([^;&|)]*))?\s*(?=$|[;&|])/;

interface Hit {
  file: TextFile;
  line: number;
  text: string;
  target: string;
  conditional: boolean;
  why: string;
}

function ohMyZshPlugins(content: string): { line: number; plugins: string[] } | undefined {
  const m = content.match(/^[ \t]*plugins=\(([^)]*)\)/m);
  if (!m) return undefined;
  const line = content.slice(0, m.index).split('\n').length;
  return { line, plugins: m[1]!.split(/\s+/).filter(Boolean) };
}

export default defineCheck({
  id: 'shell.cwd-override',
  category: 'shell',
  title: 'shell startup files do not send restored panes back to $HOME',
  explain:
    "restore creates every pane with `-c <saved dir>`, and the pane's shell then runs its startup files: a top-level " +
    "`cd` (or `cd ~`) there moves every new pane — restored ones included — to that directory, and oh-my-zsh's " +
    'last-working-dir plugin moves panes that start in ~ to the last directory of any shell (tmux-resurrect #50, #103). ' +
    'This check reads the startup files the pane shell runs (zsh: ~/.zshenv, ~/.zprofile, ~/.zshrc; bash: ~/.bash_profile ' +
    'or ~/.profile and a ~/.bashrc they source; non-login shells when default-command is set) for `cd` outside functions ' +
    'and for the oh-my-zsh plugin list. It looks at the files only; creating a pane with `-c /tmp` and reading its `pwd` ' +
    'is the job of the --active mode. Fix: remove the `cd`, or guard it so it runs only outside tmux: ' +
    '`[ -z "$TMUX" ] && cd …`.',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const sh = paneShell(f);
    const read = paneRcFiles(f, sh);
    const hits: Hit[] = [];
    for (const rc of read) {
      for (const l of codeLines(rc.file.content)) {
        if (l.inFunction) continue;
        const m = l.text.match(CD);
        if (!m) continue;
        // guarded by $TMUX: runs only outside tmux
        if (/\$\{?TMUX\b/.test(l.text)) continue;
        const arg = (m[1] ?? '').trim().replace(/^["']|["']$/g, '');
        const target = arg === '' || /^(~|\$HOME|\$\{HOME\})\/?$/.test(arg) ? '~ (home)' : arg;
        hits.push({ file: rc.file, line: l.line, text: l.text, target, conditional: l.conditional, why: rc.why });
      }
    }
    const details = [
      `pane shell: ${sh.name}${sh.login ? ' (login)' : ''} — ${sh.why}`,
      `startup files it runs: ${read.map((r) => `${tilde(r.file.path, home)} (${r.why})`).join(', ') || 'none of those the probe reads exist'}`,
    ];
    const unread = allRcFiles(f).filter(
      (t) =>
        !read.some((r) => r.file.path === t.path) && codeLines(t.content).some((l) => !l.inFunction && CD.test(l.text)),
    );
    for (const t of unread)
      details.push(`${tilde(t.path, home)} has a cd, but a ${sh.name} pane does not run that file`);

    const results: Result[] = [];
    const dc = optionValue(f, 'default-command');
    const dcCd = dc.value ? dc.value.match(CD) : null;
    if (dc.value && dcCd && !/\$\{?TMUX\b/.test(dc.value)) {
      const arg = (dcCd[1] ?? '').trim().replace(/^["']|["']$/g, '');
      results.push({
        status: 'fail',
        summary: `default-command ${JSON.stringify(dc.value)} changes directory before the shell starts: every new pane, restored ones included, opens in ${arg === '' || /^(~|\$HOME)\/?$/.test(arg) ? '~ (home)' : arg}`,
        details: [...details, `default-command: ${dc.value}${dc.at ? ` (${where(dc.at, home)})` : ''}`],
        fix: [
          `drop the cd: set -g default-command ${shq(
            dc.value
              .replace(CD, '')
              .replace(/^\s*(&&|;)\s*/, '')
              .trim() || '',
          )}${dc.at ? `   # replace ${where(dc.at, home)}` : ''}`,
        ],
      });
    }
    const at = (h: Hit) => `${tilde(h.file.path, home)}:${h.line}`;
    const always = hits.filter((h) => !h.conditional);
    const sometimes = hits.filter((h) => h.conditional);
    if (always.length) {
      results.push({
        status: 'fail',
        summary: `${at(always[0]!)} runs \`${always[0]!.text}\` in every new shell: restored panes open in ${always[0]!.target} instead of their saved directory`,
        details: [...details, ...always.map((h) => `${at(h)}: ${h.text}   (${h.why})`)],
        fix: always.map(
          (h) =>
            `in ${at(h)} remove the cd, or run it only outside tmux: [ -z "$TMUX" ] && ${h.text.replace(/^.*?(\bcd\b)/, '$1')}`,
        ),
      });
    }
    if (sometimes.length) {
      results.push({
        status: 'warn',
        summary: `${at(sometimes[0]!)} may change directory when a shell starts (\`${sometimes[0]!.text}\`): if that condition holds in tmux panes, they open in ${sometimes[0]!.target}`,
        details: [...details, ...sometimes.map((h) => `${at(h)}: ${h.text}   (${h.why}; conditional)`)],
        fix: sometimes.map((h) => `make sure ${at(h)} cannot run inside tmux: add [ -z "$TMUX" ] to its condition`),
      });
    }
    if (sh.name === 'zsh') {
      const zshrc = read.find((r) => /\.zshrc$/.test(r.file.path));
      const omz = zshrc && ohMyZshPlugins(zshrc.file.content);
      if (zshrc && omz?.plugins.includes('last-working-dir')) {
        results.push({
          status: 'warn',
          summary: `oh-my-zsh's last-working-dir plugin (${tilde(zshrc.file.path, home)}:${omz.line}) sends every pane that starts in ~ to the last directory any shell used: restored panes saved in ~ open elsewhere`,
          details: [...details, `plugins=(${omz.plugins.join(' ')})`],
          fix: [`remove last-working-dir from plugins=(…) in ${tilde(zshrc.file.path, home)}:${omz.line}`],
        });
      }
    }
    if (results.length === 0) {
      return {
        status: 'pass',
        summary: `no directory change in the ${sh.name} startup files a pane runs: restored panes keep their saved directories`,
        details,
      };
    }
    return results;
  },
});
