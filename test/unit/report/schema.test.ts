// The published JSON Schema, checked with a real validator (ajv) against what --format json
// prints for one target and for many.
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../../src/report/json.js';
import { schemaCheck } from '../../helpers/schema.js';
import { REPAIRS, report, unreachable } from './fixture.js';

const json = (reports: Parameters<typeof renderJson>[0], many?: boolean) =>
  JSON.parse(
    renderJson(reports, { many, startedAt: new Date('2025-06-02T09:30:00Z'), durationMs: 900, version: '0.1.0' }),
  ) as Record<string, unknown>;

describe('report JSON schema', () => {
  const valid = schemaCheck();

  it('accepts one target in the top-level report shape', () => {
    const doc = json([report({ repairs: REPAIRS })]);
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining([
        'tool',
        'version',
        'target',
        'startedAt',
        'durationMs',
        'summary',
        'checks',
        'environment',
        'repairs',
      ]),
    );
    expect(valid(doc)).toBe(true);
    expect(valid(json([unreachable()]))).toBe(true);
  });

  it('accepts many targets as {tool, version, startedAt, durationMs, summary, reports}', () => {
    const doc = json([report(), unreachable()]);
    expect(Object.keys(doc).sort()).toEqual(['durationMs', 'reports', 'startedAt', 'summary', 'tool', 'version']);
    expect(doc.summary).toMatchObject({
      targets: 2,
      ok: 0,
      failed: 1,
      couldNotRun: 1,
      checks: { total: 7, failed: 2 },
    });
    expect(valid(doc)).toBe(true);
    // --targets FILE keeps the many shape even for one target
    expect(json([report()], true)).toHaveProperty('reports');
    expect(valid(json([report()], true))).toBe(true);
  });

  it('rejects what the tool must never print', () => {
    const bad = json([report()]);
    expect(valid({ ...bad, checks: [{ ...(bad.checks as object[])[0], status: 'warning' }] })).not.toBe(true);
    expect(valid({ ...bad, surprise: 1 })).not.toBe(true);
    const { target: _t, ...noTarget } = bad;
    expect(valid(noTarget)).not.toBe(true);
    expect(valid({ ...json([report(), report()]), reports: [{ ...bad, summary: { passed: -1 } }] })).not.toBe(true);
  });
});
