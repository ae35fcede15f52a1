// Secrets (issue #7): the password reaches the doctor only through --password-env VAR and
// leaves it only as the SSH password message. It is in no argv (the CLI's, the remote
// command's, any process's while the run goes on), in nothing sent to the target but the
// auth request, and in no output: table, JSON, JUnit, Markdown, --verbose, -o files,
// stderr, the could-not-run line, the debug trace. Every output is grepped for it in
// plain, JSON-escaped and base64 form.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeScript } from '../../src/probe/gather.js';
import { REMOTE_COMMAND } from '../../src/targets/ssh.js';
import { type Home, makeHome } from '../harness/home.js';
import { type FakeSshd, fakeSshd } from '../harness/sshd-variants.js';
import { type CliRun, cliBuilt, runCli, tempDir } from './cli.js';

const PASSWORD = 'pw-Sekret-Пароль-$(touch /nonexistent)-7f3a9c';
const FORMS = [
  PASSWORD,
  JSON.stringify(PASSWORD).slice(1, -1),
  Buffer.from(PASSWORD).toString('base64'),
  encodeURIComponent(PASSWORD),
];

function expectNoSecret(where: string, text: string): void {
  for (const form of FORMS)
    expect(text.includes(form), `${where} holds the password (as ${JSON.stringify(form)})`).toBe(false);
}

/** `ps` of every process, sampled while `run` goes on. */
async function withProcessListing<T>(run: () => Promise<T>): Promise<{ result: T; listings: string[] }> {
  const listings: string[] = [];
  const sample = () => {
    try {
      listings.push(execFileSync('ps', ['-eo', 'pid,args', '-ww'], { encoding: 'utf8' }));
    } catch {
      /* ps raced an exiting process */
    }
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await run();
    return { result, listings };
  } finally {
    clearInterval(timer);
    sample();
  }
}

describe.skipIf(!cliBuilt())('the password never leaks (needs a build)', () => {
  let home: Home;
  let srv: FakeSshd;
  let target: string[];
  beforeAll(async () => {
    home = makeHome({ plugins: [] });
    // password auth only; the exec runs the real probe against a throwaway HOME
    srv = await fakeSshd({ password: PASSWORD, exec: { kind: 'local', env: { ...home.env(), LANG: 'C.UTF-8' } } });
    target = [
      '--host',
      `admin@127.0.0.1:${srv.port}`,
      '--known-hosts',
      srv.knownHosts,
      '--password-env',
      'CAL_PW',
      '--tmux-timeout',
      '2',
    ];
  });
  afterAll(async () => {
    await srv?.stop();
    home?.cleanup();
  });

  const formats: Array<[string, string[]]> = [
    ['table', []],
    ['table --verbose', ['--verbose']],
    ['json', ['--json']],
    ['junit', ['--format', 'junit']],
    ['markdown', ['--format', 'markdown']],
  ];

  it.each(formats)('%s: logs in with it, and it is nowhere in argv, ps, stdout or stderr', async (_name, extra) => {
    const { result: r, listings } = await withProcessListing(() =>
      runCli([...target, ...extra], { env: { CAL_PW: PASSWORD } }),
    );
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stdout.length).toBeGreaterThan(100);
    expect(srv.events.passwordsOffered.at(-1)).toBe(PASSWORD); // it was used, so it was there to leak
    expectNoSecret('argv', r.cmdline.join(' '));
    for (const l of listings) expectNoSecret('a process listing', l);
    expectNoSecret('stdout', r.stdout);
    expectNoSecret('stderr', r.stderr);
  });

  it('-o report files in every format hold no trace of it', async () => {
    const dir = tempDir('cal-out-');
    const files = ['r.json', 'r.xml', 'r.md', 'r.txt'].map((f) => join(dir, f));
    const r = await runCli([...target, '--verbose', ...files.flatMap((f) => ['-o', f])], { env: { CAL_PW: PASSWORD } });
    expect([0, 1], r.stderr).toContain(r.code);
    expect(readdirSync(dir).sort()).toEqual(['r.json', 'r.md', 'r.txt', 'r.xml']);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text.length).toBeGreaterThan(100);
      expectNoSecret(f, text);
    }
  });

  it('the target receives it only as the password: the command and stdin are the constant command and the probe', async () => {
    expect(srv.events.execs.length).toBeGreaterThan(0);
    for (const c of srv.events.execs) expect(c).toBe(REMOTE_COMMAND);
    for (const s of srv.events.stdin) {
      expect(s.toString('utf8')).toBe(probeScript(2));
      expectNoSecret('what the target got on stdin', s.toString('utf8'));
    }
  });

  it('a wrong password: refused, and neither the wrong nor the right one is printed, even with CAL_DOCTOR_DEBUG', async () => {
    const wrong = `${PASSWORD}-wrong`;
    for (const extra of [[], ['--json']]) {
      const r: CliRun = await runCli([...target, ...extra], { env: { CAL_PW: wrong, CAL_DOCTOR_DEBUG: '1' } });
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).toMatch(/authentication refused .*\(tried: password\)/);
      for (const t of [r.stdout, r.stderr]) {
        expect(t).not.toContain(wrong);
        expectNoSecret('the could-not-run output', t);
      }
    }
  });

  it('there is no flag that takes the password itself', async () => {
    for (const argv of [['--password', PASSWORD], [`--password=${PASSWORD}`], ['-p', PASSWORD]]) {
      const r = await runCli([...argv, '--local']);
      expect(r.code).toBe(2);
      expectNoSecret('the usage error', r.stdout + r.stderr);
    }
  });

  it('--password-env names a variable that is not set: a usage error that names the variable, not a value', async () => {
    const r = await runCli([...target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--password-env CAL_PW: that environment variable is not set/);
  });
});
