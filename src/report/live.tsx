// The live terminal UI (ink): checks appear grouped by category with a spinner while the
// probe runs, then resolve to ✓ / ! / ✗, problems expand with evidence and fix, and a
// summary line closes. With many targets, one such section per target. Only imported on
// the TTY path, so pipes and CI never load React.

import { Box, render, Text } from 'ink';
import type React from 'react';
import { useEffect, useState } from 'react';
import type { DoctorEvent } from '../doctor.js';
import type { Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import { SYMBOL } from './symbols.js';
import { byCategory, detailed, heading, manySummaryLine, repairsView, summaryLine } from './view.js';

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
const REPAIR_COLOR: Record<string, string> = {
  applied: 'green',
  failed: 'red',
  planned: 'cyan',
  'already-ok': 'gray',
  advice: 'gray',
};

function Spinner(): React.ReactElement {
  const [i, setI] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setI((n) => (n + 1) % FRAMES.length), 80);
    return () => clearInterval(t);
  }, []);
  return <Text color="cyan">{FRAMES[i]}</Text>;
}

function CheckRow({ row }: { row: Row }): React.ReactElement {
  const o = row.outcome;
  return (
    <Box>
      <Box width={2}>{o ? <Text color={COLOR[o.status]}>{SYMBOL[o.status]}</Text> : <Spinner />}</Box>
      <Box width={24}>
        <Text>{row.id}</Text>
      </Box>
      <Text dimColor={!o}>{o ? o.summary : row.title}</Text>
    </Box>
  );
}

function Problem({ c, verbose }: { c: CheckOutcome; verbose: boolean }): React.ReactElement {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text color={COLOR[c.status]}>{SYMBOL[c.status]}</Text> <Text bold>{c.id}</Text>: {c.summary}
      </Text>
      {(verbose || c.status !== 'pass') && c.details.map((d, i) => <Text key={i} dimColor>{`    ${d}`}</Text>)}
      {c.fix.length > 0 && <Text color="cyan">{'    fix:'}</Text>}
      {c.fix.map((f, i) => (
        <Text key={i}>{`      ${f}`}</Text>
      ))}
    </Box>
  );
}

function Repairs({ report }: { report: Report }): React.ReactElement | null {
  const view = repairsView(report);
  if (!view) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{view.title}</Text>
      {view.items.map((item, i) => (
        <Box key={i} flexDirection="column">
          <Text>
            <Text color={REPAIR_COLOR[item.status]}>{item.mark}</Text> {item.head}
          </Text>
          {item.blocks.map((b, j) => (
            <Box key={j} flexDirection="column">
              <Text color="cyan">{`    ${b.label}:`}</Text>
              {b.lines.map((l, k) => (
                <Text key={k}>{`      ${l}`}</Text>
              ))}
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}

export function LiveReport({ state, verbose = false }: { state: LiveState; verbose?: boolean }): React.ReactElement {
  const r = state.report;
  const problems = r ? detailed(r, verbose) : [];
  return (
    <Box flexDirection="column">
      <Text bold>cal-doctor — {r ? heading(r) : state.label}</Text>
      {!r && (
        <Box>
          <Spinner />
          <Text> {state.waiting ? `waiting: ${state.waiting}` : `${state.phase}…`}</Text>
        </Box>
      )}
      {r?.error && (
        <Box flexDirection="column">
          <Text color="red">✗ cannot run: {r.error.message}</Text>
          {r.error.hint && <Text>{`  ${r.error.hint}`}</Text>}
        </Box>
      )}
      {!r?.error &&
        byCategory(state.rows).map((group) => (
          <Box key={group.category} flexDirection="column" marginTop={1}>
            <Text bold underline>
              {group.category}
            </Text>
            {group.checks.map((row) => (
              <CheckRow key={row.id} row={row} />
            ))}
          </Box>
        ))}
      {problems.map((c) => (
        <Problem key={c.id} c={c} verbose={verbose} />
      ))}
      {r && !r.error && (
        <Box marginTop={1}>
          <Text bold>{summaryLine(r)}</Text>
        </Box>
      )}
      {r && <Repairs report={r} />}
    </Box>
  );
}

/** Several targets: a section each, then the line for the whole run once all are done. */
export function LiveRun({
  states,
  verbose = false,
  strict = false,
}: {
  states: LiveState[];
  verbose?: boolean;
  strict?: boolean;
}): React.ReactElement {
  if (states.length === 1) return <LiveReport state={states[0]!} verbose={verbose} />;
  const reports = states.map((s) => s.report);
  const done = reports.every((r): r is Report => !!r);
  return (
    <Box flexDirection="column">
      {states.map((s, i) => (
        <Box key={i} flexDirection="column" marginBottom={1}>
          <LiveReport state={s} verbose={verbose} />
        </Box>
      ))}
      {done && <Text bold>{manySummaryLine(reports as Report[], strict)}</Text>}
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
  opts: { verbose?: boolean; strict?: boolean } = {},
): Promise<Report[]> {
  let states: LiveState[] = labels.map((label) => ({ phase: 'starting', label, rows: [] }));
  const view = () => <LiveRun states={states} verbose={opts.verbose} strict={opts.strict} />;
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
