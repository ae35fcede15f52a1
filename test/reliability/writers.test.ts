// The only two writer paths (issue #7), each held to the exact set of changes it may make:
//  - `--fix --yes` on a state-only `last` with a valid older save: `last` now points to the
//    valid save, and nothing else in HOME, the socket dir or the live server changed; a
//    second run changes nothing more (already-ok); `--fix` without --yes changes nothing.
//  - `--active`: the round-trip sandbox comes and goes: HOME, the live server and /tmp are as
//    before, and no throwaway tmux server or process of it is left.
import { existsSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import {
  killServer,
  makeStateOnlySave,
  save,
  startServerLogin,
  tmuxAvailable,
  tmuxCmd,
  waitForShells,
} from '../harness/tmux.js';
import { processesWhereEnv, processesWithEnv, signal, sleep, waitFor } from '../harness/util.js';
import { hostFlags } from '../helpers/cli.js';
import { cliBuilt, runCli } from './cli.js';
import { fingerprintTree, serverState, treeDiff } from './snapshot.js';

const canRun = sshdAvailable() && tmuxAvailable() && cliBuilt();

interface JsonReport {
  error?: { message: string };
  repairs?: Array<{ id: string; status: string; message?: string }>;
  checks: Array<{ id: string; status: string; summary: string }>;
}

describe.skipIf(!canRun)('writer paths change exactly what they say (needs sshd, tmux, plugins, a build)', () => {
  let home: Home;
  let sshd: Sshd;
  let validSave: string;

  beforeAll(async () => {
    home = makeHome();
    sshd = await startSshd({ env: home.env() });
    await startServerLogin(home);
    validSave = (await save(home)).file;
    await makeStateOnlySave(home); // `last` → a state-only save; the valid one is older
    await tmuxCmd(home, 'new-session', '-d', '-s', 'after');
    await waitForShells(home);
    // the hook's saves run in the background: a snapshot taken while one writes its
    // pane-contents archive would see a half-written file change under it
    await waitFor(() => !processesWithEnv('HOME', home.dir).some((p) => p.argv.includes('save.sh')), {
      timeoutMs: 10_000,
      what: 'the background saves to finish',
    });
  });
  afterAll(async () => {
    await sshd?.stop();
    if (home) {
      await killServer(home);
      home.cleanup();
    }
  });

  const target = () => hostFlags(sshd);
  const snapshot = async () => ({ files: fingerprintTree(home.root), server: await serverState(home) });
  const lastTarget = () => readlinkSync(join(home.saveDir, 'last'));

  it('--fix (no --yes) prints the plan and changes nothing', async () => {
    const before = await snapshot();
    const r = await runCli([...target(), '--fix', '--json']);
    const after = await snapshot();
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.repairs?.find((x) => x.id === 'resurrect.relink-last')?.status).toBe('planned');
    expect(treeDiff(before.files, after.files)).toEqual([]);
    expect(after.server).toEqual(before.server);
  });

  it('--fix --yes relinks `last` to the valid save: that link, and its dir entry, are the only changes', async () => {
    const saveDirRel = join('home', '.local', 'share', 'tmux', 'resurrect');
    const lastBefore = lastTarget();
    expect(lastBefore).not.toBe(validSave.split('/').pop());
    const before = await snapshot();
    const r = await runCli([...target(), '--fix', '--yes', '--json']);
    const after = await snapshot();
    const report = JSON.parse(r.stdout) as JsonReport;
    const applied = (report.repairs ?? []).filter((x) => x.status === 'applied').map((x) => x.id);
    expect(applied).toEqual(['resurrect.relink-last']);
    expect(lastTarget()).toBe(validSave.split('/').pop());
    // the exact set: the symlink replaced (new target, new inode) and its directory's times
    const changed = treeDiff(before.files, after.files).map((d) => d.split('\n')[0]);
    expect(changed.sort()).toEqual([`changed: ${saveDirRel}`, `changed: ${join(saveDirRel, 'last')}`].sort());
    // the save files themselves, every one of them, are untouched
    for (const name of readdirSync(home.saveDir).filter((n) => n !== 'last')) {
      const rel = join(saveDirRel, name);
      expect(after.files.get(rel), rel).toBe(before.files.get(rel));
    }
    expect(statSync(validSave).isFile()).toBe(true);
    expect(after.server).toEqual(before.server);
  });

  it('a second --fix --yes finds it done and changes nothing', async () => {
    const before = await snapshot();
    const r = await runCli([...target(), '--fix', '--yes', '--json']);
    const after = await snapshot();
    const report = JSON.parse(r.stdout) as JsonReport;
    expect((report.repairs ?? []).filter((x) => x.status === 'applied')).toEqual([]);
    expect(treeDiff(before.files, after.files)).toEqual([]);
    expect(after.server).toEqual(before.server);
  });

  it('--active: the sandbox comes and goes; HOME, the live server and /tmp are as before, no throwaway server is left', async () => {
    // the sandbox's processes (its tmux servers, their panes, the runner) carry CAL_RT_*=… naming this home's plugins
    const strays = () =>
      processesWhereEnv((env) => env.some((v) => v.startsWith('CAL_RT_') && v.includes(home.pluginsDir)));
    const before = await snapshot();
    // watch the sandbox while it runs: its dir (named in its processes' argv) and its processes
    const sandboxDirs = new Set<string>();
    let seenProcesses = false;
    const watch = setInterval(() => {
      for (const p of strays()) {
        seenProcesses = true;
        for (const m of p.argv.matchAll(/\/tmp\/cal-doctor\.[A-Za-z0-9]+/g)) sandboxDirs.add(m[0]);
      }
    }, 50);
    const r = await runCli([...target(), '--active', '--only', 'resurrect.roundtrip', '--json'], {
      killAfterMs: 120_000,
    });
    clearInterval(watch);
    expect({ seenProcesses, sandboxes: sandboxDirs.size > 0 }).toEqual({ seenProcesses: true, sandboxes: true });
    const after = await snapshot();
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.error).toBeUndefined();
    const rt = report.checks.find((c) => c.id === 'resurrect.roundtrip');
    expect(rt?.status, rt?.summary).not.toBe('skip'); // it really ran
    expect(treeDiff(before.files, after.files)).toEqual([]);
    expect(after.server).toEqual(before.server);
    expect([...sandboxDirs].filter((d) => existsSync(d))).toEqual([]);
    expect(strays()).toEqual([]);
  }, 120_000);

  /** The sandbox's processes (the runner, its tmux servers and panes) carry CAL_RT_*=… naming this home's plugins. */
  const sandboxProcesses = () =>
    processesWhereEnv((env) => env.some((v) => v.startsWith('CAL_RT_') && v.includes(home.pluginsDir)));

  it.each([
    ['over ssh', 'SIGINT', 130],
    ['--local', 'SIGTERM', 143],
  ] as const)(
    'interrupted during --active (%s, %s): exit %i, and the sandbox and its tmux servers are cleaned up',
    async (how, sig, code) => {
      const sandboxDirs = new Set<string>();
      let interrupted = false;
      const args = how === '--local' ? ['--local'] : target();
      try {
        const r = await runCli([...args, '--active', '--only', 'resurrect.roundtrip', '--json'], {
          env: how === '--local' ? home.env() : undefined,
          home: how === '--local' ? home.dir : undefined,
          killAfterMs: 60_000,
          onSpawn: (child) => {
            const watch = setInterval(() => {
              const ps = sandboxProcesses();
              for (const p of ps)
                for (const m of p.argv.matchAll(/\/tmp\/cal-doctor\.[A-Za-z0-9]+/g)) sandboxDirs.add(m[0]);
              // once a throwaway tmux server runs in the sandbox, interrupt
              if (!interrupted && ps.some((p) => /tmux.* -S \/tmp\/cal-doctor\./.test(p.argv))) {
                interrupted = true;
                clearInterval(watch);
                child.kill(sig);
              }
            }, 25);
            child.on('exit', () => clearInterval(watch));
          },
        });
        expect(interrupted).toBe(true);
        expect(r.code).toBe(code);
        await sleep(300);
        expect([...sandboxDirs].filter((d) => existsSync(d))).toEqual([]);
        expect(sandboxProcesses().map((p) => p.argv)).toEqual([]);
      } finally {
        // whatever the doctor left, this test does not leave
        for (const p of sandboxProcesses()) signal(p.pid, 'SIGKILL');
        for (const d of sandboxDirs) rmSync(d, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
