// What each command does with the parsed arguments, and how failures become exit codes.
import { installShutdownHandlers } from '../common/lifecycle.js';
import { type ParsedArgs, parseArgs, UsageError } from './args.js';

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

async function listChecks(a: ParsedArgs): Promise<number> {
  const { loadChecks } = await import('../engine/discover.js');
  const { checks, problems } = await loadChecks(a.checksDir);
  if (a.json)
    out(
      `${JSON.stringify(
        checks.map(({ id, category, title }) => ({ id, category, title })),
        null,
        2,
      )}\n`,
    );
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
    const { didYouMean } = await import('../engine/suggest.js');
    const hint = didYouMean(
      a.id ?? '',
      checks.map((x) => x.id),
      (s) => `cal-doctor explain ${s}`,
    );
    err(`cal-doctor: no check with id ${a.id}${hint}; see \`cal-doctor list\`\n`);
    return 2;
  }
  const { renderExplain } = await import('./explain.js');
  const { widthOf } = await import('../report/table.js');
  out(renderExplain(c, widthOf({ width: process.stdout.isTTY ? process.stdout.columns : undefined })));
  return 0;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    const a = await parseArgs(argv);
    switch (a.command) {
      case 'help':
        out(`${a.help}\n`);
        return 0;
      case 'completion':
        return 0; // yargs printed the script or the completions
      case 'list':
        return await listChecks(a);
      case 'explain':
        return await explainCheck(a);
      case 'persist': {
        const { runPersistCommand } = await import('./persist.js');
        return await runPersistCommand(a);
      }
      default: {
        // Ctrl-C / SIGTERM in any phase: close connections, clean sandboxes, exit 130/143.
        // (persist handles its own: it must remove its marker session first.)
        installShutdownHandlers();
        const { runDoctorCommand } = await import('./run.js');
        return await runDoctorCommand(a);
      }
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
