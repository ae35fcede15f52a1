// The field checks (issue #10) end to end: the doctor over ssh2 to a real sshd, against a
// real tmux server with the real plugins, each failure mode produced for real. Not here:
// tmux.control-mode (needs an iTerm2 -CC client) and continuum.boot (macOS LaunchAgents),
// and tmux.known-bad-versions' failures (needs another tmux build): unit tests cover them.
//
// continuum counts every tmux process of the user (see src/domain/continuum.ts): the
// continuum assertions hold when this file runs alone, as integration files do in CI.
import { existsSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DoctorOptions, runDoctor } from '../../src/doctor.js';
import type { Report } from '../../src/engine/report.js';
import { PROBE_FILES } from '../../src/probe/gather.js';
import { remoteSource } from '../../src/remote/assemble.js';
import { type Home, type MakeHomeOptions, makeHome, SEED_CONFIG_LINES } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import {
  killServer,
  readLast,
  save,
  startServerLogin,
  tmuxAvailable,
  tmuxCmd,
  waitForPlugins,
} from '../harness/tmux.js';
import { processesWhere, run, SYSTEM_PATH, signal, sleep, TMUX, waitFor, which } from '../harness/util.js';

const canRun = sshdAvailable() && tmuxAvailable();

/** the field checks a Linux target can produce */
const LINUX_IDS = [
  'continuum.server-count',
  'continuum.restore-window',
  'continuum.saves-happening',
  'tmux.status-interval',
  'tmux.socket',
  'tmux.known-bad-versions',
  'tmux.launch',
  'config.unknown-options',
  'resurrect.shrunken-save',
  'resurrect.format',
  'resurrect.risky-names',
  'resurrect.processes',
  'resurrect.stuck-saves',
  'shell.cwd-override',
];
const FIELD_IDS = [...LINUX_IDS, 'tmux.control-mode', 'continuum.boot'];

/** what the probe gathers in this tree (the scripts and lock records came with the field facts) */
const PROBE = PROBE_FILES.map(remoteSource).join('');
const probeReadsScripts = PROBE.includes('$HOME/scripts');
const probeReadsLocks = PROBE.includes('CAL_PROBE_LOCK_GLOB_PREFIX');

/** the seed config with `extra` lines just above TPM's run line */
const configWith = (...extra: string[]) =>
  ["set -g @plugin 'tmux-plugins/tpm'", ...SEED_CONFIG_LINES, ...extra, "run '~/.tmux/plugins/tpm/tpm'"].join('\n') +
  '\n';

/** Where the probe looks for continuum's lock dirs: under the home, not the shared /tmp. */
const lockPrefix = (home: Home) => join(home.root, 'tmp', 'tmux-continuum-');

interface Scenario {
  home: Home;
  sshd: Sshd;
  report: Report;
}

/** One HOME, one sshd and one doctor run (only the field checks) per scenario. */
function scenario(
  prepare: (home: Home) => Promise<void>,
  homeOpts: MakeHomeOptions = {},
  cleanup: (home: Home) => Promise<void> = async () => {},
) {
  const s = {} as Scenario;
  beforeAll(async () => {
    s.home = makeHome(homeOpts);
    mkdirSync(join(s.home.root, 'tmp'));
    s.sshd = await startSshd({ env: { ...s.home.env(), CAL_PROBE_LOCK_GLOB_PREFIX: lockPrefix(s.home) } });
    await prepare(s.home);
    s.report = await runDoctor(sshOptions(s.sshd));
  }, 90_000);
  afterAll(async () => {
    await s.sshd?.stop();
    if (s.home) {
      await cleanup(s.home).catch(() => undefined);
      await killServer(s.home);
      s.home.cleanup();
    }
  });
  return s;
}

function sshOptions(sshd: Sshd): DoctorOptions {
  return {
    target: { kind: 'ssh', host: `${sshd.user}@${sshd.host}:${sshd.port}` },
    identity: sshd.clientKey,
    knownHostsFile: sshd.knownHosts,
    connectTimeoutMs: 5000,
    only: FIELD_IDS,
  };
}

const check = (r: Report, id: string) => {
  const c = r.checks.find((x) => x.id === id);
  if (!c)
    throw new Error(`no result for ${id}; got ${r.checks.map((x) => x.id).join(', ')}; error: ${r.error?.message}`);
  return c;
};
const text = (c: { summary: string; details: string[]; fix: string[] }) =>
  [c.summary, ...c.details, ...c.fix].join('\n');

async function serverPid(home: Home): Promise<number> {
  const pid = Number(await tmuxCmd(home, 'display-message', '-p', '#{pid}'));
  home.pids.add(pid);
  return pid;
}

describe.skipIf(!canRun)(
  'field checks over a real sshd, tmux and the plugins (needs sshd, tmux and the vendored plugins)',
  () => {
    describe('healthy target', () => {
      const s = scenario(async (home) => {
        await startServerLogin(home);
        await save(home);
      });

      it('passes every field check that Linux can produce', () => {
        expect(s.report.error).toBeUndefined();
        for (const id of LINUX_IDS)
          expect([id, check(s.report, id).status, check(s.report, id).summary]).toEqual([
            id,
            'pass',
            expect.any(String),
          ]);
      });

      it('says what it saw: continuum loaded in time, its count, the save', () => {
        expect(check(s.report, 'continuum.restore-window').summary).toMatch(
          /^continuum loaded \d s after the server started, within @continuum-restore-max-delay \(10 s\)/,
        );
        expect(check(s.report, 'continuum.server-count').summary).toContain(
          'continuum counted no other tmux server at load',
        );
        expect(check(s.report, 'resurrect.format').summary).toMatch(
          /is in the 4\.x format the installed plugin reads$/,
        );
        expect(check(s.report, 'tmux.known-bad-versions').summary).toMatch(
          /^tmux \S+ .*is not a release known to break/,
        );
      });

      it('skips the checks a Linux target without clients cannot have', () => {
        expect(check(s.report, 'tmux.control-mode').status).toBe('skip');
        expect(check(s.report, 'continuum.boot').summary).toContain('macOS only');
      });
    });

    describe('config mistakes: a misspelled option, status-interval 0, a wrapping default-command, `cd ~` in .bashrc', () => {
      const bash = which('bash', SYSTEM_PATH)!;
      const s = scenario(
        async (home) => {
          await startServerLogin(home);
          // a program in a pane: the wrapper shell hides it from save.sh
          await tmuxCmd(home, 'send-keys', '-t', 'notes:0.0', 'tail -f /dev/null', 'Enter');
          await waitFor(
            async () =>
              (await tmuxCmd(home, 'display-message', '-p', '-t', 'notes:0.0', '#{pane_current_command}')) === 'tail',
            {
              timeoutMs: 5_000,
              what: 'tail to run in notes:0.0',
            },
          );
          await save(home);
        },
        {
          shell: bash,
          config: configWith(
            "set -g @resurrect-dirr '~/tmux-saves'",
            'set -g status-interval 0',
            "set -g default-command 'test -d /tmp && bash -l || exec sh'",
          ),
          files: { '.bash_profile': '[ -f ~/.bashrc ] && . ~/.bashrc\n', '.bashrc': 'cd ~\n' },
        },
      );

      it('config.unknown-options fails on @resurrect-dirr and names @resurrect-dir', () => {
        const c = check(s.report, 'config.unknown-options');
        expect(c.status).toBe('fail');
        expect(c.summary).toContain('@resurrect-dirr is not an option the plugins know — did you mean @resurrect-dir?');
        expect(c.fix.join('\n')).toContain("write: set -g @resurrect-dir '~/tmux-saves'");
      });

      it('tmux.status-interval fails on 0 and names the config line', () => {
        const c = check(s.report, 'tmux.status-interval');
        expect(c.status).toBe('fail');
        expect(c.summary).toMatch(/^status-interval is 0/);
        expect(text(c)).toContain('set at ~/.tmux.conf:8: set -g status-interval 0');
      });

      it('resurrect.processes fails: tail was saved as the inner shell, with the exec fix', () => {
        const saved = readLast(s.home)!.content;
        expect(saved).toMatch(/^pane\tnotes\t0\t.*\ttail\t:bash -l$/m);
        const c = check(s.report, 'resurrect.processes');
        expect(c.status).toBe('fail');
        expect(c.summary).toContain('notes:0.0: tail saved as "bash -l"');
        expect(c.fix).toContain(
          "set -g default-command 'test -d /tmp && exec bash -l'   # exec: the shell replaces the wrapper",
        );
      });

      it('shell.cwd-override fails on the cd in ~/.bashrc, which .bash_profile sources', () => {
        // what it does for real: every pane, though created with -c, was saved in HOME
        const dirs = [...readLast(s.home)!.content.matchAll(/^pane(?:\t[^\t]*){6}\t:([^\t]*)/gm)].map((m) => m[1]);
        expect(new Set(dirs)).toEqual(new Set([s.home.dir]));
        const c = check(s.report, 'shell.cwd-override');
        expect(c.status).toBe('fail');
        expect(c.summary).toBe(
          '~/.bashrc:1 runs `cd ~` in every new shell: restored panes open in ~ (home) instead of their saved directory',
        );
        expect(text(c)).toContain('sourced by .bash_profile');
      });
    });

    describe('an extra tmux client while the plugins load', () => {
      // a config line whose script calls tmux and waits: its client is connected while continuum counts
      // (the waiting script names the home, so the harness's cleanup ends it)
      const s = scenario(async (home) => void (await startServerLogin(home)), {
        config: configWith(`run-shell -b 'tmux run-shell "~/bin/client-wait.sh"'`),
        files: { 'bin/client-wait.sh': { content: '#!/bin/sh\nwhile :; do sleep 1; done\n', mode: 0o755 } },
      });

      it('continuum.server-count fails: continuum counted the client, skipped its hook and timestamp', () => {
        const c = check(s.report, 'continuum.server-count');
        expect(c.status).toBe('fail');
        expect(c.summary).toMatch(
          /^continuum counted another tmux server at load and silently switched off auto-save and auto-restore: /,
        );
        expect(c.summary).toMatch(/\d+ `tmux run-shell ~\/bin\/client-wait\.sh`/);
        expect(text(c)).toMatch(
          /ps: pid \d+ \(not a client of this server, up [\d:]+\): tmux run-shell ~\/bin\/client-wait\.sh/,
        );
        expect(c.fix.join('\n')).toContain('prefix : then run-shell');
      });

      it('continuum.restore-window has no load time to judge', () => {
        expect(check(s.report, 'continuum.restore-window').status).toBe('skip');
      });
    });

    describe('continuum loaded 4 s after server start, with a 2-s restore window', () => {
      const s = scenario(async (home) => {
        // TPM by its full path: the harness waits without running tmux clients while a process names the plugins dir
        const config = [
          "set -g @plugin 'tmux-plugins/tpm'",
          ...SEED_CONFIG_LINES,
          "set -g @continuum-restore-max-delay '2'",
          `run-shell -b 'sleep 4; ${home.pluginsDir}/tpm/tpm'`,
        ];
        writeFileSync(join(home.dir, '.tmux.conf'), `${config.join('\n')}\n`);
        await startServerLogin(home, { timeoutMs: 20_000 });
      });

      it('continuum.restore-window fails with the measured delay and the option to raise', () => {
        const c = check(s.report, 'continuum.restore-window');
        expect(c.status).toBe('fail');
        const m = c.summary.match(
          /^continuum loaded (\d+) s after the server started, past @continuum-restore-max-delay \(2 s\): auto-restore was skipped$/,
        );
        expect(m).not.toBeNull();
        expect(Number(m![1])).toBeGreaterThanOrEqual(4);
        expect(c.fix[0]).toMatch(/^set -g @continuum-restore-max-delay '30'/);
      });
    });

    describe('saves: a blank layout saved over a good one, then an auto-save that writes nothing', () => {
      let good = '';
      const s = scenario(
        async (home) => {
          await startServerLogin(home);
          good = (await save(home)).file.split('/').pop()!;
          await tmuxCmd(
            home,
            'new-session',
            '-d',
            '-s',
            'scratch',
            ';',
            'kill-session',
            '-t',
            '=cal-dev',
            ';',
            'kill-session',
            '-t',
            '=notes',
          );
          await save(home);
          // a session the next auto-save must see, then continuum's own save script with a save path that is gone
          await sleep(3_000);
          await tmuxCmd(home, 'new-session', '-d', '-s', 'later');
          await sleep(3_000);
          await tmuxCmd(home, 'set', '-g', '@resurrect-save-script-path', join(home.root, 'gone', 'save.sh'));
          await tmuxCmd(home, 'set', '-g', '@continuum-save-last-timestamp', '0');
          await tmuxCmd(home, 'run-shell', join(home.pluginsDir, 'tmux-continuum', 'scripts', 'continuum_save.sh'));
          await sleep(2_500);
        },
        { config: configWith("set -g @continuum-restore-max-delay '3'") },
      );

      it('resurrect.shrunken-save fails and names the good save to relink', () => {
        const c = check(s.report, 'resurrect.shrunken-save');
        expect(c.status).toBe('fail');
        expect(c.summary).toMatch(
          /^`last` \(tmux_resurrect_\d{8}T\d{6}\.txt: 1 session, 1 window, 1 pane\) is far smaller than tmux_resurrect_\d{8}T\d{6}\.txt \(2 sessions, 3 windows, 4 panes\)/,
        );
        expect(c.fix[0]).toBe(`point \`last\` at the good save: cd ${s.home.saveDir} && ln -sf ${good} last`);
      });

      it('continuum.saves-happening fails: session "later" predates the auto-save but no file holds it', () => {
        const c = check(s.report, 'continuum.saves-happening');
        expect(c.status).toBe('fail');
        expect(c.summary).toMatch(
          /^continuum's auto-save at \S+ wrote nothing: 1 session \(later\) existed then, but the newest save file is older/,
        );
        expect(text(c)).toContain(
          `@resurrect-save-script-path = ${join(s.home.root, 'gone', 'save.sh')}, not the installed`,
        );
      });
    });

    describe('risky names: a window named "3rd-party" before window 3, a pane with an empty title', () => {
      const s = scenario(async (home) => {
        await startServerLogin(home);
        await tmuxCmd(
          home,
          'new-window',
          '-d',
          '-t',
          'cal-dev:2',
          '-n',
          '3rd-party',
          ';',
          'new-window',
          '-d',
          '-t',
          'cal-dev:3',
          '-n',
          'docs',
          ';',
          'select-pane',
          '-t',
          'cal-dev:0.0',
          '-T',
          '',
        );
        await save(home);
      });

      it('resurrect.risky-names fails on the shifted pane line and warns about window 3', () => {
        expect(readLast(s.home)!.content).toMatch(/^pane\tcal-dev\t0\t\d\t:[^\t]*\t0\t:\//m); // the title slot holds the dir
        const c = check(s.report, 'resurrect.risky-names');
        expect(c.status).toBe('fail');
        expect(c.summary).toBe(
          '1 pane saved with shifted fields (an empty pane title): restore opens them in the wrong directory and loses their programs',
        );
        expect(text(c)).toContain('cal-dev:0.0 (line 1): the title slot holds the dir');
        expect(text(c)).toContain(
          'warn: a restore into a server that still has window cal-dev:2 "3rd-party" skips window cal-dev:3',
        );
      });
    });

    describe('a save written by tmux-resurrect 3.x (no server running)', () => {
      const V3 = [
        'pane\tcal-dev\t0\t1\t:*\t0\t:/tmp\t1\tzsh\t:',
        'window\tcal-dev\t0\t:work\t1\t:*\tb25d,200x50,0,0,0',
        'state\tcal-dev\t',
        '',
      ].join('\n');
      const s = scenario(async (home) => {
        mkdirSync(home.saveDir, { recursive: true });
        writeFileSync(join(home.saveDir, 'tmux_resurrect_20210901T120000.txt'), V3);
        symlinkSync('tmux_resurrect_20210901T120000.txt', join(home.saveDir, 'last'));
      });

      it('resurrect.format fails and tells how to restore it with v3.0.0', () => {
        const c = check(s.report, 'resurrect.format');
        expect(c.status).toBe('fail');
        expect(c.summary).toContain('was written by tmux-resurrect 3.x');
        expect(c.details[0]).toBe(
          'tmux_resurrect_20210901T120000.txt: 1 pane line in the 3.x format (line 1); 1 window line in the 3.x format (line 2)',
        );
        expect(c.fix.join('\n')).toContain('checkout v3.0.0');
      });
    });

    describe('a live server whose socket file was deleted', () => {
      let pid = 0;
      const s = scenario(async (home) => {
        await startServerLogin(home, { layout: false });
        pid = await serverPid(home);
        unlinkSync(home.socket);
      });

      it('tmux.socket fails, proved from where the OS says it listens, and gives kill -USR1 with the server pid', () => {
        const c = check(s.report, 'tmux.socket');
        expect(c.status).toBe('fail');
        expect(c.summary).toContain(`is running but its socket ${s.home.socket} is gone`);
        expect(c.details).toContain(`  listens on ${s.home.socket}: the socket file is gone`);
        expect(c.details).toContain(`read from /proc/${pid} (its TMUX_TMPDIR: ${s.home.tmuxTmpdir}):`);
        expect(c.fix).toContain(`kill -USR1 ${pid}   # tmux creates its socket again`);
        expect(c.fix.join('\n')).not.toMatch(/kill-server|kill (-9 |-KILL |-TERM )?\d/);
      });

      it('after the fix (SIGUSR1) the socket is back and the server answers on it', async () => {
        signal(pid, 'SIGUSR1');
        await waitFor(() => existsSync(s.home.socket), { timeoutMs: 3_000, what: 'tmux to re-create its socket' });
        expect(await tmuxCmd(s.home, 'display-message', '-p', '#{pid}')).toBe(String(pid));
      });
    });

    describe('a server whose socket was deleted, and a newer server started on the same path', () => {
      let old = 0;
      let newer = 0;
      const s = scenario(async (home) => {
        await startServerLogin(home, { layout: false });
        old = await serverPid(home);
        unlinkSync(home.socket);
        await tmuxCmd(home, 'new-session', '-d', '-s', 'newer');
        newer = await serverPid(home);
      });

      it('tmux.socket fails naming the server that took the path, and advises ending neither', () => {
        const c = check(s.report, 'tmux.socket');
        expect(newer).not.toBe(old);
        expect(c.status).toBe('fail');
        expect(c.summary).toContain(`tmux server pid ${old} lost its socket ${s.home.socket} to pid ${newer}`);
        expect(c.fix).toContain(
          `kill -USR1 ${old}   # pid ${old} re-creates ${s.home.socket} and answers there again; ends nothing`,
        );
        expect(c.fix.join('\n')).not.toMatch(/kill-server|kill (-9 |-KILL |-TERM )?\d/);
      });
    });

    describe('a second server, healthy, under another TMUX_TMPDIR', () => {
      let pid = 0;
      let socket = '';
      const s = scenario(async (home) => {
        await startServerLogin(home, { layout: false });
        // another job's server: same user, its own TMUX_TMPDIR, so its own socket dir
        const tmpdir = join(home.root, 'job');
        mkdirSync(tmpdir);
        socket = join(tmpdir, `tmux-${process.getuid?.() ?? 0}`, 'default');
        const env = { ...home.env(), TMUX_TMPDIR: tmpdir };
        const started = await run(TMUX!, ['new-session', '-d', '-s', 'job'], { env, cwd: home.dir });
        expect(started.code, started.stderr).toBe(0);
        pid = Number((await run(TMUX!, ['-S', socket, 'display-message', '-p', '#{pid}'], { env })).stdout);
        home.pids.add(pid);
      });

      it('tmux.socket passes and names the socket it answers on', () => {
        const c = check(s.report, 'tmux.socket');
        expect([c.status, c.summary]).toEqual([
          'pass',
          `2 tmux servers running, each answering on its socket (pid ${pid} on ${socket}, its TMUX_TMPDIR being ${join(s.home.root, 'job')})`,
        ]);
        expect(c.fix).toEqual([]);
      });
    });

    describe('saves piling up, and a stale continuum lock dir', () => {
      let lock = '';
      const s = scenario(
        async (home) => {
          await startServerLogin(home, { layout: false });
          const pid = await serverPid(home);
          // a post-save hook that never returns: each save.sh hangs after writing its file
          await tmuxCmd(home, 'set', '-g', '@resurrect-hook-post-save-layout', join(home.dir, 'bin', 'slow-hook.sh'));
          const script = join(home.pluginsDir, 'tmux-resurrect', 'scripts', 'save.sh');
          await tmuxCmd(home, 'run-shell', '-b', `'${script}' quiet`);
          await sleep(1_100);
          await tmuxCmd(home, 'run-shell', '-b', `'${script}' quiet`);
          await waitFor(() => processesWhere((argv) => argv.some((a) => a === script)).length >= 2, {
            timeoutMs: 5_000,
            what: 'two save.sh processes',
          });
          lock = `${lockPrefix(home)}${pid}-lock-${Math.floor(Date.now() / 100_000) - 5}`;
          mkdirSync(lock);
        },
        { files: { 'bin/slow-hook.sh': { content: '#!/bin/sh\nwhile :; do sleep 1; done\n', mode: 0o755 } } },
      );

      it('resurrect.stuck-saves warns on the two running saves, with their pids to kill', () => {
        const c = check(s.report, 'resurrect.stuck-saves');
        expect(c.status).toBe('warn');
        expect(c.summary).toBe('2 saves running at once: they append to the same file and race on `last`');
        const pids = processesWhere(
          (argv) =>
            argv.some((a) => a.endsWith('tmux-resurrect/scripts/save.sh')) && argv.some((a) => a.includes(s.home.root)),
        );
        for (const p of pids) expect(c.fix[0]).toContain(String(p));
      });

      it.skipIf(!probeReadsLocks)(
        'and on the stale lock dir (skipped: this probe does not list continuum locks)',
        () => {
          const c = check(s.report, 'resurrect.stuck-saves');
          expect(text(c)).toContain(`warn: 1 stale continuum lock dir (${lock})`);
          expect(c.fix).toContain(`rmdir ${lock}`);
        },
      );
    });

    describe('a wrapper script that starts tmux and splits the window before the restore', () => {
      const wrapper = [
        '#!/bin/sh',
        '# start the dev session',
        'tmux new-session -d -s cal-dev -c "$HOME"',
        'tmux split-window -d -t cal-dev -c "$HOME"',
        'exec tmux new-session -A -s cal-dev',
        '',
      ].join('\n');
      const s = scenario(
        async (home) => {
          // the last line needs a terminal and fails here; the first two start the server
          await run('/bin/sh', [join(home.dir, 'scripts', 'tmux-wrapper.sh')], {
            env: home.env(),
            cwd: home.dir,
            timeoutMs: 10_000,
          });
          await waitForPlugins(home, { expectLoaded: true });
          await serverPid(home);
        },
        { files: { 'scripts/tmux-wrapper.sh': { content: wrapper, mode: 0o755 } } },
      );

      it.skipIf(!probeReadsScripts)(
        'tmux.launch warns: restore would keep the two panes (skipped: this probe does not read ~/scripts)',
        () => {
          const c = check(s.report, 'tmux.launch');
          expect(c.status).toBe('warn');
          expect(c.summary).toBe(
            '~/scripts/tmux-wrapper.sh creates a session and then 1 window/pane command (split-window) at start: restore keeps the panes that exist (their dirs and programs are not restored) and merges the saved layout around them',
          );
          expect(text(c)).toContain('sessions that exist since server start: cal-dev (1 window)');
          expect(text(c)).toContain(
            '~/scripts/tmux-wrapper.sh:5: exec tmux new-session -A -s cal-dev   (tmux new-session cal-dev)',
          );
        },
      );
    });
  },
);
