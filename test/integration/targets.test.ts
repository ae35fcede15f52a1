// Many targets in one run: three at once, one of them unreachable. Each gets its own
// section, JUnit suite and JSON entry; the unreachable one says why and leaves the others
// alone; the exit code is the worst target's. Targets are ~/.ssh/config aliases of two real
// sshds (one HOME with a tmux server and a save, one without a server) and a closed port.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManyReport, Report } from '../../src/engine/report.js';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { killServer, save, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { freePort } from '../harness/util.js';
import { cli, doctorHome, ESC, STEADY_CHECKS } from '../helpers/cli.js';
import { schemaCheck } from '../helpers/schema.js';

const canRun = sshdAvailable() && tmuxAvailable();
type Node = Record<string, unknown>;
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (n) => ['testsuite', 'testcase'].includes(n),
  cdataPropName: '#cdata',
});

describe.skipIf(!canRun)('many targets (needs sshd, tmux and the vendored plugins)', () => {
  let busy: Home;
  let idle: Home;
  let a: Sshd;
  let b: Sshd;
  let me: string;
  let closed: number;
  const valid = schemaCheck();
  /** the doctor with the aliases `busy`, `idle` and `down` in its ~/.ssh/config */
  const doctor = (args: string[]) => cli(args, { home: me });

  beforeAll(async () => {
    busy = makeHome();
    idle = makeHome();
    [a, b] = await Promise.all([startSshd({ env: busy.env() }), startSshd({ env: idle.env() })]);
    closed = await freePort();
    me = doctorHome();
    const host = (alias: string, port: number, key?: string) =>
      [
        `Host ${alias}`,
        '  HostName 127.0.0.1',
        `  Port ${port}`,
        `  User ${a.user}`,
        ...(key ? [`  IdentityFile ${key}`] : []),
      ].join('\n');
    writeFileSync(
      join(me, '.ssh', 'config'),
      `${[host('busy', a.port, a.clientKey), host('idle', b.port, b.clientKey), host('down', closed, a.clientKey)].join(
        '\n',
      )}\n`,
    );
    writeFileSync(
      join(me, '.ssh', 'known_hosts'),
      readFileSync(a.knownHosts, 'utf8') + readFileSync(b.knownHosts, 'utf8'),
    );
    await startServerLogin(busy);
    await save(busy);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    for (const h of [busy, idle]) {
      if (!h) continue;
      await killServer(h);
      h.cleanup();
    }
    if (me) rmSync(me, { recursive: true, force: true });
  });

  it('three at once, one unreachable: its entry says why, the others are whole, exit 2', async () => {
    const res = await doctor(['--host', 'busy', '--host', 'down', '--host', 'idle', '--only', STEADY_CHECKS, '--json']);
    expect(res.code).toBe(2);
    const doc = JSON.parse(res.stdout) as ManyReport;
    expect(valid(doc)).toBe(true);
    expect(doc.reports.map((r) => r.target.label)).toEqual([
      `${a.user}@127.0.0.1:${a.port}`,
      'down',
      `${a.user}@127.0.0.1:${b.port}`,
    ]);
    const [up, down, other] = doc.reports as [Report, Report, Report];
    expect(down.error!.message).toBe(`connection refused by 127.0.0.1:${closed}: nothing listens there`);
    expect(down.checks).toEqual([]);
    for (const r of [up, other]) {
      expect(r.error).toBeUndefined();
      expect(r.checks.map((c) => c.id)).toHaveLength(7);
    }
    expect(up.checks.every((c) => c.status === 'pass')).toBe(true);
    expect(other.checks.find((c) => c.id === 'resurrect.last')!.status).toBe('warn'); // no save in that HOME
    expect(doc.summary).toMatchObject({ targets: 3, ok: 2, failed: 0, couldNotRun: 1 });
    expect(doc.summary.checks.total).toBe(14);
    expect(res.stderr).toMatch(/^cal-doctor: down: connection refused by 127\.0\.0\.1:\d+/m);
  });

  it('runs them concurrently, and one by one with --concurrency 1', async () => {
    const overlap = (rs: Report[]) => {
      const spans = rs.map((r) => [Date.parse(r.startedAt), Date.parse(r.startedAt) + r.durationMs] as const);
      return spans[1]![0] < spans[0]![1];
    };
    const together = JSON.parse(
      (await doctor(['--host', 'busy', '--host', 'idle', '--only', STEADY_CHECKS, '--json'])).stdout,
    ) as ManyReport;
    const serial = JSON.parse(
      (await doctor(['--host', 'busy', '--host', 'idle', '--only', STEADY_CHECKS, '--json', '--concurrency', '1']))
        .stdout,
    ) as ManyReport;
    expect([overlap(together.reports), overlap(serial.reports)]).toEqual([true, false]);
  });

  it('the table: a section per target, the unreachable one saying why, then the run line', async () => {
    const res = await doctor(['--host', 'busy', '--host', 'down', '--host', 'idle', '--only', STEADY_CHECKS]);
    expect(res.code).toBe(2);
    expect(res.stdout).not.toMatch(ESC);
    const sections = res.stdout.split(/^(?=cal-doctor \S+ — )/m).filter((s) => s.trim());
    expect(sections).toHaveLength(3);
    expect(sections[0]).toMatch(/^✓ 7 passed \(--all lists them\)$/m);
    expect(sections[1]).toMatch(
      /^cal-doctor \S+ — down\n✗ cannot run: connection refused by 127\.0\.0\.1:\d+: nothing listens there\n {2}enable Remote Login/,
    );
    expect(sections[2]).toMatch(/^ *\S+ resurrect\.last\b/m);
    expect(res.stdout.trim().split('\n').at(-1)).toBe('3 targets: 2 ok, 0 failed, 1 could not run');
  });

  it('JUnit: one suite per target; the unreachable one is an errored `connect` case', async () => {
    const res = await doctor([
      '--host',
      'busy',
      '--host',
      'down',
      '--host',
      'idle',
      '--only',
      STEADY_CHECKS,
      '--format',
      'junit',
    ]);
    expect(XMLValidator.validate(res.stdout)).toBe(true);
    const suites = (xml.parse(res.stdout) as { testsuites: { testsuite: Node[] } }).testsuites.testsuite;
    expect(suites.map((s) => (s.testcase as Node[]).length)).toEqual([7, 1, 7]);
    const connect = (suites[1]!.testcase as Node[])[0]!;
    expect([connect['@classname'], connect['@name']]).toEqual(['cal-doctor', 'connect']);
    expect((connect.error as Node)['@message']).toMatch(/^cannot run: connection refused/);
  });

  it('--targets FILE: one per line, comments allowed; the many shape even for one line', async () => {
    const file = join(me, 'targets.txt');
    writeFileSync(file, '# fleet\nbusy\nhost:idle   # no server there\n');
    const res = await doctor(['--targets', file, '--only', STEADY_CHECKS, '--json']);
    const doc = JSON.parse(res.stdout) as ManyReport;
    expect(valid(doc)).toBe(true);
    expect(doc.reports.map((r) => r.target.label)).toEqual([
      `${a.user}@127.0.0.1:${a.port}`,
      `${a.user}@127.0.0.1:${b.port}`,
    ]);
    expect(res.code).toBe(0);
    // the worst target decides: `idle` only warns, which --strict makes a failure
    const strict = await doctor(['--targets', file, '--only', STEADY_CHECKS, '--json', '--strict']);
    expect(strict.code).toBe(1);
    expect((JSON.parse(strict.stdout) as ManyReport).summary).toMatchObject({ ok: 1, failed: 1, couldNotRun: 0 });
    writeFileSync(file, 'busy\n');
    const one = JSON.parse((await doctor(['--targets', file, '--only', STEADY_CHECKS, '--json'])).stdout) as ManyReport;
    expect(valid(one)).toBe(true);
    expect(one.reports).toHaveLength(1);
    expect(one.summary.ok).toBe(1);
  });

  it('warnings stay warnings unless --strict, per target and in JUnit', async () => {
    // no tmux server in `idle`: tmux.server warns
    const loose = await doctor(['--host', 'idle', '--only', 'tmux.server', '--json']);
    expect((JSON.parse(loose.stdout) as Report).checks[0]!.status).toBe('warn');
    expect(loose.code).toBe(0);
    const strict = await doctor([
      '--host',
      'idle',
      '--host',
      'busy',
      '--only',
      'tmux.server',
      '--strict',
      '--format',
      'junit',
    ]);
    expect(strict.code).toBe(1);
    const suites = (xml.parse(strict.stdout) as { testsuites: { testsuite: Node[] } }).testsuites.testsuite;
    expect(((suites[0]!.testcase as Node[])[0]!.failure as Node)['@type']).toBe('warn');
    expect((suites[1]!.testcase as Node[])[0]).not.toHaveProperty('failure');
  });
});
