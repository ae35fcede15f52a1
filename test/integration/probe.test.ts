// Runs the real probe (lib.sh and the probe*.sh files, as gather assembles them) locally under
// dash and bash --posix against a throwaway HOME and socket dir: no server, a live server with hostile names, a SIGSTOPped server.
// Never touches the tester's HOME or /tmp/tmux-UID: every tmux call here names the
// test's TMUX_TMPDIR (or its socket) and every server started is killed in afterAll.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Facts } from '../../src/probe/facts.js';
import { PROBE_FILES, probeScript } from '../../src/probe/gather.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { outputComplete as probeOutputComplete } from '../../src/remote/records.js';
import { SYSTEM_PATH, TMUX, which } from '../harness/util.js';

// the harness's tmux: in the macOS pass, Homebrew's (the system's is hidden there)
const SHELLCHECK = which('shellcheck', SYSTEM_PATH);
const SHELLS = [
  { name: 'dash', cmd: which('dash'), args: ['-s'] },
  { name: 'bash --posix', cmd: which('bash'), args: ['--posix', '-s'] },
].filter((s): s is { name: string; cmd: string; args: string[] } => s.cmd !== undefined);
const UID = process.getuid?.() ?? 0;
const REMOTE = new URL('../../src/remote/', import.meta.url).pathname;

interface ProbeRun {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  ms: number;
  pgid: number;
  facts: Facts;
}

function runProbe(shell: { cmd: string; args: string[] }, env: NodeJS.ProcessEnv, timeoutSec = 2): Promise<ProbeRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // own process group: afterwards, no process may be left in it
    // from HOME, as an SSH exec runs: a relative path or a `$(touch X)` that ran would land there
    const child = spawn(shell.cmd, shell.args, { env, cwd: env.HOME, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      const stdout = Buffer.concat(out);
      resolve({
        stdout,
        stderr: err,
        code,
        ms: performance.now() - t0,
        pgid: child.pid!,
        facts: parseProbeOutput(stdout),
      });
    });
    child.stdin.end(probeScript(timeoutSec));
  });
}

/** Processes (other than zombies) still in a process group. */
function processesInGroup(pgid: number): string[] {
  const r = spawnSync('ps', ['-A', '-o', 'pgid=', '-o', 'stat=', '-o', 'args='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => {
      const [g, stat] = l.split(/\s+/);
      return Number(g) === pgid && !stat?.startsWith('Z');
    });
}

/** path → size:mtime of everything under dir (lstat), to prove the probe wrote nothing. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      out.set(p, `${st.mode}:${st.size}:${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

let root: string;
let home: string;
const servers: Array<{ tmpdir: string; pid?: number }> = [];

function tmuxEnv(tmuxTmpdir: string): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMUX_TMPDIR: tmuxTmpdir,
    LANG: 'C.UTF-8',
    SHELL: '/bin/sh',
  };
}

function tmux(tmuxTmpdir: string, ...args: string[]): string {
  const r = spawnSync(TMUX!, args, { env: tmuxEnv(tmuxTmpdir), encoding: 'utf8', timeout: 5_000 });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function startServer(tmuxTmpdir: string, session: string, cwd: string): number {
  mkdirSync(tmuxTmpdir, { recursive: true });
  const rec: { tmpdir: string; pid?: number } = { tmpdir: tmuxTmpdir };
  servers.push(rec);
  tmux(tmuxTmpdir, '-f', '/dev/null', 'new-session', '-d', '-s', session, '-c', cwd, '-x', '120', '-y', '40');
  rec.pid = Number(tmux(tmuxTmpdir, 'display-message', '-p', '#{pid}'));
  return rec.pid;
}

function probeEnv(tmuxTmpdir: string): NodeJS.ProcessEnv {
  // the non-login exec: PATH without the login-only dir, no XDG, no TMUX of the tester
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMUX_TMPDIR: tmuxTmpdir,
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
  };
}

const HOSTILE_SESSION = 'tab\there "q" \'s\' $(touch PWNED) `touch PWNED2` é🙂 ;x';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cal-probe-it-'));
  home = join(root, 'home');
  mkdirSync(join(home, 'dir with space'), { recursive: true });
  // login-only tmux: ~/.profile (read by `sh -l`) puts ~/loginbin on PATH
  mkdirSync(join(home, 'loginbin'));
  if (TMUX) symlinkSync(TMUX, join(home, 'loginbin', 'tmux'));
  writeFileSync(join(home, '.profile'), 'PATH="$HOME/loginbin:$PATH"\necho "junk from .profile @@CAL"\n');
  writeFileSync(join(home, '.zlogout'), '~/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet\n');
  writeFileSync(
    join(home, '.tmux.conf'),
    "set -g @plugin 'tmux-plugins/tmux-resurrect'\nset -g @resurrect-dir '~/cfg-rs'\nrun '~/.tmux/plugins/tpm/tpm'\n",
  );
  // plugins: one with a loose ref, one with packed-refs, one detached
  const plugins = join(home, '.tmux', 'plugins');
  const git = (name: string, head: string, files: Record<string, string>): void => {
    mkdirSync(join(plugins, name, '.git'), { recursive: true });
    writeFileSync(join(plugins, name, '.git', 'HEAD'), head);
    for (const [f, c] of Object.entries(files)) {
      mkdirSync(join(plugins, name, '.git', f, '..'), { recursive: true });
      writeFileSync(join(plugins, name, '.git', f), c);
    }
  };
  git('tmux-resurrect', 'ref: refs/heads/master\n', {
    'refs/heads/master': 'cff343cf9e81983d3da0c8562b01616f12e8d548\n',
  });
  git('tmux-continuum', 'ref: refs/heads/master\n', {
    'packed-refs':
      '# pack-refs with: peeled fully-peeled sorted\n0698e8f4b17d6454c71bf5212895ec055c578da0 refs/heads/master\n',
  });
  git('tpm', '99469c4a9b1ccf77fade25842dc7bafbc8ce9946\n', {});
  mkdirSync(join(plugins, 'tmux-resurrect', 'scripts'));
  writeFileSync(join(plugins, 'tmux-resurrect', 'scripts', 'save.sh'), '#!/bin/sh\n');
  chmodSync(join(plugins, 'tmux-resurrect', 'scripts', 'save.sh'), 0o755);
  writeFileSync(join(plugins, 'tmux-resurrect', 'scripts', 'restore.sh'), '#!/bin/sh\n'); // not executable
  mkdirSync(join(plugins, 'tmux-continuum', 'scripts'));
  writeFileSync(join(plugins, 'tmux-continuum', 'scripts', 'continuum_save.sh'), '#!/bin/sh\n');
  writeFileSync(join(plugins, 'tpm', 'tpm'), '#!/usr/bin/env bash\n');
  chmodSync(join(plugins, 'tpm', 'tpm'), 0o755);
  // ~/.tmux/resurrect: a good save, a state-only save linked as last, hostile names
  const rs = join(home, '.tmux', 'resurrect');
  mkdirSync(rs);
  writeFileSync(
    join(rs, 'tmux_resurrect_20240101T000000.txt'),
    'pane\tcal-dev\t0\t1\t:*\t0\ttitle\t:/tmp/a\\ b\t1\tzsh\t:\n',
  );
  writeFileSync(join(rs, 'tmux_resurrect_20240102T000000.txt'), 'state\t\t\n');
  writeFileSync(join(rs, 'tmux_resurrect_20240103T000000.txt'), Buffer.from([0x73, 0, 0x74, 0x0a])); // NUL inside
  symlinkSync('tmux_resurrect_20240102T000000.txt', join(rs, 'last'));
  writeFileSync(join(rs, 'evil\nname -> x $(touch PWNED3)'), 'x');
  // XDG data dir save dir too (two dirs: the split the doctor must see)
  mkdirSync(join(home, '.local', 'share', 'tmux', 'resurrect'), { recursive: true });
});

afterAll(() => {
  for (const s of servers) {
    if (s.pid) {
      try {
        process.kill(s.pid, 'SIGCONT');
      } catch {
        /* gone */
      }
      try {
        process.kill(s.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(SHELLS.length === 0)('the probe run locally', () => {
  describe.each(SHELLS)('under $name', (shell) => {
    it('with no server: reports the missing server, gathers everything else, writes nothing', async () => {
      const sock = join(root, `nosrv-${shell.cmd.split('/').pop()}`);
      mkdirSync(sock);
      const before = snapshot(root);
      const run = await runProbe(shell, probeEnv(sock));
      const f = run.facts;
      expect(run.code).toBe(0);
      expect(probeOutputComplete(run.stdout)).toBe(true);
      expect(run.stderr).toBe('');
      expect(snapshot(root)).toEqual(before); // read-only, and no socket dir was created
      expect(f.probe.version).toBe('1.1.0');
      expect(f.probe.tmuxTimeoutSec).toBe(2);
      expect(f.host.home).toBe(home);
      expect(f.host.uid).toBe(UID);
      expect(f.host.os).toBe(spawnSync('uname', ['-s'], { encoding: 'utf8' }).stdout.trim());
      expect(Math.abs(f.host.now - Date.now() / 1000)).toBeLessThan(30);
      expect(f.host.tzOffset).toMatch(/^[+-]\d{4}$/);
      expect(f.host.hostname).toBe(hostname());
      expect(f.env.tmuxTmpdir).toBe(sock);
      expect(f.env.xdgDataHome).toBeUndefined();
      expect(f.env.tmux).toBeUndefined();
      expect(f.socketDirs).toEqual([join(sock, `tmux-${UID}`)]);
      expect(f.sockets).toEqual([]);
      expect(f.server).not.toBeNull();
      expect(f.server!.answers).toBe(false);
      expect(f.server!.error).toMatch(/no server running/);
      // login shell: ~/.profile's PATH and its tmux, junk around the markers ignored
      expect(f.login.ok).toBe(true);
      expect(f.login.path?.split(':')[0]).toBe(join(home, 'loginbin'));
      if (TMUX) {
        expect(f.login.tmux).toBe(join(home, 'loginbin', 'tmux'));
        const loginBin = f.tmuxBinaries.find((b) => b.path === join(home, 'loginbin', 'tmux'));
        expect(loginBin?.foundBy).toEqual(['login']);
        expect(loginBin?.version).toMatch(/^tmux \d/);
        // the exec's PATH finds the system's tmux; in the macOS pass only the login PATH has one
        const onExecPath = (process.env.PATH ?? '').split(':').includes(dirname(TMUX));
        expect(f.execTmux).toBe(onExecPath ? TMUX : undefined);
        if (onExecPath) expect(f.tmuxBinaries.find((b) => b.path === TMUX)?.foundBy).toContain('exec');
      }
      // files
      expect(f.configs[0]).toMatchObject({ path: join(home, '.tmux.conf'), exists: true, truncated: false });
      expect(f.configs[0]!.content).toContain("@resurrect-dir '~/cfg-rs'");
      expect(f.configs[0]!.size).toBe(f.configs[0]!.content.length);
      expect(f.dotfiles.map((d) => d.path.slice(home.length + 1))).toEqual([
        '.zlogout',
        '.bash_logout',
        '.zshrc',
        '.zprofile',
        '.zshenv',
        '.bashrc',
        '.bash_profile',
        '.profile',
      ]);
      expect(f.dotfiles[0]).toMatchObject({ exists: true });
      expect(f.dotfiles[0]!.content).toContain('save.sh quiet');
      expect(f.dotfiles[1]).toMatchObject({ exists: false, content: '', size: 0 });
      // plugins and their revisions, read without git
      expect(f.plugins.dir).toBe(join(home, '.tmux', 'plugins'));
      expect(f.plugins.exists).toBe(true);
      const rev = Object.fromEntries(f.plugins.entries.map((e) => [e.name, e.revision]));
      expect(rev).toEqual({
        'tmux-resurrect': 'cff343cf9e81983d3da0c8562b01616f12e8d548',
        'tmux-continuum': '0698e8f4b17d6454c71bf5212895ec055c578da0',
        tpm: '99469c4a9b1ccf77fade25842dc7bafbc8ce9946',
      });
      expect(f.plugins.entries.every((e) => e.type === 'dir')).toBe(true);
      const scripts = Object.fromEntries(f.plugins.resurrectScripts.map((e) => [e.name, e.mode]));
      expect(scripts).toEqual({ 'save.sh': '-rwxr-xr-x', 'restore.sh': '-rw-r--r--' });
      expect(f.plugins.continuumScripts.map((e) => e.name)).toEqual(['continuum_save.sh']);
      expect(f.plugins.tpmScript).toMatchObject({ name: 'tpm', mode: '-rwxr-xr-x', type: 'file' });
      // save dirs: no server, so @resurrect-dir comes from the config
      expect(f.saveDirs.map((d) => [d.role, d.path, d.exists])).toEqual([
        ['option', join(home, 'cfg-rs'), false],
        ['home', join(home, '.tmux', 'resurrect'), true],
        ['xdg', join(home, '.local', 'share', 'tmux', 'resurrect'), true],
      ]);
      const rs = f.saveDirs[1]!;
      expect(rs.writable).toBe(true);
      expect(rs.self).toMatchObject({ type: 'dir', uid: UID });
      expect(rs.files.map((e) => e.name).sort()).toEqual(
        [
          'evil\nname -> x $(touch PWNED3)',
          'last',
          'tmux_resurrect_20240101T000000.txt',
          'tmux_resurrect_20240102T000000.txt',
          'tmux_resurrect_20240103T000000.txt',
        ].sort(),
      );
      expect(rs.last?.target).toBe('tmux_resurrect_20240102T000000.txt');
      expect(rs.last?.resolves).toBe(true);
      expect(rs.last?.entry).toMatchObject({
        name: 'last',
        type: 'link',
        linkTarget: 'tmux_resurrect_20240102T000000.txt',
      });
      expect(rs.last?.file).toEqual({
        name: 'tmux_resurrect_20240102T000000.txt',
        size: 8,
        content: 'state\t\t\n',
        truncated: false,
      });
      expect(rs.recent.map((r) => r.name)).toEqual([
        'tmux_resurrect_20240103T000000.txt',
        'tmux_resurrect_20240102T000000.txt',
        'tmux_resurrect_20240101T000000.txt',
      ]);
      expect(rs.recent[0]!.content).toBe('s\0t\n');
      expect(rs.recent[2]!.content).toContain(':/tmp/a\\ b');
      expect(f.noAutoRestore).toBe(false);
      expect(existsSync(join(home, 'PWNED3'))).toBe(false);
      // @resurrect-dir from the config wins even though it does not exist: no `last` to read
      expect(f.savedDirs).toEqual([]);
      expect(f.saveDirs.some((d) => d.paneArchive !== undefined)).toBe(false);
      expect(f.scripts).toEqual([]);
      expect(f.launchAgents).toEqual([]);
      if (f.host.os !== 'Darwin') expect(f.launchctl).toBeUndefined();
    });

    it.skipIf(!TMUX)('with a live server: sessions, env, options, keys; hostile names intact', async () => {
      const sock = join(root, `live-${shell.cmd.split('/').pop()}`);
      startServer(sock, HOSTILE_SESSION, join(home, 'dir with space'));
      tmux(sock, 'new-session', '-d', '-s', 'second', '-c', join(home, 'dir with space'));
      tmux(sock, 'set-option', '-g', '@resurrect-dir', '~/rs-$HOSTNAME');
      tmux(sock, 'set-option', '-g', '@t', 'say "hi" $x \\ `y`');
      tmux(sock, 'set-option', '-s', 'exit-empty', 'off');
      tmux(sock, 'set-environment', '-g', 'WEIRD', 'a\nb=c "q" $x `y` \\z\tt');
      tmux(sock, 'set-environment', '-gr', 'GONE');
      tmux(sock, 'set-hook', '-g', 'session-closed', 'run-shell "echo closed"');
      tmux(sock, 'bind-key', 'C-s', 'run-shell', '/x/save.sh');
      const before = snapshot(root);
      const run = await runProbe(shell, probeEnv(sock));
      const f = run.facts;
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(snapshot(root)).toEqual(before);
      const s = f.server!;
      expect(s.socket).toBe(join(sock, `tmux-${UID}`, 'default'));
      expect(s.answers).toBe(true);
      expect(s.timedOut).toBe(false);
      expect(s.version).toBe(
        spawnSync(TMUX!, ['-V'], { encoding: 'utf8' })
          .stdout.trim()
          .replace(/^tmux /, ''),
      );
      expect(s.pid).toBe(servers[servers.length - 1]!.pid);
      expect(Math.abs((s.startTime ?? 0) - Date.now() / 1000)).toBeLessThan(60);
      // tmux itself shows a tab in a session name as `\t`
      expect(s.sessions.map((x) => x.name).sort()).toEqual([HOSTILE_SESSION.replace('\t', '\\t'), 'second'].sort());
      const hostile = s.sessions.find((x) => x.name.startsWith('tab'))!;
      expect(hostile).toMatchObject({ id: '$0', windows: 1, attached: 0 });
      expect(Math.abs(hostile.created - Date.now() / 1000)).toBeLessThan(60);
      expect(s.clients).toEqual([]);
      expect(s.globalEnv.WEIRD).toBe('a\nb=c "q" $x `y` \\z\tt');
      expect(s.globalEnv.GONE).toBeNull();
      expect(s.globalEnv.HOME).toBe(home);
      expect(s.options['@resurrect-dir']).toBe('~/rs-$HOSTNAME');
      expect(s.options['@t']).toBe('say "hi" $x \\ `y`');
      expect(s.options.status).toBe('on');
      expect(s.serverOptions['exit-empty']).toBe('off');
      expect(s.hooks).toEqual(['session-closed[0] run-shell "echo closed"']);
      expect(s.keyBindings).toHaveLength(1);
      expect(s.keyBindings[0]).toMatch(/-T prefix\s+C-s\s+run-shell \/x\/save\.sh/);
      expect(f.sockets).toEqual([{ path: s.socket, answers: true, timedOut: false }]);
      // @resurrect-dir from the server, expanded like resurrect does
      expect(f.saveDirs[0]).toMatchObject({ role: 'option', path: join(home, `rs-${hostname()}`), exists: false });
      expect(f.processes.some((p) => p.pid === s.pid && /tmux/.test(p.command))).toBe(true);
      expect(existsSync(join(home, 'PWNED'))).toBe(false);
      expect(existsSync(join(home, 'PWNED2'))).toBe(false);
      expect(processesInGroup(run.pgid)).toEqual([]);
      // speed: well under a second even with the login shell
      expect(run.ms).toBeLessThan(1_500);
    });

    it('forensics: pane archive, pane dirs of last, scripts, crontab, continuum locks; hostile names inert', async () => {
      const tag = shell.cmd.split('/').pop()!;
      const h = join(root, `forensics-${tag}`);
      const saves = join(h, 'my saves');
      mkdirSync(saves, { recursive: true });
      writeFileSync(join(h, '.tmux.conf'), "set -g @resurrect-dir '~/my saves'\n");
      // the dirs panes were in
      const spaced = join(h, 'proj with  space');
      const plain = join(h, 'plain');
      const hostile = join(h, `q"uo'te $(touch PWNED4) \`touch PWNED5\` ;x`);
      for (const d of [spaced, plain, hostile, join(h, 'relative', 'dir')]) mkdirSync(d, { recursive: true });
      writeFileSync(join(spaced, 'Session.vim'), '" a vim session\n');
      writeFileSync(join(hostile, 'Session.vim'), '');
      const gone = '/nonexistent/$(touch PWNED6)';
      // resurrect escapes a dir's first space as `\ `; restore's `read` undoes any `\ `
      const pane = (title: string, dir: string) => `pane\tcal-dev\t0\t1\t:*\t0\t${title}\t:${dir}\t1\tzsh\t:\n`;
      const save =
        pane('vim title', spaced.replace(' ', '\\ ')) +
        pane('', plain) + // empty title: fields are cut, not collapsed
        pane('t', spaced.replace(/ /g, '\\ ')) + // the same dir again
        pane('$(touch PWNED7)', hostile.replace(' ', '\\ ')) +
        pane('t', gone) +
        pane('t', 'relative/dir') +
        'pane\tshort\t0\n' + // too few fields
        'window\tcal-dev\t0\t:zsh\t1\t:*\tlayout\t:\n' +
        'grouped_session\tg\tcal-dev\t:\t:0\n' +
        'state\tcal-dev\t\n';
      writeFileSync(join(saves, 'tmux_resurrect_20240101T000000.txt'), save);
      symlinkSync('tmux_resurrect_20240101T000000.txt', join(saves, 'last'));
      // ~/.tmux/resurrect exists too, but @resurrect-dir wins
      mkdirSync(join(h, '.tmux', 'resurrect'), { recursive: true });
      writeFileSync(join(h, '.tmux', 'resurrect', 'last'), pane('t', '/decoy'));
      // pane contents archived the way resurrect does it
      const stage = join(root, `stage-${tag}`);
      mkdirSync(join(stage, 'pane_contents'), { recursive: true });
      writeFileSync(join(stage, 'pane_contents', 'pane-cal-dev:0.0'), '$ make\nok\n');
      writeFileSync(join(stage, 'pane_contents', 'pane-cal-dev:0.1'), Buffer.from([0xff, 0, 0x1b, 0x5b, 0x6d, 0x0a]));
      const archive = join(saves, 'pane_contents.tar.gz');
      const t = spawnSync('tar', ['czf', archive, '-C', stage, './pane_contents/'], { encoding: 'utf8' });
      expect(t.status, t.stderr).toBe(0);
      // scripts: what mentions tmux (any case) directly in ~/scripts, ~/bin, ~/.local/bin
      for (const d of ['scripts', 'bin', '.local/bin', '.local/bin/tmux-subdir', 'Library/LaunchAgents'])
        mkdirSync(join(h, d), { recursive: true });
      const wrapper = join(h, 'scripts', 'tmux-wrapper.sh');
      writeFileSync(wrapper, '#!/bin/zsh\nexec /opt/homebrew/bin/tmux new-session -A -s cal-dev "$@"\n');
      writeFileSync(join(h, 'scripts', 'unrelated.sh'), 'echo hi\n');
      const oddName = join(h, 'bin', 'save $(touch PWNED8) now');
      writeFileSync(oddName, 'TMUX_TMPDIR=/x exec save\n');
      writeFileSync(
        join(h, 'bin', 'tmux-binary'),
        Buffer.concat([Buffer.from('\x7fELF\0\0'), Buffer.from('tmux tmux')]),
      );
      expect(spawnSync('mkfifo', [join(h, 'bin', 'tmux-fifo')]).status).toBe(0); // would block a reader
      const big = join(h, '.local', 'bin', 'big-tmux');
      writeFileSync(big, `# tmux\n${'x'.repeat(70_000)}\n`);
      const hidden = join(h, '.local', 'bin', '.hidden');
      writeFileSync(hidden, 'tmux ls\n');
      writeFileSync(join(h, 'Library', 'LaunchAgents', 'Tmux.Start.plist'), '<plist>tmux</plist>\n');
      // a crontab command of our own (none may exist here, and the tester's is not ours)
      const fakebin = join(h, 'fakebin');
      mkdirSync(fakebin);
      writeFileSync(
        join(fakebin, 'crontab'),
        `#!/bin/sh\n[ "$1" = -l ] || exit 2\nprintf '%s\\n' '*/15 * * * * $HOME/scripts/tmux-wrapper.sh save' '@reboot tmux start-server'\n`,
      );
      chmodSync(join(fakebin, 'crontab'), 0o755);
      // continuum's lock dirs, under a prefix of the test's own
      const locks = join(root, `locks-${tag}`);
      mkdirSync(locks);
      const gen = Math.floor(Date.now() / 1000 / 100);
      // continuum takes generations N and N+1; an empty pid is a save run with $TMUX unset
      const lockNames = [
        `tmux-continuum-4242-lock-${gen}`,
        `tmux-continuum-4242-lock-${gen + 1}`,
        `tmux-continuum-4242-lock-${gen - 10}`,
        `tmux-continuum--lock-${gen - 3}`,
        'tmux-continuum-$(touch PWNED9)-lock-1',
      ];
      for (const n of lockNames) mkdirSync(join(locks, n));
      mkdirSync(join(locks, 'tmux-continuum-other'));

      const env = {
        ...probeEnv(join(root, 'nosock')),
        HOME: h,
        PATH: `${fakebin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        CAL_PROBE_LOCK_GLOB_PREFIX: join(locks, 'tmux-continuum-'),
      };
      const before = snapshot(root);
      const run = await runProbe(shell, env);
      const f = run.facts;
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(probeOutputComplete(run.stdout)).toBe(true);
      expect(snapshot(root)).toEqual(before); // read-only
      expect(processesInGroup(run.pgid)).toEqual([]);

      // the archive, byte for byte
      const opt = f.saveDirs.find((d) => d.role === 'option')!;
      expect(opt.path).toBe(saves);
      const a = opt.paneArchive!;
      expect(a.truncated).toBe(false);
      expect(a.data.equals(readFileSync(archive))).toBe(true);
      expect(a.entry).toMatchObject({
        name: 'pane_contents.tar.gz',
        type: 'file',
        size: statSync(archive).size,
        uid: UID,
      });
      const tarBytes = gunzipSync(a.data).toString('latin1');
      expect(tarBytes).toContain('./pane_contents/pane-cal-dev:0.0');
      expect(tarBytes).toContain('./pane_contents/pane-cal-dev:0.1');
      expect(f.saveDirs.find((d) => d.role === 'home')!.paneArchive).toBeUndefined();

      // the pane dirs of the resolved dir's last, in order, each once
      expect(f.savedDirs).toEqual([
        { dir: spaced, exists: true, sessionVim: true },
        { dir: plain, exists: true, sessionVim: false },
        { dir: hostile, exists: true, sessionVim: true },
        { dir: gone, exists: false, sessionVim: false },
        { dir: 'relative/dir', exists: false, sessionVim: false }, // only absolute dirs are looked up
      ]);

      expect(f.scripts.map((x) => x.path).sort()).toEqual([wrapper, oddName, big, hidden].sort());
      const byPath = Object.fromEntries(f.scripts.map((x) => [x.path, x]));
      expect(byPath[wrapper]).toEqual({
        path: wrapper,
        exists: true,
        content: readFileSync(wrapper, 'utf8'),
        size: statSync(wrapper).size,
        truncated: false,
      });
      expect(byPath[big]).toMatchObject({ size: statSync(big).size, truncated: true });
      expect(byPath[big]!.content).toHaveLength(65_536);
      expect(f.probe.warnings.join('\n')).toMatch(/big-tmux is 70008 bytes; only the first 65536 were read/);

      expect(f.crontab).toBe('*/15 * * * * $HOME/scripts/tmux-wrapper.sh save\n@reboot tmux start-server');
      if (f.host.os !== 'Darwin') {
        expect(f.launchAgents).toEqual([]);
        expect(f.launchctl).toBeUndefined();
      }

      const fresh = (n: string) => ({ path: join(locks, n), stale: false });
      const stale = (n: string) => ({ path: join(locks, n), stale: true });
      const sortByPath = (l: Array<{ path: string; stale: boolean }>) =>
        [...l].sort((x, y) => (x.path < y.path ? -1 : 1));
      expect(sortByPath(f.continuumLocks)).toEqual(
        sortByPath([
          fresh(lockNames[0]!),
          fresh(lockNames[1]!),
          stale(lockNames[2]!),
          stale(lockNames[3]!),
          stale(lockNames[4]!),
        ]),
      );

      for (const n of [4, 5, 6, 7, 8, 9]) {
        expect(existsSync(join(h, `PWNED${n}`))).toBe(false);
        expect(existsSync(`PWNED${n}`)).toBe(false);
      }

      // a crontab that hangs costs one timeout; one that says "no crontab" is no crontab
      const hang = join(h, 'hangbin');
      mkdirSync(hang);
      writeFileSync(join(hang, 'crontab'), '#!/bin/sh\nexec sleep 9\n');
      chmodSync(join(hang, 'crontab'), 0o755);
      const slow = await runProbe(shell, { ...env, PATH: `${hang}:${process.env.PATH ?? '/usr/bin:/bin'}` }, 1);
      try {
        expect(slow.code).toBe(0);
        expect(probeOutputComplete(slow.stdout)).toBe(true);
        expect(slow.ms).toBeLessThan(2_500);
        expect(slow.facts.crontab).toBeUndefined();
        expect(slow.facts.probe.warnings.join('\n')).toMatch(/`crontab -l` did not finish within 1s/);
      } finally {
        // the hung crontab is left running (like a hung login file); the test ends it
        try {
          process.kill(-slow.pgid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      writeFileSync(join(hang, 'crontab'), '#!/bin/sh\necho "crontab: no crontab for $(id -un)" >&2\nexit 1\n');
      const none = await runProbe(shell, { ...env, PATH: `${hang}:${process.env.PATH ?? '/usr/bin:/bin'}` });
      expect(none.facts.crontab).toBeUndefined();
      expect(none.facts.probe.warnings.join('\n')).not.toMatch(/crontab/);
    });

    it("a long history: the newest 500 saves and `last`'s older target listed, older saves counted; other entries all listed", async () => {
      const tag = shell.cmd.split('/').pop()!;
      const h = join(root, `long-${tag}`);
      const saves = join(h, '.local', 'share', 'tmux', 'resurrect');
      mkdirSync(saves, { recursive: true });
      const name = (i: number) =>
        `tmux_resurrect_2024${String(1 + (Math.floor(i / 28 / 24) % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 24) % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}0000.txt`;
      const names = Array.from({ length: 620 }, (_, i) => name(i));
      for (const [i, n] of names.entries()) writeFileSync(join(saves, n), i % 2 ? 'state\t\t\n' : '');
      expect([...names].sort()).toEqual(names); // names sort by time
      symlinkSync(names[3]!, join(saves, 'last')); // an old save, beyond the 500 newest
      const strays = ['-rf', '.hidden', 'evil\nname -> x $(touch PWNEDL)', 'tmux_resurrect_dir.txt', 'sub'];
      for (const n of strays.slice(0, 3)) writeFileSync(join(saves, n), 'x');
      mkdirSync(join(saves, 'tmux_resurrect_dir.txt'));
      mkdirSync(join(saves, 'sub'));
      writeFileSync(join(saves, 'sub', names[619]!.replace('2024', '2099')), 'nested, not listed');
      const before = snapshot(root);
      const run = await runProbe(shell, { ...probeEnv(join(root, 'nosock')), HOME: h });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(snapshot(root)).toEqual(before);
      expect(existsSync(join(h, 'PWNEDL'))).toBe(false);
      const d = run.facts.saveDirs.find((x) => x.role === 'xdg')!;
      expect(d.exists).toBe(true);
      // the 500 newest by name (the dir sorts after every save name), and `last`'s target
      const listedSaves = d.files
        .filter((e) => e.name.startsWith('tmux_resurrect_2024'))
        .map((e) => e.name)
        .sort();
      expect(listedSaves).toEqual([names[3]!, ...names.slice(620 - 499)]);
      expect(d.savesNotListed).toBe(621 - 500 - 1);
      expect(
        d.files
          .filter((e) => !e.name.startsWith('tmux_resurrect_2024'))
          .map((e) => [e.name, e.type])
          .sort(),
      ).toEqual(
        [
          ['-rf', 'file'],
          ['.hidden', 'file'],
          ['evil\nname -> x $(touch PWNEDL)', 'file'],
          ['last', 'link'],
          ['sub', 'dir'],
          ['tmux_resurrect_dir.txt', 'dir'],
        ].sort(),
      );
      expect(d.files.find((e) => e.name === 'last')!.linkTarget).toBe(names[3]);
      expect(d.files.find((e) => e.name === names[619])).toMatchObject({ size: 8, type: 'file', uid: UID });
      expect(d.listingTruncated).toBe(false);
      expect(d.last).toMatchObject({ target: names[3], resolves: true });
    });

    it('a save dir with more other entries than one ls takes: every one listed (through find)', async () => {
      const tag = shell.cmd.split('/').pop()!;
      const h = join(root, `others-${tag}`);
      const saves = join(h, '.tmux', 'resurrect');
      mkdirSync(saves, { recursive: true });
      const others = Array.from({ length: 1001 }, (_, i) => `other-${i}`);
      for (const n of others) writeFileSync(join(saves, n), '');
      writeFileSync(join(saves, 'tmux_resurrect_20240101T000000.txt'), 'state\t\t\n');
      const run = await runProbe(shell, { ...probeEnv(join(root, 'nosock')), HOME: h });
      expect(run.code).toBe(0);
      const d = parseProbeOutput(run.stdout).saveDirs.find((x) => x.role === 'home')!;
      expect(d.files.map((e) => e.name).sort()).toEqual([...others, 'tmux_resurrect_20240101T000000.txt'].sort());
    });

    it("`last`'s target read from its listing: a dangling target with ` -> `, spaces and a newline comes back whole", async () => {
      const tag = shell.cmd.split('/').pop()!;
      const h = join(root, `target-${tag}`);
      const saves = join(h, '.tmux', 'resurrect');
      mkdirSync(saves, { recursive: true });
      const target = 'gone -> x $(touch PWNEDT)\nlast -> y ';
      symlinkSync(target, join(saves, 'last'));
      const run = await runProbe(shell, { ...probeEnv(join(root, 'nosock')), HOME: h });
      expect(run.code).toBe(0);
      expect(existsSync(join(h, 'PWNEDT'))).toBe(false);
      const d = parseProbeOutput(run.stdout).saveDirs.find((x) => x.role === 'home')!;
      expect(d.last).toMatchObject({ target, resolves: false });
    });

    it('a Darwin target (uname, sw_vers, launchctl faked): its version, the tmux lines of launchctl, the LaunchAgents that mention tmux', async () => {
      const h = join(root, `darwin-${shell.cmd.split('/').pop()}`);
      const bin = join(h, 'fakebin');
      const agents = join(h, 'Library', 'LaunchAgents');
      mkdirSync(bin, { recursive: true });
      mkdirSync(agents, { recursive: true });
      const fake = (name: string, out: string) => {
        writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s' '${out}'\n`);
        chmodSync(join(bin, name), 0o755);
      };
      fake('uname', 'Darwin mac-vm\n');
      fake('sw_vers', '14.5\n');
      fake(
        'launchctl',
        'gui/501 = {\n\tservices = {\n\t\t0 0\tcom.apple.x\n\t\t412 0\tTmux.Start\n\t\t0 0\tx.TMUX.y\n\t}\n}\n',
      );
      const plist = '<plist><dict><string>/opt/homebrew/bin/tmux</string></dict></plist>\n';
      writeFileSync(join(agents, 'Tmux.Start.plist'), plist);
      writeFileSync(join(agents, 'other.plist'), '<plist/>\n');
      writeFileSync(join(agents, 'bin.plist'), Buffer.from([0x62, 0x70, 0, 1, ...Buffer.from('TMUX'), 0xff]));
      const run = await runProbe(shell, {
        ...probeEnv(join(root, 'nosock')),
        HOME: h,
        PATH: `${bin}:${process.env.PATH}`,
      });
      const f = run.facts;
      expect(run.code).toBe(0);
      expect([f.host.os, f.host.osVersion]).toEqual(['Darwin', '14.5']);
      expect(f.launchctl).toEqual(['\t\t412 0\tTmux.Start', '\t\t0 0\tx.TMUX.y']);
      const byName = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);
      expect(f.launchAgents.sort(byName).map((a) => [a.path.split('/').pop(), a.content])).toEqual([
        ['Tmux.Start.plist', plist],
        ['bin.plist', 'bp\0\u0001TMUX\ufffd'],
      ]);
      expect(f.probe.warnings).toEqual([]);
    });

    it('with a login file that hangs: the login shell costs one timeout and is reported', async () => {
      const h = join(root, `hang-${shell.cmd.split('/').pop()}`);
      mkdirSync(h);
      writeFileSync(join(h, '.profile'), 'echo before-hang\nsleep 9\n');
      const run = await runProbe(shell, { ...probeEnv(join(root, 'nosock')), HOME: h }, 1);
      try {
        expect(run.code).toBe(0);
        expect(probeOutputComplete(run.stdout)).toBe(true);
        expect(run.ms).toBeLessThan(2_000);
        expect(run.facts.login).toMatchObject({ ok: false, timedOut: true });
        expect(run.facts.login.error).toMatch(/did not finish within 1s/);
      } finally {
        // the hanging login shell itself is the user's; the test cleans it up
        try {
          process.kill(-run.pgid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    });

    it.skipIf(!which('zsh'))(
      'with zsh as login shell and XDG dirs: .zprofile PATH, XDG plugins and save dir',
      async () => {
        const h = join(root, `zsh-${shell.cmd.split('/').pop()}`);
        const cfg = join(h, 'cfg');
        const data = join(h, 'data');
        mkdirSync(join(cfg, 'tmux', 'plugins', 'tpm'), { recursive: true });
        mkdirSync(join(data, 'tmux', 'resurrect'), { recursive: true });
        writeFileSync(join(h, '.zprofile'), 'export PATH="/opt/cal-zprofile/bin:$PATH"\nprint -r -- "zprofile junk"\n');
        writeFileSync(join(h, '.zlogout'), 'touch "$HOME/ZLOGOUT-RAN"\n');
        writeFileSync(join(cfg, 'tmux', 'tmux.conf'), 'set -g @resurrect-dir "$HOME/saves on $HOSTNAME" # comment\n');
        const env = {
          ...probeEnv(join(root, 'nosock')),
          HOME: h,
          SHELL: which('zsh')!,
          XDG_CONFIG_HOME: cfg,
          XDG_DATA_HOME: data,
        };
        const run = await runProbe(shell, env);
        const f = run.facts;
        expect(run.code).toBe(0);
        expect(f.login.ok).toBe(true);
        expect(f.login.path?.split(':')[0]).toBe('/opt/cal-zprofile/bin');
        expect(existsSync(join(h, 'ZLOGOUT-RAN'))).toBe(false);
        expect(f.env.xdgConfigHome).toBe(cfg);
        expect(f.configs.map((c) => [c.path, c.exists])).toEqual([
          [join(h, '.tmux.conf'), false],
          [join(cfg, 'tmux', 'tmux.conf'), true],
          [join(h, '.config', 'tmux', 'tmux.conf'), false],
        ]);
        expect(f.plugins.dir).toBe(join(cfg, 'tmux', 'plugins'));
        expect(f.plugins.entries.map((e) => e.name)).toEqual(['tpm']);
        expect(f.saveDirs.map((d) => [d.role, d.path, d.exists])).toEqual([
          ['option', join(h, `saves on ${hostname()}`), false],
          ['home', join(h, '.tmux', 'resurrect'), false],
          ['xdg', join(data, 'tmux', 'resurrect'), true],
        ]);
      },
    );

    it.skipIf(!TMUX)('with a SIGSTOPped server: one timeout, reported, nothing left behind', async () => {
      const sock = join(root, `stopped-${shell.cmd.split('/').pop()}`);
      const pid = startServer(sock, 'hung', home);
      // a second, healthy server on another socket in the same dir
      tmux(sock, '-L', 'other', '-f', '/dev/null', 'new-session', '-d', '-s', 'other');
      const otherPid = Number(tmux(sock, '-L', 'other', 'display-message', '-p', '#{pid}'));
      servers.push({ tmpdir: sock, pid: otherPid });
      process.kill(pid, 'SIGSTOP');
      try {
        const timeout = 1;
        const run = await runProbe(shell, probeEnv(sock), timeout);
        const f = run.facts;
        expect(run.code).toBe(0);
        expect(probeOutputComplete(run.stdout)).toBe(true);
        expect(run.ms).toBeLessThan((timeout + 1) * 1000);
        expect(f.server!.answers).toBe(false);
        expect(f.server!.timedOut).toBe(true);
        expect(f.server!.error).toMatch(/did not answer within 1s/);
        expect(f.probe.warnings.join('\n')).toMatch(/did not answer/);
        const byName = Object.fromEntries(f.sockets.map((x) => [x.path.split('/').pop(), x]));
        expect(byName.default).toMatchObject({ answers: false, timedOut: true });
        expect(byName.other).toMatchObject({ answers: true, timedOut: false });
        // no watchdog, sleep or tmux client left in the probe's process group
        expect(processesInGroup(run.pgid)).toEqual([]);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      spawnSync(TMUX!, ['kill-server'], { env: tmuxEnv(sock), timeout: 5_000 });
    });
  });
});

it.skipIf(!SHELLCHECK)(
  SHELLCHECK
    ? "the probe's files pass shellcheck -s sh, each alone and as the script a target runs"
    : "the probe's files pass shellcheck -s sh (skipped: shellcheck is not installed)",
  () => {
    const paths = ['lib.sh', ...PROBE_FILES].map((f) => `${REMOTE}${f}`);
    const files = spawnSync(SHELLCHECK!, ['-s', 'sh', ...paths], { encoding: 'utf8' });
    expect(files.stdout + files.stderr).toBe('');
    expect(files.status).toBe(0);
    // each file's first line lets a file alone use the globals of the others; the whole
    // script must pass without them (a global no file sets, or sets and none reads, shows)
    const script = probeScript(2);
    const fileLines = script.match(/^# shellcheck shell=sh disable=.*\n/gm) ?? [];
    expect(fileLines).toHaveLength(PROBE_FILES.length);
    const whole = spawnSync(SHELLCHECK!, ['-s', 'sh', '-'], {
      input: script.replace(/^# shellcheck shell=sh disable=.*\n/gm, ''),
      encoding: 'utf8',
    });
    expect(whole.stdout + whole.stderr).toBe('');
    expect(whole.status).toBe(0);
  },
);
