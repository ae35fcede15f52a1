// Evidence for the active round-trip check (resurrect.roundtrip): fingerprints of the
// user's own tmux state, and a search for anything the sandbox could have left behind.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expectedPanes } from '../../src/active/roundtrip.js';
import type { Home } from './home.js';
import { tmuxTry } from './tmux.js';
import { alive, sleep } from './util.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * Hashes of everything the check must not change: the user's server (`list-sessions`,
 * `list-windows -a`, `list-panes -a` with ids, paths and pids) and every file and link in
 * the save dirs (`last` by its link target and bytes). Keys name what was hashed.
 */
export async function userState(home: Home): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const formats: Record<string, string[]> = {
    'list-sessions': ['list-sessions', '-F', '#{session_id} #{session_name} #{session_windows} #{session_created}'],
    'list-windows': [
      'list-windows',
      '-a',
      '-F',
      '#{window_id} #{session_name}:#{window_index} #{window_name} #{window_layout}',
    ],
    'list-panes': [
      'list-panes',
      '-a',
      '-F',
      '#{pane_id} #{session_name}:#{window_index}.#{pane_index} #{pane_pid} #{pane_current_path}',
    ],
    'show-options': ['show-options', '-g'],
  };
  for (const [name, args] of Object.entries(formats)) {
    const out = await tmuxTry(home, args);
    // options are long and uninteresting in a diff; the lists are short and say what moved
    state[`server ${name}`] = `${out.code} ${name === 'show-options' ? sha(out.stdout) : out.stdout}`;
  }
  for (const dir of [home.saveDir, join(home.dir, '.tmux', 'resurrect')]) {
    if (!existsSync(dir)) {
      state[dir] = 'absent';
      continue;
    }
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      state[p] = st.isSymbolicLink()
        ? `-> ${readlinkSync(p)} ${existsSync(p) ? sha(readFileSync(p)) : 'dangling'}`
        : st.isFile()
          ? sha(readFileSync(p))
          : 'dir';
    }
  }
  return state;
}

/**
 * userState once the server has settled: a fresh server's pane shells are still starting
 * (window names follow the running command), so the state is taken until two in a row,
 * 250 ms apart, agree (at most ~5 s; then the last one).
 */
export async function settledUserState(home: Home): Promise<Record<string, string>> {
  // first every pane at its shell's prompt (a login shell's profile runs commands that rename
  // the window for a moment; on a loaded machine that moment outlasts the 250 ms below)
  for (let i = 0; i < 40; i++) {
    const cmds = (await tmuxTry(home, ['list-panes', '-a', '-F', '#{pane_current_command}'])).stdout;
    if (cmds.split('\n').every((c) => c === '' || /^-?(ba|z|da)?sh$/.test(c))) break;
    await sleep(125);
  }
  let prev = await userState(home);
  for (let i = 0; i < 20; i++) {
    await sleep(250);
    const next = await userState(home);
    if (JSON.stringify(next) === JSON.stringify(prev)) return next;
    prev = next;
  }
  return prev;
}

/** `/tmp/cal-doctor.*` dirs that exist now. */
export function sandboxDirs(): string[] {
  return readdirSync('/tmp')
    .filter((n) => n.startsWith('cal-doctor.'))
    .map((n) => join('/tmp', n));
}

/**
 * Sandbox dirs made since `before` that are still there after `graceMs`: other runs going on
 * at the same time (another test file, a developer's --active) remove theirs in seconds, a
 * leaked one stays.
 */
export async function leakedDirs(before: string[], graceMs = 6000): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = sandboxDirs().filter((d) => !before.includes(d));
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `cal-doctor-*` sockets in the home's socket dir (the check must never put one there). */
export function sandboxSocketsIn(home: Home): string[] {
  const dir = join(home.tmuxTmpdir, `tmux-${process.getuid?.() ?? 0}`);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.startsWith('cal-doctor-'))
        .map((n) => join(dir, n))
    : [];
}

/** A sandbox socket name (`cal-doctor-<hex id>-a|b`) and a sandbox dir (`/tmp/cal-doctor.XXXXXXXX`). */
const ANY_SOCKET_NAME = /cal-doctor-[0-9a-f]{4,32}-[ab]\b/;
const ANY_SANDBOX_DIR = /\/tmp\/cal-doctor\.[A-Za-z0-9]{8}(\/|$|\0|\s)/;

/**
 * Live (not zombie) processes that belong to a sandbox: a sandbox socket name or dir in
 * their argv, their cwd inside a sandbox dir (the panes' timers), or a sandbox dir in their
 * environment (TMUX of run-shell jobs, the sandbox HOME, CAL_RT_W of a login shell). With
 * `dir`, only that sandbox's (other runs may be going on at the same time).
 */
export function sandboxProcesses(dir?: string): Array<{ pid: number; argv: string }> {
  const inDir = (text: string) =>
    dir ? text.includes(`${dir}/`) || text.split(/[\0\s=:]/).includes(dir) : ANY_SANDBOX_DIR.test(text);
  const namesSocket = (argv: string) => !dir && ANY_SOCKET_NAME.test(argv);
  const found: Array<{ pid: number; argv: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      let hit = namesSocket(argv) || inDir(argv);
      if (!hit) {
        try {
          hit = inDir(`${readlinkSync(`/proc/${pid}/cwd`)}/`);
        } catch {
          // another user's process
        }
      }
      if (!hit) hit = inDir(readFileSync(`/proc/${pid}/environ`, 'utf8'));
      if (hit && alive(pid)) found.push({ pid, argv: argv.trim() });
    } catch {
      // exited while we looked, or not ours
    }
  }
  return found;
}

export interface ScriptRun {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/**
 * Runs a script with `/bin/sh -s` (or `shell`) as LocalTarget does (own process group, exactly `env`),
 * and calls `during(pid)` while it runs (to signal it). Killed after `timeoutMs`.
 */
export function runScriptLocally(
  script: string,
  env: Record<string, string>,
  opts: { timeoutMs?: number; during?: (pid: number) => void | Promise<void>; shell?: string[] } = {},
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const [cmd, ...args] = opts.shell ?? ['/bin/sh', '-s'];
    const child = spawn(cmd!, args, { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, opts.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ stdout: Buffer.concat(out), stderr: err, code, signal, ms: performance.now() - t0 });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(script);
    if (opts.during) Promise.resolve(opts.during(child.pid!)).catch(reject);
  });
}

// ---------------------------------------------------------------------------------
// records shaped like the round-trip script prints them (for unit tests)

/** A kv record: NUL-ended items, base64 (wrapped at 76 columns like GNU base64 when `wrap`). */
export function rec(key: string, items: string[], wrap = false): string {
  const b64 = Buffer.from(items.map((i) => `${i}\0`).join(''), 'utf8').toString('base64');
  return `@@${key}\n${wrap ? (b64.match(/.{1,76}/g) ?? ['']).join('\n') : b64}\n`;
}

export function raw(key: string, bytes: Buffer | string): string {
  return `@@${key}\n${Buffer.from(bytes).toString('base64')}\n`;
}

const SANDBOX = '/tmp/cal-doctor.Ab12Cd34';
/** the layout root as `pwd -P` gives it on macOS */
const rootOf = (label: string) => `/private${SANDBOX}/${label}/layout`;
export const ROOT = rootOf('nonlogin');

/** What resurrect's save.sh writes for the layout (first space of a dir escaped). */
export function layoutSave(opts: { label?: string; without?: string } = {}): string {
  const root = rootOf(opts.label ?? 'nonlogin');
  const panes = expectedPanes().filter((p) => p.session !== opts.without);
  const lines = panes.map((p) =>
    [
      'pane',
      p.session,
      p.window,
      p.window === 0 ? 1 : 0,
      p.window === 0 ? ':*' : ':',
      p.pane,
      'cal-dev',
      `:${root}/${p.dir}`.replace(' ', '\\ '),
      p.pane === 0 ? 1 : 0,
      'sleep',
      ':',
    ].join('\t'),
  );
  const windows = [...new Set(panes.map((p) => `${p.session}\t${p.window}`))].map((w) => {
    const [s, i] = w.split('\t');
    return ['window', s, i, ':sleep', i === '0' ? 1 : 0, i === '0' ? ':*' : ':', 'cbfd,160x48,0,0,0', ':'].join('\t');
  });
  return `${[...lines, ...windows, 'state\t\t'].join('\n')}\n`;
}

/** `list-panes -a` of the layout, US-separated. */
export function paneList(label = 'nonlogin'): string {
  return expectedPanes()
    .map((p) => [p.session, p.window, p.pane, `${rootOf(label)}/${p.dir}`].join('\x1f'))
    .join('\n');
}

function step(
  label: string,
  n: number,
  name: string,
  status: 'ok' | 'warn' | 'fail',
  items: Record<string, string>,
  ms = 100,
): string {
  return rec(`${label}.step.${n}`, [
    `name=${name}`,
    `status=${status}`,
    `ms=${ms}`,
    ...Object.entries(items).map(([k, v]) => `${k}=${v}`),
  ]);
}

/** save.sh's output from a server whose PATH has no tmux (trimmed from a real run). */
export const BREW_SAVE_OUT = [
  '/p/scripts/helpers.sh: line 20: tmux: command not found',
  '/p/scripts/check_tmux_version.sh: line 52: tmux: command not found',
  '/p/scripts/check_tmux_version.sh: line 67: [: : integer expression expected',
  '/p/scripts/save.sh: line 85: tmux: command not found',
  '/p/scripts/helpers.sh: line 20: tmux: command not found',
  '/p/scripts/helpers.sh: line 20: tmux: command not found',
  '/p/scripts/helpers.sh: line 20: tmux: command not found',
  '/p/scripts/helpers.sh: line 20: tmux: command not found',
].join('\n');

export interface FakeRunOptions {
  /** the non-login run is the Homebrew case: tmux by full path, server PATH without it */
  brewNonLogin?: boolean;
  /** overrides for the non-login save step */
  save?: { status: 'ok' | 'warn' | 'fail'; items: Record<string, string>; noSave?: boolean };
  /** the non-login save file's bytes */
  saveBytes?: string;
  /** the non-login restore's list-panes */
  restorePanes?: string;
  /** the non-login run ends after this step */
  cutAfter?: string;
  /** the non-login run's exit status */
  rc?: number;
}

/** A whole output: both runs healthy unless `opts` break the non-login one. */
export function healthyOutput(opts: FakeRunOptions = {}): string {
  let s = '';
  for (const label of ['login', 'nonlogin'] as const) {
    const nl = label === 'nonlogin';
    const brew = nl && opts.brewNonLogin;
    const dir = `${SANDBOX}/${label}`;
    const steps: Array<[string, 'ok' | 'warn' | 'fail', Record<string, string>]> = [
      [
        'env',
        'ok',
        {
          path: brew ? '/usr/bin:/bin' : '/opt/homebrew/bin:/usr/bin:/bin',
          found: brew ? '' : '/opt/homebrew/bin/tmux',
          home: '/Users/admin',
          shell: '/bin/zsh',
          tmux: '/opt/homebrew/bin/tmux',
          how: brew ? 'fallback' : 'path',
          version: 'tmux 3.5a',
        },
      ],
      [
        'start',
        'ok',
        {
          socket: `${dir}/cal-doctor-0123abcd-a`,
          pid: '4242',
          srvpath: brew ? '/usr/bin:/bin' : '/opt/homebrew/bin:/usr/bin:/bin',
          srvtmux: brew ? '' : '/opt/homebrew/bin/tmux',
          root: rootOf(label),
        },
      ],
      ['layout', 'ok', { panes: paneList(label), rc: '0' }],
      brew
        ? [
            'load',
            'warn',
            {
              rc: '127',
              client: '',
              out: '/p/scripts/helpers.sh: line 20: tmux: command not found\n/p/resurrect.tmux: line 12: tmux: command not found',
              savepath: '',
            },
          ]
        : ['load', 'ok', { rc: '0', client: '', out: '', savepath: '/p/scripts/save.sh' }],
      brew
        ? [
            'save',
            'fail',
            {
              rc: '0',
              client: '',
              out: BREW_SAVE_OUT,
              dir: `${dir}/save`,
              ls: 'total 0',
              'stray.0.dir': `${dir}/home/.local/share/tmux/resurrect`,
              'stray.0.ls':
                'total 8\ndrwxr-xr-x 2 501 20 4096 Jun  2 09:00 .\nlrwxr-xr-x 1 501 20 34 Jun  2 09:00 last -> tmux_resurrect_20250602T090000.txt\n-rw-r--r-- 1 501 20 0 Jun  2 09:00 tmux_resurrect_20250602T090000.txt',
            },
          ]
        : nl && opts.save
          ? ['save', opts.save.status, { dir: `${dir}/save`, ...opts.save.items }]
          : [
              'save',
              'ok',
              {
                rc: '0',
                client: '',
                out: '',
                dir: `${dir}/save`,
                ls: '-rw-r--r-- 1 501 20 600 Jun  2 09:00 tmux_resurrect_20250602T090000.txt',
                'last.target': 'tmux_resurrect_20250602T090000.txt',
              },
            ],
      ['kill', 'ok', { rc: '0', out: '' }],
      ['restart', 'ok', { socket: `${dir}/cal-doctor-0123abcd-b`, pid: '4343', rc: '0', out: '' }],
      [
        'restore',
        'ok',
        {
          rc: '0',
          client: '',
          out: 'no current client',
          panes: nl && opts.restorePanes !== undefined ? opts.restorePanes : paneList(label),
          'panes.rc': '0',
        },
      ],
    ];
    let n = 0;
    for (const [name, status, items] of steps) {
      const saveFails = name === 'save' && (brew || (nl && opts.save?.noSave));
      if (name === 'save' && !saveFails)
        s += raw(`${label}.savefile`, nl && opts.saveBytes !== undefined ? opts.saveBytes : layoutSave({ label }));
      s += step(label, n++, name, status, items);
      if (status === 'fail' || (nl && opts.cutAfter === name)) break;
    }
    s += rec(`${label}.cleanup`, ['ms=3', 'killed= 4242 4343']);
  }
  s += rec('rt', [
    `tmp=${SANDBOX}`,
    'clock=ns',
    'budget=3.8',
    'shell=/bin/zsh',
    'login.ran=1',
    'nonlogin.ran=1',
    'login.rc=0',
    'login.log=',
    `nonlogin.rc=${opts.rc ?? 0}`,
    'nonlogin.log=',
    'reaped=0',
    'removed=1',
    'ms=1890',
  ]);
  return `${s}@@end\n`;
}
