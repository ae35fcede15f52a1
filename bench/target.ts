// The realistic target the bench measures against, all on loopback and all from the test
// harness: a throwaway HOME with the real TPM/resurrect/continuum, a tmux server started
// from a login shell (so TPM loads) with 3 sessions / 10 windows / 20 panes, a real save of
// that layout, a save dir with a long history, and N test sshds that all serve that HOME.
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type Home, makeHome } from '../test/harness/home.js';
import { type Sshd, startSshd } from '../test/harness/sshd.js';
import { killServer, save, startServerLogin, tmuxCmd } from '../test/harness/tmux.js';
import { cleanupAtExit, makeTempDir, sleep } from '../test/harness/util.js';

interface Layout {
  sessions: number;
  windows: number;
  panes: number;
}

/** The save-dir contents the bench can swap in (renamed into place, nothing else changes). */
export type HistoryName = 'main' | 'one' | 'big';

export interface BenchTarget {
  home: Home;
  /** every sshd serves the same HOME and tmux server; all accept `key` */
  sshds: Sshd[];
  key: string;
  /** known_hosts holding the host key of every sshd */
  knownHosts: string;
  /** `user@127.0.0.1:port` of each sshd */
  hosts: string[];
  /** scratch dir for the bench's own files (removed by stop) */
  scratch: string;
  layout: Layout;
  /** number of save files in each history */
  historySizes: Record<HistoryName, number>;
  /** what the save dir now holds */
  current: HistoryName;
  useHistory(name: HistoryName): void;
  stop(): Promise<void>;
}

export interface TargetOptions {
  sshds: number;
  /** saves in the main history */
  mainHistory: number;
  /** saves in the big history (the 10,000 of the issue) */
  bigHistory: number;
  log: (s: string) => void;
}

const WANT: Layout = { sessions: 3, windows: 10, panes: 20 };

export async function buildTarget(opts: TargetOptions): Promise<BenchTarget> {
  const scratch = makeTempDir('cal-bench-');
  const forgetScratch = cleanupAtExit(() => rmSync(scratch, { recursive: true, force: true }));
  const home = makeHome();
  const sshds: Sshd[] = [];
  const stop = async () => {
    for (const s of sshds) await s.stop().catch(() => undefined);
    await killServer(home).catch(() => undefined);
    home.cleanup();
    forgetScratch();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    opts.log(`starting ${opts.sshds} sshd(s) serving ${home.dir}`);
    for (let i = 0; i < opts.sshds; i++) sshds.push(await startSshd({ env: home.env() }));
    const first = sshds[0]!;
    const key = first.clientKey;
    const pub = readFileSync(`${key}.pub`, 'utf8');
    const knownHosts = join(scratch, 'known_hosts');
    writeFileSync(knownHosts, '');
    for (const s of sshds) {
      if (s !== first) appendFileSync(join(s.dir, 'authorized_keys'), pub);
      appendFileSync(knownHosts, readFileSync(s.knownHosts, 'utf8'));
    }

    opts.log('starting tmux from a login shell (TPM loads the real plugins)');
    const server = await startServerLogin(home, { timeoutMs: 20_000 });
    const project = server.layout!.dirs.project;
    const layout = await growLayout(home, project);
    if (layout.sessions !== WANT.sessions || layout.windows !== WANT.windows || layout.panes !== WANT.panes) {
      throw new Error(`layout: wanted ${JSON.stringify(WANT)}, got ${JSON.stringify(layout)}`);
    }
    // let the 20 shells draw their prompts, so the save captures real pane contents
    await sleep(500);
    opts.log('saving the layout with resurrect (a real save.sh run)');
    const real = await save(home, { quiet: true, timeoutMs: 30_000 });
    const paneLines = real.content.split('\n').filter((l) => l.startsWith('pane\t')).length;
    if (paneLines !== WANT.panes) throw new Error(`the real save holds ${paneLines} pane lines, wanted ${WANT.panes}`);

    opts.log(`writing histories: ${opts.mainHistory} saves (main), 1 save, ${opts.bigHistory} saves`);
    const tarball = join(home.saveDir, 'pane_contents.tar.gz');
    const valid = real.content;
    const sizes: Record<HistoryName, number> = { main: opts.mainHistory, one: 1, big: opts.bigHistory };
    const dirOf = (name: HistoryName) => `${home.saveDir}.${name}`;
    for (const name of ['main', 'one', 'big'] as const)
      writeHistory(dirOf(name), sizes[name], valid, existsSync(tarball) ? tarball : undefined);
    rmSync(home.saveDir, { recursive: true, force: true });
    renameSync(dirOf('main'), home.saveDir);

    const target: BenchTarget = {
      home,
      sshds,
      key,
      knownHosts,
      hosts: sshds.map((s) => `${s.user}@${s.host}:${s.port}`),
      scratch,
      layout,
      historySizes: sizes,
      current: 'main',
      useHistory(name) {
        if (name === target.current) return;
        renameSync(home.saveDir, dirOf(target.current));
        renameSync(dirOf(name), home.saveDir);
        target.current = name;
      },
      stop,
    };
    return target;
  } catch (e) {
    await stop();
    throw e;
  }
}

async function countLayout(home: Home): Promise<Layout> {
  const [s, w, p] = await Promise.all([
    tmuxCmd(home, 'list-sessions', '-F', '#{session_name}'),
    tmuxCmd(home, 'list-windows', '-a', '-F', '#{session_name}:#{window_index}'),
    tmuxCmd(home, 'list-panes', '-a', '-F', '#{pane_id}'),
  ]);
  const n = (x: string) => x.split('\n').filter(Boolean).length;
  return { sessions: n(s), windows: n(w), panes: n(p) };
}

/**
 * From the harness layout (cal-dev: 2 windows / 3 panes, notes: 1 / 1) to 3 sessions,
 * 10 windows, 20 panes: a `work` session, more windows, then splits spread over windows.
 */
async function growLayout(home: Home, dir: string): Promise<Layout> {
  // the windows: cal-dev 5, notes 3, work 2 (one tmux call, the commands joined by `;`)
  const window = (session: string, name: string, cwd = dir) => [
    'new-window',
    '-d',
    '-t',
    `${session}:`,
    '-n',
    name,
    '-c',
    cwd,
  ];
  const commands = [
    window('cal-dev', 'api'),
    window('cal-dev', 'logs', '/tmp'),
    window('cal-dev', 'build'),
    window('notes', 'todo'),
    window('notes', 'scratch'),
    ['new-session', '-d', '-s', 'work', '-x', '200', '-y', '50', '-c', dir],
    window('work', 'db'),
  ];
  await tmuxCmd(home, ...commands.flatMap((c, i) => (i ? [';', ...c] : c)));
  // the panes: split the windows in turn until there are 20
  const windows = (await tmuxCmd(home, 'list-windows', '-a', '-F', '#{session_name}:#{window_index}'))
    .split('\n')
    .filter(Boolean);
  let layout = await countLayout(home);
  for (let i = 0; layout.panes < WANT.panes && i < 100; i++) {
    const w = windows[i % windows.length]!;
    await tmuxCmd(home, 'split-window', '-d', '-t', w, '-c', dir, ';', 'select-layout', '-t', w, 'tiled');
    layout = await countLayout(home);
  }
  return layout;
}

function saveName(t: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `tmux_resurrect_${t.getFullYear()}${p(t.getMonth() + 1)}${p(t.getDate())}T${p(t.getHours())}${p(t.getMinutes())}${p(t.getSeconds())}.txt`;
}

/**
 * `count` save files at continuum's 15-minute pace back from now, mtimes matching their
 * names, `last` a relative symlink to the newest. Mixed like the bug's dirs: valid saves of
 * the real layout and state-only saves (`state\t\t`); the newest three are state-only, so
 * every history has the bug's `last` (a one-save history is that one state-only save).
 */
function writeHistory(dir: string, count: number, valid: string, tarball: string | undefined): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const now = Date.now() - 60_000;
  const stateOnly = 'state\t\t\n';
  let newest = '';
  for (let i = count - 1; i >= 0; i--) {
    // i = 0 is the newest
    const t = new Date(now - i * 15 * 60_000 + (i % 7) * 1000);
    const name = saveName(t);
    const bad = i < 3 || i % 4 === 1;
    const path = join(dir, name);
    writeFileSync(path, bad ? stateOnly : valid);
    utimesSync(path, t, t);
    if (i === 0) newest = name;
  }
  symlinkSync(newest, join(dir, 'last'));
  if (tarball) copyFileSync(tarball, join(dir, 'pane_contents.tar.gz'));
}
