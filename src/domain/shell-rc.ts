// Shell startup files as a tmux pane's shell reads them, and a line-level reading of shell
// code that is good enough to tell top-level commands from function bodies and conditionals.
import type { Facts, TextFile } from '../probe/facts.js';
import { optionValue } from './config.js';
import { basename, liveServer, samePath } from './util.js';

export interface PaneShell {
  /** `zsh`, `bash`, `sh`… */
  name: string;
  login: boolean;
  /** why we think so */
  why: string;
}

/** What a new pane runs: default-command if set (a non-login shell), else default-shell as a login shell. */
export function paneShell(f: Facts): PaneShell {
  const dc = optionValue(f, 'default-command').value ?? '';
  const ds = (liveServer(f)?.options['default-shell'] || f.host.shell || '/bin/sh').trim();
  if (dc.trim() !== '') {
    const words = dc.trim().split(/\s+/);
    const sh = words
      .map((w) => basename(w.replace(/^["']|["']$/g, '')))
      .find((w) => /^(zsh|bash|sh|dash|ksh|fish)$/.test(w));
    const login = words.includes('-l') || words.includes('--login');
    return { name: sh ?? basename(ds), login, why: `default-command ${JSON.stringify(dc)}` };
  }
  return { name: basename(ds), login: true, why: `default-shell ${ds}, run as a login shell (tmux's default)` };
}

export interface RcFile {
  file: TextFile;
  /** why the pane shell reads it */
  why: string;
}

const named = (f: Facts, rel: string) => {
  const path = `${f.host.home.replace(/\/+$/, '')}/${rel}`;
  return f.dotfiles.find((d) => samePath(d.path, path) && d.exists);
};

const sourcesBashrc = (t: TextFile) =>
  /(^|[\s;&])(\.|source)\s+["']?(~|\$HOME|\$\{HOME\})?\/?\.bashrc\b/m.test(t.content);

/** The startup files (of those the probe read) a pane's shell runs, in order. */
export function paneRcFiles(f: Facts, sh: PaneShell = paneShell(f)): RcFile[] {
  const out: RcFile[] = [];
  const add = (rel: string, why: string) => {
    const t = named(f, rel);
    if (t) out.push({ file: t, why });
  };
  if (sh.name === 'zsh') {
    add('.zshenv', 'every zsh reads it');
    if (sh.login) add('.zprofile', 'login zsh');
    add('.zshrc', 'interactive zsh');
  } else if (sh.name === 'bash') {
    if (sh.login) {
      const first = ['.bash_profile', '.profile'].map((r) => named(f, r)).find(Boolean);
      if (first) {
        out.push({ file: first, why: 'login bash reads the first of ~/.bash_profile, ~/.bash_login, ~/.profile' });
        if (sourcesBashrc(first)) add('.bashrc', `sourced by ${basename(first.path)}`);
      }
    } else {
      add('.bashrc', 'interactive non-login bash');
    }
  } else if (sh.login) {
    add('.profile', `login ${sh.name}`);
  }
  return out;
}

/** Every existing rc (not logout) file the probe read, for checks that look at all of them. */
export function allRcFiles(f: Facts): TextFile[] {
  return f.dotfiles.filter((d) => d.exists && !/logout$/.test(d.path));
}

export interface CodeLine {
  /** 1-based */
  line: number;
  /** the line without its comment */
  text: string;
  inFunction: boolean;
  /** inside if/case/for/while, or guarded by `&&`/`||` on the same line */
  conditional: boolean;
}

/** Removes a trailing `# comment` that is not inside quotes. */
function stripComment(s: string): string {
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === '\\' && q === '"') i++;
      else if (c === q) q = null;
    } else if (c === "'" || c === '"') q = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

/** braces outside quotes */
function braces(s: string): number {
  let n = 0;
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = null;
    } else if (c === "'" || c === '"') q = c;
    else if (c === '{') n++;
    else if (c === '}') n--;
  }
  return n;
}

const FUNC = /^\s*(?:function\s+[\w.:-]+\s*(?:\(\s*\))?|[\w.:-]+\s*\(\s*\))\s*\{?/;
const OPEN = /(?:^|[;&|(]\s*|\s)(if|case|for|while|until|select)\b/g;
const CLOSE = /(?:^|[;&|]\s*|\s)(fi|esac|done)\b/g;

/** Lines of shell code with comments removed and their nesting. */
export function codeLines(content: string): CodeLine[] {
  const out: CodeLine[] = [];
  let fnDepth = 0;
  let pendingFn = false;
  let cond = 0;
  content.split(/\r?\n/).forEach((raw, i) => {
    const text = stripComment(raw).trim();
    if (text === '') return;
    const startsFn = FUNC.test(text);
    const inFunction = fnDepth > 0 || startsFn || pendingFn;
    const opens = [...text.matchAll(OPEN)].length;
    const closes = [...text.matchAll(CLOSE)].length;
    const guarded = /(\]\]?|\btest\b[^;&|]*|\))\s*(&&|\|\|)/.test(text) || /^\s*(\[|\[\[|test)\b.*(&&|\|\|)/.test(text);
    out.push({ line: i + 1, text, inFunction, conditional: cond > 0 || opens > 0 || guarded });
    if (startsFn || pendingFn || fnDepth > 0) {
      const b = braces(text);
      if (startsFn && !text.includes('{')) pendingFn = true;
      else {
        if (text.includes('{')) pendingFn = false;
        fnDepth = Math.max(0, fnDepth + b);
      }
    }
    cond = Math.max(0, cond + opens - closes);
  });
  return out;
}
