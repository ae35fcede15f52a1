// The target-side scripts: valid POSIX sh for dash, bash --posix (macOS /bin/sh) and
// shellcheck; and, run for real here against a server that does not exist, they say so.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_START_COMMAND } from '../../src/persist/persist.js';
import {
  type CommonVars,
  cleanupScript,
  inspectScript,
  markerScript,
  parseRecords,
  rawRecord,
  saveScript,
  settleScript,
  startScript,
  stopServerScript,
} from '../../src/persist/scripts.js';
import { shellWord as shq } from '../../src/remote/assemble.js';
import { LocalTarget } from '../../src/targets/local.js';

const which = (cmd: string) =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
const c: CommonVars = { tmux: '/usr/bin/tmux', tmuxTimeoutSec: 2 };
const marker = {
  session: 'cal-doctor-e2e',
  base: '/h/.cache/cal-doctor/e2e',
  plain: '/h/.cache/cal-doctor/e2e/plain',
  spaced: '/h/.cache/cal-doctor/e2e/dir with space',
  token: 'cal-doctor-e2e:abc123',
  scrollTimeoutSec: 5,
};
const scripts: Record<string, string> = {
  inspect: inspectScript({ ...c, tmux: '' }),
  start: startScript(c, {
    startCommand: DEFAULT_START_COMMAND,
    startTimeoutSec: 30,
    snapshotDir: '/h/.local/share/tmux/resurrect',
  }),
  settle: settleScript(c, { maxSec: 10, watch: 'cal-doctor-e2e', captureTarget: '=cal-doctor-e2e:0.0', lastDir: '/d' }),
  marker: markerScript(c, marker),
  save: saveScript(c, { saveTimeoutSec: 30 }),
  stop: stopServerScript(c, { graceSec: 10 }),
  cleanup: cleanupScript(c, { ...marker, settleSec: 5 }),
};

const dir = mkdtempSync(join(tmpdir(), 'cal-persist-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('persist scripts are portable sh', () => {
  for (const [name, text] of Object.entries(scripts)) {
    for (const shell of ['dash', 'bash', 'sh']) {
      it.skipIf(!which(shell))(
        `${name}: ${shell} -n accepts it${shell === 'bash' ? ' (--posix, as macOS /bin/sh)' : ''}`,
        () => {
          const args = shell === 'bash' ? ['--posix', '-n'] : ['-n'];
          const r = spawnSync(shell, args, { input: text, encoding: 'utf8' });
          expect(r.stderr).toBe('');
          expect(r.status).toBe(0);
        },
      );
    }
    it.skipIf(!which('shellcheck'))(`${name}: shellcheck -s sh is clean`, () => {
      const f = join(dir, `${name}.sh`);
      writeFileSync(f, text);
      const r = spawnSync('shellcheck', ['-s', 'sh', f], { encoding: 'utf8' });
      expect(r.stdout).toBe('');
      expect(r.status).toBe(0);
    });
    it(`${name}: uses none of the GNU-only tools macOS lacks`, () => {
      expect(text).not.toMatch(/\btimeout \d|stat -c|readlink -f|sed -i|date -d|find [^\n]*-printf|xargs -d|sha256sum/);
    });
  }

  it('quotes every value as one word', () => {
    const r = spawnSync('sh', ['-c', `printf '%s' ${shq(`it's a "x" $HOME \\ \`y\``)}`], { encoding: 'utf8' });
    expect(r.stdout).toBe(`it's a "x" $HOME \\ \`y\``);
  });

  it('refuses a marker name or token that could break the scripts', () => {
    expect(() => markerScript(c, { ...marker, session: 'a b' })).toThrow(/marker session name/);
    expect(() => markerScript(c, { ...marker, token: "x'; rm -rf ~" })).toThrow(/token/);
  });
});

describe('records', () => {
  it('round-trip any bytes, keep repeated keys, ignore other lines', () => {
    const out = Buffer.from(
      `noise\n@@a\n${Buffer.from('x\ty\n').toString('base64')}\n@@a\n${Buffer.from('2').toString('base64')}\n@@bin\n${Buffer.from([0, 255, 10]).toString('base64')}\n@@end\nMQ==\n`,
    );
    const r = parseRecords(out);
    expect(r.get('a')).toEqual(['x\ty\n', '2']);
    expect(r.has('end')).toBe(true);
    expect(rawRecord(out, 'bin')).toEqual(Buffer.from([0, 255, 10]));
    expect(rawRecord(out, 'missing')).toBeUndefined();
  });
});

describe('persist scripts against a target with no tmux server (a throwaway HOME and socket dir)', () => {
  const home = join(dir, 'home');
  const tmuxTmp = join(dir, 'tmux');
  mkdirSync(home, { recursive: true });
  mkdirSync(tmuxTmp, { recursive: true, mode: 0o700 });
  const target = new LocalTarget({
    HOME: home,
    TMUX_TMPDIR: tmuxTmp,
    SHELL: '/bin/sh',
    PATH: '/usr/local/bin:/usr/bin:/bin',
  });
  const run = async (text: string) => parseRecords((await target.runScript(text, { timeoutMs: 30_000 })).stdout);

  it.skipIf(!which('tmux'))('inspect finds tmux by an absolute path and no server', async () => {
    const r = await run(scripts.inspect!);
    expect(r.get('tmux')?.[0]).toMatch(/^\/.*\/tmux$/);
    expect(r.get('home')?.[0]).toBe(home);
    expect(r.get('sock')?.[0]).toBe(`${tmuxTmp}/tmux-${process.getuid?.()}/default`);
    expect(r.get('srv.ping')?.[0]).not.toBe('0');
    expect(r.has('end')).toBe(true);
  });

  it.skipIf(!which('tmux'))('stop, cleanup and settle say there is nothing, quickly', async () => {
    const t0 = Date.now();
    expect((await run(stopServerScript(c, { graceSec: 5 }))).get('stop.noserver')).toEqual(['1']);
    const clean = await run(
      cleanupScript(c, {
        ...marker,
        base: join(home, 'e2e'),
        plain: join(home, 'e2e/plain'),
        spaced: join(home, 'e2e/dir with space'),
      }),
    );
    expect(clean.get('killed')).toEqual(['noserver']);
    // (bounded at 3 s: plugin scripts of another server of this user, e.g. tests running
    // elsewhere on this machine, keep it waiting, which is what it is for)
    const settle = await run(settleScript(c, { maxSec: 3 }));
    expect(settle.get('settle.timedout')?.[0]).toMatch(/^[01]$/);
    expect(settle.get('srv.ping')?.[0]).not.toBe('0');
    expect(Date.now() - t0).toBeLessThan(8000);
  });

  it.skipIf(!which('tmux'))('save reports no server without touching anything', async () => {
    const r = await run(scripts.save!);
    expect(r.get('srv.ping')?.[0]).not.toBe('0');
    expect(r.has('save.rc')).toBe(false);
  });
});
