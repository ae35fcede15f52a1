// Harness pieces for the forensics tests: the logout-hook race, a restore into a fresh server,
// and a fingerprint of the save files (to prove nothing rewrote or removed one).
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Home } from './home.js';
import { tmuxCmd, tmuxTry, waitForPlugins } from './tmux.js';
import { processesWhere, run, SYSTEM_PATH, sleep, terminate, waitFor, which } from './util.js';

/** The `~/.zlogout` of the bug report: save on every logout. */
export const ZLOGOUT_SAVE = '~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet\n';

/** Save file names have 1-second resolution: wait for the next wall-clock second. */
async function nextSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 50);
}

/** Where `last` points (as stored), or undefined when there is no `last`. */
export function lastTarget(home: Home): string | undefined {
  try {
    return readlinkSync(join(home.saveDir, 'last'));
  } catch {
    return undefined;
  }
}

/** sha256 of every regular save file (`tmux_resurrect_*.txt`) by name: `last` may change, these may not. */
export function saveFiles(home: Home): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(home.saveDir)) return out;
  for (const n of readdirSync(home.saveDir)) {
    if (!/^tmux_resurrect_.*\.txt$/.test(n)) continue;
    const p = join(home.saveDir, n);
    if (lstatSync(p).isFile()) out[n] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

/** No process runs a script of this home's plugins (racing saves, TPM) for `quietMs` in a row. */
async function pluginScriptsSettled(home: Home, timeoutMs: number, quietMs = 600): Promise<void> {
  const marker = `${home.pluginsDir}/`;
  let quietSince = 0;
  await waitFor(
    () => {
      if (processesWhere((argv) => argv.some((a) => a.includes(marker))).length) {
        quietSince = 0;
        return undefined;
      }
      quietSince ||= Date.now();
      return Date.now() - quietSince >= quietMs ? true : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `the save scripts started by ${home.dir}/.zlogout to finish` },
  );
}

/**
 * The logout-hook race of docs/domain.md: the home's `~/.zlogout` runs save.sh, every pane is a
 * login zsh, and `kill-server` hangs them all up at once. Waits (in a new second, so the racing
 * saves cannot land in the file of a save made just before) and returns when every racing
 * save has finished. The server is gone afterwards.
 */
export async function logoutHookRace(
  home: Home,
  opts: { timeoutMs?: number } = {},
): Promise<{ before?: string; after?: string }> {
  const before = lastTarget(home);
  await nextSecond();
  await tmuxTry(home, ['kill-server'], 5_000);
  await waitFor(() => !existsSync(home.socket) || undefined, {
    timeoutMs: 5_000,
    what: 'the server socket to go',
  }).catch(() => undefined);
  await pluginScriptsSettled(home, opts.timeoutMs ?? 15_000);
  const pids = [...home.pids];
  home.pids.clear();
  await terminate(pids);
  return { before, after: lastTarget(home) };
}

export interface RestoredLayout {
  /** `session:window` → panes in it */
  windows: Record<string, number>;
  /** every pane's current path */
  paths: string[];
  /** run-shell restore.sh's exit status */
  exitCode: number | null;
}

/**
 * The real restore, by hand: a fresh server started from a login shell with an unnamed first
 * session (so resurrect restores "from scratch" and drops it), continuum's auto-restore held
 * off (`~/tmux_no_auto_restore`) so that what restores is `run-shell restore.sh` and nothing
 * else; returns the windows and pane paths the server then has.
 */
export async function restoreIntoFreshServer(home: Home, opts: { timeoutMs?: number } = {}): Promise<RestoredLayout> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  writeFileSync(join(home.dir, 'tmux_no_auto_restore'), '');
  const bash = which('bash', SYSTEM_PATH);
  if (!bash) throw new Error('restoreIntoFreshServer: bash is not installed');
  const started = await run(bash, ['-l', '-c', 'exec tmux new-session -d -x 200 -y 50'], {
    env: home.env(),
    cwd: home.dir,
    timeoutMs: 10_000,
  });
  if (started.code !== 0)
    throw new Error(`bash -l: tmux new-session failed (${started.code}): ${started.stderr.trim()}`);
  home.pids.add(Number(await tmuxCmd(home, 'display-message', '-p', '#{pid}')));
  await waitForPlugins(home, { expectLoaded: home.plugins.includes('tpm') });
  // restore.sh restores "from scratch" (and drops session 0) only when the server has exactly
  // one pane when it starts: make sure of it, and say what else is there if it never holds
  let panes: string[] = [];
  await waitFor(
    async () => {
      panes = (
        await tmuxCmd(
          home,
          'list-panes',
          '-a',
          '-F',
          '#{session_name}:#{window_index}.#{pane_index} #{pane_pid} #{pane_current_command}',
        )
      )
        .split('\n')
        .filter(Boolean);
      return panes.length === 1 || undefined;
    },
    { timeoutMs: 10_000, what: 'the fresh server to hold one pane' },
  ).catch(() => {
    throw new Error(`restoreIntoFreshServer: the fresh server holds ${panes.length} panes, not 1: ${panes.join('; ')}`);
  });
  const restore = join(home.pluginsDir, 'tmux-resurrect', 'scripts', 'restore.sh');
  const out = await tmuxTry(home, ['run-shell', `'${restore}'`], timeoutMs);
  if (out.timedOut) throw new Error(`run-shell restore.sh: no answer within ${timeoutMs} ms`);
  const windows: Record<string, number> = {};
  for (const l of (await tmuxCmd(home, 'list-windows', '-a', '-F', '#{session_name}:#{window_index} #{window_panes}'))
    .split('\n')
    .filter(Boolean)) {
    const i = l.lastIndexOf(' ');
    windows[l.slice(0, i)] = Number(l.slice(i + 1));
  }
  const paths = (await tmuxCmd(home, 'list-panes', '-a', '-F', '#{pane_current_path}')).split('\n').filter(Boolean);
  return { windows, paths, exitCode: out.code };
}
