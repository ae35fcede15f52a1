// The config corpus (test/fixtures/configs/<name>): each layout run against a real tmux
// server started from a login shell, with the real plugins placed where that config expects
// them, a real save taken, then the whole doctor (`--local --format json`, the built CLI).
// Every plugin/config check must give the manifest's verdict, and a working setup exits 0.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Home, makeHome, VENDOR_PLUGINS_DIR } from '../harness/home.js';
import { killServer, startServerLogin, tmuxAvailable, tmuxTry } from '../harness/tmux.js';
import { run } from '../harness/util.js';

const CORPUS = fileURLToPath(new URL('../fixtures/configs/', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/cal-doctor.js', import.meta.url));
const CHECKS = [
  'config.file',
  'plugins.tpm',
  'plugins.resurrect',
  'plugins.continuum',
  'continuum.server-count',
  'resurrect.pane-contents',
  'resurrect.dir',
] as const;

interface Manifest {
  pattern: string;
  /** plugin name → its dir, relative to HOME */
  plugins: Record<string, string>;
  /** symlinks to make: link (relative to HOME) → target (relative to HOME) */
  links?: Record<string, string>;
  /** the layout has no ~/.tmux.conf */
  noTmuxConf?: boolean;
  /** tmux rejects or cannot load it: no save is taken */
  broken?: boolean;
  /** the files get CRLF line ends (kept LF in the repo) */
  crlf?: boolean;
  /** no server is started: the doctor judges from the config */
  noServer?: boolean;
  expect: Record<(typeof CHECKS)[number], string>;
  exit: number;
}

interface Outcome {
  code: number | null;
  checks: Array<{ id: string; status: string; summary: string; details: string[] }>;
}

const names = existsSync(CORPUS) ? readdirSync(CORPUS).sort() : [];

function writable(path: string): void {
  chmodSync(path, 0o755);
  for (const e of readdirSync(path, { withFileTypes: true })) if (e.isDirectory()) writable(join(path, e.name));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/** A home laid out as the config's author has it: their files, links and plugin places. */
function homeFor(name: string, m: Manifest): Home {
  const home = makeHome({ plugins: [] });
  rmSync(join(home.dir, '.tmux'), { recursive: true, force: true });
  if (m.noTmuxConf) rmSync(join(home.dir, '.tmux.conf'));
  cpSync(join(CORPUS, name, 'home'), home.dir, { recursive: true });
  if (m.crlf) for (const f of filesUnder(home.dir)) writeFileSync(f, readFileSync(f, 'utf8').replace(/\n/g, '\r\n'));
  for (const [link, target] of Object.entries(m.links ?? {})) symlinkSync(join(home.dir, target), join(home.dir, link));
  for (const [plugin, rel] of Object.entries(m.plugins)) {
    mkdirSync(dirname(join(home.dir, rel)), { recursive: true });
    cpSync(join(VENDOR_PLUGINS_DIR, plugin), join(home.dir, rel), { recursive: true });
    writable(join(home.dir, rel));
  }
  return home;
}

/**
 * Until no tmux client but the server, and no plugin script, has run for half a second:
 * continuum's auto-restore (its spinner calls tmux every 0.1 s) and the layout's own calls
 * finish. Otherwise continuum.server-count rightly reports a tmux process besides the server.
 */
async function settled(serverPid: number): Promise<void> {
  let quiet = 0;
  for (let i = 0; i < 150 && quiet < 5; i++) {
    const ps = await run('ps', ['-e', '-o', 'pid=', '-o', 'args='], { env: { PATH: process.env.PATH ?? '' } });
    const others = ps.stdout
      .split('\n')
      .map((l) => l.trim().match(/^(\d+)\s+(.*)$/))
      .filter(
        (m) =>
          m &&
          Number(m[1]) !== serverPid &&
          (/^tmux(\s|$)/.test(m[2]!) || /tmux-(resurrect|continuum)\/scripts\//.test(m[2]!)),
      );
    quiet = others.length === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function prepare(home: Home, m: Manifest): Promise<void> {
  if (m.noServer) return;
  const server = await startServerLogin(home, { waitForPlugins: false });
  if (!m.broken) {
    const rdir = join(home.dir, m.plugins['tmux-resurrect']!);
    const out = await tmuxTry(home, ['run-shell', `'${rdir}/scripts/save.sh'`], 15_000);
    if (out.code !== 0) throw new Error(`save.sh: exit ${out.code}: ${out.stderr}`);
  }
  await settled(server.pid);
}

async function doctor(home: Home): Promise<Outcome> {
  const out = await run(process.execPath, [CLI, '--local', '--format', 'json'], {
    env: home.env(),
    cwd: home.dir,
    timeoutMs: 30_000,
  });
  return { code: out.code, checks: JSON.parse(out.stdout).checks };
}

describe.skipIf(!tmuxAvailable() || names.length === 0)('config corpus against a real tmux server', () => {
  for (const name of names) {
    const m = JSON.parse(readFileSync(join(CORPUS, name, 'manifest.json'), 'utf8')) as Manifest;
    describe(`${name}: ${m.pattern}`, () => {
      let home: Home;
      let got: Outcome;
      beforeAll(async () => {
        home = homeFor(name, m);
        await prepare(home, m);
        got = await doctor(home);
      }, 60_000);
      afterAll(async () => {
        if (home) {
          await killServer(home);
          home.cleanup();
        }
      });

      it(`gives the expected verdicts${m.exit === 0 ? ', no fail, exit 0' : ''}`, () => {
        const verdicts = Object.fromEntries(CHECKS.map((id) => [id, got.checks.find((c) => c.id === id)?.status]));
        const why = got.checks
          .filter((c) => c.status === 'fail' || (CHECKS as readonly string[]).includes(c.id))
          .map((c) => `${c.id}=${c.status}: ${c.summary}\n    ${c.details.slice(0, 6).join('\n    ')}`)
          .join('\n');
        expect(verdicts, why).toEqual(m.expect);
        if (m.exit === 0)
          expect(
            got.checks.filter((c) => c.status === 'fail').map((c) => c.id),
            why,
          ).toEqual([]);
        expect(got.code, why).toBe(m.exit);
      });
    });
  }
});
