// The ink components, drawn by ink-testing-library: what a person sees while the probe
// runs and once it is done. (The real terminal is exercised in test/integration/cli-tty.)
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { DoctorEvent } from '../../../src/doctor.js';
import { LiveReport, LiveRun, type LiveState, reduce } from '../../../src/report/live.js';
import { CHECKS, REPAIRS, report, unreachable } from './fixture.js';

const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const plain = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');

function fold(events: DoctorEvent[], label = 'admin@127.0.0.1:2222'): LiveState {
  return events.reduce(reduce, { phase: 'starting', label, rows: [] } as LiveState);
}
const listed: DoctorEvent = {
  type: 'checks',
  checks: CHECKS.map(({ id, category, title }) => ({ id, category, title })),
};

describe('live UI components', () => {
  it('shows a spinner and the phase before anything is known', () => {
    const ui = render(<LiveReport state={fold([{ type: 'phase', phase: 'connecting', label: 'vm cal-dev' }])} />);
    const frame = plain(ui.lastFrame());
    expect(frame).toMatch(/^cal-doctor — vm cal-dev/);
    expect(frame).toMatch(new RegExp(`${SPINNER.source} connecting…`));
    ui.unmount();
  });

  it('says why it is waiting for a booting target', () => {
    const state = fold([
      {
        type: 'waiting',
        label: 'vm built-image',
        attempt: 2,
        reason: '`tart ip built-image` failed: no IP address found',
        retryInMs: 1300,
        remainingMs: 97_000,
      },
    ]);
    const ui = render(<LiveReport state={state} />);
    expect(plain(ui.lastFrame())).toMatch(
      /waiting: `tart ip built-image` failed: no IP address found \(try 3 in 1 s, 97 s left\)/,
    );
    ui.unmount();
  });

  it('lists the checks by category, spinning until each result arrives', () => {
    const state = fold([
      { type: 'phase', phase: 'checking', label: 'vm cal-dev' },
      listed,
      { type: 'result', outcome: CHECKS[1]! },
    ]);
    const ui = render(<LiveReport state={state} />);
    const lines = plain(ui.lastFrame()).split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at('tmux')).toBeLessThan(at('tmux.path'));
    expect(at('tart')).toBeLessThan(at('tart.vm'));
    expect(at('resurrect')).toBeLessThan(at('resurrect.last'));
    expect(lines[at('tmux.version')]).toMatch(/^✓ tmux\.version\s+tmux 3\.5a/);
    expect(lines[at('tmux.path')]).toMatch(new RegExp(`^${SPINNER.source} tmux\\.path\\s+title of tmux\\.path`));
    ui.unmount();
  });

  it('clears its frame once the report is in (the caller prints the report itself)', () => {
    const state = fold([
      listed,
      ...CHECKS.map((outcome): DoctorEvent => ({ type: 'result', outcome })),
      { type: 'done', report: report({ repairs: REPAIRS }) },
    ]);
    const ui = render(<LiveReport state={state} />);
    expect(plain(ui.lastFrame())).toBe('');
    ui.rerender(<LiveReport state={fold([listed, { type: 'done', report: unreachable() }])} />);
    expect(plain(ui.lastFrame())).toBe('');
    ui.unmount();
  });

  it('never cuts a check id, however narrow the terminal', () => {
    const state = fold([listed, ...CHECKS.map((outcome): DoctorEvent => ({ type: 'result', outcome }))]);
    for (const width of [40, 60, 80]) {
      const ui = render(<LiveReport state={state} width={width} />);
      const frame = plain(ui.lastFrame());
      for (const c of CHECKS) expect(frame).toMatch(new RegExp(`^\\S ${c.id.replace('.', '\\.')}(\\s|$)`, 'm'));
      ui.unmount();
    }
  });

  it('draws one section per target while they run', () => {
    const a = fold([listed], 'vm a');
    const b = fold([{ type: 'phase', phase: 'probing', label: 'vm b' }], 'vm b');
    const ui = render(<LiveRun states={[a, b]} />);
    const frame = plain(ui.lastFrame());
    expect(frame).toMatch(/cal-doctor — vm a[\s\S]*cal-doctor — vm b\n\S+ probing…/);
    ui.unmount();
  });
});
