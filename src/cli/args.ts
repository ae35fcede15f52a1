// Command-line grammar. Parsing only: main.ts decides what to run.
import yargs from 'yargs';

export class UsageError extends Error {}

const EXAMPLES: Array<[string, string]> = [
  ['$0', 'check the Tart VM "cal-dev" (IP from `tart ip cal-dev`, user admin)'],
  ['$0 --local', 'check this machine, no SSH'],
  ['$0 --vm my-vm', 'check another Tart VM'],
  ['$0 --host devbox', 'any SSH host or ~/.ssh/config alias; user@host:port works too'],
  ['$0 --only tmux.path,resurrect.last --skip plugins.continuum', 'pick checks by id (globs and categories work)'],
  ['$0 --json > report.json', 'machine-readable report'],
  ['CAL_PW=admin $0 --password-env CAL_PW', 'password auth (never pass a password in argv)'],
  ['$0 list', 'every check: id, category, title'],
  ['$0 explain tmux.path', 'what a check looks at, why, and how to fix'],
];

const list = (v: unknown) =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);

export interface ParsedArgs {
  command: 'run' | 'list' | 'explain' | 'help';
  id?: string;
  help?: string;
  vm?: string;
  host?: string;
  local: boolean;
  user?: string;
  port?: number;
  identity?: string;
  passwordEnv?: string;
  only: string[];
  skip: string[];
  json: boolean;
  verbose: boolean;
  color?: boolean;
  checksDir: string[];
  timeout: number;
  tmuxTimeout: number;
  connectTimeout: number;
  hostKeyPolicy: 'strict' | 'accept-new' | 'insecure';
  knownHosts?: string;
  sshConfig?: string;
}

export async function parseArgs(argv: string[]): Promise<ParsedArgs> {
  let command: ParsedArgs['command'] = 'run';
  let helpText: string | undefined;
  const y = yargs(argv)
    .scriptName('cal-doctor')
    .usage('$0 [target] [options]\n\nDiagnoses why tmux sessions do not survive a cal-dev VM restart (tmux-resurrect/continuum).\nExit codes: 0 no check failed, 1 a check failed, 2 the doctor could not run.')
    .command('$0', 'run the checks (default target: Tart VM cal-dev)')
    .command('list', 'list every check', () => {}, () => void (command = 'list'))
    .command('explain <id>', 'explain one check', (b) => b.positional('id', { type: 'string', describe: 'check id, e.g. tmux.path' }), () => void (command = 'explain'))
    .group(['vm', 'host', 'local'], 'Target (pick one):')
    .option('vm', { type: 'string', describe: 'Tart VM name (default cal-dev)' })
    .option('host', { type: 'string', describe: 'SSH host, user@host:port or ~/.ssh/config alias' })
    .option('local', { type: 'boolean', default: false, describe: 'this machine, no SSH' })
    .conflicts('vm', ['host', 'local'])
    .conflicts('host', 'local')
    .group(['user', 'port', 'identity', 'password-env', 'accept-new-host-key', 'insecure-host-key', 'known-hosts', 'ssh-config', 'connect-timeout'], 'SSH:')
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
    .group(['only', 'skip', 'checks-dir', 'json', 'verbose', 'color', 'timeout', 'tmux-timeout'], 'Checks and output:')
    .option('only', { type: 'string', array: true, describe: 'run only these check ids/categories (comma-separated, globs)' })
    .option('skip', { type: 'string', array: true, describe: 'skip these check ids/categories' })
    .option('checks-dir', { type: 'string', array: true, describe: 'also load checks from this dir (repeatable)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
    .option('verbose', { type: 'boolean', alias: 'v', default: false, describe: 'show evidence for passing checks too' })
    .option('color', { type: 'boolean', describe: 'force colours on/off (--no-color; NO_COLOR is honoured)' })
    .option('timeout', { type: 'number', default: 30, describe: 'seconds for the whole probe' })
    .option('tmux-timeout', { type: 'number', default: 2, describe: 'seconds for each tmux call on the target' })
    .example(EXAMPLES)
    .strict()
    .version(false)
    .help(false)
    .option('help', { alias: 'h', type: 'boolean', describe: 'show help' })
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(msg || err?.message || 'invalid arguments');
    });
  const a = await y.parseAsync();
  if (a.help) {
    helpText = await y.getHelp();
    command = 'help';
  }
  const intIn = (name: string, v: number, min: number, max: number) => {
    if (!Number.isFinite(v) || v < min || v > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
    return v;
  };
  if (a.port !== undefined && (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535)) throw new UsageError('--port must be an integer from 1 to 65535');
  return {
    command,
    help: helpText,
    id: a.id as string | undefined,
    vm: a.vm,
    host: a.host,
    local: a.local,
    user: a.user,
    port: a.port,
    identity: a.identity,
    passwordEnv: a['password-env'],
    only: list(a.only),
    skip: list(a.skip),
    json: a.json,
    verbose: a.verbose,
    color: a.color,
    checksDir: list(a['checks-dir']),
    timeout: intIn('timeout', a.timeout, 1, 3600),
    tmuxTimeout: Math.round(intIn('tmux-timeout', a['tmux-timeout'], 1, 60)),
    connectTimeout: intIn('connect-timeout', a['connect-timeout'], 1, 600),
    hostKeyPolicy: a['insecure-host-key'] ? 'insecure' : a['accept-new-host-key'] ? 'accept-new' : 'strict',
    knownHosts: a['known-hosts'],
    sshConfig: a['ssh-config'],
  };
}
