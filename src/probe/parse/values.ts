// Small helpers shared by the parse modules: numbers and lines out of the probe's strings.

/** Status a bounded call reports when its watchdog had to SIGKILL it (128 + 9). */
export const KILLED = 137;
export const US = '\x1f';

export function toInt(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** A short message's lines as one (`Bad request.` / `Could not find domain…` both matter), capped. */
export function allLines(s: string | undefined, max = 300): string {
  const line = (s ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function firstLine(s: string | undefined, max = 300): string {
  const line = (s ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (line === undefined) return '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Lines of a command's output without the empty trailing one. */
export function outputLines(s: string | undefined): string[] {
  if (!s) return [];
  const lines = s.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
