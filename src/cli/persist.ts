// `cal-doctor persist`: the bug's Expected Behavior as one command. Rendered like a doctor
// run (the steps are check results), so --json, --format junit and --output work unchanged.
import { exitCode } from '../engine/report.js';
import { type Run, render } from '../report/render.js';
import { type ParsedArgs, UsageError } from './args.js';
import { colorFor, doctorOptions, writeOutputs } from './run.js';
import { targetsOf } from './targets.js';

export async function runPersistCommand(a: ParsedArgs): Promise<number> {
  const { targets } = await targetsOf(a);
  if (targets.length !== 1)
    throw new UsageError('persist restarts one target at a time: name one --vm, --host or --local');
  const { runPersist } = await import('../persist/index.js');
  const ac = new AbortController();
  const onSignal = () => ac.abort(); // stop the current step, remove the marker session, then exit
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const startedAt = new Date();
    const report = await runPersist({
      ...doctorOptions(a),
      target: targets[0]!,
      yes: a.yes,
      force: a.force,
      startCommand: a.startCommand,
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'result')
          process.stderr.write(`cal-doctor persist: ${e.outcome.id} ${e.outcome.status}: ${e.outcome.summary}\n`);
      },
    });
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
    if (ac.signal.aborted) return 130;
    return written ? exitCode(report, a.strict) : 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
