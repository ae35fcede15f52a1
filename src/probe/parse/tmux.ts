// What tmux prints: show-options, show-environment, list-sessions, list-clients, list-keys.

import type { ClientFact, SessionFact } from '../facts.js';
import { outputLines, toInt, US } from './values.js';

/**
 * Undoes tmux's quoting of an option value in `show-options` output: `"..."`, `'...'`
 * or bare, with vis(3) escapes (`\"`, `\\`, `\$`, `\~`, `\t`, `\n`, `\ooo` octal, ...).
 */
export function unquoteTmuxValue(raw: string): string {
  let s = raw;
  if (s.length >= 2 && ((s[0] === '"' && s.endsWith('"')) || (s[0] === "'" && s.endsWith("'")))) {
    s = s.slice(1, -1);
  }
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  const pushText = (t: string): void => {
    for (const b of Buffer.from(t, 'utf8')) bytes.push(b);
  };
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, v: 11, f: 12, e: 27, s: 32 };
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      // copy a whole code point
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushText(ch);
      i += ch.length;
      continue;
    }
    const n = s[i + 1]!;
    const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
    if (oct) {
      bytes.push(parseInt(oct[0], 8) & 0xff);
      i += 1 + oct[0].length;
    } else if (n in simple) {
      bytes.push(simple[n]!);
      i += 2;
    } else if (n === 'M' && s[i + 2] === '-' && i + 3 < s.length) {
      bytes.push((s.charCodeAt(i + 3) | 0x80) & 0xff);
      i += 4;
    } else if (n === '^' && i + 2 < s.length) {
      const k = s[i + 2]!;
      bytes.push(k === '?' ? 0x7f : s.charCodeAt(i + 2) & 0x1f);
      i += 3;
    } else {
      pushText(String.fromCodePoint(s.codePointAt(i + 1)!));
      i += 1 + String.fromCodePoint(s.codePointAt(i + 1)!).length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `show-options` output → name → unquoted value (array options keep `name[i]`). */
export function parseShowOptions(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of outputLines(text)) {
    if (line.trim() === '') continue;
    const sp = line.indexOf(' ');
    if (sp < 0) out[line] = '';
    else out[line.slice(0, sp)] = unquoteTmuxValue(line.slice(sp + 1));
  }
  return out;
}

/**
 * `show-environment -g -s` output (`NAME="value"; export NAME;` with `$ \` " \\` escaped
 * and newlines raw, `unset NAME;` for a removed variable → null). Plain `NAME=value` /
 * `-NAME` lines (no -s) are accepted too; there a value's newline is ambiguous.
 */
export function parseShowEnvironment(text: string | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const s = text ?? '';
  const quoted = /([^\s="]+)="((?:[^"\\]|\\[\s\S])*)"; export \1;(?:\n|$)/y;
  const unset = /unset ([^\s=;]+);(?:\n|$)/y;
  let last: string | null = null;
  let i = 0;
  while (i < s.length) {
    quoted.lastIndex = i;
    let m = quoted.exec(s);
    if (m) {
      out[m[1]!] = m[2]!.replace(/\\([\s\S])/g, '$1');
      last = null;
      i = quoted.lastIndex;
      continue;
    }
    unset.lastIndex = i;
    m = unset.exec(s);
    if (m) {
      out[m[1]!] = null;
      last = null;
      i = unset.lastIndex;
      continue;
    }
    let end = s.indexOf('\n', i);
    if (end < 0) end = s.length;
    const line = s.slice(i, end);
    i = end + 1;
    const removed = /^-([^\s=]+)$/.exec(line);
    const set = /^([^\s=-][^\s=]*)=/.exec(line);
    if (removed) {
      out[removed[1]!] = null;
      last = null;
    } else if (set) {
      out[set[1]!] = line.slice(set[0].length);
      last = set[1]!;
    } else if (last !== null && line !== '') {
      // plain format: a value with a newline in it
      out[last] = `${out[last]}\n${line}`;
    }
  }
  return out;
}

/** Groups output lines into records that start with `start`; other lines continue the previous one. */
function groupRecords(text: string | undefined, start: RegExp): string[] {
  const recs: string[] = [];
  for (const line of outputLines(text)) {
    if (start.test(line) || recs.length === 0) recs.push(line);
    else recs[recs.length - 1] += `\n${line}`;
  }
  return recs.filter((r) => start.test(r));
}

export function parseSessions(text: string | undefined): SessionFact[] {
  return groupRecords(text, /^\$\d+\x1f/).map((rec) => {
    const parts = rec.split(US);
    return {
      id: parts[0]!,
      windows: toInt(parts[1]) ?? 0,
      attached: toInt(parts[2]) ?? 0,
      created: toInt(parts[3]) ?? 0,
      name: parts.slice(4).join(US),
    };
  });
}

export function parseClients(text: string | undefined): ClientFact[] {
  return groupRecords(text, /^\d+\x1f[01]?\x1f/).map((rec) => {
    const parts = rec.split(US);
    return {
      pid: toInt(parts[0]) ?? 0,
      controlMode: parts[1] === '1',
      tty: parts[2] ?? '',
      session: parts.slice(3).join(US),
    };
  });
}

/** `list-keys -T prefix` lines binding C-s or C-r. */
export function filterKeyBindings(text: string | undefined): string[] {
  return outputLines(text).filter((l) => /(^|\s)-T\s+prefix\s+C-[sr](\s|$)/.test(l));
}
