// The live terminal UI (ink): checks appear grouped by category with a spinner while the
// probe runs and resolve to ✓ / ! / ✗. Once done the frame is cleared and the caller
// prints the report, the same text as the plain one, in colour. With many targets, one
// such section per target. Only imported on the TTY path, so pipes and CI never load React.

import { Box, render, Text } from 'ink';
import type React from 'react';
import { useEffect, useState } from 'react';
import type { DoctorEvent } from '../doctor.js';
import type { Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import { SYMBOL } from './symbols.js';
import { byCategory } from './view.js';

type Row = Pick<CheckOutcome, 'id' | 'category' | 'title'> & { outcome?: CheckOutcome };

/** One target's display state. */
export interface LiveState {
  phase: string;
  label: string;
  /** `--wait`: why the target is not up yet and when the next try comes */
  waiting?: string;
  rows: Row[];
  report?: Report;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const COLOR: Record<string, string> = {
  pass: 'green',
  warn: 'yellow',
  fail: 'red',
  error: 'red',
  info: 'gray',
  skip: 'gray',
};

function Spinner(): React.ReactElement {
  const [i, setI] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setI((n) => (n + 1) % FRAMES.length), 80);
    return () => clearInterval(t);
  }, []);
  return <Text color="cyan">{FRAMES[i]}</Text>;
}

function CheckRow({ row, idWidth, width }: { row: Row; idWidth: number; width: number }): React.ReactElement {
  const o = row.outcome;
  // the id is never cut: its column is as wide as the longest id; the text after it is
  // cut to the line (the final report, printed in full, replaces this frame)
  const room = width - 2 - idWidth;
  return (
    <Box>
      <Box width={2} flexShrink={0}>
        {o ? <Text color={COLOR[o.status]}>{SYMBOL[o.status]}</Text> : <Spinner />}
      </Box>
      <Box width={idWidth} flexShrink={0}>
        <Text>{row.id}</Text>
      </Box>
      {room >= 12 && (
        <Box width={room}>
          <Text dimColor={!o} wrap="truncate-end">
            {o ? o.summary : row.title}
          </Text>
        </Box>
      )}
    </Box>
  );
}

/**
 * While the doctor runs: the checks by category, each spinning until its result arrives.
 * Once the report is in, nothing: the caller prints the report itself (src/report/table.ts),
 * so the screen ends exactly as the plain report does, at any width.
 */
export function LiveReport({ state, width = 100 }: { state: LiveState; width?: number }): React.ReactElement | null {
  if (state.report) return null;
  const idWidth = Math.max(0, ...state.rows.map((r) => r.id.length)) + 2;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        cal-doctor — {state.label}
      </Text>
      <Box>
        <Spinner />
        <Text wrap="truncate-end"> {state.waiting ? `waiting: ${state.waiting}` : `${state.phase}…`}</Text>
      </Box>
      {byCategory(state.rows).map((group) => (
        <Box key={group.category} flexDirection="column" marginTop={1}>
          <Text bold underline>
            {group.category}
          </Text>
          {group.checks.map((row) => (
            <CheckRow key={row.id} row={row} idWidth={idWidth} width={width} />
          ))}
        </Box>
      ))}
    </Box>
  );
}

/** Several targets: a section each while they run. */
export function LiveRun({ states, width = 100 }: { states: LiveState[]; width?: number }): React.ReactElement {
  return (
    <Box flexDirection="column">
      {states.map((s, i) => (
        <LiveReport key={i} state={s} width={width} />
      ))}
    </Box>
  );
}

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} s`;

/** Folds a doctor event into one target's display state. */
export function reduce(state: LiveState, e: DoctorEvent): LiveState {
  switch (e.type) {
    case 'phase':
      return { ...state, phase: e.phase, label: e.label, waiting: undefined };
    case 'waiting':
      return {
        ...state,
        label: e.label,
        waiting: `${e.reason} (try ${e.attempt + 1} in ${seconds(e.retryInMs)}, ${seconds(e.remainingMs)} left)`,
      };
    case 'checks':
      return { ...state, rows: e.checks.map((c) => ({ ...c })) };
    case 'result':
      return {
        ...state,
        rows: state.rows.map((row) => (row.id === e.outcome.id ? { ...row, outcome: e.outcome } : row)),
      };
    case 'done':
      return { ...state, report: e.report, waiting: undefined };
  }
}

/** Runs the doctor on every target while drawing it; resolves with the reports once the last frame is drawn. */
export async function runLive(
  labels: string[],
  run: (onEvent: (index: number, e: DoctorEvent) => void) => Promise<Report[]>,
): Promise<Report[]> {
  let states: LiveState[] = labels.map((label) => ({ phase: 'starting', label, rows: [] }));
  const view = () => <LiveRun states={states} width={process.stdout.columns || 100} />;
  const app = render(view(), { exitOnCtrlC: true, patchConsole: false });
  const redraw = () => app.rerender(view());
  try {
    const reports = await run((i, e) => {
      states = states.map((s, j) => (j === i ? reduce(s, e) : s));
      redraw();
    });
    states = states.map((s, i) => ({ ...s, report: reports[i] }));
    redraw();
    return reports;
  } finally {
    app.unmount();
    await app.waitUntilExit();
  }
}
