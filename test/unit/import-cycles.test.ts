// No import cycles in src/ and checks/: a module must be loadable without first loading
// something that needs it back (the doctor and persist, the CLI parser and its grammar).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { areaGraph, cycles, importGraph } from '../helpers/import-graph.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('import graph', () => {
  const graph = importGraph(ROOT, ['src', 'checks']);

  it('reads static, type-only, re-export and dynamic imports', () => {
    expect(graph.get('src/cli/main.ts')).toEqual(['src/cli/commands.ts', 'src/version.ts']);
    expect(graph.get('src/doctor.ts')).toContain('src/targets/connect.ts');
    expect(graph.size).toBeGreaterThan(50);
  });

  it('finds a cycle where there is one', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('has none in src/ and checks/', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('persist and the doctor never need each other back; src/common needs nothing of ours', () => {
    const areas = areaGraph(graph);
    const inCycle = cycles(areas).flat();
    expect(inCycle).not.toContain('src/persist');
    expect(inCycle).not.toContain('src/cli');
    expect(areas.get('src/doctor.ts')).not.toContain('src/persist');
    expect(areas.get('src/common')).toEqual([]);
  });
});
