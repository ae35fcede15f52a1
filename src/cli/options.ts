// Every flag, once: the yargs grammar (help, completion, error messages) and the quick
// parser of plain runs are both built from this table, so they cannot drift apart.
import { FORMATS } from '../report/render.js';

/** A command line that cannot run: exit 2 with the message and a pointer to --help. */
export class UsageError extends Error {}

export type Command = 'run' | 'list' | 'explain' | 'help' | 'completion' | 'persist';

export interface OptionSpec {
  type: 'string' | 'number' | 'boolean';
  describe: string;
  /** repeatable: every value, in order */
  array?: true;
  /** a one-letter alias (`-i`) */
  alias?: string;
  default?: string | number | boolean;
  choices?: readonly string[];
  requiresArg?: true;
}

export const OPTION_GROUPS: Array<{ title: string; options: Record<string, OptionSpec> }> = [
  {
    title: 'Targets (repeat --vm/--host for several):',
    options: {
      vm: { type: 'string', array: true, requiresArg: true, describe: 'Tart VM name (default cal-dev); repeatable' },
      host: {
        type: 'string',
        array: true,
        requiresArg: true,
        describe: 'SSH host, user@host:port or ~/.ssh/config alias; repeatable',
      },
      local: { type: 'boolean', default: false, describe: 'this machine, no SSH' },
      targets: {
        type: 'string',
        requiresArg: true,
        describe: 'file with one target per line: vm:NAME, local, or an SSH host (# comments)',
      },
      concurrency: { type: 'number', default: 8, describe: 'how many targets to probe at once' },
      wait: {
        type: 'number',
        describe: 'a booting VM: retry `tart ip` and the SSH connect with backoff for up to this many seconds',
      },
    },
  },
  {
    title: 'SSH (for every target):',
    options: {
      user: { type: 'string', describe: 'login user (default: ssh config, else admin for --vm, else you)' },
      port: { type: 'number', describe: 'SSH port (default 22)' },
      identity: { type: 'string', alias: 'i', describe: 'private key file (ssh-agent via SSH_AUTH_SOCK is used too)' },
      'password-env': { type: 'string', describe: 'name of an environment variable holding the password' },
      'accept-new-host-key': {
        type: 'boolean',
        describe: 'trust an unknown host key on first use and record it in known_hosts',
      },
      'insecure-host-key': {
        type: 'boolean',
        describe: 'skip host-key verification (Tart VMs get new IPs and keys; use knowingly)',
      },
      'known-hosts': { type: 'string', describe: 'known_hosts file (default ~/.ssh/known_hosts)' },
      'ssh-config': { type: 'string', describe: 'ssh config file (default ~/.ssh/config)' },
      'connect-timeout': { type: 'number', default: 10, describe: 'seconds to wait for the SSH handshake' },
    },
  },
  {
    title: 'Checks:',
    options: {
      only: { type: 'string', array: true, describe: 'run only these check ids/categories (comma-separated, globs)' },
      skip: { type: 'string', array: true, describe: 'skip these check ids/categories' },
      'checks-dir': { type: 'string', array: true, describe: 'also load checks from this dir (repeatable)' },
      active: {
        type: 'boolean',
        default: false,
        describe: 'also run the active checks (they act on the target, in a sandbox)',
      },
      timeout: { type: 'number', default: 30, describe: 'seconds for the whole probe' },
      'tmux-timeout': { type: 'number', default: 2, describe: 'seconds for each tmux call on the target' },
    },
  },
  {
    title: 'Output:',
    options: {
      format: {
        type: 'string',
        choices: FORMATS,
        describe: 'stdout format (default table; the live UI at a terminal)',
      },
      json: { type: 'boolean', default: false, describe: 'same as --format json' },
      report: {
        type: 'boolean',
        default: false,
        describe: 'same as --format markdown: a block to paste into a bug report',
      },
      output: {
        type: 'string',
        array: true,
        requiresArg: true,
        alias: 'o',
        describe: 'also write the report to FILE (repeatable); format from .xml .json .md .txt, or FILE:FORMAT',
      },
      redact: {
        type: 'boolean',
        default: false,
        describe: 'replace the user, host names and home path with <user>, <host>, <home>',
      },
      all: { type: 'boolean', default: false, describe: 'list every check, not only the problems' },
      verbose: { type: 'boolean', alias: 'v', default: false, describe: 'show all evidence, for passing checks too' },
      color: { type: 'boolean', describe: 'force colours on/off (--no-color; NO_COLOR is honoured)' },
      ci: {
        type: 'boolean',
        default: false,
        describe: 'non-interactive: plain output, active checks on; warnings stay warnings unless --strict',
      },
      strict: { type: 'boolean', default: false, describe: 'warnings fail too (exit 1; JUnit failures)' },
    },
  },
  {
    title: 'Repair:',
    options: {
      fix: { type: 'boolean', default: false, describe: 'print the repair plan for what failed; changes nothing' },
      yes: {
        type: 'boolean',
        alias: 'y',
        default: false,
        describe: 'with --fix: apply the plan; with persist: allow the restart',
      },
    },
  },
  {
    title: 'persist:',
    options: {
      force: {
        type: 'boolean',
        default: false,
        describe: 'restart even though the server has other sessions (they end)',
      },
      'start-command': {
        type: 'string',
        requiresArg: true,
        describe: 'how you start tmux after login, e.g. a wrapper (default: login shell, tmux new-session -d)',
      },
    },
  },
];

/** Every option by name. */
export const OPTIONS: Record<string, OptionSpec> = Object.assign({}, ...OPTION_GROUPS.map((g) => g.options));

/** What yargs gives for a parsed command line: option values by name, defaults filled in. */
export type RawArgs = Record<string, unknown>;
