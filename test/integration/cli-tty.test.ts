// The live UI as a person sees it: the CLI runs in a real terminal (a pane of a private tmux
// server, 120x50), and the screen is read with capture-pane. The target is a real sshd
// started a few seconds late, so the screen can be caught while the doctor waits.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { killServer, save, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { BIN, doctorHome, STEADY_CHECKS, sshFlags } from '../helpers/cli.js';
import { type LateSshd, lateSshd } from '../helpers/late-sshd.js';
import { Terminal } from '../helpers/terminal.js';

const canRun = sshdAvailable() && tmuxAvailable();
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const SGR = /\x1b\[[0-9;]*m/;

describe.skipIf(!canRun)('the live UI in a real terminal (needs sshd, tmux and the vendored plugins)', () => {
  let home: Home;
  let sshd: Sshd;
  let late: LateSshd;
  let me: string;
  let term: Terminal;

  beforeAll(async () => {
    home = makeHome();
    sshd = await startSshd({ env: home.env() });
    late = await lateSshd(sshd);
    me = doctorHome();
    await startServerLogin(home);
    await save(home);
    // a person's terminal: no CI, no NO_COLOR; TERM as a terminal emulator sets it
    term = new Terminal({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: me,
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
    });
  });
  afterAll(async () => {
    await term?.kill();
    await late?.stop();
    await sshd?.stop();
    if (home) {
      await killServer(home);
      home.cleanup();
    }
    if (me) rmSync(me, { recursive: true, force: true });
  });

  it('spins while it waits for the target, then shows the checks by category with ✓ / ! / ✗ and a summary', async () => {
    await term.start('live', [
      process.execPath,
      BIN,
      ...sshFlags(sshd, late.port, late.knownHosts),
      '--only',
      STEADY_CHECKS,
      '--all',
      '--wait',
      '40',
    ]);
    const waiting = await term.until('live', /waiting: connection refused/, { timeoutMs: 20_000 });
    expect(waiting).toMatch(/^cal-doctor — /);
    expect(waiting).toMatch(
      new RegExp(`${SPINNER.source} waiting: connection refused by 127\\.0\\.0\\.1:${late.port}`),
    );
    await late.start();
    const done = await term.until('live', /EXIT=\d/);
    expect(done).toMatch(/EXIT=0/);
    expect(done).not.toMatch(SPINNER);
    expect(done).not.toMatch(/waiting:/);
    const lines = done.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    for (const [category, id] of [
      ['tmux', 'tmux.path'],
      ['config', 'config.file'],
      ['plugins', 'plugins.tpm'],
      ['resurrect', 'resurrect.last'],
    ] as const) {
      expect(at(new RegExp(`^${category}\\s*$`))).toBeGreaterThanOrEqual(0);
      expect(at(new RegExp(`^${category}\\s*$`))).toBeLessThan(at(new RegExp(`^✓ ${id.replace('.', '\\.')}\\s`)));
    }
    expect(done).toMatch(/^7 passed, 0 warnings, 0 failed\s*$/m);
    // colours on screen: the ✓ are green
    expect(await term.screen('live', { escapes: true })).toMatch(/\x1b\[32m✓/);
  });

  it('expands the problems with their evidence and fix, and exits 1', async () => {
    // third-party checks (--checks-dir) that judge the real facts: one fails, one warns
    const dir = join(me, 'my-checks');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'acme.home.js'),
      `export default {
  id: 'acme.home', category: 'acme', title: 'HOME is not a temp dir', explain: 'test',
  run: ({ facts }) => ({ status: 'fail', summary: 'HOME is a temp dir', details: ['HOME=' + facts.host.home], fix: ['use a real home'] }),
};\n`,
    );
    writeFileSync(
      join(dir, 'acme.shell.js'),
      `export default {
  id: 'acme.shell', category: 'acme', title: 'shell is known', explain: 'test',
  run: ({ facts }) => ({ status: 'warn', summary: 'shell is ' + facts.host.shell.split('/').pop(), details: ['SHELL=' + facts.host.shell] }),
};\n`,
    );
    await term.start('problem', [
      process.execPath,
      BIN,
      ...sshFlags(sshd),
      '--checks-dir',
      dir,
      '--only',
      'acme,tmux.path',
    ]);
    const done = await term.until('problem', /EXIT=\d/);
    expect(done).toMatch(/EXIT=1/);
    expect(done).toMatch(/^✗ Sessions will NOT survive a restart: 1 cause to fix, 1 warning\s*$/m);
    expect(done).toMatch(
      new RegExp(
        `^1\\. ✗ acme\\.home\\s*\\n {3}HOME is a temp dir\\s*\\n {3}fix:\\s*\\n {5}use a real home\\s*\\n {3}evidence:\\s*\\n {5}HOME=${home.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
        'm',
      ),
    );
    expect(done).toMatch(/^2\. ! acme\.shell\s*\n {3}shell is \S+\s*\n {3}evidence:\s*\n {5}SHELL=/m);
    // passing checks only with --all (the last lines' command repeats `--only acme,tmux.path`)
    expect(done).not.toMatch(/^\s*(\d+\. )?[✓✗!i-] tmux\.path/m);
    expect(done).toMatch(/^✓ 1 passed \(--all lists them\)\s*$/m);
    expect(done).toMatch(/^1 passed, 1 warning, 1 failed\s*$/m);
  });

  for (const [name, env, flags] of [
    ['CI set', { CI: 'true' }, []],
    ['NO_COLOR', { NO_COLOR: '1' }, []],
    ['--no-color', {}, ['--no-color']],
  ] as const) {
    it(`with ${name}: the plain table, no spinner, no escape codes`, async () => {
      const win = name.replace(/\W+/g, '');
      await term.start(win, [process.execPath, BIN, ...sshFlags(sshd), '--only', STEADY_CHECKS, ...flags], { env });
      const done = await term.until(win, /EXIT=\d/);
      expect(done).toMatch(/EXIT=0/);
      expect(done).toMatch(/^✓ 7 passed \(--all lists them\)\s*$/m);
      expect(done).toMatch(/^7 passed, 0 warnings, 0 failed\s*$/m);
      expect(done).not.toMatch(SPINNER);
      expect(await term.screen(win, { escapes: true })).not.toMatch(SGR);
    });
  }
});
