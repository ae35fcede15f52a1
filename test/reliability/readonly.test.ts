// Read-only proof (issue #7): a passive run — over SSH and --local, every output format —
// leaves the target's HOME (plugins, config, save dir, `last`), its tmux socket dir and the
// live server's state exactly as they were. A control pair of snapshots without a run
// first proves the fingerprint is stable, so a difference can only come from the doctor.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { killServer, save, startServerLogin, tmuxAvailable, tmuxCmd } from '../harness/tmux.js';
import { sleep } from '../harness/util.js';
import { hostFlags } from '../helpers/cli.js';
import { type CliRun, cliBuilt, REPO, runCli } from './cli.js';
import { fingerprintTree, serverState, treeDiff } from './snapshot.js';

const canRun = sshdAvailable() && tmuxAvailable() && cliBuilt();

describe.skipIf(!canRun)(
  'read-only: a passive run changes nothing on the target (needs sshd, tmux, plugins, a build)',
  () => {
    let home: Home;
    let sshd: Sshd;

    beforeAll(async () => {
      home = makeHome({ files: { '.zlogout': '~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet\n' } });
      sshd = await startSshd({ env: home.env() });
      await startServerLogin(home);
      await save(home);
      await tmuxCmd(home, 'rename-window', '-t', 'cal-dev:0', 'edited after save');
      await save(home);
      // a stray file in the save dir and a buffer: both must stay as they are
      writeFileSync(join(home.saveDir, 'notes.txt'), 'not a save\n');
      await tmuxCmd(home, 'set-buffer', '-b', 'keepme', 'buffer text');
      await sleep(500); // let the panes' shells settle
    });
    afterAll(async () => {
      await sshd?.stop();
      if (home) {
        await killServer(home);
        home.cleanup();
      }
    });

    const snapshot = async () => ({ files: fingerprintTree(home.root), server: await serverState(home) });

    it('control: two snapshots with no run in between are identical', async () => {
      const a = await snapshot();
      await sleep(300);
      const b = await snapshot();
      expect(treeDiff(a.files, b.files)).toEqual([]);
      expect(b.server).toEqual(a.server);
      expect(a.files.size).toBeGreaterThan(50); // plugins, config, saves: the fingerprint covers them
      expect(a.server.sessions).toMatch(/cal-dev/);
    });

    const sshArgs = () => hostFlags(sshd);
    const localEnv = () => ({ ...home.env(), HOME: home.dir });
    const modes: Array<[string, () => { args: string[]; env?: Record<string, string>; home?: string }]> = [
      // --all: every check's row, so the report shows it reached them all
      ['ssh, plain report', () => ({ args: [...sshArgs(), '--all'] })],
      ['ssh, --json', () => ({ args: [...sshArgs(), '--json'] })],
      [
        'ssh, --verbose with a third-party checks dir',
        () => ({
          args: [...sshArgs(), '--all', '--verbose', '--checks-dir', join(REPO, 'test/fixtures/checks-extra')],
        }),
      ],
      [
        '--local, --json (the CLI itself runs in the target HOME)',
        () => ({ args: ['--local', '--json'], env: localEnv(), home: home.dir }),
      ],
    ];

    it.each(modes)('%s: HOME, socket dir and the server state are identical before and after', async (_name, mode) => {
      const m = mode();
      const before = await snapshot();
      const r: CliRun = await runCli(m.args, { env: m.env, home: m.home });
      const after = await snapshot();
      // the run really looked: it reached the server and judged the save
      expect([0, 1], r.stderr).toContain(r.code);
      expect(r.stdout).toMatch(/tmux\.server/);
      expect(r.stdout).toMatch(/resurrect\.last/);
      expect(r.stdout).not.toMatch(/cannot run/);
      expect(treeDiff(before.files, after.files)).toEqual([]);
      expect(after.server).toEqual(before.server);
    });
  },
);
