// `cal-doctor persist`: the bug's Expected Behavior as one command. Rendered like a doctor
// run (the steps are check results), so --json, --format junit and --output work unchanged.

import { EXIT_CODES, type ShutdownSignal, takeOverSignals } from '../common/lifecycle.js';
import { exitCode } from '../engine/report.js';
import { type Run, render } from '../report/render.js';
import { type ParsedArgs, UsageError } from './args.js';
import { colorFor, doctorOptions, writeOutputs } from './run.js';
import { targetsOf } from './targets.js';

const say = (line: string) => process.stderr.write(`cal-doctor persist: ${line}\n`);

export async function runPersistCommand(a: ParsedArgs): Promise<number> {
  const { targets } = await targetsOf(a);
  if (targets.length !== 1)
    throw new UsageError('persist restarts one target at a time: name one --vm, --host or --local');
  const { runPersist } = await import('../persist/index.js');
  const ac = new AbortController();
  let step = 'persist.preflight';
  let interrupted: ShutdownSignal | undefined;
  // Ctrl-C / SIGTERM must not exit at once: the marker session is removed first, and a
  // restart under way is finished so the user's server comes back.
  const release = takeOverSignals((sig) => {
    if (interrupted) {
      say(`still cleaning up after ${step} (each step on the target is bounded); please wait`);
      return;
    }
    interrupted = sig;
    say(
      `interrupted (${sig}) during ${step}: ${step === 'persist.restart' ? 'finishing the restart so the tmux server comes back, then ' : ''}removing the marker session before exiting`,
    );
    ac.abort(sig);
  });
  try {
    const startedAt = new Date();
    const report = await runPersist({
      ...doctorOptions(a),
      target: targets[0]!,
      yes: a.yes,
      force: a.force,
      startCommand: a.startCommand,
      signal: ac.signal,
      onStep: (id) => {
        step = id;
        say(`${id} …`);
      },
      onEvent: (e) => {
        if (e.type === 'result') say(`${e.outcome.id} ${e.outcome.status}: ${e.outcome.summary}`);
      },
    });
    if (report.persist.bringBack) say(`the tmux server is not running; start it with: ${report.persist.bringBack}`);
    const run: Run = { reports: [report], many: false, startedAt, durationMs: Date.now() - startedAt.getTime() };
    process.stdout.write(
      await render(a.format, run, {
        color: colorFor(a, process.stdout),
        verbose: a.verbose,
        strict: a.strict,
        width: process.stdout.columns,
      }),
    );
    const written = await writeOutputs(a, run);
    if (interrupted) return EXIT_CODES[interrupted];
    return written ? exitCode(report, a.strict) : 2;
  } finally {
    release();
  }
}
