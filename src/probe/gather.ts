// Runs the probe (src/remote/probe*.sh, PROBE_FILES) on a target (one exec) and parses what it printed into Facts.
import { assembleScript } from '../remote/assemble.js';
import { outputComplete, splitRecords } from '../remote/records.js';
import { type RunOptions, type RunResult, type Target, TargetError } from '../targets/target.js';
import type { Facts } from './facts.js';

/**
 * The probe's files, in the order the probe is assembled: one file a phase (each says what it
 * gathers and which records it writes), then probe.sh (the caps, the shared helpers, and
 * main, which runs the phases and so must come last).
 */
export const PROBE_FILES = [
  'probe-meta.sh',
  'probe-server.sh',
  'probe-files.sh',
  'probe-config.sh',
  'probe-saves.sh',
  'probe-jobs.sh',
  'probe.sh',
] as const;

/** The exact script a target runs: `CAL_TMUX_TIMEOUT=N`, lib.sh, then PROBE_FILES. */
export function probeScript(tmuxTimeoutSec: number): string {
  if (!Number.isInteger(tmuxTimeoutSec) || tmuxTimeoutSec < 1 || tmuxTimeoutSec > 3600) {
    throw new RangeError(`tmux timeout must be a whole number of seconds from 1 to 3600, got ${tmuxTimeoutSec}`);
  }
  return assembleScript({ CAL_TMUX_TIMEOUT: tmuxTimeoutSec }, ...PROBE_FILES);
}

function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

/** One line saying how a run ended: `exit 127: sh: 1: base64: not found`. */
export function describeRun(res: RunResult): string {
  const how =
    res.code !== null
      ? `exit ${res.code}`
      : res.signal
        ? `killed by ${res.signal}`
        : 'no exit status (channel closed or timed out)';
  const err = firstLine(res.stderr);
  const bytes = res.stdout.length === 0 ? ', no output' : `, ${res.stdout.length} bytes of output`;
  return err !== '' ? `${how}${bytes}: ${err}` : `${how}${bytes}`;
}

export async function gatherFacts(target: Target, opts: { tmuxTimeoutSec: number } & RunOptions): Promise<Facts> {
  const { tmuxTimeoutSec, onStarted, ...run } = opts;
  // the parser and the domain code it uses load while the probe runs, the one long wait,
  // rather than before the connect
  let parser: Promise<typeof import('./parse.js')> | undefined;
  const loadParser = () => (parser ??= import('./parse.js'));
  const res = await target.runScript(probeScript(tmuxTimeoutSec), {
    ...run,
    onStarted: () => {
      void loadParser().catch(() => undefined); // its error surfaces below
      onStarted?.();
    },
  });
  if (!outputComplete(res.stdout)) {
    throw new TargetError(
      `probe was cut off: ${describeRun(res)}`,
      'the target shell did not run the probe to its end; try again with a larger --timeout, or run the probe on the target by hand (lib.sh then the probe*.sh files from src/remote in the order gather.ts lists them, into `sh -s`)',
    );
  }
  if (splitRecords(res.stdout).records.has('nobase64')) {
    throw new TargetError(`probe could not run on ${target.label}: the target has no base64 command`);
  }
  const { parseProbeOutput } = await loadParser();
  const facts = parseProbeOutput(res.stdout);
  // the probe reports the bound it ran with; without a meta record, it is the one sent
  if (facts.probe.tmuxTimeoutSec === 0) facts.probe.tmuxTimeoutSec = tmuxTimeoutSec;
  if (res.code !== 0) facts.probe.warnings.push(`the probe shell ended with ${describeRun(res)}`);
  else if (res.stderr.trim() !== '')
    facts.probe.warnings.push(`the probe shell printed on stderr: ${firstLine(res.stderr)}`);
  return facts;
}
