// `--wait SECONDS` for a freshly booted VM: `tart ip` fails while the VM boots (the fake tart,
// switched with setVms) and nothing listens on the SSH port until sshd starts (a real sshd
// started a few seconds late). Progress goes to stderr; never up means exit 2.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import { type FakeTart, fakeTart } from '../harness/fake-tart.js';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { killServer, save, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { sleep } from '../harness/util.js';
import { cli, doctorHome, STEADY_CHECKS, sshFlags } from '../helpers/cli.js';
import { type LateSshd, lateSshd } from '../helpers/late-sshd.js';
import { schemaCheck } from '../helpers/schema.js';

const canRun = sshdAvailable() && tmuxAvailable();

describe.skipIf(!canRun)('--wait for a booting target (needs sshd, tmux and the vendored plugins)', () => {
  let home: Home;
  let sshd: Sshd;
  let me: string;
  let tart: FakeTart;
  const valid = schemaCheck();

  beforeAll(async () => {
    home = makeHome();
    sshd = await startSshd({ env: home.env() });
    me = doctorHome();
    tart = fakeTart([]);
    await startServerLogin(home);
    await save(home);
  });
  afterAll(async () => {
    tart?.cleanup();
    await sshd?.stop();
    if (home) {
      await killServer(home);
      home.cleanup();
    }
    if (me) rmSync(me, { recursive: true, force: true });
  });

  describe('SSH: sshd starts a few seconds late on a known port', () => {
    let late: LateSshd;
    beforeAll(async () => {
      late = await lateSshd(sshd);
    });
    afterAll(async () => {
      await late?.stop();
    });

    it('retries the connect with progress on stderr, then runs', async () => {
      const started = Date.now();
      const running = cli(
        [...sshFlags(sshd, late.port, late.knownHosts), '--only', STEADY_CHECKS, '--json', '--wait', '40'],
        { home: me },
      );
      await sleep(3000);
      await late.start();
      const res = await running;
      const lines = res.stderr.trim().split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines[0]).toMatch(
        new RegExp(
          `^cal-doctor: not up yet: connection refused by 127\\.0\\.0\\.1:${late.port}: nothing listens there; retrying in \\d+ s \\(\\d+ s left\\)$`,
        ),
      );
      expect(lines.at(-1)).toMatch(/^cal-doctor: up after \d+ s; probing$/);
      const report = JSON.parse(res.stdout) as Report;
      expect(valid(report)).toBe(true);
      expect(report.error).toBeUndefined();
      expect(report.checks).toHaveLength(7);
      expect(res.code).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    });
  });

  it('SSH never up: gives up at the deadline with exit 2 and says why', async () => {
    const late = await lateSshd(sshd); // never started
    try {
      const started = Date.now();
      const res = await cli([...sshFlags(sshd, late.port, late.knownHosts), '--json', '--wait', '3'], { home: me });
      const took = Date.now() - started;
      expect(res.code).toBe(2);
      const report = JSON.parse(res.stdout) as Report;
      expect(valid(report)).toBe(true);
      expect(report.error!.message).toMatch(
        new RegExp(`^not up after waiting 3 s \\(\\d+ attempts\\): connection refused by 127\\.0\\.0\\.1:${late.port}`),
      );
      expect(res.stderr).toMatch(/not up yet: connection refused/);
      expect(res.stderr).toMatch(/^cal-doctor: not up after waiting 3 s/m);
      expect(took).toBeGreaterThanOrEqual(3000);
      expect(took).toBeLessThan(15_000);
    } finally {
      await late.stop();
    }
  });

  it('without --wait, a refused connection is exit 2 at once', async () => {
    const late = await lateSshd(sshd);
    try {
      const res = await cli([...sshFlags(sshd, late.port, late.knownHosts), '--json'], { home: me });
      expect(res.code).toBe(2);
      expect((JSON.parse(res.stdout) as Report).error!.message).toMatch(/^connection refused/);
      expect(res.stderr).not.toMatch(/not up yet/);
    } finally {
      await late.stop();
    }
  });

  describe('tart: the VM boots (stopped, then running without an IP, then up)', () => {
    const vmFlags = () => [
      '--vm',
      'built-image',
      '--port',
      String(sshd.port),
      '--user',
      sshd.user,
      '--identity',
      sshd.clientKey,
      '--known-hosts',
      sshd.knownHosts,
    ];
    const env = () => tart.env;

    it('the CI step: --ci --wait --vm --output report.xml --output report.json gets both files and the exit code', async () => {
      tart.setVms([{ name: 'built-image', state: 'stopped' }]);
      const out = join(me, 'ci');
      const running = cli(
        [
          '--ci',
          '--wait',
          '60',
          ...vmFlags(),
          '--only',
          STEADY_CHECKS,
          '--output',
          join(out, 'report.xml'),
          '--output',
          join(out, 'report.json'),
        ],
        { home: me, env: { ...env(), CI: 'true' } },
      );
      await sleep(1500);
      tart.setVms([{ name: 'built-image', state: 'running' }]);
      await sleep(1500);
      tart.setVms([{ name: 'built-image', state: 'running', ip: '127.0.0.1' }]);
      const res = await running;
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^cal-doctor \S+ — vm built-image \(/);
      expect(res.stderr).toMatch(/not up yet: Tart VM "built-image" is stopped/);
      expect(res.stderr).toMatch(/not up yet: `tart ip built-image` failed: no IP address found/);
      expect(res.stderr).toMatch(/up after \d+ s; probing/);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
      expect(valid(report)).toBe(true);
      expect(report.target.kind).toBe('vm');
      expect(report.environment!.tart).toEqual({ vm: 'built-image', state: 'running', ip: '127.0.0.1' });
      expect(XMLValidator.validate(readFileSync(join(out, 'report.xml'), 'utf8'))).toBe(true);
      const ipCalls = tart.calls().filter((c) => c[0] === 'ip');
      expect(ipCalls.length).toBeGreaterThanOrEqual(2);
    });

    it('a VM that never gets an IP: exit 2 at the deadline, with the reason', async () => {
      tart.setVms([{ name: 'built-image', state: 'running' }]);
      const res = await cli([...vmFlags(), '--wait', '2', '--format', 'junit'], { home: me, env: env() });
      expect(res.code).toBe(2);
      expect(XMLValidator.validate(res.stdout)).toBe(true);
      expect(res.stdout).toMatch(
        /<error message="cannot run: not up after waiting 2 s \(\d+ attempts\): `tart ip built-image` failed: no IP address found"/,
      );
      expect(res.stderr).toMatch(/^cal-doctor: not up yet: `tart ip built-image` failed/m);
    });

    it('an unknown VM is not waited for', async () => {
      tart.setVms([{ name: 'other', state: 'running', ip: '127.0.0.1' }]);
      const started = Date.now();
      const res = await cli([...vmFlags(), '--wait', '30', '--json'], { home: me, env: env() });
      expect(res.code).toBe(2);
      expect((JSON.parse(res.stdout) as Report).error!.message).toMatch(
        /no Tart VM named "built-image" \(known: other\)/,
      );
      expect(res.stderr).not.toMatch(/not up yet/);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });
});
