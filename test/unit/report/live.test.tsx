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

  it('resolves to ✓ / ! / ✗, expands the problems with evidence and fix, and closes with the summary', () => {
    const done = report({ repairs: REPAIRS });
    const state = fold([
      listed,
      ...CHECKS.map((outcome): DoctorEvent => ({ type: 'result', outcome })),
      { type: 'done', report: done },
    ]);
    const ui = render(<LiveReport state={state} />);
    const frame = plain(ui.lastFrame());
    expect(frame).not.toMatch(SPINNER);
    expect(frame).toMatch(/^✗ tmux\.path\s+tmux is not on the PATH/m);
    expect(frame).toMatch(/^! tmux\.server\s+no tmux server running/m);
    expect(frame).toMatch(
      /^✗ tmux\.path: tmux is not on the PATH of non-login shells\n {4}PATH=\/usr\/bin:\/bin\n[\s\S]*? {4}fix:\n {6}add to ~\/\.zshenv/m,
    );
    expect(frame).not.toMatch(/tmux -V: tmux 3\.5a/); // passing evidence only with --verbose
    expect(frame).toMatch(/^1 passed, 1 warnings, 2 failed, 1 skipped, 1 errors$/m);
    expect(frame).toMatch(
      /Repair plan \(dry run[\s\S]*relink-last[\s\S]*script:\n {6}cd ~\/\.local\/share\/tmux\/resurrect/,
    );
    ui.rerender(<LiveReport state={state} verbose />);
    expect(plain(ui.lastFrame())).toMatch(/tmux -V: tmux 3\.5a/);
    ui.unmount();
  });

  it('says why a target could not be reached instead of listing checks', () => {
    const ui = render(<LiveReport state={fold([listed, { type: 'done', report: unreachable() }])} />);
    const frame = plain(ui.lastFrame());
    expect(frame).toMatch(/✗ cannot run: connection refused by admin@10\.9\.9\.9:2222/);
    expect(frame).toMatch(/enable Remote Login/);
    expect(frame).not.toMatch(/tmux\.path/);
    ui.unmount();
  });

  it('draws one section per target and the run line once all are done', () => {
    const a = fold([listed, { type: 'done', report: report() }], 'vm a');
    const b = fold([{ type: 'phase', phase: 'probing', label: 'vm b' }], 'vm b');
    const ui = render(<LiveRun states={[a, b]} />);
    let frame = plain(ui.lastFrame());
    expect(frame).toMatch(/cal-doctor — vm cal-dev[\s\S]*cal-doctor — vm b\n\S+ probing…/);
    expect(frame).not.toMatch(/targets:/);
    ui.rerender(<LiveRun states={[a, { ...b, report: unreachable() }]} />);
    frame = plain(ui.lastFrame());
    expect(frame).toMatch(/^2 targets: 0 ok, 1 failed, 1 could not run$/m);
    ui.unmount();
  });
});
