// The command line, parsed: a plain run (flags only, no --help) goes through node's own
// parser built from the option table; anything else (a command, --help, completion, a
// mistake to explain) through the yargs grammar, loaded only then. Both end in the same
// checks and the same ParsedArgs. Parsing only: commands.ts decides what to run.
import { parseArgs as parseFlags } from 'node:util';
import { FORMATS, type Format } from '../report/render.js';
import { type Command, OPTIONS, type RawArgs, UsageError } from './options.js';

export { UsageError };

const list = (v: unknown) =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter(Boolean);

/** Repeatable string option: every value, in order (yargs gives a string or an array). */
const many = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);

export interface OutputSpec {
  file: string;
  format: Format;
}

const BY_EXTENSION: Record<string, Format> = {
  xml: 'junit',
  json: 'json',
  md: 'markdown',
  markdown: 'markdown',
  txt: 'table',
  log: 'table',
};

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
    throw new UsageError(
      `--output ${spec}: cannot tell the format from the name; use .xml (junit), .json, .md (markdown), .txt (table), or FILE:FORMAT with one of ${FORMATS.join(', ')}`,
    );
  }
  return { file: spec, format };
}

export interface ParsedArgs {
  command: Command;
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
  /** every check's row, not only the problems */
  all: boolean;
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

const FLAG_PARSER_OPTIONS = Object.fromEntries(
  Object.entries(OPTIONS).map(([name, o]) => [
    name,
    {
      type: o.type === 'boolean' ? ('boolean' as const) : ('string' as const),
      multiple: !!o.array,
      ...(o.alias ? { short: o.alias } : {}),
    },
  ]),
);

/**
 * The flags of a plain run, the way yargs would give them, or undefined when the command
 * line is anything but plain: a positional (a command), an unknown or repeated flag, a
 * `--no-` form, a value that looks like a flag, a choice yargs would refuse. Those go to
 * the yargs grammar, which explains a mistake the way the help does.
 */
export function quickFlags(argv: string[]): RawArgs | undefined {
  let parsed: ReturnType<
    typeof parseFlags<{
      args: string[];
      options: typeof FLAG_PARSER_OPTIONS;
      tokens: true;
      strict: true;
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseFlags({
      args: argv,
      options: FLAG_PARSER_OPTIONS,
      tokens: true,
      strict: true,
      allowPositionals: true,
    });
  } catch {
    return undefined;
  }
  if (parsed.positionals.length) return undefined;
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') return undefined; // `--`
    const spec = OPTIONS[t.name]!;
    if (seen.has(t.name) && !spec.array) return undefined; // yargs would make it a list
    seen.add(t.name);
    if (spec.type !== 'boolean' && (t.value === undefined || t.value === '' || t.value.startsWith('-')))
      return undefined;
    if (spec.choices && !spec.choices.includes(t.value!)) return undefined;
  }
  if (seen.has('accept-new-host-key') && seen.has('insecure-host-key')) return undefined;
  const raw: RawArgs = {};
  for (const [name, spec] of Object.entries(OPTIONS)) {
    const v = (parsed.values as Record<string, string | boolean | string[] | undefined>)[name];
    if (v === undefined) raw[name] = spec.default;
    else raw[name] = spec.type === 'number' ? Number(v) : v;
  }
  return raw;
}

/** `quick: false` always takes the yargs path (the tests hold both paths to the same answers). */
export async function parseArgs(argv: string[], opts: { quick?: boolean } = {}): Promise<ParsedArgs> {
  const quick = opts.quick === false ? undefined : quickFlags(argv);
  if (quick) return toParsed('run', quick);
  const { parseWithYargs } = await import('./grammar.js');
  const { command, raw, help } = await parseWithYargs(argv);
  if (command === 'completion') return { ...defaults(), command };
  return { ...toParsed(command, raw), help };
}

/** The values both parsers give, checked and shaped. */
function toParsed(command: Command, a: RawArgs): ParsedArgs {
  const str = (k: string) => a[k] as string | undefined;
  const num = (k: string) => a[k] as number;
  const bool = (k: string) => a[k] === true;
  const numIn = (name: string, min: number, max: number) => {
    const v = num(name);
    if (!Number.isFinite(v) || v < min || v > max)
      throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
    return v;
  };
  const port = a.port as number | undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
    throw new UsageError('--port must be an integer from 1 to 65535');
  const formats = new Set<Format>([
    ...(a.format ? [a.format as Format] : []),
    ...(bool('json') ? ['json' as const] : []),
    ...(bool('report') ? ['markdown' as const] : []),
  ]);
  if (formats.size > 1 && command === 'run')
    throw new UsageError(
      `choose one stdout format: got ${[...formats].join(' and ')} (--json is --format json, --report is --format markdown)`,
    );
  if (bool('yes') && !bool('fix') && command !== 'persist')
    throw new UsageError('--yes applies the repairs of --fix: use --fix --yes (or --fix alone to see the plan)');
  return {
    command,
    id: str('id'),
    vm: many(a.vm),
    host: many(a.host),
    local: bool('local'),
    targetsFile: str('targets'),
    concurrency: Math.round(numIn('concurrency', 1, 64)),
    user: str('user'),
    port,
    identity: str('identity'),
    passwordEnv: str('password-env'),
    only: list(a.only),
    skip: list(a.skip),
    json: bool('json'),
    format: [...formats][0] ?? 'table',
    outputs: many(a.output).map(parseOutput),
    redact: bool('redact'),
    verbose: bool('verbose'),
    all: bool('all'),
    color: a.color as boolean | undefined,
    ci: bool('ci'),
    strict: bool('strict'),
    active: bool('active') || bool('ci'),
    fix: bool('fix'),
    yes: bool('yes'),
    force: bool('force'),
    startCommand: str('start-command'),
    wait: a.wait === undefined ? 0 : numIn('wait', 0, 24 * 3600),
    checksDir: list(a['checks-dir']),
    timeout: numIn('timeout', 1, 3600),
    tmuxTimeout: Math.round(numIn('tmux-timeout', 1, 60)),
    connectTimeout: numIn('connect-timeout', 1, 600),
    hostKeyPolicy: bool('insecure-host-key') ? 'insecure' : bool('accept-new-host-key') ? 'accept-new' : 'strict',
    knownHosts: str('known-hosts'),
    sshConfig: str('ssh-config'),
  };
}

function defaults(): ParsedArgs {
  return toParsed('run', quickFlags([])!);
}
