// `ls -ln` listings and single entries (GNU and BSD) → FileEntry.

import type { FileEntry } from '../facts.js';
import { outputLines, toInt } from './values.js';

const MODE = /^[-bcdlpsDwn?][-rwxsStTlL]{9}[.@+]?$/;

interface Token {
  text: string;
  end: number;
}

function tokens(line: string, max: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (out.length < max && i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= line.length) break;
    const start = i;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
    out.push({ text: line.slice(start, i), end: i });
  }
  return out;
}

function entryType(mode: string): FileEntry['type'] {
  switch (mode[0]) {
    case '-':
      return 'file';
    case 'd':
      return 'dir';
    case 'l':
      return 'link';
    default:
      return 'other';
  }
}

interface LsHead {
  mode: string;
  uid: number;
  size: number;
  /** everything after the date: the name, and ` -> target` for symlinks */
  rest: string;
}

/** Parses one `ls -ln` line up to the name; null when the line is not an entry. */
function parseLsHead(line: string): LsHead | null {
  const t = tokens(line, 11);
  if (t.length < 8 || !MODE.test(t[0]!.text)) return null;
  if (!/^\d+$/.test(t[1]!.text)) return null;
  let i = 4; // size
  let size = toInt(t[i]!.text);
  if (t[i]!.text.endsWith(',')) {
    // device: `major, minor`
    i++;
    size = 0;
  }
  i++; // first date token
  const d0 = t[i]?.text ?? '';
  let dateTokens = 3; // `Nov 24 12:45` (LC_ALL=C, GNU and BSD)
  if (/^\d{4}-\d\d-\d\d$/.test(d0)) {
    // GNU long-iso / full-iso
    dateTokens = /^[+-]\d{4}$/.test(t[i + 2]?.text ?? '') ? 3 : 2;
  } else if (/^\d\d-\d\d$/.test(d0)) {
    dateTokens = 2; // GNU iso: `11-24 12:45`
  }
  const last = t[i + dateTokens - 1];
  if (!last) return null;
  // exactly one space separates the date from the name (which may start with spaces)
  const rest = line.slice(last.end + 1);
  if (line[last.end] === undefined) return null;
  return { mode: t[0]!.text.slice(0, 10), uid: toInt(t[2]!.text) ?? -1, size: size ?? 0, rest };
}

function entryFrom(head: LsHead, knownTarget?: string): FileEntry {
  const type = entryType(head.mode);
  let name = head.rest;
  let linkTarget: string | undefined;
  if (type === 'link') {
    if (knownTarget !== undefined && name.endsWith(` -> ${knownTarget}`)) {
      name = name.slice(0, name.length - knownTarget.length - 4);
      linkTarget = knownTarget;
    } else {
      const arrow = name.indexOf(' -> ');
      if (arrow >= 0) {
        linkTarget = name.slice(arrow + 4);
        name = name.slice(0, arrow);
      }
      if (knownTarget !== undefined) linkTarget = knownTarget;
    }
  }
  const entry: FileEntry = { name, mode: head.mode, uid: head.uid, size: head.size, type };
  if (linkTarget !== undefined) entry.linkTarget = linkTarget;
  return entry;
}

/**
 * Parses an `ls -ln`/`ls -lan` listing. Skips `total`, `.` and `..`; a line that is
 * not an entry continues the previous entry's name (a file name with a newline).
 */
export function parseLsListing(text: string | undefined, opts: { keepDots?: boolean } = {}): FileEntry[] {
  const heads: LsHead[] = [];
  for (const line of outputLines(text)) {
    const head = parseLsHead(line);
    if (head) heads.push(head);
    else if (heads.length > 0) heads[heads.length - 1]!.rest += `\n${line}`;
  }
  const entries = heads.map((h) => entryFrom(h));
  return opts.keepDots ? entries : entries.filter((e) => e.name !== '.' && e.name !== '..');
}

/** Parses the one entry of `ls -lnd PATH`; the name is what ls printed (the path). */
export function parseLsEntry(text: string | undefined, knownTarget?: string): FileEntry | undefined {
  const lines = outputLines(text);
  const first = lines.findIndex((l) => parseLsHead(l) !== null);
  if (first < 0) return undefined;
  const head = parseLsHead(lines[first]!)!;
  for (const more of lines.slice(first + 1)) head.rest += `\n${more}`;
  return entryFrom(head, knownTarget);
}
