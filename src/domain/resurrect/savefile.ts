// Reader for tmux-resurrect save files (`tmux_resurrect_YYYYmmddTHHMMSS.txt`, `last`).
//
// What save.sh (tmux-resurrect cff343c) writes, in this order, TAB-separated:
//   grouped_session  <name> <original> :<alternate window> :<active window>          (5 fields)
//   pane   <session> <win idx> <win active> :<win flags> <pane idx> <title> :<dir>
//          <pane active> <command> :<full command>                                  (11 fields)
//   window <session> <idx> :<name> <active> :<flags> <layout> <automatic-rename|:>  (8 fields)
//   state  <client_session> <client_last_session>                                   (3 fields)
// Field counts include the type token. The file is truncated (`>`) by the grouped-session
// dump and then appended to (`>>`) by the pane, window and state dumps, so a save that
// dies part way leaves panes without windows, and a save of a server with no sessions
// leaves just `state\t\t`.
//
// Things the real plugin does that shape this reader:
// - save.sh reads tmux's output with `IFS=$'\t' read` (no -r). TAB is IFS whitespace in
//   bash, so an EMPTY field (an empty pane title, an empty pane_current_command) makes the
//   following fields shift left by one; the line still has 11 fields but e.g. the dir slot
//   holds `1` without its `:`. We therefore strip a leading `:` only when it is there and
//   do not treat shifted lines as malformed (restore still rebuilds the pane, in the wrong
//   directory). The same `read` drops backslashes (`a\b` -> `ab`).
// - dirs are escaped with `echo $dir | sed 's/ /\\ /'`: unquoted, so runs of whitespace
//   collapse to one space, and without `g`, so only the FIRST space becomes `\ `. We turn
//   every `\ ` back into a space; later spaces were never escaped.
// - restore.sh picks line types with `grep "^pane"` etc. (prefix match); we match the
//   type token exactly and count anything else as an unknown line.
//
// parseSave never throws, never executes anything, and runs in time linear in the input.

import { isUtf8 } from 'node:buffer';

export type SaveClass = 'valid' | 'empty' | 'state-only' | 'malformed' | 'truncated';

export interface SavedPane {
  session: string;
  windowIndex: number;
  windowActive: boolean;
  windowFlags: string;
  paneIndex: number;
  title: string;
  dir: string;
  paneActive: boolean;
  command: string;
  fullCommand: string;
  line: number;
}

interface SavedWindow {
  session: string;
  index: number;
  name: string;
  active: boolean;
  flags: string;
  layout: string;
  /** as saved: `on`/`off`, or `:` when the window option was not set */
  automaticRename: string;
  panes: SavedPane[];
  /**
   * 1-based line of the `window` line. 0 when no window line was saved for it: only pane
   * lines refer to it (the save was cut before the windows were written).
   */
  line: number;
}

interface SavedSession {
  name: string;
  windows: SavedWindow[];
  /** grouped_session: the session it is grouped with */
  groupedWith?: string;
}

interface SaveProblem {
  /** 1-based line number */
  line: number;
  reason: string;
}

export interface ParsedSave {
  classification: SaveClass;
  /** in first-seen order; grouped sessions included with groupedWith */
  sessions: SavedSession[];
  counts: {
    sessions: number;
    windows: number;
    panes: number;
    stateLines: number;
    groupedSessions: number;
    unknownLines: number;
  };
  /** the last state line */
  state?: { clientSession: string; clientLastSession: string };
  /** each malformed line with its 1-based number and why */
  problems: SaveProblem[];
  /** field counts seen per line type, e.g. { pane: [11], window: [8] } (for detecting old formats) */
  fieldCounts: Record<string, number[]>;
}

type LineType = 'pane' | 'window' | 'grouped_session' | 'state';

/** Fields (type token included) the current plugin writes per line type. */
const EXPECTED_FIELDS: Record<LineType, number> = {
  pane: 11,
  window: 8,
  grouped_session: 5,
  state: 3,
};

const LINE_TYPES = Object.keys(EXPECTED_FIELDS) as LineType[];

/** C0 controls other than TAB, LF, CR and ESC: not something tmux puts in a format. */
const CONTROL_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1A\x1C-\x1F]/;
const DIGITS = /^\d{1,15}$/;

function isLineType(s: string): s is LineType {
  return s === 'pane' || s === 'window' || s === 'grouped_session' || s === 'state';
}

/** A token that a cut could have left of a known type name, e.g. `win`. */
function isCutTypeName(s: string): boolean {
  if (s.length === 0) return false;
  return LINE_TYPES.some((t) => t.length > s.length && t.startsWith(s));
}

function stripColon(s: string): string {
  return s.startsWith(':') ? s.slice(1) : s;
}

function unescapeDir(s: string): string {
  return stripColon(s).split('\\ ').join(' ');
}

function oldFormatHint(type: LineType, n: number): string {
  if (type === 'pane' && n === 10) {
    return ' (tmux-resurrect before v4.0.0 wrote 10, without the pane title: re-save with the current plugin)';
  }
  if (type === 'window' && n === 7) {
    return ' (tmux-resurrect before v4.0.0 wrote 7, without automatic-rename: re-save with the current plugin)';
  }
  return '';
}

function emptyResult(): ParsedSave {
  return {
    classification: 'empty',
    sessions: [],
    counts: { sessions: 0, windows: 0, panes: 0, stateLines: 0, groupedSessions: 0, unknownLines: 0 },
    problems: [],
    fieldCounts: {},
  };
}

export function parseSave(text: string | Buffer, opts?: { truncated?: boolean }): ParsedSave {
  try {
    return parseSaveUnsafe(text, opts?.truncated === true);
  } catch (err) {
    // Not expected to happen; the contract is "never throws".
    const r = emptyResult();
    r.classification = 'malformed';
    r.problems.push({ line: 1, reason: `could not be read: ${String(err)}` });
    return r;
  }
}

function parseSaveUnsafe(input: string | Buffer, cappedByProbe: boolean): ParsedSave {
  let text: string;
  let invalidUtf8 = false;
  if (Buffer.isBuffer(input)) {
    invalidUtf8 = !isUtf8(input);
    text = input.toString('utf8');
  } else if (typeof input === 'string') {
    text = input;
  } else {
    text = input == null ? '' : String(input);
  }

  const result = emptyResult();
  if (text.trim().length === 0) return result; // 0 bytes or whitespace only

  const problems = result.problems;
  const fieldCounts = new Map<LineType, Set<number>>();
  const sessions = new Map<string, SavedSession>();
  const windows = new Map<string, SavedWindow>();
  const paneKeys = new Set<string>();
  /** first pane line per window that has no window line (yet) */
  const firstPaneLine = new Map<string, number>();

  let binary = false;
  let cut = false;
  let panes = 0;
  let windowLines = 0;
  let groupedLines = 0;
  let firstNonBlank = 0;
  let firstWindowOrGroupedLine = 0;

  const session = (name: string): SavedSession => {
    let s = sessions.get(name);
    if (!s) {
      s = { name, windows: [] };
      sessions.set(name, s);
    }
    return s;
  };

  const lines = text.split('\n');
  // A file ending in "\n" splits into a final "" that is not a line.
  const terminated = text.endsWith('\n');
  const lineCount = terminated ? lines.length - 1 : lines.length;

  for (let i = 0; i < lineCount; i++) {
    const n = i + 1;
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1); // CRLF copies: CR is not data
    if (line.trim().length === 0) continue;
    if (firstNonBlank === 0) firstNonBlank = n;
    const isLast = i === lineCount - 1 && !terminated;

    if (line.includes('\0')) {
      binary = true;
      problems.push({ line: n, reason: 'NUL bytes: binary data, not a tmux-resurrect save' });
      continue;
    }
    // A cut inside a multi-byte character leaves U+FFFD at the very end: that is a cut, not binary data.
    if (invalidUtf8 && (isLast ? trimTrailingReplacement(line) : line).includes('\uFFFD')) {
      binary = true;
      problems.push({ line: n, reason: 'not valid UTF-8: binary data, not a tmux-resurrect save' });
      continue;
    }
    if (CONTROL_CHARS.test(line)) {
      binary = true;
      problems.push({ line: n, reason: 'control characters: binary data, not a tmux-resurrect save' });
      continue;
    }

    const fields = line.split('\t');
    const type = fields[0]!;

    if (isLast && cappedByProbe) {
      cut = true;
      problems.push({ line: n, reason: 'incomplete last line: the file was read only up to the size cap' });
      continue;
    }
    if (isLast) {
      const short = isLineType(type)
        ? fields.length < EXPECTED_FIELDS[type]
        : fields.length === 1 && isCutTypeName(type);
      if (short) {
        cut = true;
        const what = isLineType(type)
          ? `${type} line has ${fields.length} of ${EXPECTED_FIELDS[type]} fields`
          : `\`${type}\` is the start of a line type`;
        problems.push({
          line: n,
          reason: `last line cut mid-line: ${what} and there is no newline at the end of the file`,
        });
        continue;
      }
    }

    if (!isLineType(type)) {
      result.counts.unknownLines++;
      continue;
    }

    let counts = fieldCounts.get(type);
    if (!counts) fieldCounts.set(type, (counts = new Set()));
    counts.add(fields.length);

    const expected = EXPECTED_FIELDS[type];
    if (fields.length < expected) {
      problems.push({
        line: n,
        reason: `${type} line has ${fields.length} fields, expected ${expected}${oldFormatHint(type, fields.length)}`,
      });
      continue;
    }

    switch (type) {
      case 'state': {
        result.counts.stateLines++;
        result.state = { clientSession: fields[1]!, clientLastSession: fields[2]! };
        break;
      }
      case 'grouped_session': {
        const name = fields[1]!;
        const original = fields[2]!;
        if (name === '' || original === '') {
          problems.push({ line: n, reason: 'grouped_session line with an empty session name' });
          break;
        }
        if (firstWindowOrGroupedLine === 0) firstWindowOrGroupedLine = n;
        groupedLines++;
        session(name).groupedWith = original;
        break;
      }
      case 'pane': {
        const [, sess, winIdx, winActive, winFlags, paneIdx, title, dir, paneActive, command, full] = fields;
        if (sess === '') {
          problems.push({ line: n, reason: 'pane line with an empty session name' });
          break;
        }
        if (!DIGITS.test(winIdx)) {
          problems.push({ line: n, reason: `pane line: window index \`${clip(winIdx)}\` is not a number` });
          break;
        }
        if (!DIGITS.test(paneIdx)) {
          problems.push({ line: n, reason: `pane line: pane index \`${clip(paneIdx)}\` is not a number` });
          break;
        }
        const windowIndex = Number(winIdx);
        const paneIndex = Number(paneIdx);
        const wkey = `${sess}\t${windowIndex}`;
        const pkey = `${wkey}\t${paneIndex}`;
        if (paneKeys.has(pkey)) break; // the same pane twice (saves racing into one file): first wins
        paneKeys.add(pkey);
        let win = windows.get(wkey);
        if (!win) {
          win = {
            session: sess,
            index: windowIndex,
            name: '',
            active: winActive === '1',
            flags: stripColon(winFlags),
            layout: '',
            automaticRename: '',
            panes: [],
            line: 0,
          };
          windows.set(wkey, win);
          session(sess).windows.push(win);
          firstPaneLine.set(wkey, n);
        }
        win.panes.push({
          session: sess,
          windowIndex,
          windowActive: winActive === '1',
          windowFlags: stripColon(winFlags),
          paneIndex,
          title,
          dir: unescapeDir(dir),
          paneActive: paneActive === '1',
          command,
          fullCommand: stripColon(full),
          line: n,
        });
        panes++;
        break;
      }
      case 'window': {
        const [, sess, idx, name, active, flags, layout, autoRename] = fields;
        if (sess === '') {
          problems.push({ line: n, reason: 'window line with an empty session name' });
          break;
        }
        if (!DIGITS.test(idx)) {
          problems.push({ line: n, reason: `window line: window index \`${clip(idx)}\` is not a number` });
          break;
        }
        if (firstWindowOrGroupedLine === 0) firstWindowOrGroupedLine = n;
        const index = Number(idx);
        const wkey = `${sess}\t${index}`;
        let win = windows.get(wkey);
        if (win && win.line !== 0) break; // duplicate window line: first wins
        if (!win) {
          win = {
            session: sess,
            index,
            name: '',
            active: false,
            flags: '',
            layout: '',
            automaticRename: '',
            panes: [],
            line: 0,
          };
          windows.set(wkey, win);
          session(sess).windows.push(win);
        }
        win.name = stripColon(name);
        win.active = active === '1';
        win.flags = stripColon(flags);
        win.layout = layout;
        win.automaticRename = autoRename;
        win.line = n;
        firstPaneLine.delete(wkey);
        windowLines++;
        break;
      }
    }
  }

  // Panes whose window never got a window line: the save stopped after the panes.
  for (const [wkey, line] of firstPaneLine) {
    const win = windows.get(wkey)!;
    cut = true;
    problems.push({
      line,
      reason: `pane line refers to window ${win.session}:${win.index}, but no window line for it follows (the save stopped before writing windows)`,
    });
  }
  problems.sort((a, b) => a.line - b.line);

  result.sessions = [...sessions.values()];
  result.counts.sessions = sessions.size;
  result.counts.windows = windowLines;
  result.counts.panes = panes;
  result.counts.groupedSessions = result.sessions.filter((s) => s.groupedWith !== undefined).length;
  for (const [type, set] of fieldCounts) result.fieldCounts[type] = [...set].sort((a, b) => a - b);

  const stateLines = result.counts.stateLines;
  if (binary) {
    result.classification = 'malformed';
  } else if (cut) {
    result.classification = 'truncated';
  } else if (problems.length > 0) {
    result.classification = 'malformed';
  } else if (panes === 0 && windowLines === 0 && groupedLines === 0 && stateLines > 0) {
    result.classification = 'state-only';
  } else if (panes === 0) {
    result.classification = 'malformed';
    if (firstWindowOrGroupedLine > 0) {
      problems.push({
        line: firstWindowOrGroupedLine,
        reason:
          'window or grouped_session lines but no pane lines: save.sh writes panes first, so this file mixes output of different saves (or was edited)',
      });
    } else {
      problems.push({
        line: firstNonBlank || 1,
        reason: 'no pane, window or state lines: this is not a tmux-resurrect save',
      });
    }
  } else {
    result.classification = 'valid';
  }
  return result;
}

function trimTrailingReplacement(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0xfffd) end--;
  return s.slice(0, end);
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

export function describeClass(c: SaveClass): string {
  switch (c) {
    case 'valid':
      return 'pane and window lines: restore has sessions to rebuild';
    case 'empty':
      return 'an empty file (0 bytes): save.sh ran but no tmux command answered, e.g. tmux was not on the PATH of the server that ran it';
    case 'state-only':
      return 'only `state` lines: the save ran against a server with no sessions (or another server)';
    case 'malformed':
      return 'lines tmux-resurrect does not write (too few fields, binary data, no panes): the file was damaged, edited, or written by an incompatible plugin version';
    case 'truncated':
      return 'the save stopped part way (a line cut off, or panes whose windows were never written): it was interrupted, the disk filled, or the server went away while saving';
  }
}
