// Where the test suite finds the real tmux plugins (TPM, tmux-resurrect, tmux-continuum) at
// the revisions pinned in tmux-plugins.lock, and how it gets them.
//
//   tsx scripts/plugins.ts           find them, or fetch the pinned commits into .cache/tmux-plugins
//   tsx scripts/plugins.ts --check   find them, or say in one line how to get them (exit 1)
//
// Sources, first match wins: $CAL_DOCTOR_PLUGINS (a dir holding the three, for offline
// machines), ../shared/vendor/tmux-plugins beside the checkout, .cache/tmux-plugins.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, '.cache', 'tmux-plugins');
/** The file each plugin must hold for the dir to count as a copy of it. */
const ENTRY: Record<string, string> = {
  tpm: 'tpm',
  'tmux-resurrect': 'resurrect.tmux',
  'tmux-continuum': 'continuum.tmux',
};

export interface PinnedPlugin {
  name: string;
  url: string;
  commit: string;
}

export function pinnedPlugins(): PinnedPlugin[] {
  return readFileSync(join(ROOT, 'tmux-plugins.lock'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [name = '', url = '', commit = ''] = l.trim().split(/\s+/);
      return { name, url, commit };
    });
}

function complete(dir: string): boolean {
  return pinnedPlugins().every((p) => existsSync(join(dir, p.name, ENTRY[p.name] ?? '')));
}

/** Candidate dirs in the order they are tried, each with how it was chosen. */
function candidates(): Array<{ dir: string; from: string }> {
  const env = process.env.CAL_DOCTOR_PLUGINS;
  return [
    ...(env ? [{ dir: env, from: 'CAL_DOCTOR_PLUGINS' }] : []),
    { dir: join(ROOT, '..', 'shared', 'vendor', 'tmux-plugins'), from: '../shared/vendor/tmux-plugins' },
    { dir: CACHE, from: '.cache/tmux-plugins' },
  ];
}

/** The plugins dir the tests use, or undefined when no source holds all three. */
export function pluginsDir(): string | undefined {
  const env = process.env.CAL_DOCTOR_PLUGINS;
  // an explicit override that is incomplete is an error, not a reason to look elsewhere
  if (env) return complete(env) ? env : undefined;
  return candidates().find((c) => complete(c.dir))?.dir;
}

export const HOW_TO_GET =
  'tmux plugins not found: run `npm run plugins` (clones the commits pinned in tmux-plugins.lock into .cache/tmux-plugins), or set CAL_DOCTOR_PLUGINS=DIR to a dir holding tpm, tmux-resurrect and tmux-continuum';

function fetchPinned(): void {
  mkdirSync(CACHE, { recursive: true });
  for (const p of pinnedPlugins()) {
    const dir = join(CACHE, p.name);
    rmSync(dir, { recursive: true, force: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'inherit' });
    mkdirSync(dir);
    git('init', '-q');
    git('fetch', '-q', '--depth', '1', p.url, p.commit);
    git('checkout', '-q', 'FETCH_HEAD');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let dir = pluginsDir();
  if (!dir && !process.argv.includes('--check') && !process.env.CAL_DOCTOR_PLUGINS) {
    fetchPinned();
    dir = pluginsDir();
  }
  if (!dir) {
    console.error(HOW_TO_GET);
    process.exit(1);
  }
  if (!process.argv.includes('--check')) console.log(`tmux plugins: ${dir}`);
}
