// Small helpers of the domain: paths, the live server, wording of ages and counts, and the
// PATH fixes several checks and repairs share.

import { shWord as shq } from '../common/quote.js';
import type { Facts, FileEntry, ServerFact } from '../probe/facts.js';

/** Quote a word for sh/zsh only when it needs it. */
export { shq };

/** `/Users/admin/.tmux.conf` → `~/.tmux.conf`, for summaries and config lines. */
export function tilde(path: string, home: string): string {
  if (!home || home === '/') return path;
  const h = home.replace(/\/+$/, '');
  if (path === h) return '~';
  if (path.startsWith(`${h}/`)) return `~${path.slice(h.length)}`;
  return path;
}

export function dirname(p: string): string {
  const s = p.replace(/\/+$/, '');
  const i = s.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return s.slice(0, i);
}

export function basename(p: string): string {
  const s = p.replace(/\/+$/, '');
  return s.slice(s.lastIndexOf('/') + 1);
}

/** `/private/tmp/x` and `/tmp/x` are the same file on macOS. */
export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/^\/private(?=\/(tmp|var|etc)\/)/, '').replace(/\/+$/, '');
  return norm(a) === norm(b);
}

function pathDirs(path: string | null | undefined): string[] {
  return (path ?? '').split(':').filter((d) => d !== '');
}

export function pathHasDir(path: string | null | undefined, dir: string): boolean {
  return pathDirs(path).some((d) => samePath(d, dir));
}

/** The default server, only when it answered in time. */
export function liveServer(facts: Facts): ServerFact | null {
  const s = facts.server;
  return s?.answers && !s.timedOut ? s : null;
}

export function noServerReason(facts: Facts): string {
  const s = facts.server;
  if (s?.timedOut)
    return `not verifiable: tmux server not responding (timed out after ${facts.probe.tmuxTimeoutSec} s)`;
  return 'not verifiable: no tmux server running';
}

/** The tmux a plain `ssh host tmux …` would run, else the login shell's, else any found. */
export function primaryTmux(facts: Facts): string | undefined {
  return facts.execTmux || facts.login.tmux || facts.tmuxBinaries[0]?.path || undefined;
}

/** Can the user (uid) execute this entry? Reads the owner or other x bit of `ls -l` mode. */
export function isExecutable(e: FileEntry, uid: number): boolean {
  if (e.mode.length < 10) return false;
  const bit = e.uid === uid || uid === 0 ? e.mode[3] : e.mode[9];
  return bit === 'x' || bit === 's' || bit === 't';
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function ageText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** The file a non-login shell of the user's shell reads, where PATH must be set for `ssh host cmd`. */
function nonLoginRc(facts: Facts): string | null {
  const sh = basename(facts.host.shell || '');
  if (sh === 'zsh') return '~/.zshenv';
  if (sh === 'bash') return '~/.bashrc (at the top, before any "interactive only" return)';
  return null;
}

const BREW_PREFIXES = ['/opt/homebrew', '/usr/local', '/home/linuxbrew/.linuxbrew'];

/** The line that puts `dir` on PATH: Homebrew's own shellenv when tmux is a Homebrew one. */
export function pathLine(dir: string): string {
  const brew = BREW_PREFIXES.find((p) => samePath(dir, `${p}/bin`));
  if (brew) return `eval "$(${brew}/bin/brew shellenv)"`;
  return `export PATH=${shq(dir)}:"$PATH"`;
}

/** Steps that make `dir` visible to non-login shells (ssh host cmd), so a server started that way has it. */
export function nonLoginPathFix(facts: Facts, dir: string): string[] {
  const rc = nonLoginRc(facts);
  const line = pathLine(dir);
  if (rc) return [`add to ${rc}: ${line}`];
  return [
    `${facts.host.shell || 'the login shell'} reads no file for non-login commands: call tmux from a login shell (\`${facts.host.shell || 'sh'} -l -c 'tmux …'\`), or switch the user's shell to zsh and add to ~/.zshenv: ${line}`,
  ];
}

/**
 * How to (re)start the server so it inherits a login PATH and loads TPM. The first session is
 * left unnamed: restore leaves an existing session of a saved name as it is, while a lone
 * session `0` is replaced by the restored ones (resurrect's "restoring from scratch").
 */
export function restartFromLoginShell(facts: Facts): string {
  const sh = facts.host.shell || '/bin/zsh';
  return `start the server from a login shell without naming a session, so continuum can restore: ${sh} -l -c 'tmux new-session -d'; then tmux attach`;
}

/**
 * Non-destructive repair of a running server started without tmux on its PATH: give its
 * global environment the PATH, then run TPM again so the plugins load. Keeps the sessions.
 */
export function loadPluginsNowFix(facts: Facts, tmuxPath: string | undefined): string[] {
  const server = liveServer(facts);
  const tmux = tmuxPath ? shq(tmuxPath) : 'tmux';
  const dir = tmuxPath ? dirname(tmuxPath) : undefined;
  const current = server?.globalEnv.PATH || '/usr/bin:/bin:/usr/sbin:/sbin';
  const steps: string[] = [];
  if (dir && !pathHasDir(current, dir)) steps.push(`${tmux} set-environment -g PATH ${shq(`${dir}:${current}`)}`);
  steps.push(`${tmux} run-shell ${shq(`${facts.plugins.dir.replace(/\/+$/, '')}/tpm/tpm`)}`);
  return steps;
}

/** `#{version}` is bare (`3.5a`); `tmux -V` says `tmux 3.5a`. */
export function asDashV(v: string): string {
  return /^tmux\s/.test(v) ? v : `tmux ${v}`;
}

/** The bound the probe hit, when its message says it (e.g. `timed out after 2 s`). */
export function timeoutSeconds(...texts: Array<string | undefined>): string | null {
  for (const t of texts) {
    const m = t?.match(/(\d+(?:\.\d+)?)\s*(?:s\b|sec|second)/);
    if (m) return m[1]!;
  }
  return null;
}
