// A tmux config file split into commands the way tmux 3.x's parser (cmd-parse.y) splits it:
// `\` line continuations, '…' and "…" quoting, `\` escapes, `#` comments, `;` between
// commands, `{ … }` blocks spanning lines, `%if`/`%elif`/`%else`/`%endif` and `NAME=value`
// assignments. Words are expanded (`~`, `$NAME`, `${NAME}`) by the caller's lookup, as tmux
// expands them from its global environment while parsing.

export type Word = { text: string; block?: false } | { text: string; block: true; body: string; bodyLine: number };

type Stmt =
  | { kind: 'cmd'; line: number; text: string; words: Word[] }
  | { kind: 'if' | 'elif'; line: number; text: string; cond: string }
  | { kind: 'else' | 'endif'; line: number; text: string }
  | { kind: 'assign'; line: number; text: string; name: string; value: string; hidden: boolean };

export interface LexResult {
  stmts: Stmt[];
  /** what tmux would reject while parsing, with the 1-based line */
  errors: Array<{ line: number; message: string }>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits `src` into statements. `lookup(NAME)` gives a variable's value (undefined: unset,
 * expands to nothing), `home` the value of a leading `~`.
 */
export function lex(
  src: string,
  lookup: (name: string) => string | undefined,
  home: string,
  assign: (name: string, value: string) => void = () => {},
): LexResult {
  const stmts: Stmt[] = [];
  const errors: LexResult['errors'] = [];
  // continuation (`\` before LF only: tmux does not join `\` CRLF): keep a marker to count lines
  const s = src.replace(/\\\n/g, '\u0000');
  let i = 0;
  let line = 1;
  const lines = src.split(/\r?\n/);
  const rawLines = (from: number, to: number) =>
    lines
      .slice(from - 1, to)
      .map((l) => l.replace(/\\$/, '').trim())
      .join(' ')
      .trim();

  const peek = () => s[i];
  const adv = () => {
    const c = s[i++]!;
    if (c === '\n' || c === '\u0000') line++;
    return c;
  };

  const expandVar = (): string => {
    // at `$`
    adv();
    if (peek() === '{') {
      const end = s.indexOf('}', i);
      if (end < 0) return '$';
      const name = s.slice(i + 1, end);
      while (i <= end) adv();
      return NAME.test(name) ? (lookup(name) ?? '') : '';
    }
    let name = '';
    while (i < s.length && /[A-Za-z0-9_]/.test(peek()!)) name += adv();
    return name === '' ? '$' : (lookup(name) ?? '');
  };

  /** Reads a `{ … }` block after its `{`; returns its raw body. */
  const readBlock = (): string => {
    let depth = 1;
    let body = '';
    while (i < s.length) {
      const c = peek()!;
      if (c === "'" || c === '"') {
        const q = adv();
        body += q;
        while (i < s.length && peek() !== q) {
          if (q === '"' && peek() === '\\') body += adv();
          body += adv();
        }
        if (i < s.length) body += adv();
        continue;
      }
      if (c === '#') {
        while (i < s.length && peek() !== '\n') adv();
        continue;
      }
      adv();
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return body;
      body += c === '\u0000' ? ' ' : c;
    }
    errors.push({ line, message: 'syntax error: no closing }' });
    return body;
  };

  /** Reads one word; returns undefined at end of command (newline, `;`, comment, EOF). */
  const readWord = (): { word?: Word; end: boolean } => {
    while (i < s.length && /[ \t\r\u0000]/.test(peek()!)) adv();
    if (i >= s.length) return { end: true };
    const c = peek()!;
    if (c === '\n') {
      adv();
      return { end: true };
    }
    if (c === '#') {
      while (i < s.length && peek() !== '\n') adv();
      return { end: false };
    }
    if (c === ';') {
      adv();
      return { end: true };
    }
    if (c === '{' && (i + 1 >= s.length || /[\s]/.test(s[i + 1]!))) {
      adv();
      const bodyLine = line;
      const body = readBlock();
      return { word: { text: `{${body}}`, block: true, body, bodyLine }, end: false };
    }
    let text = '';
    let started = false;
    while (i < s.length) {
      const d = peek()!;
      if (/[ \t\r\n\u0000]/.test(d)) break;
      if (d === ';' && (i + 1 >= s.length || /\s/.test(s[i + 1]!))) break;
      if (d === "'") {
        const qline = line;
        adv();
        while (i < s.length && peek() !== "'") text += adv();
        if (i >= s.length) errors.push({ line: qline, message: 'syntax error: unterminated quote' });
        else adv();
      } else if (d === '"') {
        const qline = line;
        adv();
        while (i < s.length && peek() !== '"') {
          if (peek() === '\\' && i + 1 < s.length) {
            adv();
            text += adv();
          } else if (peek() === '$') text += expandVar();
          else text += adv();
        }
        if (i >= s.length) errors.push({ line: qline, message: 'syntax error: unterminated quote' });
        else adv();
      } else if (d === '\\' && i + 1 < s.length) {
        adv();
        text += adv();
      } else if (d === '$') {
        text += expandVar();
      } else if (d === '~' && !started) {
        adv();
        text += home.replace(/\/+$/, '');
      } else text += adv();
      started = true;
    }
    if (i < s.length && peek() === ';') {
      adv();
      return { word: { text }, end: true };
    }
    return { word: { text }, end: false };
  };

  while (i < s.length) {
    // a statement starts: skip blank space and blank lines
    while (i < s.length && /[ \t\r\n\u0000]/.test(peek()!)) adv();
    if (i >= s.length) break;
    const start = line;
    if (peek() === '%') {
      const eol = s.indexOf('\n', i);
      const raw = s.slice(i, eol < 0 ? s.length : eol).replace(/\u0000/g, ' ');
      const m = raw.match(/^%(if|elif|else|endif|hidden)\b\s*(.*)$/);
      if (m) {
        const rest = m[2]!.trim();
        while (i < s.length && peek() !== '\n') adv();
        if (m[1] === 'if' || m[1] === 'elif') {
          stmts.push({ kind: m[1], line: start, text: raw.trim(), cond: unquote(rest) });
        } else if (m[1] === 'hidden') {
          const a = rest.match(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/);
          if (a) assign(a[1]!, unquote(a[2]!));
          if (a)
            stmts.push({
              kind: 'assign',
              line: start,
              text: raw.trim(),
              name: a[1]!,
              value: unquote(a[2]!),
              hidden: true,
            });
        } else stmts.push({ kind: m[1] as 'else' | 'endif', line: start, text: raw.trim() });
        continue;
      }
    }
    const words: Word[] = [];
    for (;;) {
      const r = readWord();
      if (r.word) words.push(r.word);
      if (r.end) break;
      if (i >= s.length) break;
    }
    if (words.length === 0) continue;
    const text = rawLines(start, Math.max(start, line - (s[i - 1] === '\n' ? 1 : 0)));
    const a = words.length === 1 && !words[0]!.block ? words[0]!.text.match(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s) : null;
    if (a) {
      // tmux sets it while parsing, so the next lines already expand it
      assign(a[1]!, a[2]!);
      stmts.push({ kind: 'assign', line: start, text, name: a[1]!, value: a[2]!, hidden: false });
    } else stmts.push({ kind: 'cmd', line: start, text, words });
  }
  return { stmts, errors };
}

function unquote(s: string): string {
  const t = s.trim();
  const m = t.match(/^(['"])(.*)\1$/s);
  return m ? m[2]! : t;
}
