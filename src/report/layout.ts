// Laying text out for a terminal of any width: words wrap with a hanging indent, a word
// (a check id, a path) is never split, and a command gets a line of its own, whole, so
// copying it from the screen gives exactly the string in the JSON report.

const ANSI = /\x1b\[[0-9;]*m/g;

/** Columns a string takes on screen (colour codes take none). */
function visible(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

/** A word wider than a whole line (a long path in evidence) cut into pieces that fit. */
function pieces(word: string, room: number): string[] {
  const chars = [...word];
  if (chars.length <= room || word.includes('\x1b')) return [word];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += room) out.push(chars.slice(i, i + room).join(''));
  return out;
}

/**
 * `first` (already painted) then `text` wrapped to `width`, continuation lines indented by
 * `hang` spaces. Lines break between words; only a word wider than a whole line (never a
 * check id) is cut.
 */
export function hang(first: string, text: string, width: number, hang: number): string[] {
  const lines: string[] = [];
  let line = first;
  let used = visible(first);
  let fresh = true;
  const room = Math.max(1, width - hang);
  for (const word of text.split(/ +/).flatMap((w) => (w === '' ? [] : pieces(w, room)))) {
    const n = visible(word);
    if (!fresh && used + 1 + n > width) {
      lines.push(line);
      line = ' '.repeat(hang) + word;
      used = hang + n;
      continue;
    }
    line += fresh && (first === '' || first.endsWith(' ')) ? word : ` ${word}`;
    used += fresh && (first === '' || first.endsWith(' ')) ? n : n + 1;
    fresh = false;
  }
  lines.push(line);
  return lines;
}

/** Words a fix line can start a command with: shell commands and tmux config lines. */
const COMMAND_WORD =
  /^(?:run(?:-shell)? +(?:-b +)?['"~/$]|tmux|set|setw|set-option|set-hook|bind|bind-key|source-file|ln|rm|rmdir|mkdir|chmod|chown|sudo|cp|mv|git|kill|printf|echo|launchctl|plutil|ps|ls|eval|export|cd|touch|cal-doctor|npx|sh|zsh|bash|cat|grep|ssh|tart|brew|defaults|pgrep|lsof|\/|~\/|\.\/|\$\()/;

/** Where a command starts inside a fix line: at its start, or after `: `, `, or `, `; ` or `then `. */
const COMMAND_AFTER = /(?:: |, or |; |\bthen )(?=\S)/g;

/**
 * A fix line as prose and the command in it. The command runs to the end of the line
 * (a trailing `# comment` included: it is harmless to paste).
 */
export function splitFix(line: string): { prose: string; command?: string } {
  const t = line.trim();
  if (COMMAND_WORD.test(t)) return { prose: '', command: t };
  for (const m of t.matchAll(COMMAND_AFTER)) {
    const at = m.index! + m[0].length;
    const rest = t.slice(at);
    if (COMMAND_WORD.test(rest)) return { prose: t.slice(0, at).trimEnd(), command: rest };
  }
  return { prose: t };
}

/**
 * A fix line laid out: its prose wraps under `indent`, its command goes on a line of its
 * own, whole — indented when it fits, else from column 0 (the terminal soft-wraps a longer
 * one, and copying a soft-wrapped line gives it back in one piece).
 */
export function fixLines(line: string, width: number, indent: number, mark = ''): string[] {
  const { prose, command } = splitFix(line);
  const pad = ' '.repeat(indent);
  const out = prose ? hang(pad + mark, prose, width, indent + visible(mark)) : [];
  if (command !== undefined)
    out.push(
      prose || !mark ? commandLine(command, width, prose ? indent + visible(mark) + 2 : indent) : pad + mark + command,
    );
  return out;
}

/** A command on a line of its own, whole: indented by `indent` when it fits, else less, down to column 0. */
export function commandLine(command: string, width: number, indent: number): string {
  return ' '.repeat(Math.max(0, Math.min(indent, width - visible(command)))) + command;
}
