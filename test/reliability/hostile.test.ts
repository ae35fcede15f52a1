// Hostile target data and hostile inputs (issue #7):
//  - session and window names and pane paths with tabs, newlines, quotes, backticks,
//    `$(touch …)`, unicode and 4 KB lengths, live and saved: reported exactly, nothing run;
//  - a hostile @resurrect-dir, --checks-dir, --user and --vm: never pasted into a remote
//    (or local) shell; the remote gets one constant command and the probe on stdin;
//  - a 100 MB `last` and a save dir of 10,000 files: bounded memory and time, and the report
//    says what was cut; binary garbage in `last`: classified, no crash.
// Markers: every `touch` in a hostile value names a file in a fresh dir; none may appear.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSave } from '../../src/domain/resurrect/savefile.js';
import { gatherFacts, probeScript } from '../../src/probe/gather.js';
import { LocalTarget } from '../../src/targets/local.js';
import { REMOTE_COMMAND } from '../../src/targets/ssh.js';
import { type FakeTart, fakeTart } from '../harness/fake-tart.js';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { closedPort, type FakeSshd, fakeSshd, newKeyPair } from '../harness/sshd-variants.js';
import { killServer, save, startServerLogin, tmuxAvailable, tmuxCmd } from '../harness/tmux.js';
import { hostFlags } from '../helpers/cli.js';
import { type CliRun, cliBuilt, lines, runCli, tempDir } from './cli.js';

const canRun = sshdAvailable() && tmuxAvailable() && cliBuilt();

interface JsonCheck {
  id: string;
  status: string;
  summary: string;
  details: string[];
  fix: string[];
}
interface JsonReport {
  error?: { message: string };
  checks: JsonCheck[];
  probeWarnings?: string[];
}

/** A marker dir and hostile strings whose every command substitution would create a file in it. */
function hostile() {
  const marks = tempDir('calmark');
  const m = (n: string) => join(marks, n);
  return {
    marks,
    /** files in the marker dir: must stay empty */
    created: () => readdirSync(marks),
    strings: {
      tab: `tab\there`,
      newline: `new\nline`,
      quotes: `q "double" 'single' \\ back\\slash`,
      backticks: `bt \`touch ${m('bt')}\``,
      subst: `$(touch ${m('subst')})`,
      literalX: '$(touch /tmp/x)',
      semicolon: `; touch ${m('semi')}; #`,
      unicode: 'ünïcødé 🙂 漢字 \u202e rtl',
      long: `L${'é'.repeat(1000)}${'x'.repeat(2000)}`, // 4 KB in bytes
    },
  };
}

describe.skipIf(!canRun)(
  'hostile names in the live server, its save and pane paths (needs sshd, tmux, plugins, a build)',
  () => {
    let home: Home;
    let sshd: Sshd;
    let h: ReturnType<typeof hostile>;
    const tmpXExisted = existsSync('/tmp/x');
    const sessionNames: string[] = [];

    beforeAll(async () => {
      h = hostile();
      home = makeHome();
      sshd = await startSshd({ env: home.env() });
      await startServerLogin(home, { layout: false });
      const values = Object.values(h.strings);
      // pane paths: one dir per hostile value (the long one nested to stay under NAME_MAX)
      const dirs = values.map((v, i) => {
        const parts = Buffer.byteLength(v) > 200 ? (v.match(/.{1,100}/gsu) ?? [v]) : [v];
        const d = join(home.dir, 'hostile', String(i), ...parts.map((p) => p.replace(/\//g, '_')));
        mkdirSync(d, { recursive: true });
        return d;
      });
      for (const [i, v] of values.entries()) {
        await tmuxCmd(home, 'new-session', '-d', '-s', `s${i} ${v}`, '-n', `w${i} ${v}`, '-c', dirs[i]!);
      }
      await save(home);
      // and one that is live but not saved: the report names it
      await tmuxCmd(
        home,
        'new-session',
        '-d',
        '-s',
        `unsaved ${h.strings.subst} ${h.strings.backticks}`,
        '-c',
        dirs[0]!,
      );
      // the names as tmux itself holds them (-u: UTF-8 out, as the probe asks for)
      const listed = await tmuxCmd(home, '-u', 'list-sessions', '-F', '#{session_name}');
      sessionNames.push(...listed.split('\n').filter((n) => n !== 'cal-dev'));
    });
    afterAll(async () => {
      await sshd?.stop();
      if (home) {
        await killServer(home);
        home.cleanup();
      }
    });

    const runs: Array<[string, () => { args: string[]; env?: Record<string, string>; home?: string }]> = [
      [
        'over ssh',
        () => ({
          args: [...hostFlags(sshd), '--json', '--verbose'],
        }),
      ],
      ['--local', () => ({ args: ['--local', '--json', '--verbose'], env: home.env(), home: home.dir })],
    ];

    it.each(runs)(
      '%s: every session name is reported exactly as tmux holds it, no check crashed, nothing was executed',
      async (_n, mode) => {
        const m = mode();
        const r = await runCli(m.args, { env: m.env, home: m.home });
        expect([0, 1], r.stderr).toContain(r.code);
        const report = JSON.parse(r.stdout) as JsonReport;
        expect(report.error).toBeUndefined();
        expect(report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
        const server = report.checks.find((c) => c.id === 'tmux.server')!;
        const sessionsLine = server.details.find((d) => d.startsWith('sessions: '))!;
        expect(sessionNames.length).toBe(Object.keys(h.strings).length + 1);
        for (const name of sessionNames) expect(sessionsLine).toContain(`${name} (`);
        // the session that was never saved is named as missing from the save, exactly
        const unsaved = sessionNames.find((n) => n.startsWith('unsaved '))!;
        expect(JSON.stringify(report.checks.find((c) => c.id === 'resurrect.last'))).toContain(
          JSON.stringify(unsaved).slice(1, -1),
        );
        expect(h.created()).toEqual([]);
        if (!tmpXExisted) expect(existsSync('/tmp/x')).toBe(false);
      },
    );

    it('the facts carry the names, window names and pane paths byte for byte (live sessions exactly; the save as resurrect wrote it)', async () => {
      const facts = await gatherFacts(new LocalTarget({ ...home.env(), LANG: 'C.UTF-8' }), {
        tmuxTimeoutSec: 5,
        timeoutMs: 30_000,
      });
      expect(
        facts.server?.sessions
          .map((s) => s.name)
          .filter((n) => n !== 'cal-dev')
          .sort(),
      ).toEqual([...sessionNames].sort());
      const saveDir = facts.saveDirs.find((d) => d.last?.file?.content);
      expect(saveDir).toBeDefined();
      const parsed = parseSave(saveDir!.last!.file!.content);
      const savedWindows = parsed.sessions.flatMap((s) => s.windows.map((w) => w.name));
      // window names without a tab or newline survive resurrect's tab-separated format intact
      for (const [key, v] of Object.entries(h.strings)) {
        if (/[\t\n\\]/.test(v)) continue; // resurrect itself cannot store these (its `read` splits/eats them)
        const i = Object.keys(h.strings).indexOf(key);
        expect(savedWindows).toContain(`w${i} ${v}`);
      }
      expect(h.created()).toEqual([]);
    });
  },
);

describe.skipIf(!canRun)('hostile @resurrect-dir, --checks-dir, --user, --vm: nothing reaches a shell', () => {
  let h: ReturnType<typeof hostile>;
  beforeAll(() => void (h = hostile()));

  describe('hostile @resurrect-dir on a live server, over a real sshd', () => {
    let home: Home;
    let sshd: Sshd;
    let rdir: string;
    beforeAll(async () => {
      rdir = `~/rs ${h.strings.subst} ${h.strings.backticks} ${h.strings.semicolon}`;
      const conf = `set -g @plugin 'tmux-plugins/tpm'\nset -g @plugin 'tmux-plugins/tmux-resurrect'\nset -g @resurrect-dir '${rdir.replace(/'/g, '')}'\nrun '~/.tmux/plugins/tpm/tpm'\n`;
      home = makeHome({ config: conf, plugins: ['tpm', 'tmux-resurrect'] });
      sshd = await startSshd({ env: home.env() });
      await startServerLogin(home, { layout: false });
    });
    afterAll(async () => {
      await sshd?.stop();
      if (home) {
        await killServer(home);
        home.cleanup();
      }
    });

    it('is expanded like resurrect does (~ only), shown exactly, and never evaluated', async () => {
      const r = await runCli([...hostFlags(sshd), '--json', '--verbose']);
      expect([0, 1], r.stderr).toContain(r.code);
      const report = JSON.parse(r.stdout) as JsonReport;
      const dirCheck = report.checks.find((c) => c.id === 'resurrect.dir')!;
      const expanded = rdir.replace(/'/g, '').replace(/^~/, home.dir);
      expect(JSON.stringify(dirCheck)).toContain(JSON.stringify(expanded).slice(1, -1));
      expect(h.created()).toEqual([]);
    });
  });

  describe('flags: the remote gets one constant command and exactly the probe', () => {
    let srv: FakeSshd;
    let home: Home;
    let key: string;
    beforeAll(async () => {
      home = makeHome({ plugins: [] });
      const kp = newKeyPair();
      key = join(tempDir('cal-key-'), 'id');
      writeFileSync(key, kp.private, { mode: 0o600 });
      // a real probe, run locally for the fake server: the full round trip
      srv = await fakeSshd({
        authorizedKeys: [kp.public],
        exec: { kind: 'local', env: { ...home.env(), LANG: 'C.UTF-8' } },
      });
    });
    afterAll(async () => {
      await srv?.stop();
      home?.cleanup();
    });

    it('hostile --checks-dir and --user: the check loads, the exec is REMOTE_COMMAND, stdin is exactly the probe', async () => {
      const checksDir = join(
        tempDir('cal-checks-'),
        `dir ${h.strings.subst} ${h.strings.backticks} ${h.strings.newline}`,
      );
      mkdirSync(checksDir, { recursive: true });
      writeFileSync(
        join(checksDir, 'acme.hostile.js'),
        "export default { id: 'acme.hostile', category: 'acme', title: 't', explain: 'e', run: () => ({ status: 'info', summary: 'loaded from a hostile dir' }) };\n",
      );
      const user = `u${h.strings.subst}`;
      const r = await runCli([
        '--host',
        `127.0.0.1:${srv.port}`,
        '--user',
        user,
        '-i',
        key,
        '--known-hosts',
        srv.knownHosts,
        '--checks-dir',
        checksDir,
        '--tmux-timeout',
        '3',
        '--json',
      ]);
      expect([0, 1], r.stderr).toContain(r.code);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.checks.find((c) => c.id === 'acme.hostile')?.summary).toBe('loaded from a hostile dir');
      expect(srv.events.auth.map((a) => a.user)).toContain(user);
      expect(srv.events.execs).toEqual([REMOTE_COMMAND]);
      expect(srv.events.stdin[0]!.toString('utf8')).toBe(probeScript(3));
      expect(h.created()).toEqual([]);
    });

    it('REMOTE_COMMAND is a constant of plain characters: nothing from outside is in it', () => {
      expect(REMOTE_COMMAND).toBe(`/bin/sh -c 'echo "@@cal-doctor-pid $$" >&2; exec /bin/sh -s'`);
    });
  });

  describe('hostile --vm names, through tart', () => {
    let tart: FakeTart;
    let vmName: string;
    beforeAll(() => {
      // the fake tart's list cannot hold quotes or braces; everything else is fair game
      vmName = `evil ${h.strings.subst} ${h.strings.backticks} ${h.strings.semicolon} 🙂`;
      tart = fakeTart([{ name: vmName, state: 'running', ip: '127.0.0.1' }]);
    });
    afterAll(() => tart?.cleanup());

    it('a VM name is an argument to tart, never shell text, and is shown as given', async () => {
      const port = await closedPort();
      const key = join(tempDir('cal-key-'), 'id');
      writeFileSync(key, newKeyPair().private, { mode: 0o600 });
      const r = await runCli(['--vm', vmName, '--port', String(port), '-i', key, '--json', '--connect-timeout', '3'], {
        env: tart.env,
      });
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(/connection refused/)]);
      expect(tart.calls()).toEqual([
        ['list', '--format', 'json'],
        ['ip', vmName],
      ]);
      expect(h.created()).toEqual([]);
    });

    it('a VM name with a newline or escape codes still gives one line', async () => {
      const r = await runCli(['--vm', `a\nb\x1b[31mred`, '--json'], { env: tart.env });
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(/^cal-doctor: no Tart VM named "a\\nb\\x1b\[31mred"/)]);
    });
  });
});

describe.skipIf(!cliBuilt())('huge and garbled save dirs: bounded memory and time, truncation said', () => {
  const line = 'pane\tcal-dev\t0\t1\t:*\t0\ttitle\t:/Users/admin/project\t1\tzsh\t:\n';
  let home: Home;
  let baseline: CliRun;
  beforeAll(async () => {
    home = makeHome({ plugins: [] });
    mkdirSync(home.saveDir, { recursive: true });
    const small = join(home.saveDir, 'tmux_resurrect_20260101T000000.txt');
    writeFileSync(small, `${line.repeat(10)}window\tcal-dev\t0\t:zsh\t1\t:*\tlayout\ton\nstate\tcal-dev\t\n`);
    symlinkSync('tmux_resurrect_20260101T000000.txt', join(home.saveDir, 'last'));
    baseline = await runCli(['--local', '--json'], { env: home.env(), home: home.dir });
    expect([0, 1], baseline.stderr).toContain(baseline.code);
  });
  afterAll(() => home?.cleanup());
  const relinkLast = (name: string) => {
    rmSync(join(home.saveDir, 'last'));
    symlinkSync(name, join(home.saveDir, 'last'));
  };

  it('a 100 MB `last` and 10,000 save files: done within 20 s in under 256 MiB, the report says what it did not read', async () => {
    // 100 MiB of pane lines, written in 1 MiB chunks: generated here, never committed
    const chunk = Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length)));
    const big = join(home.saveDir, 'tmux_resurrect_20260102T000000.txt');
    const fd = openSync(big, 'w');
    for (let i = 0; i < 100; i++) writeSync(fd, chunk);
    closeSync(fd);
    relinkLast('tmux_resurrect_20260102T000000.txt');
    const t0 = Date.UTC(2025, 0, 1);
    for (let i = 0; i < 10_000; i++) {
      const d = new Date(t0 + i * 60_000).toISOString().replace(/[-:]/g, '').slice(0, 15);
      writeFileSync(join(home.saveDir, `tmux_resurrect_${d}.txt`), 'state\t\t\n');
    }
    const r = await runCli(['--local', '--json', '--verbose', '--timeout', '20'], {
      env: home.env(),
      home: home.dir,
      killAfterMs: 60_000,
    });
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.ms).toBeLessThan(20_000);
    // the probe caps what it reads (1 MiB of `last`, 20 newest saves, 20,000 listing lines): the doctor's
    // memory is a fixed bound, not a function of the 100 MiB
    expect(r.peakRssMiB).toBeLessThan(256);
    expect(baseline.peakRssMiB).toBeGreaterThan(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.checks.filter((c) => c.status === 'error').map((c) => c.id)).toEqual([]);
    const last = report.checks.find((c) => c.id === 'resurrect.last')!;
    const text = [last.summary, ...last.details].join('\n');
    expect(text).toMatch(/only its start|read only up to|cut|cap/i);
    expect(text).toContain(String(statSync(big).size)); // the real size, though only 1 MiB was read
    const saves = readdirSync(home.saveDir).filter((n) => /^tmux_resurrect_\d{8}T\d{6}\.txt$/.test(n)).length;
    expect(saves).toBeGreaterThan(10_000);
    expect(JSON.stringify(report.checks)).toContain(`${saves} save files`); // all counted, though only the newest were read
  }, 90_000);

  it('binary garbage in `last` is classified, not a crash', async () => {
    const garbage = join(home.saveDir, 'tmux_resurrect_20260103T000000.txt');
    writeFileSync(garbage, Buffer.concat([randomBytes(32 * 1024), Buffer.from([0, 0, 0xff, 0xfe]), randomBytes(1024)]));
    relinkLast('tmux_resurrect_20260103T000000.txt');
    const r = await runCli(['--local', '--json'], { env: home.env(), home: home.dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.checks.filter((c) => c.status === 'error').map((c) => c.id)).toEqual([]);
    const last = report.checks.find((c) => c.id === 'resurrect.last')!;
    expect(last.status).toBe('fail');
    expect([last.summary, ...last.details].join('\n')).toMatch(/binary|malformed|not a tmux-resurrect save|damaged/i);
  });
});
