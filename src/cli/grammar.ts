// The yargs grammar: help with examples, shell completion, and the error messages for a
// command line the quick parser (args.ts) leaves alone. Loaded only for those.
import yargs from 'yargs';
import { closest } from '../engine/suggest.js';
import { type Command, OPTION_GROUPS, OPTIONS, type RawArgs, UsageError } from './options.js';

const EXAMPLES: Array<[string, string]> = [
  ['$0', 'check the Tart VM "cal-dev" (IP from `tart ip cal-dev`, user admin)'],
  ['$0 --local', 'check this machine, no SSH'],
  ['$0 --vm my-vm', 'check another Tart VM'],
  ['$0 --host devbox', 'any SSH host or ~/.ssh/config alias; user@host:port works too'],
  ['$0 --vm a --vm b --host devbox', 'several targets at once (--concurrency, default 8); exit code is the worst'],
  ['$0 --targets hosts.txt', 'targets from a file, one per line: vm:NAME, local, or an SSH host'],
  ['$0 --only tmux.path,resurrect.last --skip plugins.continuum', 'pick checks by id (globs and categories work)'],
  ['$0 --json > report.json', 'machine-readable report (same as --format json)'],
  ['$0 --format markdown --redact', 'a block to paste into a bug report, without user, host or home path'],
  [
    '$0 --ci --wait 120 --vm built-image --output report.xml --output report.json',
    'CI: wait for a booting VM, write JUnit and JSON, table on stdout',
  ],
  ['$0 --fix', 'print the repair plan (changes nothing); --fix --yes applies it'],
  ['CAL_PW=admin $0 --password-env CAL_PW', 'password auth (never pass a password in argv)'],
  ['$0 list', 'every check: id, category, title'],
  ['$0 explain tmux.path', 'what a check looks at, why, and how to fix'],
  [
    '$0 completion bash >> ~/.bashrc',
    'shell completion for bash, zsh or fish (check ids after --only, --skip, explain)',
  ],
];

/** yargs offers the default command as `$0` and one-letter aliases as `--i`; nobody types those. */
const hideDefaultCommand = (
  _current: string,
  _argv: unknown,
  defaults: (onCompleted?: (err: Error | null, found: string[] | undefined) => void) => unknown,
  done: (found: string[]) => void,
) => defaults((_err, found) => done((found ?? []).filter((c) => c !== '$0' && !/^--.$/.test(c))));

function grammar(argv: string[], onCommand: (c: Command) => void) {
  let y = yargs(argv)
    .scriptName('cal-doctor')
    .usage(
      '$0 [target] [options]\n\nDiagnoses why tmux sessions do not survive a cal-dev VM restart (tmux-resurrect/continuum).\nExit codes: 0 no check failed, 1 a check failed, 2 the doctor could not run (many targets: the worst).',
    )
    .command('$0', 'run the checks (default target: Tart VM cal-dev)')
    .command(
      'list',
      'list every check',
      () => {},
      () => onCommand('list'),
    )
    .command(
      'persist',
      'restart test: build a marker layout, save, restart, check it comes back (needs --yes)',
      () => {},
      () => onCommand('persist'),
    )
    .command(
      'explain <id>',
      'explain one check',
      (b) => b.positional('id', { type: 'string', describe: 'check id, e.g. tmux.path' }),
      () => onCommand('explain'),
    )
    .completion(
      'completion',
      'print a shell completion script: completion bash|zsh|fish (default: $SHELL)',
      hideDefaultCommand,
    );
  for (const { title, options } of OPTION_GROUPS) {
    y = y.group(Object.keys(options), title);
    for (const [name, spec] of Object.entries(options))
      y = y.option(name, { ...spec, choices: spec.choices as string[] | undefined });
  }
  return y
    .conflicts('accept-new-host-key', 'insecure-host-key')
    .example(EXAMPLES)
    .strict()
    .version(false)
    .help(false)
    .option('help', { alias: 'h', type: 'boolean', describe: 'show help' })
    .wrap(Math.min(120, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(withSuggestions(msg || err?.message || 'invalid arguments'));
    });
}

const COMMANDS = ['list', 'explain', 'persist', 'completion'];

/** yargs' `Unknown argument(s): lcoal, expalin` with the flag or command each was probably meant to be. */
function withSuggestions(msg: string): string {
  const m = /^Unknown arguments?: (.*)$/.exec(msg);
  if (!m) return msg;
  const flags = Object.entries(OPTIONS).flatMap(([name, spec]) => [name, ...(spec.alias ? [spec.alias] : [])]);
  const words = m[1]!.split(', ').map((w) => {
    const flag = closest(w, flags);
    const command = closest(w, COMMANDS);
    const hint = command && (!flag || command.length >= flag.length) ? command : flag ? `--${flag}` : undefined;
    return hint ? `${w} (did you mean ${hint}?)` : w;
  });
  return `unknown argument${words.length > 1 ? 's' : ''}: ${words.join(', ')}`;
}

export interface GrammarResult {
  command: Command;
  raw: RawArgs;
  help?: string;
}

/**
 * Parses with yargs. `completion` (print the script) and `--get-yargs-completions` (what
 * the script asks) are answered by yargs on stdout itself; nothing else runs for them.
 */
export async function parseWithYargs(argv: string[]): Promise<GrammarResult> {
  let command: Command = 'run';
  const y = grammar(argv, (c) => void (command = c));
  if (argv[0] === 'completion' && !argv.includes('--get-yargs-completions')) {
    const { completionScript, SHELLS, selfCommand } = await import('./completion.js');
    const asked = argv[1] ?? (process.env.SHELL ?? '').split('/').pop() ?? '';
    const shell = (SHELLS as readonly string[]).includes(asked) ? (asked as (typeof SHELLS)[number]) : 'bash';
    process.stdout.write(completionScript(shell, selfCommand(process.argv[1] ?? 'cal-doctor')));
    return { command: 'completion', raw: {} };
  }
  const at = argv.indexOf('--get-yargs-completions');
  if (at >= 0) {
    const { idCompletions } = await import('./completion.js');
    const { loadChecks } = await import('../engine/discover.js');
    const ids = (await loadChecks([])).checks.map((c) => c.id);
    const words = idCompletions(argv.slice(at + 1), ids);
    if (words) {
      process.stdout.write(words.map((w) => `${w}\n`).join(''));
      return { command: 'completion', raw: {} };
    }
  }
  if (argv[0] === 'completion' || at >= 0) {
    try {
      await y.parseAsync();
    } catch {
      // strict mode calls the command word an unknown argument once yargs has answered
    }
    return { command: 'completion', raw: {} };
  }
  const raw = (await y.parseAsync()) as RawArgs;
  if (raw.help) return { command: 'help', raw, help: await y.getHelp() };
  return { command, raw };
}
