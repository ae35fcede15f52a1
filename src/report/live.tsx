// The live terminal UI (ink): checks appear grouped by category with a spinner while the
// probe runs, then resolve to ✓ / ! / ✗, problems expand with evidence and fix, and a
// summary line closes. Only imported on the TTY path, so pipes and CI never load React.
import React, { useEffect, useState } from 'react';
import { Box, Text, render } from 'ink';
import type { DoctorEvent, DoctorOptions } from '../doctor.js';
import type { Report } from '../engine/report.js';
import type { CheckOutcome } from '../engine/run.js';
import { SYMBOL } from './symbols.js';
import { summaryLine } from './table.js';

type Row = Pick<CheckOutcome, 'id' | 'category' | 'title'> & { outcome?: CheckOutcome };

export interface LiveState {
  phase: string;
  label: string;
  rows: Row[];
  report?: Report;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const COLOR: Record<string, string> = { pass: 'green', warn: 'yellow', fail: 'red', error: 'red', info: 'gray', skip: 'gray' };

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

export function LiveReport({ state, verbose = false }: { state: LiveState; verbose?: boolean }): React.ReactElement {
  const categories = [...new Set(state.rows.map((r) => r.category))];
  const r = state.report;
  const problems = r ? r.checks.filter((c) => verbose || ['warn', 'fail', 'error'].includes(c.status)) : [];
  return (
    <Box flexDirection="column">
      <Text bold>
        cal-doctor — {state.label}
        {r?.target.os ? ` (${r.target.os})` : ''}
      </Text>
      {!r && (
        <Box>
          <Spinner />
          <Text> {state.phase}…</Text>
        </Box>
      )}
      {r?.error && (
        <Box flexDirection="column">
          <Text color="red">✗ cannot run: {r.error.message}</Text>
          {r.error.hint && <Text>{`  ${r.error.hint}`}</Text>}
        </Box>
      )}
      {categories.map((cat) => (
        <Box key={cat} flexDirection="column" marginTop={1}>
          <Text bold underline>
            {cat}
          </Text>
          {state.rows
            .filter((row) => row.category === cat)
            .map((row) => (
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
    </Box>
  );
}

/** Folds a doctor event into the display state. */
export function reduce(state: LiveState, e: DoctorEvent): LiveState {
  switch (e.type) {
    case 'phase':
      return { ...state, phase: e.phase, label: e.label };
    case 'checks':
      return { ...state, rows: e.checks.map((c) => ({ ...c })) };
    case 'result':
      return { ...state, rows: state.rows.map((row) => (row.id === e.outcome.id ? { ...row, outcome: e.outcome } : row)) };
  }
}

/** Runs the doctor while drawing it; resolves with the report once the last frame is drawn. */
export async function runLive(run: (onEvent: DoctorOptions['onEvent']) => Promise<Report>, verbose: boolean): Promise<Report> {
  let state: LiveState = { phase: 'starting', label: '', rows: [] };
  const app = render(<LiveReport state={state} verbose={verbose} />, { exitOnCtrlC: true, patchConsole: false });
  const redraw = () => app.rerender(<LiveReport state={state} verbose={verbose} />);
  try {
    const report = await run((e) => {
      state = reduce(state, e!);
      redraw();
    });
    state = { ...state, report };
    redraw();
    return report;
  } finally {
    app.unmount();
    await app.waitUntilExit();
  }
}
