// A realistic, healthy cal-dev snapshot (macOS VM, user admin, Homebrew tmux 3.5a, plugins
// loaded, a valid `last`), and helpers to derive broken variants from it in tests.
import { readFileSync } from 'node:fs';
import type { Check, CheckContext, Result } from '../../src/engine/check.js';
import { foldResults } from '../../src/engine/run.js';
import type { Facts, FileEntry, SaveDirFact, SaveFileContent } from '../../src/probe/facts.js';
import { RESURRECT_FIXTURES } from './fixtures.js';

const FIXTURES = RESURRECT_FIXTURES;

/** Real resurrect save files from test/fixtures/resurrect, read at import time. */
export const SAVES = {
  healthy: readFileSync(`${FIXTURES}healthy-one-session.txt`, 'utf8'),
  grouped: readFileSync(`${FIXTURES}healthy-grouped-sessions.txt`, 'utf8'),
  stateOnly: readFileSync(`${FIXTURES}state-only-after-last-session-closed.txt`, 'utf8'),
  empty: readFileSync(`${FIXTURES}empty-save-from-server-without-plugins.txt`, 'utf8'),
};

export const HOME = '/Users/admin';
export const UID = 501;
/** 2025-06-02T09:30:00Z; the VM's clock is at +0200, so local time is 11:30 */
export const NOW = 1748856600;
export const TZ = '+0200';
export const PLUGINS = `${HOME}/.tmux/plugins`;
export const SAVE_DIR = `${HOME}/.local/share/tmux/resurrect`;
export const TMUX = '/opt/homebrew/bin/tmux';
export const SOCKET = `/private/tmp/tmux-${UID}/default`;
/** saves every 15 min, the newest 5 min ago (names are local time, +0200) */
export const SAVE_NAMES = [
  'tmux_resurrect_20250602T105500.txt',
  'tmux_resurrect_20250602T111000.txt',
  'tmux_resurrect_20250602T112500.txt',
] as const;
export const LAST_SAVE = SAVE_NAMES[2];

const LOGIN_PATH =
  '/opt/homebrew/bin:/opt/homebrew/sbin:/usr/local/bin:/System/Cryptexes/App/usr/bin:/usr/bin:/bin:/usr/sbin:/sbin';
const NONLOGIN_PATH = '/opt/homebrew/bin:/opt/homebrew/sbin:/usr/bin:/bin:/usr/sbin:/sbin';

/** The reporting user's ~/.tmux.conf (docs/domain.md) with TPM's run line at the bottom. */
export const TMUX_CONF = `# cal-dev tmux config
set -g mouse on
set -g history-limit 50000

set -g @plugin 'tmux-plugins/tpm'
set -g @plugin 'tmux-plugins/tmux-resurrect'
set -g @plugin 'tmux-plugins/tmux-continuum'
set -g @resurrect-capture-pane-contents 'on'
set -g @continuum-restore 'on'
set -g @continuum-save-interval '15'

run '~/.tmux/plugins/tpm/tpm'
`;

/** tmux 3.5a's default status-right, as `show-options -g` prints it unquoted */
export const DEFAULT_STATUS_RIGHT =
  '#{?window_bigger,[#{window_offset_x}#,#{window_offset_y}] ,}"#{=21:pane_title}" %H:%M %d-%b-%y';
/** what continuum.tmux writes: its save interpolation in front of the old value */
const CONTINUUM_STATUS_RIGHT = `#(${PLUGINS}/tmux-continuum/scripts/continuum_save.sh)${DEFAULT_STATUS_RIGHT}`;

export const REVISIONS = {
  'tmux-resurrect': 'cff343cf9e81983d3da0c8562b01616f12e8d548',
  'tmux-continuum': '0698e8f4b17d6454c71bf5212895ec055c578da0',
  tpm: '99469c4a9b1ccf77fade25842dc7bafbc8ce9946',
};

const file = (name: string, mode = '-rw-r--r--', size = 1000): FileEntry => ({
  name,
  mode,
  uid: UID,
  size,
  type: 'file',
});
const exe = (name: string, size = 1000) => file(name, '-rwxr-xr-x', size);
const dir = (name: string): FileEntry => ({ name, mode: 'drwxr-xr-x', uid: UID, size: 192, type: 'dir' });
const text = (path: string, content: string | null) => ({
  path,
  exists: content !== null,
  content: content ?? '',
  size: content === null ? 0 : Buffer.byteLength(content),
  truncated: false,
});

export function saveContent(name: string, content: string, truncated = false): SaveFileContent {
  return { name, size: Buffer.byteLength(content), content, truncated };
}

function healthySaveDir(): SaveDirFact {
  const size = Buffer.byteLength(SAVES.healthy);
  return {
    role: 'xdg',
    path: SAVE_DIR,
    exists: true,
    self: { name: 'resurrect', mode: 'drwxr-xr-x', uid: UID, size: 224, type: 'dir' },
    writable: true,
    files: [
      { name: 'last', mode: 'lrwxr-xr-x', uid: UID, size: LAST_SAVE.length, type: 'link', linkTarget: LAST_SAVE },
      file('pane_contents.tar.gz', '-rw-r--r--', 4711),
      ...SAVE_NAMES.map((n) => file(n, '-rw-r--r--', size)),
    ],
    listingTruncated: false,
    last: {
      entry: {
        name: 'last',
        mode: 'lrwxr-xr-x',
        uid: UID,
        size: LAST_SAVE.length,
        type: 'link',
        linkTarget: LAST_SAVE,
      },
      target: LAST_SAVE,
      resolves: true,
      file: saveContent(LAST_SAVE, SAVES.healthy),
    },
    recent: [...SAVE_NAMES].reverse().map((n) => saveContent(n, SAVES.healthy)),
  };
}

export function healthyFacts(): Facts {
  return {
    probe: { version: '1', tmuxTimeoutSec: 2, warnings: [] },
    host: {
      user: 'admin',
      uid: UID,
      home: HOME,
      shell: '/bin/zsh',
      hostname: 'cal-dev',
      os: 'Darwin',
      osVersion: '15.3.1',
      now: NOW,
      tzOffset: TZ,
    },
    env: { path: NONLOGIN_PATH },
    login: { ok: true, timedOut: false, path: LOGIN_PATH, tmux: TMUX },
    execTmux: TMUX,
    tmuxBinaries: [{ path: TMUX, version: 'tmux 3.5a', foundBy: ['exec', 'login', 'known-location'] }],
    socketDirs: [`/private/tmp/tmux-${UID}`],
    sockets: [{ path: SOCKET, answers: true, timedOut: false }],
    server: {
      socket: SOCKET,
      answers: true,
      timedOut: false,
      version: '3.5a',
      pid: 812,
      startTime: NOW - 5 * 3600,
      sessions: [{ id: '$0', name: 'cal-dev', windows: 3, attached: 1, created: NOW - 5 * 3600 }],
      clients: [{ pid: 1904, session: 'cal-dev', tty: '/dev/ttys001', controlMode: false }],
      globalEnv: {
        HOME,
        LANG: 'en_US.UTF-8',
        LOGNAME: 'admin',
        PATH: LOGIN_PATH,
        SHELL: '/bin/zsh',
        SSH_CONNECTION: '192.168.64.1 52144 192.168.64.3 22',
        TERM: 'xterm-256color',
        TMUX_PLUGIN_MANAGER_PATH: `${PLUGINS}/`,
        USER: 'admin',
      },
      options: {
        'history-limit': '50000',
        mouse: 'on',
        status: 'on',
        'status-interval': '15',
        'status-right': CONTINUUM_STATUS_RIGHT,
        '@plugin': 'tmux-plugins/tmux-continuum',
        '@resurrect-capture-pane-contents': 'on',
        '@continuum-restore': 'on',
        '@continuum-save-interval': '15',
        '@continuum-save-last-timestamp': String(NOW - 300),
        '@resurrect-save-script-path': `${PLUGINS}/tmux-resurrect/scripts/save.sh`,
        '@resurrect-restore-script-path': `${PLUGINS}/tmux-resurrect/scripts/restore.sh`,
        '@resurrect-strategy-irb': 'default_strategy',
        '@resurrect-strategy-mosh-client': 'default_strategy',
      },
      serverOptions: { 'exit-empty': 'on', 'escape-time': '500' },
      hooks: [],
      keyBindings: [
        `bind-key    -T prefix       C-r                  run-shell ${PLUGINS}/tmux-resurrect/scripts/restore.sh`,
        `bind-key    -T prefix       C-s                  run-shell ${PLUGINS}/tmux-resurrect/scripts/save.sh`,
      ],
    },
    configs: [text(`${HOME}/.tmux.conf`, TMUX_CONF), text(`${HOME}/.config/tmux/tmux.conf`, null)],
    plugins: {
      dir: PLUGINS,
      exists: true,
      entries: (['tmux-continuum', 'tmux-resurrect', 'tpm'] as const).map((n) => ({
        ...dir(n),
        revision: REVISIONS[n],
      })),
      resurrectScripts: [
        exe('check_tmux_version.sh', 1928),
        file('helpers.sh', '-rw-r--r--', 3731),
        file('process_restore_helpers.sh', '-rw-r--r--', 5754),
        exe('restore.exp', 324),
        exe('restore.sh', 12228),
        exe('save.sh', 8307),
        file('spinner_helpers.sh', '-rw-r--r--', 124),
        exe('tmux_spinner.sh', 604),
        file('variables.sh', '-rw-r--r--', 1652),
      ],
      continuumScripts: [
        exe('check_tmux_version.sh', 785),
        exe('continuum_restore.sh', 952),
        exe('continuum_save.sh', 1865),
        exe('continuum_status.sh', 606),
        dir('handle_tmux_automatic_start'),
        exe('handle_tmux_automatic_start.sh', 822),
        file('helpers.sh', '-rw-r--r--', 1032),
        file('shared.sh', '-rw-r--r--', 140),
        file('variables.sh', '-rw-r--r--', 1706),
      ],
      tpmScript: exe('tpm', 2439),
    },
    saveDirs: [
      healthySaveDir(),
      {
        role: 'home',
        path: `${HOME}/.tmux/resurrect`,
        exists: false,
        writable: false,
        files: [],
        listingTruncated: false,
        recent: [],
      },
    ],
    dotfiles: [
      text(`${HOME}/.zshenv`, 'eval "$(/opt/homebrew/bin/brew shellenv)"\n'),
      text(`${HOME}/.zprofile`, 'eval "$(/opt/homebrew/bin/brew shellenv)"\n'),
      text(`${HOME}/.zshrc`, 'export EDITOR=vim\n'),
      text(`${HOME}/.zlogout`, null),
    ],
    noAutoRestore: false,
    processes: [
      { pid: 812, ppid: 1, uid: UID, etime: '05:00:00', command: 'tmux new-session -d -s cal-dev' },
      { pid: 1904, ppid: 1890, uid: UID, etime: '04:58:10', command: 'tmux attach -t cal-dev' },
    ],
    scripts: [],
    launchAgents: [],
    launchctl: [],
    savedDirs: [],
    continuumLocks: [],
  };
}

/** A healthy snapshot changed by `mutate` (which may edit in place or return a new Facts). */
// biome-ignore lint/suspicious/noConfusingVoidType: callers edit in place (void) or return a new Facts
export function withFacts(mutate: (f: Facts) => void | Facts): Facts {
  const f = healthyFacts();
  return mutate(f) ?? f;
}

export function ctxOf(facts: Facts, extra: Partial<CheckContext> = {}): CheckContext {
  return { facts, targetKind: 'ssh', ...extra };
}

/** Run a check the way the engine does (appliesTo first) and always get a list of results. */
export async function runOn(check: Check, facts: Facts, extra: Partial<CheckContext> = {}): Promise<Result[]> {
  const ctx = ctxOf(facts, extra);
  const applies = check.appliesTo ? check.appliesTo(ctx) : true;
  if (applies !== true) return [{ status: 'skip', summary: typeof applies === 'string' ? applies : 'not applicable' }];
  const r = await check.run(ctx);
  return Array.isArray(r) ? r : [r];
}

const RANK = { skip: 0, pass: 1, info: 2, warn: 3, fail: 4, error: 5 } as const;

/**
 * The verdict the report shows for a check: its worst result; when every result passes,
 * the one pass the engine merges them into.
 */
export function verdict(results: Result[]): Result {
  if (results.every((r) => r.status === 'pass')) return foldResults(results);
  return results.reduce((w, r) => (RANK[r.status] > RANK[w.status] ? r : w), results[0]!);
}

/** The first result with this status (throws when there is none, so tests fail clearly). */
export function withStatus(results: Result[], status: Result['status']): Result {
  const r = results.find((x) => x.status === status);
  if (!r) throw new Error(`no ${status} result in: ${JSON.stringify(results.map((x) => [x.status, x.summary]))}`);
  return r;
}

export const text$ = (r: Result) => [r.summary, ...(r.details ?? []), ...(r.fix ?? [])].join('\n');
export const fix$ = (r: Result) => (r.fix ?? []).join('\n');
