// Fingerprints for the read-only proof: every entry under a directory (type, mode, size,
// mtime, ctime, content hash, link target — never atime, which reading changes), and the
// state of a live tmux server as its own client commands report it.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Home } from '../harness/home.js';
import { tmuxTry } from '../harness/tmux.js';

/** path (relative to `root`) → fingerprint of everything below `root`, `root` included. */
export function fingerprintTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string): void => {
    const st = lstatSync(p, { bigint: true });
    const rel = relative(root, p) || '.';
    let what: string;
    if (st.isSymbolicLink()) what = `link -> ${readlinkSync(p)}`;
    else if (st.isDirectory()) what = 'dir';
    else if (st.isFile()) what = `file sha256:${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    else what = 'other';
    out.set(
      rel,
      `${what} mode:${st.mode.toString(8)} uid:${st.uid} size:${st.size} mtime:${st.mtimeNs} ctime:${st.ctimeNs} ino:${st.ino}`,
    );
    if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
  };
  walk(root);
  return out;
}

/** Entries that differ between two fingerprints, as readable lines (empty: identical). */
export function treeDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [k, v] of before) {
    const w = after.get(k);
    if (w === undefined) diff.push(`removed: ${k} (${v})`);
    else if (w !== v) diff.push(`changed: ${k}\n  before: ${v}\n  after:  ${w}`);
  }
  for (const [k, v] of after) if (!before.has(k)) diff.push(`added: ${k} (${v})`);
  return diff;
}

/** What the server holds, as tmux itself lists it: sessions, windows, panes, options, environment, hooks, keys, buffers. */
export async function serverState(home: Home): Promise<Record<string, string>> {
  const calls: Record<string, string[]> = {
    server: ['display-message', '-p', '#{pid} #{start_time} #{socket_path} #{version}'],
    sessions: [
      'list-sessions',
      '-F',
      '#{session_id}\t#{session_name}\t#{session_windows}\t#{session_created}\t#{session_group}',
    ],
    windows: [
      'list-windows',
      '-a',
      '-F',
      '#{session_name}\t#{window_id}\t#{window_index}\t#{window_name}\t#{window_layout}\t#{window_active}\t#{window_flags}',
    ],
    panes: [
      'list-panes',
      '-a',
      '-F',
      '#{session_name}\t#{window_index}\t#{pane_id}\t#{pane_index}\t#{pane_pid}\t#{pane_current_path}\t#{pane_title}\t#{pane_active}',
    ],
    globalOptions: ['show-options', '-g'],
    serverOptions: ['show-options', '-s'],
    windowOptions: ['show-options', '-gw'],
    environment: ['show-environment', '-g'],
    hooks: ['show-hooks', '-g'],
    keys: ['list-keys'],
    buffers: ['list-buffers', '-F', '#{buffer_name}\t#{buffer_size}'],
    clients: ['list-clients', '-F', '#{client_pid}\t#{client_session}'],
  };
  const state: Record<string, string> = {};
  for (const [name, args] of Object.entries(calls)) {
    const out = await tmuxTry(home, args);
    state[name] = `exit ${out.code}\n${out.stdout}${out.stderr}`;
  }
  return state;
}
