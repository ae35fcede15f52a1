// The default command: run the doctor on every target, show it (live UI at a terminal,
// else the chosen format on stdout), write the --output files, and exit with the worst
// target's code.
import { mkdir, open, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DoctorEvent, DoctorOptions } from '../doctor.js';
import { type Report, worstExitCode } from '../engine/report.js';
import { colorWanted } from '../report/color.js';
import { type Run, render } from '../report/render.js';
import type { Rerun } from '../report/table.js';
import { labelOf } from '../targets/connect.js';
import { againCommand, selfForUser } from './again.js';
import { type ParsedArgs, UsageError } from './args.js';
import { targetsOf } from './targets.js';

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

type BaseOptions = Omit<DoctorOptions, 'target' | 'onEvent'>;

export function doctorOptions(a: ParsedArgs): BaseOptions {
  let password: string | undefined;
  if (a.passwordEnv) {
    password = process.env[a.passwordEnv];
    if (password === undefined)
      throw new UsageError(`--password-env ${a.passwordEnv}: that environment variable is not set`);
    // children (tart, the --local probe) must not inherit it
    delete process.env[a.passwordEnv];
  }
  return {
    user: a.user,
    port: a.port,
    identity: a.identity,
    password,
    hostKeyPolicy: a.hostKeyPolicy,
    knownHostsFile: a.knownHosts,
    sshConfigFile: a.sshConfig,
    only: a.only,
    skip: a.skip,
    checksDirs: a.checksDir,
    tmuxTimeoutSec: a.tmuxTimeout,
    timeoutMs: a.timeout * 1000,
    connectTimeoutMs: a.connectTimeout * 1000,
    active: a.active,
    waitMs: a.wait * 1000,
  };
}

/** Colour for stdout: --color/--no-color and NO_COLOR first, then none in CI (`CI` set or --ci), then a terminal's. */
export function colorFor(
  a: Pick<ParsedArgs, 'ci' | 'color'>,
  stdout: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (a.color === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (a.color === true) return true;
  if (a.ci || env.CI) return false;
  return colorWanted(stdout, a.color, env);
}

/** The live UI is for a person at a terminal: never piped, in CI, with NO_COLOR/--no-color, or for another format. */
export function wantsLive(
  a: Pick<ParsedArgs, 'format' | 'ci' | 'redact' | 'color'>,
  stdout: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return a.format === 'table' && !a.ci && !a.redact && !env.CI && !!stdout.isTTY && colorFor(a, stdout, env);
}

/** `--wait` progress, one line per retry, on stderr (stdout may be JSON or JUnit). */
function progressLines(labels: string[], many: boolean): (i: number, e: DoctorEvent) => void {
  const waited = new Set<number>();
  const started = Date.now();
  const s = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} s`;
  return (i, e) => {
    const who = many ? `${labels[i]}: ` : '';
    if (e.type === 'waiting') {
      waited.add(i);
      err(`cal-doctor: ${who}not up yet: ${e.reason}; retrying in ${s(e.retryInMs)} (${s(e.remainingMs)} left)\n`);
    } else if (e.type === 'phase' && e.phase === 'probing' && waited.delete(i)) {
      err(`cal-doctor: ${who}up after ${s(Date.now() - started)}; probing\n`);
    }
  };
}

export async function writeOutputs(a: ParsedArgs, run: Run, reruns?: Rerun[]): Promise<boolean> {
  let ok = true;
  for (const o of a.outputs) {
    try {
      const text = await render(o.format, run, {
        color: false,
        verbose: a.verbose,
        all: a.all,
        strict: a.strict,
        width: 120,
        reruns,
      });
      await mkdir(dirname(o.file), { recursive: true });
      await writeFile(o.file, text);
    } catch (e) {
      err(`cal-doctor: cannot write ${o.file}: ${(e as Error).message}\n`);
      ok = false;
    }
  }
  return ok;
}

/**
 * Each --output file can be written: its missing dirs are made and the file is opened for
 * appending (and removed again when it did not exist). Done before the run, so a bad path
 * costs no probe; the dirs are made one at a time (a recursive mkdir under /proc never returns).
 */
async function checkOutputs(outputs: ParsedArgs['outputs']): Promise<void> {
  for (const o of outputs) {
    const file = resolve(o.file);
    const missing: string[] = [];
    let p = dirname(file);
    while (!(await stat(p).catch(() => undefined)) && dirname(p) !== p) {
      missing.unshift(p);
      p = dirname(p);
    }
    try {
      for (const d of missing) await mkdir(d);
      const existed = !!(await stat(file).catch(() => undefined));
      await (await open(file, 'a')).close();
      if (!existed) await unlink(file);
    } catch (e) {
      throw new UsageError(
        `--output ${o.file}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
  }
}

export async function runDoctorCommand(a: ParsedArgs): Promise<number> {
  await checkOutputs(a.outputs);
  const { targets, many } = await targetsOf(a);
  const base = doctorOptions(a);
  if (a.fix) {
    const { fixHook, loadRepairs } = await import('./fix.js');
    base.afterChecks = fixHook(await loadRepairs(), a.yes, a.timeout * 1000);
  }
  const { runDoctors } = await import('../doctor.js');
  const startedAt = new Date();
  let reports: Report[];
  const labels = targets.map(labelOf);
  const live = wantsLive(a, process.stdout);
  if (live) {
    // ink (and React) load only for a person at a terminal; pipes and CI get the plain table.
    const { runLive } = await import('../report/live.js');
    reports = await runLive(labels, (onEvent) => runDoctors(base, targets, { concurrency: a.concurrency, onEvent }));
  } else {
    reports = await runDoctors(base, targets, { concurrency: a.concurrency, onEvent: progressLines(labels, many) });
  }
  const { redactReport } = a.redact ? await import('../report/redact.js') : { redactReport: (r: Report) => r };
  const run: Run = {
    reports: reports.map(redactReport),
    many,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
  };
  // the last lines repeat the user's flags; a redacted report names its target as redacted
  const self = selfForUser(process.argv[1] ?? 'cal-doctor');
  const reruns = a.redact ? undefined : targets.map((t) => ({ self, command: againCommand(self, a, t) }));
  // the live UI cleared its frame: the report itself is the same text as when piped
  out(
    await render(a.format, run, {
      color: colorFor(a, process.stdout),
      verbose: a.verbose,
      all: a.all,
      strict: a.strict,
      width: process.stdout.isTTY ? process.stdout.columns : undefined,
      reruns,
    }),
  );
  // machine-readable stdout: the could-not-run lines also go to stderr
  if (a.format !== 'table') {
    for (const r of run.reports) {
      if (r.error)
        err(
          `cal-doctor: ${many ? `${r.target.label}: ` : ''}${r.error.message}${r.error.hint ? ` (${r.error.hint})` : ''}\n`,
        );
    }
  }
  const written = await writeOutputs(a, run, reruns);
  return written ? worstExitCode(reports, a.strict) : 2;
}
