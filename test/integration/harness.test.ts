// Proves the harness gives real things: a real sshd whose sessions get the test HOME,
// a real tmux with the real plugins, real resurrect saves, the Homebrew PATH split.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brewEnv, installBrew } from '../harness/brew.js';
import { fakeTart } from '../harness/fake-tart.js';
import { type Home, makeHome } from '../harness/home.js';
import { HOMEBREW_BIN, inMacosNamespace, MACOS, targetPath } from '../harness/macos.js';
import { type Sshd, ssh, sshdAvailable, startSshd } from '../harness/sshd.js';
import {
  killServer,
  makeStateOnlySave,
  pluginState,
  save,
  startServerLogin,
  startServerNonLogin,
  tmuxAvailable,
  tmuxCmd,
} from '../harness/tmux.js';
import { processesWhere, run } from '../harness/util.js';

const canRun = sshdAvailable() && tmuxAvailable();

describe.runIf(MACOS)('the macOS-like target (runs only with CAL_DOCTOR_TARGET=macos, the second CI pass)', () => {
  it("is what it says: macOS's bash as /bin/sh and /bin/bash, BSD tools first on the target PATH, tmux only in Homebrew's dir", async () => {
    expect(inMacosNamespace()).toBe(true);
    const bash = await run('/bin/bash', ['-c', 'echo "$BASH_VERSION"']);
    expect(bash.stdout).toMatch(/^3\.2\.57/);
    const ls = await run('/bin/sh', ['-c', 'ls --version'], { env: { PATH: targetPath('/usr/bin:/bin') } });
    expect(ls.code).not.toBe(0); // BSD ls has no --version
    expect((await run('/bin/sh', ['-c', 'command -v tmux'], { env: { PATH: '/usr/bin:/bin' } })).stdout).toBe('');
    expect((await run('/bin/sh', ['-c', `command -v tmux`], { env: { PATH: HOMEBREW_BIN } })).stdout.trim()).toBe(
      `${HOMEBREW_BIN}/tmux`,
    );
  });
});
const paneLines = (content: string) => content.split('\n').filter((l) => l.startsWith('pane\t'));

describe.skipIf(!canRun)(
  'harness: healthy home over a private sshd (needs sshd, ssh, ssh-keygen, tmux, vendored plugins)',
  () => {
    let home: Home;
    let sshd: Sshd;

    beforeAll(async () => {
      home = makeHome();
      sshd = await startSshd({ env: { ...home.env(), CAL_TEST_SPACED: 'a "quoted" value with spaces' } });
    });
    afterAll(async () => {
      await sshd?.stop();
      if (home) await killServer(home);
      home?.cleanup();
    });

    it('SetEnv gives the OpenSSH session the test HOME, TMUX_TMPDIR and PATH', async () => {
      const out = await ssh(
        sshd,
        'echo "$HOME"; echo "$TMUX_TMPDIR"; echo "$PATH"; echo "$CAL_TEST_SPACED"; echo "${XDG_DATA_HOME-unset}"',
      );
      expect(out.stderr).toBe('');
      expect(out.stdout.split('\n')).toEqual([
        home.dir,
        home.tmuxTmpdir,
        home.path,
        'a "quoted" value with spaces',
        'unset',
        '',
      ]);
    });

    it('ssh2 logs in with the client key and the pinned host key', async () => {
      const blob = Buffer.from(sshd.hostKeyPub.split(' ')[1]!, 'base64');
      const client = new Client();
      const remoteHome = await new Promise<string>((resolve, reject) => {
        client
          .on('ready', () => {
            client.exec('printf %s "$HOME"', (err, stream) => {
              if (err) return reject(err);
              let out = '';
              stream.on('data', (d: Buffer) => (out += d)).on('close', () => resolve(out));
              stream.stderr.resume();
            });
          })
          .on('error', reject)
          .connect({
            host: sshd.host,
            port: sshd.port,
            username: sshd.user,
            privateKey: readFileSync(sshd.clientKey),
            hostVerifier: (key: Buffer) => key.equals(blob),
            readyTimeout: 5_000,
          });
      }).finally(() => client.end());
      expect(remoteHome).toBe(home.dir);
    });

    it('a login-started server loads TPM, and save() writes a last with every pane', async () => {
      const server = await startServerLogin(home);
      expect(server.plugins.tpmPath).toBe(`${home.pluginsDir}/`);
      expect(server.plugins.saveScriptPath).toBe(join(home.pluginsDir, 'tmux-resurrect/scripts/save.sh'));

      // the SSH session reaches this very server through TMUX_TMPDIR
      const overSsh = await ssh(
        sshd,
        'tmux display-message -p "#{pid}"; tmux show-environment -g TMUX_PLUGIN_MANAGER_PATH',
      );
      expect(overSsh.stdout).toBe(`${server.pid}\nTMUX_PLUGIN_MANAGER_PATH=${home.pluginsDir}/\n`);

      const saved = await save(home);
      expect(saved.exitCode).toBe(0);
      expect(saved.file).toMatch(new RegExp(`^${home.saveDir}/tmux_resurrect_\\d{8}T\\d{6}\\.txt$`));
      const panes = paneLines(saved.content);
      expect(panes).toHaveLength(4);
      expect(panes.filter((l) => l.split('\t')[1] === 'cal-dev')).toHaveLength(3);
      expect(saved.content).toContain(`:${server.layout!.dirs.spaced.replace(/ /g, '\\ ')}\t`);
      expect(saved.content.split('\n').filter((l) => l.startsWith('window\t'))).toHaveLength(3);
      expect(saved.content).toMatch(/^state\t/m);
    });

    it('makeStateOnlySave() leaves last holding a single state line', async () => {
      const saved = await makeStateOnlySave(home);
      expect(saved.content).toBe('state\t\t\n');
      expect(await tmuxCmd(home, 'list-sessions', '-F', '#{session_name}').catch(() => '')).toBe('');
    });
  },
);

describe.skipIf(!canRun)('harness: the Homebrew case (needs sshd, ssh, ssh-keygen, tmux, vendored plugins)', () => {
  let home: Home;
  let sshd: Sshd;

  beforeAll(async () => {
    home = makeHome();
    sshd = await startSshd({ env: brewEnv(home) });
  });
  afterAll(async () => {
    await sshd?.stop();
    if (home) await killServer(home);
    home?.cleanup();
  });

  it('tmux is not on the non-login SSH PATH, but a login shell finds the brew one', async () => {
    const brew = installBrew(home);
    const plain = await ssh(sshd, 'command -v tmux; echo "rc=$?"; command -v sh base64 id uname ps');
    expect(plain.stdout.split('\n')[0]).toBe('rc=1');
    expect(plain.stdout).toContain(`${brew.toolsDir}/base64`);
    const login = await ssh(sshd, "bash -l -c 'command -v tmux'");
    expect(login.stdout.trim()).toBe(brew.tmux);
    const zshLogin = await ssh(sshd, "zsh -l -c 'command -v tmux'");
    expect(zshLogin.stdout.trim()).toBe(brew.tmux);
  });

  it('a server started non-login has no plugin loaded, and its save is 0 bytes', async () => {
    const server = await startServerNonLogin(home);
    expect(server.plugins).toEqual({ tpmPath: undefined, saveScriptPath: undefined, continuumInStatus: false });
    expect(await pluginState(home)).toEqual(server.plugins);
    // docs/domain.md: save.sh cannot call tmux, yet still writes a 0-byte file that becomes `last`
    const saved = await save(home);
    expect(saved.exitCode).toBe(127);
    expect(saved.content).toBe('');
  });

  it('the same home started from a login shell loads TPM through the profile PATH', async () => {
    await killServer(home);
    const server = await startServerLogin(home, { shell: 'zsh', layout: false });
    expect(server.plugins.tpmPath).toBe(`${home.pluginsDir}/`);
    expect(server.plugins.saveScriptPath).toBeDefined();
    const path = await tmuxCmd(home, 'show-environment', '-g', 'PATH');
    expect(path.startsWith(`PATH=${installBrew(home).brewBin}:`)).toBe(true);
  });

  it('killServer leaves no process of the home behind', async () => {
    await killServer(home);
    expect(processesWhere((argv) => argv.some((a) => a.includes(`${home.root}/`)))).toEqual([]);
  });
});

describe('harness: fake tart', () => {
  const tart = fakeTart([
    { name: 'cal-dev', state: 'running', ip: '192.168.64.142' },
    { name: 'cal-init', state: 'stopped' },
  ]);
  afterAll(() => tart.cleanup());
  const call = (...args: string[]) => run('tart', args, { env: tart.env });

  it('lists VMs as tart list --format json does', async () => {
    const out = await call('list', '--format', 'json');
    expect(out.code).toBe(0);
    const vms = JSON.parse(out.stdout) as Array<Record<string, unknown>>;
    expect(vms.map((v) => [v.Name, v.State, v.Running, v.Source])).toEqual([
      ['cal-dev', 'running', true, 'local'],
      ['cal-init', 'stopped', false, 'local'],
    ]);
    expect(Object.keys(vms[0]!).sort()).toEqual(['Accessed', 'Disk', 'Name', 'Running', 'Size', 'Source', 'State']);
  });

  it('answers tart ip like the real one, and follows state changes', async () => {
    expect(await call('ip', 'cal-dev')).toMatchObject({ code: 0, stdout: '192.168.64.142\n', stderr: '' });
    expect(await call('ip', 'cal-init')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'no IP address found, is your VM running?\n',
    });
    expect(await call('ip', 'nope')).toMatchObject({ code: 2, stderr: 'the specified VM "nope" does not exist\n' });
    tart.setVms([{ name: 'cal-dev', state: 'stopped' }]);
    expect((await call('ip', 'cal-dev')).code).toBe(1);
    expect(tart.calls().map((c) => c.join(' '))).toEqual([
      'list --format json',
      'ip cal-dev',
      'ip cal-init',
      'ip nope',
      'ip cal-dev',
    ]);
  });
});
