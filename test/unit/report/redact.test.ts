import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/engine/report.js';
import { redactReport } from '../../../src/report/redact.js';
import { report } from './fixture.js';

const strings = (v: unknown): string[] =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(strings)
      : v && typeof v === 'object'
        ? Object.values(v).flatMap(strings)
        : [];

describe('--redact', () => {
  it('replaces the user, every host name and address, and the home path everywhere', () => {
    const r = redactReport(report());
    const all = strings(r).join('\n');
    expect(all).not.toMatch(/admin|cal-dev-mac|192\.168\.64\.3/);
    expect(r.target.label).toBe('vm cal-dev (<user>@<host>)');
    expect(r.environment!.host).toMatchObject({ user: '<user>', hostname: '<host>', home: '<home>' });
    expect(r.environment!.saves.dir).toBe('<home>/.local/share/tmux/resurrect');
    expect(r.checks.find((c) => c.id === 'resurrect.dir')!.fix).toEqual(['cd <home> && ls']);
  });

  it('leaves check ids, the VM name and words that merely contain the user alone', () => {
    const base = report();
    const r = redactReport({
      ...base,
      checks: [
        {
          ...base.checks[0]!,
          id: 'tart.admin',
          summary: 'administrator and sysadmin and admin-tools, but admin itself goes; see tart.admin',
        },
      ],
    });
    expect(r.checks[0]!.id).toBe('tart.admin');
    expect(r.checks[0]!.summary).toBe(
      'administrator and sysadmin and admin-tools, but <user> itself goes; see tart.admin',
    );
    expect(r.target.label).toMatch(/^vm cal-dev /);
    expect(r.tool).toBe('cal-doctor');
  });

  it('also covers the short host name and a plain --host target', () => {
    const r: Report = {
      ...report(),
      target: { kind: 'ssh', label: 'devbox.corp.example:2222', user: 'kim', hostname: 'devbox.corp.example' },
      environment: undefined,
    };
    r.checks = [
      { ...r.checks[0]!, details: ['ssh kim@devbox.corp.example', 'on devbox: /home/kim', 'devbox.corp.example.'] },
    ];
    const out = redactReport(r);
    expect(out.target.label).toBe('<host>:2222');
    expect(out.checks[0]!.details).toEqual(['ssh <user>@<host>', 'on <host>: /home/<user>', '<host>.']);
  });

  it('covers the names the probe saw even when the connection label differs', () => {
    const base = report();
    const r = redactReport({ ...base, target: { ...base.target, user: undefined, hostname: undefined } });
    expect(strings(r).join('\n')).not.toMatch(/admin|cal-dev-mac/);
  });

  it('does not change the report it was given', () => {
    const r = report();
    const before = JSON.stringify(r);
    redactReport(r);
    expect(JSON.stringify(r)).toBe(before);
  });
});
