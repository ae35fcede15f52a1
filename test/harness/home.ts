// A throwaway HOME with the real TPM/resurrect/continuum copied in, and its own tmux
// socket dir. Nothing here touches the tester's HOME or /tmp/tmux-UID.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VENDOR_PLUGINS } from '../plugins.js';
import { HOMEBREW_BIN, MACOS, targetPath } from './macos.js';
import {
  cleanupAtExit,
  makeTempDir,
  processesWhere,
  processesWithEnv,
  SYSTEM_PATH,
  signal,
  TMUX,
  which,
} from './util.js';

type PluginName = 'tpm' | 'tmux-resurrect' | 'tmux-continuum';
const ALL_PLUGINS: readonly PluginName[] = ['tpm', 'tmux-resurrect', 'tmux-continuum'];

/** Where the vendored plugin checkouts live (read-only; they are copied per home). */
export const VENDOR_PLUGINS_DIR = VENDOR_PLUGINS;

/** The `~/.tmux.conf` lines of the original report (docs/domain.md). */
export const SEED_CONFIG_LINES: readonly string[] = [
  "set -g @plugin 'tmux-plugins/tmux-resurrect'",
  "set -g @plugin 'tmux-plugins/tmux-continuum'",
  "set -g @resurrect-capture-pane-contents 'on'",
  "set -g @continuum-restore 'on'",
  "set -g @continuum-save-interval '15'",
];

/** The seed's config made loadable by TPM: tpm's own @plugin first, `run tpm` last. */
function defaultTmuxConf(): string {
  return `${["set -g @plugin 'tmux-plugins/tpm'", ...SEED_CONFIG_LINES, "run '~/.tmux/plugins/tpm/tpm'"].join('\n')}\n`;
}

export interface MakeHomeOptions {
  /** plugins copied into ~/.tmux/plugins (default: all three) */
  plugins?: readonly PluginName[];
  /** the whole ~/.tmux.conf (default: defaultTmuxConf()) */
  config?: string;
  /** extra files, relative to HOME (e.g. `.zlogout`); `mode` defaults to 0644 */
  files?: Record<string, string | { content: string; mode: number }>;
  /** the SHELL panes run (default: zsh as on macOS, else bash) */
  shell?: string;
}

export interface Home {
  /** temp root: holds `home/`, `tmux/` and other per-test dirs outside HOME */
  root: string;
  /** HOME */
  dir: string;
  /** TMUX_TMPDIR; the server's socket is `socket` */
  tmuxTmpdir: string;
  socket: string;
  pluginsDir: string;
  /** resurrect's save dir for this HOME: ~/.local/share/tmux/resurrect (not created) */
  saveDir: string;
  plugins: readonly PluginName[];
  /** PATH handed to shells/sessions; brew.ts swaps it for a PATH without tmux */
  path: string;
  shell: string;
  /** tmux server pids started for this home (killed by cleanup) */
  pids: Set<number>;
  /** HOME, TMUX_TMPDIR, PATH, SHELL — and nothing else (no XDG_*, no TMUX) */
  env(): Record<string, string>;
  /** kills this home's tmux server and any process still running from it, then deletes it */
  cleanup(): void;
}

export function makeHome(opts: MakeHomeOptions = {}): Home {
  const root = makeTempDir('cal-home-');
  const dir = join(root, 'home');
  const tmuxTmpdir = join(root, 'tmux');
  const socket = join(tmuxTmpdir, `tmux-${process.getuid?.() ?? 0}`, 'default');
  const pluginsDir = join(dir, '.tmux', 'plugins');
  const plugins = opts.plugins ?? ALL_PLUGINS;
  try {
    if (socket.length > 100)
      throw new Error(`tmux socket path too long for a unix socket: ${socket} (use a shorter TMPDIR)`);
    populate(dir, tmuxTmpdir, pluginsDir, plugins, opts);
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const home: Home = {
    root,
    dir,
    tmuxTmpdir,
    socket,
    pluginsDir,
    saveDir: join(dir, '.local', 'share', 'tmux', 'resurrect'),
    plugins,
    // the macOS pass: what a zsh that read .zshenv has (installBrew takes Homebrew out)
    path: targetPath(MACOS ? `${HOMEBREW_BIN}:${SYSTEM_PATH}` : SYSTEM_PATH),
    shell: opts.shell ?? which('zsh', SYSTEM_PATH) ?? which('bash', SYSTEM_PATH) ?? '/bin/sh',
    pids: new Set(),
    env() {
      return { HOME: home.dir, TMUX_TMPDIR: home.tmuxTmpdir, PATH: home.path, SHELL: home.shell };
    },
    cleanup() {
      forget();
      cleanupHome(home);
    },
  };
  const forget = cleanupAtExit(() => cleanupHome(home));
  return home;
}

function populate(
  dir: string,
  tmuxTmpdir: string,
  pluginsDir: string,
  plugins: readonly PluginName[],
  opts: MakeHomeOptions,
): void {
  mkdirSync(pluginsDir, { recursive: true });
  mkdirSync(tmuxTmpdir, { mode: 0o700 });
  for (const name of plugins) {
    cpSync(join(VENDOR_PLUGINS_DIR, name), join(pluginsDir, name), { recursive: true });
  }
  makeWritable(pluginsDir);

  writeFileSync(join(dir, '.tmux.conf'), opts.config ?? defaultTmuxConf());
  // an interactive zsh with no rc file starts zsh-newuser-install in the pane
  writeFileSync(join(dir, '.zshrc'), '');
  // macOS pass: Homebrew's `brew shellenv` line in the login profiles (zsh: .zprofile; bash
  // and sh: .profile) and, as on a Mac where non-login SSH commands find tmux, in .zshenv
  // (sshd runs them through the login shell, zsh); installBrew takes it out of .zshenv.
  // A test's own file keeps the line first.
  const profiles: Record<string, string> = MACOS
    ? { '.zprofile': BREW_LINE, '.profile': BREW_LINE, '.zshenv': BREW_LINE }
    : {};
  for (const [rel, content] of Object.entries(profiles)) writeFileSync(join(dir, rel), content);
  for (const [rel, spec] of Object.entries(opts.files ?? {})) {
    const given = typeof spec === 'string' ? { content: spec, mode: 0o644 } : spec;
    const { content, mode } = { ...given, content: (profiles[rel] ?? '') + given.content };
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode });
    chmodSync(path, mode);
  }
}

/** Homebrew's PATH line, as the macOS pass writes it into a home's shell files (once on PATH). */
export const BREW_LINE = `case ":$PATH:" in *":${HOMEBREW_BIN}:"*) ;; *) export PATH="${HOMEBREW_BIN}:$PATH" ;; esac\n`;

function makeWritable(path: string): void {
  const st = statSync(path);
  chmodSync(path, st.mode | 0o200);
  if (st.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

function cleanupHome(home: Home): void {
  if (!existsSync(home.root)) return;
  for (const pid of home.pids) signal(pid, 'SIGCONT'); // a SIGSTOPped server would hang kill-server
  if (TMUX && existsSync(home.socket)) {
    spawnSync(TMUX, ['kill-server'], { env: { ...home.env(), PATH: SYSTEM_PATH }, timeout: 3_000, stdio: 'ignore' });
  }
  // the server, plugin scripts, and the pane shells: the server's end makes them run their
  // logout hooks (a .zlogout running save.sh writes into the save dir while it is removed),
  // so every process naming a path of this home or living in it (HOME) goes, until none is left
  const marker = `${home.root}/`;
  for (const pid of home.pids) signal(pid, 'SIGKILL');
  home.pids.clear();
  for (let round = 0; round < 5; round++) {
    const leftovers = [
      ...processesWhere((argv) => argv.some((a) => a.includes(marker))),
      ...processesWithEnv('HOME', home.dir).map((p) => p.pid),
    ];
    if (leftovers.length === 0) break;
    for (const pid of leftovers) signal(pid, 'SIGKILL');
  }
  rmSync(home.root, { recursive: true, force: true, maxRetries: 3 });
}
