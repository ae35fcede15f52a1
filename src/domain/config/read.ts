// The tmux config as tmux reads it at server start: each loaded file parsed (lex.ts), every
// `source-file`/`source` followed (paths expanded, globs matched against the files the probe
// read, -q, -F), conditionals resolved where that is safe: `%if`/`if -F` formats by the
// values the running server gave for them, literal formats by tmux's own rule (empty or "0"
// is false); `if-shell` with a shell condition is never run: what it guards is conditional.
import type { Facts, TextFile } from '../../probe/facts.js';
import { dirname, liveServer, samePath } from '../util.js';
import { lex, type Word } from './lex.js';

/** `true`: runs; `false`: a condition rules it out; `'conditional'`: it depends on a shell test or an unknown format. */
type Active = true | false | 'conditional';

export interface ConfLine {
  file: string;
  /** 1-based line number of the (first physical) line */
  line: number;
  /** the source text of the statement (continuations joined) */
  text: string;
  /** the command's words, expanded as tmux expands them */
  args: string[];
  /** position in tmux's reading order across all files */
  seq: number;
  active: Active;
  /** why it is not plainly active: `if-shell '…' at ~/.tmux.conf:4` */
  guard?: string;
  /** the chain of source-file lines that led here, outermost first (`~/.tmux.conf:3`) */
  via: string[];
}

interface SourceRef {
  /** where the source-file line is */
  at: ConfLine;
  /** the path as expanded */
  pattern: string;
  /** files it resolved to */
  files: string[];
  /** the probe did not read it (too deep, unresolvable variable, over the cap): not followed */
  unread: boolean;
  /** the path does not exist (an error at load unless -q) */
  missing: boolean;
  quiet: boolean;
}

export interface ConfigRead {
  lines: ConfLine[];
  sources: SourceRef[];
  /** tmux would reject these while parsing (from our own lexer; tmux's own verdict is in facts.configTree.parseErrors) */
  syntaxErrors: Array<{ file: string; line: number; message: string }>;
  /** variables set by `NAME=value` lines, in order */
  assigned: Map<string, string>;
}

const MAX_DEPTH = 10;

function knownFiles(facts: Facts): TextFile[] {
  return [...facts.configs, ...(facts.configTree?.files ?? [])];
}

export function fileAt(facts: Facts, path: string): TextFile | undefined {
  return knownFiles(facts).find((c) => samePath(c.path, path));
}

function globRe(pattern: string): RegExp {
  let re = '';
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', k + 2);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern
          .slice(k + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        k = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export const hasGlob = (p: string) => /[*?[]/.test(p);

/** Files a `source-file` pattern names, as far as the probe saw them. */
function resolveSource(facts: Facts, pattern: string): { files: TextFile[]; unread: boolean; missing: boolean } {
  const tree = facts.configTree;
  const probed = tree?.globs[pattern];
  if (hasGlob(pattern)) {
    if (probed) {
      const files = probed.map((p) => fileAt(facts, p)).filter((f): f is TextFile => !!f?.exists);
      return { files, unread: files.length < probed.length, missing: probed.length === 0 };
    }
    const re = globRe(pattern);
    const files = knownFiles(facts).filter((f) => f.exists && re.test(f.path));
    return { files, unread: files.length === 0, missing: false };
  }
  const f = fileAt(facts, pattern);
  if (f) return { files: f.exists ? [f] : [], unread: false, missing: !f.exists };
  return { files: [], unread: true, missing: false };
}

/** The server's value of a format (from the probe's `display -p`), or tmux's rule on a literal. */
export function formatValue(facts: Facts, fmt: string, file?: string): string | undefined {
  const local = file ? fmt.replace(/#\{d:current_file\}/g, dirname(file)).replace(/#\{current_file\}/g, file) : fmt;
  if (!local.includes('#{') && !local.includes('#(')) return local;
  const v = facts.configTree?.formats[fmt] ?? facts.configTree?.formats[local];
  return v;
}

function truth(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return v !== '' && v !== '0';
}

/** The environment tmux expands `$NAME` from: the server's global environment, else the probe's. */
function envLookup(facts: Facts, assigned: Map<string, string>): (name: string) => string | undefined {
  const server = liveServer(facts);
  return (name) => {
    if (assigned.has(name)) return assigned.get(name);
    const sv = server?.globalEnv[name];
    if (typeof sv === 'string') return sv;
    if (name === 'HOME') return facts.host.home;
    if (name === 'XDG_CONFIG_HOME') return facts.env.xdgConfigHome;
    if (name === 'XDG_DATA_HOME') return facts.env.xdgDataHome;
    if (name === 'TMUX_TMPDIR') return facts.env.tmuxTmpdir;
    if (name === 'USER' || name === 'LOGNAME') return facts.host.user;
    return undefined;
  };
}

const SOURCE = new Set(['source-file', 'source']);
const IF_SHELL = new Set(['if-shell', 'if']);

/** Splits `-abc` flag words off the front; `takesArg` flags consume the next word. */
export function flagsOf(
  args: string[],
  takesArg = 't',
): { flags: string; rest: string[]; flagArgs: Record<string, string> } {
  let k = 1;
  let flags = '';
  const flagArgs: Record<string, string> = {};
  while (k < args.length && /^-[A-Za-z]+$/.test(args[k]!)) {
    const w = args[k]!.slice(1);
    k++;
    for (let j = 0; j < w.length; j++) {
      flags += w[j]!;
      if (takesArg.includes(w[j]!)) {
        if (j + 1 < w.length) flagArgs[w[j]!] = w.slice(j + 1);
        else flagArgs[w[j]!] = args[k++] ?? '';
        break;
      }
    }
  }
  if (args[k] === '--') k++;
  return { flags, rest: args.slice(k), flagArgs };
}

/** Reads `files` (in order) as tmux does at server start. */
export function readConfig(facts: Facts, files: TextFile[]): ConfigRead {
  const home = facts.host.home;
  const lines: ConfLine[] = [];
  const sources: SourceRef[] = [];
  const syntaxErrors: ConfigRead['syntaxErrors'] = [];
  const assigned = new Map<string, string>();
  const lookup = envLookup(facts, assigned);
  const where = (file: string, line: number) => `${file}:${line}`;

  const runText = (
    text: string,
    file: string,
    baseLine: number,
    ctx: { active: Active; guard?: string; via: string[]; depth: number },
  ) => {
    const { stmts, errors } = lex(text, lookup, home, (n, v) => assigned.set(n, v));
    for (const e of errors) syntaxErrors.push({ file, line: baseLine + e.line - 1, message: e.message });
    // %if stack: each level knows whether a branch was taken and the current branch's truth
    const stack: Array<{ taken: boolean | 'unknown'; cur: Active; guard: string }> = [];
    const current = (): { active: Active; guard?: string } => {
      let a: Active = ctx.active;
      let g = ctx.guard;
      for (const lvl of stack) {
        if (lvl.cur === false) return { active: false, guard: lvl.guard };
        if (lvl.cur === 'conditional' && a === true) {
          a = 'conditional';
          g = lvl.guard;
        }
      }
      return { active: a, guard: g };
    };
    for (const st of stmts) {
      const lineNo = baseLine + st.line - 1;
      if (st.kind === 'if' || st.kind === 'elif') {
        const t = truth(formatValue(facts, st.cond, file));
        const g = `%${st.kind} ${st.cond} at ${where(file, lineNo)}`;
        if (st.kind === 'if') {
          stack.push({ taken: t === undefined ? 'unknown' : t, cur: t === undefined ? 'conditional' : t, guard: g });
        } else {
          const top = stack[stack.length - 1];
          if (!top) continue;
          if (top.taken === true) top.cur = false;
          else {
            top.cur = t === undefined || top.taken === 'unknown' ? 'conditional' : t;
            if (t === true && top.taken === false) top.taken = true;
            else if (t === undefined) top.taken = 'unknown';
            top.guard = g;
          }
        }
        continue;
      }
      if (st.kind === 'else') {
        const top = stack[stack.length - 1];
        if (top) {
          top.cur = top.taken === true ? false : top.taken === 'unknown' ? 'conditional' : true;
          top.guard = `%else at ${where(file, lineNo)}`;
        }
        continue;
      }
      if (st.kind === 'endif') {
        stack.pop();
        continue;
      }
      const { active, guard } = current();
      if (st.kind !== 'cmd') continue;
      const args = st.words.map((w) => w.text);
      const l: ConfLine = {
        file,
        line: lineNo,
        text: st.text,
        args,
        seq: lines.length,
        active,
        ...(guard ? { guard } : {}),
        via: ctx.via,
      };
      lines.push(l);
      const name = args[0]!;
      if (SOURCE.has(name)) {
        const { flags, rest } = flagsOf(args, '');
        for (const p0 of rest) {
          let p = flags.includes('F') ? (formatValue(facts, p0, file) ?? p0) : p0;
          // tmux 3.3a resolves a relative path against the client's cwd, not the file's dir
          if (!p.startsWith('/')) p = `${home.replace(/\/+$/, '')}/${p}`;
          const r = resolveSource(facts, p);
          sources.push({
            at: l,
            pattern: p,
            files: r.files.map((f) => f.path),
            unread: r.unread,
            missing: r.missing,
            quiet: flags.includes('q'),
          });
          if (ctx.depth >= MAX_DEPTH) continue;
          for (const f of r.files) {
            runText(f.content, f.path, 1, {
              active,
              ...(guard ? { guard } : {}),
              via: [...ctx.via, where(file, lineNo)],
              depth: ctx.depth + 1,
            });
          }
        }
      } else if (IF_SHELL.has(name)) {
        const { flags, rest } = flagsOf(args, 't');
        const [cond, thenCmd] = rest;
        if (cond === undefined || thenCmd === undefined) continue;
        let t: boolean | undefined;
        if (flags.includes('F')) t = truth(formatValue(facts, cond, file));
        const g = `${name}${flags ? ` -${flags}` : ''} '${cond}' at ${where(file, lineNo)}`;
        const words = st.words.slice(args.length - rest.length);
        const branch = (w: Word | undefined, on: Active) => {
          if (!w || on === false) return;
          const eff: Active = active === true ? on : active === false ? false : 'conditional';
          const sub = { active: eff, guard: eff === true ? guard : g, via: ctx.via, depth: ctx.depth };
          if (w.block) runText(w.body, file, lineNo + (w.bodyLine - st.line), sub);
          else runText(w.text, file, lineNo, sub);
        };
        branch(words[1], t === undefined ? 'conditional' : t);
        branch(words[2], t === undefined ? 'conditional' : !t);
      }
    }
  };

  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) continue;
    seen.add(f.path);
    runText(f.content, f.path, 1, { active: true, via: [], depth: 0 });
  }
  return { lines, sources, syntaxErrors, assigned };
}
