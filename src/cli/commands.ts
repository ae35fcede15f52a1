// What each command does with the parsed arguments, and how failures become exit codes.
import { parseArgs, UsageError, type ParsedArgs } from './args.js';
import type { DoctorOptions, TargetSpec } from '../doctor.js';
import { exitCode } from '../engine/report.js';
import { colorWanted, paint } from '../report/color.js';

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

function targetOf(a: ParsedArgs): TargetSpec {
  if (a.local) return { kind: 'local' };
  if (a.host) return { kind: 'ssh', host: a.host };
  return { kind: 'vm', name: a.vm ?? 'cal-dev' };
}

function doctorOptions(a: ParsedArgs): DoctorOptions {
  let password: string | undefined;
  if (a.passwordEnv) {
    password = process.env[a.passwordEnv];
    if (password === undefined) throw new UsageError(`--password-env ${a.passwordEnv}: that environment variable is not set`);
  }
  return {
    target: targetOf(a),
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
  };
}

async function listChecks(a: ParsedArgs): Promise<number> {
  const { loadChecks } = await import('../engine/discover.js');
  const { checks, problems } = await loadChecks(a.checksDir);
  if (a.json) out(JSON.stringify(checks.map(({ id, category, title }) => ({ id, category, title })), null, 2) + '\n');
  else {
    const w = Math.max(...checks.map((c) => c.id.length));
    for (const c of checks) out(`${c.id.padEnd(w)}  ${c.category.padEnd(10)}  ${c.title}\n`);
  }
  for (const p of problems) err(`cal-doctor: could not load check ${p.file}: ${p.reason}\n`);
  return problems.length ? 1 : 0;
}

async function explainCheck(a: ParsedArgs): Promise<number> {
  const { loadChecks } = await import('../engine/discover.js');
  const { checks } = await loadChecks(a.checksDir);
  const c = checks.find((x) => x.id === a.id);
  if (!c) {
    err(`cal-doctor: no check with id ${a.id}; see \`cal-doctor list\`\n`);
    return 2;
  }
  out(`${c.id} (${c.category}): ${c.title}\n\n${c.explain.trim()}\n`);
  return 0;
}

async function runDoctorCommand(a: ParsedArgs): Promise<number> {
  const { runDoctor } = await import('../doctor.js');
  const opts = doctorOptions(a);
  const color = colorWanted(process.stdout, a.color);
  // ink (and React) load only for a person at a terminal; pipes and CI get the plain table.
  if (!a.json && color && process.stdout.isTTY && !process.env.CI) {
    const { runLive } = await import('../report/live.js');
    return exitCode(await runLive((onEvent) => runDoctor({ ...opts, onEvent }), a.verbose));
  }
  const report = await runDoctor(opts);
  if (a.json) out(JSON.stringify(report, null, 2) + '\n');
  else {
    const { renderTable } = await import('../report/table.js');
    out(renderTable(report, paint(color), { verbose: a.verbose, width: process.stdout.columns }));
  }
  // JSON keeps stdout machine-readable, so the could-not-run line also goes to stderr.
  if (report.error && a.json) err(`cal-doctor: ${report.error.message}${report.error.hint ? ` (${report.error.hint})` : ''}\n`);
  return exitCode(report);
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    const a = await parseArgs(argv);
    switch (a.command) {
      case 'help':
        out(`${a.help}\n`);
        return 0;
      case 'list':
        return await listChecks(a);
      case 'explain':
        return await explainCheck(a);
      default:
        return await runDoctorCommand(a);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cal-doctor: ${e.message}\nRun \`cal-doctor --help\` for usage.\n`);
      return 2;
    }
    // A bug, not a user problem: one line, plus the stack only when asked for.
    err(`cal-doctor: internal error: ${(e as Error)?.message ?? e}\n`);
    if (process.env.CAL_DOCTOR_DEBUG) err(`${(e as Error)?.stack}\n`);
    return 2;
  }
}
