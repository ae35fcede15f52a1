// The JUnit output, parsed with a real XML parser (fast-xml-parser, with its validator).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../src/report/junit.js';
import { HOSTILE, report, unreachable } from './fixture.js';

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  cdataPropName: '#cdata',
});

function parse(xml: string): { suites: Node[]; root: Node } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml) as { testsuites: Node };
  return { root: doc.testsuites, suites: doc.testsuites.testsuite as Node[] };
}
const cases = (suite: Node) => suite.testcase as Node[];
const byName = (suite: Node, name: string) => cases(suite).find((c) => c['@name'] === name)!;
const cdata = (n: unknown) => String((n as Node)?.['#cdata'] ?? '');

describe('JUnit report', () => {
  it('has one suite per target and one case per check, classname = category', () => {
    const { root, suites } = parse(renderJunit([report()]));
    expect(suites).toHaveLength(1);
    const s = suites[0]!;
    expect(s['@name']).toBe('vm cal-dev (admin@192.168.64.3) (Darwin 15.3)');
    expect(cases(s).map((c) => [c['@classname'], c['@name']])).toEqual([
      ['tmux', 'tmux.path'],
      ['tmux', 'tmux.version'],
      ['tmux', 'tmux.server'],
      ['tmux', 'tmux.env'],
      ['tart', 'tart.vm'],
      ['resurrect', 'resurrect.last'],
      ['resurrect', 'resurrect.dir'],
    ]);
    expect([s['@tests'], s['@failures'], s['@errors'], s['@skipped']]).toEqual(['7', '2', '1', '1']);
    expect(root['@tests']).toBe('7');
    const props = Object.fromEntries(
      (s.properties as { property: Node[] }).property.map((p) => [p['@name'], p['@value']]),
    );
    expect(props).toMatchObject({ 'cal-doctor.version': '0.1.0', 'target.kind': 'vm', 'target.os': 'Darwin 15.3' });
  });

  it('gives failures the summary as message and the evidence and fix as body', () => {
    const { suites } = parse(renderJunit([report()]));
    const f = byName(suites[0]!, 'tmux.path').failure as Node;
    expect(f['@message']).toBe('tmux is not on the PATH of non-login shells');
    expect(cdata(f)).toContain('PATH=/usr/bin:/bin');
    expect(cdata(f)).toMatch(/fix:\n {2}add to ~\/\.zshenv: eval "\$\(\/opt\/homebrew\/bin\/brew shellenv\)"/);
    expect((byName(suites[0]!, 'resurrect.last').error as Node)['@message']).toMatch(/the check itself failed/);
    expect(byName(suites[0]!, 'tart.vm')).toHaveProperty('skipped');
    expect(byName(suites[0]!, 'tmux.version')).not.toHaveProperty('failure');
  });

  it('lets a warning pass, with its text in system-out, unless --strict', () => {
    const loose = byName(parse(renderJunit([report()])).suites[0]!, 'tmux.server');
    expect(loose).not.toHaveProperty('failure');
    expect(cdata(loose['system-out'])).toMatch(/^warning: no tmux server running/);
    const strict = parse(renderJunit([report()], { strict: true })).suites[0]!;
    expect((byName(strict, 'tmux.server').failure as Node)['@type']).toBe('warn');
    expect(strict['@failures']).toBe('3');
  });

  it('keeps hostile evidence intact and well-formed', () => {
    const { suites } = parse(renderJunit([report()]));
    const f = byName(suites[0]!, 'resurrect.dir').failure as Node;
    expect(f['@message']).toContain('<tag> & "quotes"');
    expect(cdata(f)).toContain('<tag> & "quotes" `tick`');
    expect(cdata(f)).not.toContain('\x07');
    expect(HOSTILE).toContain(']]>');
  });

  it('gives an unreachable target a suite with one errored `connect` case saying why', () => {
    const { root, suites } = parse(renderJunit([report(), unreachable(), report()]));
    expect(suites).toHaveLength(3);
    const s = suites[1]!;
    expect(cases(s)).toHaveLength(1);
    expect(cases(s)[0]!['@name']).toBe('connect');
    const e = cases(s)[0]!.error as Node;
    expect(e['@message']).toMatch(/cannot run: connection refused/);
    expect(cdata(e)).toMatch(/enable Remote Login/);
    expect(root['@errors']).toBe('3');
  });
});
