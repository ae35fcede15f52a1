// Every output format, end to end: `node bin/cal-doctor.js` over ssh2 to a real sshd, a real
// tmux server and the real plugins. Each output is parsed (JSON Schema with ajv, JUnit with
// fast-xml-parser, Markdown with marked); nothing is compared as raw text.

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Lexer, type Token, type Tokens } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSave } from '../../src/domain/resurrect/savefile.js';
import type { Report } from '../../src/engine/report.js';
import { causeOrder } from '../../src/report/view.js';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { killServer, makeStateOnlySave, readLast, save, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { cli, doctorHome, ESC, STEADY_CHECKS, sshFlags } from '../helpers/cli.js';
import { schemaCheck } from '../helpers/schema.js';

const canRun = sshdAvailable() && tmuxAvailable();
type Node = Record<string, unknown>;
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (n) => ['testsuite', 'testcase'].includes(n),
  cdataPropName: '#cdata',
});

describe.skipIf(!canRun)('output formats end to end (needs sshd, tmux and the vendored plugins)', () => {
  let home: Home;
  let sshd: Sshd;
  let me: string;
  const valid = schemaCheck();
  const doctor = (args: string[], env: Record<string, string> = {}) =>
    cli([...sshFlags(sshd), ...args], { home: me, env });

  beforeAll(async () => {
    home = makeHome();
    sshd = await startSshd({ env: home.env() });
    me = doctorHome();
    await startServerLogin(home);
    await save(home);
  });
  afterAll(async () => {
    await sshd?.stop();
    if (home) {
      await killServer(home);
      home.cleanup();
    }
    if (me) rmSync(me, { recursive: true, force: true });
  });

  it('--format json: the schema holds, one target keeps the top-level report shape', async () => {
    const res = await doctor(['--format', 'json']);
    expect(res.stderr).toBe('');
    const doc = JSON.parse(res.stdout) as Report;
    expect(valid(doc)).toBe(true);
    expect(doc.target.kind).toBe('ssh');
    expect(doc.checks.length).toBeGreaterThan(10);
    expect(doc.environment!.tmux.serverVersion).toMatch(/^\d/);
    expect(doc.environment!.plugins.entries.map((e) => e.name)).toEqual(
      expect.arrayContaining(['tpm', 'tmux-resurrect', 'tmux-continuum']),
    );
    expect(doc.environment!.saves.history.some((s) => s.last)).toBe(true);
    expect([0, 1]).toContain(res.code);
  });

  it('--json is --format json, and a healthy target exits 0', async () => {
    const res = await doctor(['--json', '--only', STEADY_CHECKS]);
    const doc = JSON.parse(res.stdout) as Report;
    expect(valid(doc)).toBe(true);
    expect(doc.checks.map((c) => [c.id, c.status]).filter(([, s]) => s !== 'pass')).toEqual([]);
    expect(res.code).toBe(0);
  });

  it('--format junit: one suite, one case per check with the category as classname', async () => {
    // one run, both renderings: verdicts may differ from one run to the next (continuum)
    const jsonFile = join(me, 'junit-run.json');
    const junit = await doctor(['--format', 'junit', '--output', jsonFile]);
    expect(XMLValidator.validate(junit.stdout)).toBe(true);
    const suites = (xml.parse(junit.stdout) as { testsuites: { testsuite: Node[] } }).testsuites.testsuite;
    expect(suites).toHaveLength(1);
    const cases = suites[0]!.testcase as Node[];
    const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
    // in the report's cause order: each root cause, then its symptoms, then the rest
    expect(cases.map((c) => [c['@classname'], c['@name']])).toEqual(causeOrder(report).map((c) => [c.category, c.id]));
    for (const c of report.checks.filter((x) => x.status === 'fail')) {
      const f = cases.find((x) => x['@name'] === c.id)!.failure as Node;
      expect(f['@message']).toBe(c.summary);
      for (const fix of c.fix) expect(String(f['#cdata'])).toContain(fix);
    }
    for (const c of report.checks.filter((x) => x.status === 'skip'))
      expect(cases.find((x) => x['@name'] === c.id)).toHaveProperty('skipped');
    expect(suites[0]!['@tests']).toBe(String(report.checks.length));
  });

  it('--format markdown --redact: a paste-ready bug report without user, host or home', async () => {
    const res = await doctor(['--format', 'markdown', '--redact']);
    const md = res.stdout;
    expect(md).not.toMatch(ESC);
    expect(md).not.toContain(home.dir);
    // as words: this machine may be called `vm`, which `tart.vm` and `--vm` rightly keep
    const word = (w: string) =>
      new RegExp(`(?<![A-Za-z0-9_.-])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_-])`);
    for (const secret of [sshd.user, hostname()]) expect(md).not.toMatch(word(secret));
    const tokens = Lexer.lex(md) as Token[];
    const heads = tokens.filter((t): t is Tokens.Heading => t.type === 'heading').map((h) => h.text);
    expect(heads[0]).toMatch(/^cal-doctor report: &lt;user>@&lt;host>:\d+ \(Linux /);
    expect(heads).toEqual(
      expect.arrayContaining(['All checks', 'Relevant config lines', 'Save history (oldest first)']),
    );
    const facts = Object.fromEntries(
      (tokens.find((t) => t.type === 'table') as Tokens.Table).rows.map((r) => [r[0]!.text, r[1]!.text]),
    );
    expect(facts.tmux).toMatch(/tmux \d/);
    expect(facts.plugins).toMatch(/tpm/);
    const code = tokens.filter((t): t is Tokens.Code => t.type === 'code');
    expect(code.find((c) => c.lang === 'tmux')!.text).toMatch(/@plugin 'tmux-plugins\/tmux-resurrect'/);
    expect(code.some((c) => /tmux_resurrect_\d{8}T\d{6}\.txt .*<- last/.test(c.text))).toBe(true);
    expect(md).toContain('<home>');
  });

  it('CI: --ci writes JUnit and JSON files while the plain table goes to stdout', async () => {
    const out = join(me, 'ci-out');
    const res = await doctor(
      [
        '--ci',
        '--only',
        STEADY_CHECKS,
        '--output',
        join(out, 'report.xml'),
        '--output',
        join(out, 'report.json'),
        '--output',
        `${join(out, 'bug')}:markdown`,
      ],
      { CI: 'true' },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).not.toMatch(ESC);
    expect(res.stdout).toMatch(/^cal-doctor \S+ — /);
    expect(res.stdout).toMatch(/^\d+ passed, (\d+ info, )?\d+ warnings?, 0 failed/m);
    const junit = readFileSync(join(out, 'report.xml'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(
      ((xml.parse(junit) as { testsuites: { testsuite: Node[] } }).testsuites.testsuite[0]!.testcase as Node[]).length,
    ).toBe(7);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(valid(json)).toBe(true);
    expect(json.checks).toHaveLength(7);
    expect(readFileSync(join(out, 'bug'), 'utf8')).toMatch(/^## cal-doctor report: /);
  });

  it('piped: the plain report, no escape codes, no spinner; --all lists every check, --verbose adds passing evidence', async () => {
    const plain = await doctor(['--only', STEADY_CHECKS]);
    expect(plain.stdout).not.toMatch(ESC);
    expect(plain.stdout).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(plain.stdout).toMatch(/^✓ 7 passed \(--all lists them\)$/m);
    const all = await doctor(['--only', STEADY_CHECKS, '--all']);
    expect(all.stdout).toMatch(/^✓ tmux\.path\s+\S/m);
    expect(all.stdout).not.toMatch(/^ {6}\S/m);
    const verbose = await doctor(['--only', STEADY_CHECKS, '--all', '--verbose']);
    expect(verbose.stdout).toMatch(/^✓ tmux\.path\s+\S[^\n]*\n(?: {4,}\S[^\n]*\n)* {6}\S/m);
    // colour forced on a pipe: colours, but still the plain table and no live UI
    const forced = await doctor(['--only', STEADY_CHECKS, '--color']);
    expect(forced.stdout).toMatch(/\x1b\[32m✓\x1b\[39m/);
    expect(forced.stdout).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]|\x1b\[\d*[AK]/);
  });

  it('--strict leaves a run without warnings at exit 0', async () => {
    const res = await doctor(['--json', '--only', STEADY_CHECKS, '--strict']);
    expect(res.code).toBe(0);
  });

  it('usage errors exit 2 with one line', async () => {
    const yes = await doctor(['--yes']);
    expect(yes.code).toBe(2);
    expect(yes.stderr).toMatch(/^cal-doctor: --yes applies the repairs of --fix/);
    const out = await doctor(['--output', 'report.yaml']);
    expect([out.code, out.stderr]).toEqual([2, expect.stringMatching(/cannot tell the format/)]);
  });

  describe('--fix on a state-only last', () => {
    beforeAll(async () => {
      await makeStateOnlySave(home);
    });

    it('--fix plans the repairs, prints them and changes nothing', async () => {
      const before = readLast(home)!;
      expect(parseSave(before.content).classification).toBe('state-only');
      const res = await doctor(['--fix', '--only', 'resurrect.last']);
      expect(res.code).toBe(1);
      expect(res.stdout).toMatch(/^Repair plan \(dry run: nothing was changed; apply with --fix --yes\)$/m);
      const json = JSON.parse((await doctor(['--fix', '--json', '--only', 'resurrect.last'])).stdout) as Report;
      expect(valid(json)).toBe(true);
      const auto = json.repairs!.filter((r) => r.automatic);
      expect(auto.length).toBeGreaterThan(0);
      expect(json.repairs!.every((r) => r.status === 'planned')).toBe(true);
      expect(readLast(home)).toEqual(before);
    });

    it('--fix --yes applies them while the target is open: last holds panes again', async () => {
      const res = await doctor(['--fix', '--yes', '--json', '--only', 'resurrect.last']);
      const json = JSON.parse(res.stdout) as Report;
      expect(valid(json)).toBe(true);
      expect(json.repairs!.some((r) => r.status === 'applied')).toBe(true);
      expect(json.repairs!.filter((r) => r.status === 'failed')).toEqual([]);
      const last = readLast(home)!;
      expect(existsSync(last.file)).toBe(true);
      expect(parseSave(last.content).classification).toBe('valid');
      // the checks ran before the repair: this run still reports what it found
      expect(res.code).toBe(1);
      const again = await doctor(['--json', '--only', 'resurrect.last']);
      expect((JSON.parse(again.stdout) as Report).checks[0]!.status).not.toBe('fail');
    });
  });
});
