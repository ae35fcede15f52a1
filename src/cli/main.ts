// Entry point. Kept free of heavy imports so `--version` costs almost nothing; the rest
// is loaded on demand.
import { VERSION } from '../version.js';

/**
 * A reader that stops early (`cal-doctor list | head -1`) closes the pipe: end quietly, as
 * `git log | head` does. By then the report is complete, so nothing is lost but output
 * nobody reads.
 */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { runCli } = await import('./commands.js');
  return runCli(argv);
}
