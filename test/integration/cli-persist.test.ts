// `cal-doctor persist` through the real CLI: the refusals that protect a user's sessions.
// (The full restart scenarios run against the real plugins in persist.test.ts.)
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, doctorHome } from '../helpers/cli.js';

describe('persist command', () => {
  const home = doctorHome();
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('refuses without --yes, changes nothing, and reports the steps as results (exit 2)', async () => {
    const r = await cli(['persist', '--local', '--json'], { home });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { checks: Array<{ id: string; status: string; summary: string }> };
    expect(report.checks[0]).toMatchObject({ id: 'persist.preflight', status: 'fail' });
    expect(report.checks[0]!.summary).toMatch(/refusing without --yes/);
    expect(report.checks.map((c) => c.id)).toEqual([
      'persist.preflight',
      'persist.layout',
      'persist.save',
      'persist.restart',
      'persist.restore',
      'persist.cleanup',
    ]);
  });

  it('restarts one target only', async () => {
    const r = await cli(['persist', '--local', '--host', 'devbox', '--yes'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/one target at a time/);
  });

  it('keeps --yes tied to --fix outside persist', async () => {
    const r = await cli(['--local', '--yes'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fix --yes/);
  });
});
