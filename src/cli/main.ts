// Entry point. Kept free of heavy imports so `--version` costs almost nothing; the rest
// is loaded on demand.
import { VERSION } from '../version.js';

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { runCli } = await import('./commands.js');
  return runCli(argv);
}
