import { describe, expect, it } from 'vitest';
import check from '../../../checks/tart.vm.js';
import { healthyFacts, runOn, verdict } from '../../helpers/facts.js';

const tart = { vm: 'cal-dev', tartPath: '/opt/homebrew/bin/tart', state: 'running', ip: '192.168.64.3' };

describe('tart.vm', () => {
  it('passes with the tart path, state and IP as evidence on a VM target', async () => {
    const r = verdict(await runOn(check, healthyFacts(), { targetKind: 'vm', tart }));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('VM cal-dev is running at 192.168.64.3');
    expect(r.details).toEqual(['tart: /opt/homebrew/bin/tart', 'VM: cal-dev', 'state: running', 'IP: 192.168.64.3']);
  });

  it('does not apply to ssh and local targets', async () => {
    for (const targetKind of ['ssh', 'local'] as const) {
      const r = verdict(await runOn(check, healthyFacts(), { targetKind }));
      expect(r.status).toBe('skip');
      expect(r.summary).toMatch(/--vm/);
    }
  });

  it('skips when the engine gave it no Tart facts', async () => {
    const r = verdict(await runOn(check, healthyFacts(), { targetKind: 'vm' }));
    expect(r.status).toBe('skip');
  });
});
