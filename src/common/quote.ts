// Quoting for the shell text cal-doctor sends to targets and prints as fixes: one place, so
// the scripts, the repairs and the advice quote alike.

/** Single-quoted for sh, always, whatever the bytes (no NUL: a shell word cannot hold one). */
export function shq(s: string): string {
  if (s.includes('\0')) throw new Error('a shell word cannot hold a NUL byte');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quoted only when it needs it, for commands a person reads (`cd /Users/admin`, not `cd '/Users/admin'`). */
export function shWord(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_/.,:+@%-]+$/.test(s)) return s;
  return shq(s);
}
