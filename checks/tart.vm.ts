import { defineCheck } from '../src/engine/check.js';

export default defineCheck({
  id: 'tart.vm',
  category: 'tart',
  title: 'Tart VM found and reachable',
  explain:
    'Records how the doctor reached the VM: the tart binary it used, the VM state from `tart list` and the IP from `tart ip`. ' +
    'cal-bootstrap --stop/--restart run `tart stop`, which ends the tmux server; the sessions only come back if a good save ' +
    'was written before that, so the doctor has to look inside this VM. When tart or the VM is broken the doctor stops ' +
    'before any check runs (fix: `tart list`, then `tart run cal-dev` or `cal-bootstrap --run`); this check only keeps the evidence.',
  appliesTo: (ctx) => (ctx.targetKind === 'vm' ? true : 'only with --vm (the target is not a Tart VM)'),
  run(ctx) {
    const t = ctx.tart;
    if (!t) return { status: 'skip', summary: 'no Tart facts were gathered for this run' };
    const details = [`tart: ${t.tartPath}`, `VM: ${t.vm}`, `state: ${t.state}`, `IP: ${t.ip}`];
    return { status: 'pass', summary: `VM ${t.vm} is ${t.state} at ${t.ip}`, details };
  },
});
