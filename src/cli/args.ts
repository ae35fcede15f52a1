// Command-line grammar. Parsing only: main.ts decides what to run.
import yargs from 'yargs';
import { FORMATS, type Format } from '../report/render.js';

export class UsageError extends Error {}

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
  ['$0 --ci --wait 120 --vm built-image --output report.xml --output report.json', 'CI: wait for a booting VM, write JUnit and JSON, table on stdout'],
  ['$0 --fix', 'print the repair plan (changes nothing); --fix --yes applies it'],
  ['CAL_PW=admin $0 --password-env CAL_PW', 'password auth (never pass a password in argv)'],
  ['$0 list', 'every check: id, category, title'],
  ['$0 explain tmux.path', 'what a check looks at, why, and how to fix'],
  ['$0 completion >> ~/.bashrc', 'shell completion (bash; zsh when $SHELL is zsh)'],
];

const list = (v: unknown) =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);

/** Repeatable string option: every value, in order (yargs gives a string or an array). */
const many = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);

export interface OutputSpec {
  file: string;
  format: Format;
}

const BY_EXTENSION: Record<string, Format> = { xml: 'junit', json: 'json', md: 'markdown', markdown: 'markdown', txt: 'table', log: 'table' };

/** `FILE` (format from the extension) or `FILE:format`. */
export function parseOutput(spec: string): OutputSpec {
  const colon = spec.lastIndexOf(':');
  if (colon > 0) {
    const fmt = spec.slice(colon + 1);
    if ((FORMATS as readonly string[]).includes(fmt)) return { file: spec.slice(0, colon), format: fmt as Format };
  }
  const ext = /\.([A-Za-z]+)$/.exec(spec)?.[1]?.toLowerCase();
  const format = ext ? BY_EXTENSION[ext] : undefined;
  if (!format) {
    throw new UsageError(`--output ${spec}: cannot tell the format from the name; use .xml (junit), .json, .md (markdown), .txt (table), or FILE:FORMAT with one of ${FORMATS.join(', ')}`);
  }
  return { file: spec, format };
}

export interface ParsedArgs {
  command: 'run' | 'list' | 'explain' | 'help' | 'completion' | 'persist';
  id?: string;
  help?: string;
  vm: string[];
  host: string[];
  local: boolean;
  targetsFile?: string;
  concurrency: number;
  user?: string;
  port?: number;
  identity?: string;
  passwordEnv?: string;
  only: string[];
  skip: string[];
  /** `--json`: kept for `list --json` */
  json: boolean;
  format: Format;
  outputs: OutputSpec[];
  redact: boolean;
  verbose: boolean;
  color?: boolean;
  ci: boolean;
  strict: boolean;
  active: boolean;
  fix: boolean;
  yes: boolean;
  /** persist: restart even though other sessions run */
  force: boolean;
  /** persist: how the user starts tmux (default: a login shell running `tmux new-session -d`) */
  startCommand?: string;
  /** seconds; 0 = do not wait */
  wait: number;
  checksDir: string[];
  timeout: number;
  tmuxTimeout: number;
  connectTimeout: number;
  hostKeyPolicy: 'strict' | 'accept-new' | 'insecure';
  knownHosts?: string;
  sshConfig?: string;
}

/** yargs offers the default command as `$0` and one-letter aliases as `--i`; nobody types those. */
const hideDefaultCommand = (
  _current: string,
  _argv: unknown,
  defaults: (onCompleted?: (err: Error | null, found: string[] | undefined) => void) => unknown,
  done: (found: string[]) => void,
) => defaults((_err, found) => done((found ?? []).filter((c) => c !== '$0' && !/^--.$/.test(c))));

function grammar(argv: string[], onCommand: (c: ParsedArgs['command']) => void) {
  return yargs(argv)
    .scriptName('cal-doctor')
    .usage(
      '$0 [target] [options]\n\nDiagnoses why tmux sessions do not survive a cal-dev VM restart (tmux-resurrect/continuum).\nExit codes: 0 no check failed, 1 a check failed, 2 the doctor could not run (many targets: the worst).',
    )
    .command('$0', 'run the checks (default target: Tart VM cal-dev)')
    .command('list', 'list every check', () => {}, () => onCommand('list'))
    .command('persist', 'restart test: build a marker layout, save, restart, check it comes back (needs --yes)', () => {}, () => onCommand('persist'))
    .command('explain <id>', 'explain one check', (b) => b.positional('id', { type: 'string', describe: 'check id, e.g. tmux.path' }), () => onCommand('explain'))
    .completion('completion', 'print a shell completion script (bash, or zsh when $SHELL is zsh)', hideDefaultCommand)
    .group(['vm', 'host', 'local', 'targets', 'concurrency', 'wait'], 'Targets (repeat --vm/--host for several):')
    .option('vm', { type: 'string', array: true, requiresArg: true, describe: 'Tart VM name (default cal-dev); repeatable' })
    .option('host', { type: 'string', array: true, requiresArg: true, describe: 'SSH host, user@host:port or ~/.ssh/config alias; repeatable' })
    .option('local', { type: 'boolean', default: false, describe: 'this machine, no SSH' })
    .option('targets', { type: 'string', requiresArg: true, describe: 'file with one target per line: vm:NAME, local, or an SSH host (# comments)' })
    .option('concurrency', { type: 'number', default: 8, describe: 'how many targets to probe at once' })
    .option('wait', { type: 'number', describe: 'a booting VM: retry `tart ip` and the SSH connect with backoff for up to this many seconds' })
    .group(['user', 'port', 'identity', 'password-env', 'accept-new-host-key', 'insecure-host-key', 'known-hosts', 'ssh-config', 'connect-timeout'], 'SSH (for every target):')
    .option('user', { type: 'string', describe: 'login user (default: ssh config, else admin for --vm, else you)' })
    .option('port', { type: 'number', describe: 'SSH port (default 22)' })
    .option('identity', { type: 'string', alias: 'i', describe: 'private key file (ssh-agent via SSH_AUTH_SOCK is used too)' })
    .option('password-env', { type: 'string', describe: 'name of an environment variable holding the password' })
    .option('accept-new-host-key', { type: 'boolean', describe: 'trust an unknown host key on first use and record it in known_hosts' })
    .option('insecure-host-key', { type: 'boolean', describe: 'skip host-key verification (Tart VMs get new IPs and keys; use knowingly)' })
    .option('known-hosts', { type: 'string', describe: 'known_hosts file (default ~/.ssh/known_hosts)' })
    .option('ssh-config', { type: 'string', describe: 'ssh config file (default ~/.ssh/config)' })
    .option('connect-timeout', { type: 'number', default: 10, describe: 'seconds to wait for the SSH handshake' })
    .conflicts('accept-new-host-key', 'insecure-host-key')
    .group(['only', 'skip', 'checks-dir', 'active', 'timeout', 'tmux-timeout'], 'Checks:')
    .option('only', { type: 'string', array: true, describe: 'run only these check ids/categories (comma-separated, globs)' })
    .option('skip', { type: 'string', array: true, describe: 'skip these check ids/categories' })
    .option('checks-dir', { type: 'string', array: true, describe: 'also load checks from this dir (repeatable)' })
    .option('active', { type: 'boolean', default: false, describe: 'also run the active checks (they act on the target, in a sandbox)' })
    .option('timeout', { type: 'number', default: 30, describe: 'seconds for the whole probe' })
    .option('tmux-timeout', { type: 'number', default: 2, describe: 'seconds for each tmux call on the target' })
    .group(['format', 'json', 'report', 'output', 'redact', 'verbose', 'color', 'ci', 'strict'], 'Output:')
    .option('format', { type: 'string', choices: FORMATS as unknown as string[], describe: 'stdout format (default table; the live UI at a terminal)' })
    .option('json', { type: 'boolean', default: false, describe: 'same as --format json' })
    .option('report', { type: 'boolean', default: false, describe: 'same as --format markdown: a block to paste into a bug report' })
    .option('output', { type: 'string', array: true, requiresArg: true, alias: 'o', describe: 'also write the report to FILE (repeatable); format from .xml .json .md .txt, or FILE:FORMAT' })
    .option('redact', { type: 'boolean', default: false, describe: 'replace the user, host names and home path with <user>, <host>, <home>' })
    .option('verbose', { type: 'boolean', alias: 'v', default: false, describe: 'show evidence for passing checks too' })
    .option('color', { type: 'boolean', describe: 'force colours on/off (--no-color; NO_COLOR is honoured)' })
    .option('ci', { type: 'boolean', default: false, describe: 'non-interactive: plain output, active checks on; warnings stay warnings unless --strict' })
    .option('strict', { type: 'boolean', default: false, describe: 'warnings fail too (exit 1; JUnit failures)' })
    .group(['fix', 'yes'], 'Repair:')
    .option('fix', { type: 'boolean', default: false, describe: 'print the repair plan for what failed; changes nothing' })
    .option('yes', { type: 'boolean', alias: 'y', default: false, describe: 'with --fix: apply the plan; with persist: allow the restart' })
    .group(['force', 'start-command'], 'persist:')
    .option('force', { type: 'boolean', default: false, describe: 'restart even though the server has other sessions (they end)' })
    .option('start-command', { type: 'string', requiresArg: true, describe: 'how you start tmux after login, e.g. a wrapper (default: login shell, tmux new-session -d)' })
    .example(EXAMPLES)
    .strict()
    .version(false)
    .help(false)
    .option('help', { alias: 'h', type: 'boolean', describe: 'show help' })
    .wrap(Math.min(120, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(msg || err?.message || 'invalid arguments');
    });
}

export async function parseArgs(argv: string[]): Promise<ParsedArgs> {
  let command: ParsedArgs['command'] = 'run';
  const y = grammar(argv, (c) => void (command = c));
  // `completion` (print the script) and `--get-yargs-completions` (what the script asks):
  // yargs answers on stdout itself; nothing else runs.
  if (argv[0] === 'completion' || argv.includes('--get-yargs-completions')) {
    try {
      await y.parseAsync();
    } catch {
      // strict mode calls the command word an unknown argument once yargs has answered
    }
    return { ...defaults(), command: 'completion' };
  }
  const a = await y.parseAsync();
  let helpText: string | undefined;
  if (a.help) {
    helpText = await y.getHelp();
    command = 'help';
  }
  const numIn = (name: string, v: number, min: number, max: number) => {
    if (!Number.isFinite(v) || v < min || v > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
    return v;
  };
  if (a.port !== undefined && (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535)) throw new UsageError('--port must be an integer from 1 to 65535');
  const formats = new Set<Format>([...(a.format ? [a.format as Format] : []), ...(a.json ? ['json' as const] : []), ...(a.report ? ['markdown' as const] : [])]);
  if (formats.size > 1 && command === 'run') throw new UsageError(`choose one stdout format: got ${[...formats].join(' and ')} (--json is --format json, --report is --format markdown)`);
  if (a.yes && !a.fix && (command as ParsedArgs['command']) !== 'persist') throw new UsageError('--yes applies the repairs of --fix: use --fix --yes (or --fix alone to see the plan)');
  return {
    command,
    help: helpText,
    id: a.id as string | undefined,
    vm: many(a.vm),
    host: many(a.host),
    local: a.local,
    targetsFile: a.targets,
    concurrency: Math.round(numIn('concurrency', a.concurrency, 1, 64)),
    user: a.user,
    port: a.port,
    identity: a.identity,
    passwordEnv: a['password-env'],
    only: list(a.only),
    skip: list(a.skip),
    json: a.json,
    format: [...formats][0] ?? 'table',
    outputs: many(a.output).map(parseOutput),
    redact: a.redact,
    verbose: a.verbose,
    color: a.color,
    ci: a.ci,
    strict: a.strict,
    active: a.active || a.ci,
    fix: a.fix,
    yes: a.yes,
    force: a.force,
    startCommand: a['start-command'],
    wait: a.wait === undefined ? 0 : numIn('wait', a.wait, 0, 24 * 3600),
    checksDir: list(a['checks-dir']),
    timeout: numIn('timeout', a.timeout, 1, 3600),
    tmuxTimeout: Math.round(numIn('tmux-timeout', a['tmux-timeout'], 1, 60)),
    connectTimeout: numIn('connect-timeout', a['connect-timeout'], 1, 600),
    hostKeyPolicy: a['insecure-host-key'] ? 'insecure' : a['accept-new-host-key'] ? 'accept-new' : 'strict',
    knownHosts: a['known-hosts'],
    sshConfig: a['ssh-config'],
  };
}

function defaults(): ParsedArgs {
  return {
    command: 'run', vm: [], host: [], local: false, concurrency: 8, only: [], skip: [], json: false, format: 'table', outputs: [],
    redact: false, verbose: false, ci: false, strict: false, active: false, fix: false, yes: false, force: false, wait: 0, checksDir: [],
    timeout: 30, tmuxTimeout: 2, connectTimeout: 10, hostKeyPolicy: 'strict',
  };
}
