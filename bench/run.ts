// `npm run bench`: cal-doctor against the floor (OpenSSH running the same probe) and the
// by-hand way (one `ssh` per command), on a realistic loopback target, interleaved, with
// repetitions; one line per ratio with its target, then `bench: N of M targets met`.
//
//   npm run bench                      # build, then the whole bench (about 2 minutes)
//   npm run bench -- --reps 11 --json bench.json
//   npx tsx bench/run.ts --help
//   npx tsx bench/run.ts --serve       # only build the target and print commands to profile it
//
// Not a test: the numbers depend on the machine and on whatever else runs on it. Ratios
// are computed from medians; every measurement of a round runs once, in an order rotated
// from round to round, so a burst of load from elsewhere hits all of them alike.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { probeScript } from '../src/probe/gather.js';
import { enterMacosNamespace, MACOS } from '../test/harness/macos.js';
import { sshArgs, sshdAvailable } from '../test/harness/sshd.js';
import { tmuxAvailable } from '../test/harness/tmux.js';
import { cleanupAtExit, SYSTEM_PATH, which } from '../test/harness/util.js';
import { countExecs, type ExecCount, STRACE } from '../test/helpers/execs.js';
import { GNU_TIME, killLiveChildren, runOnce, type Sample, type Spec, type Stats, stats } from './measure.js';
import { type BenchTarget, buildTarget, type HistoryName } from './target.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
let CLI = join(ROOT, 'bin', 'cal-doctor.js');
const NODE = process.execPath;
const SSH = which('ssh', SYSTEM_PATH);

interface Options {
  reps: number;
  targets: number;
  mainHistory: number;
  bigHistory: number;
  json?: string;
  quiet: boolean;
  cli?: string;
  serve: boolean;
}

const USAGE = `usage: tsx bench/run.ts [--reps N] [--targets N] [--history N] [--big-history N] [--json FILE|-] [--cli FILE] [--quiet] [--serve]
  --reps N         rounds of every measurement (default 7, at least 3)
  --targets N      targets for the "at once" measurement (default 8)
  --history N      saves in the target's save dir (default 1000)
  --big-history N  saves in the large history (default 10000)
  --json FILE      also write the results as JSON to FILE ('-': JSON on stdout, the report on stderr)
  --cli FILE       the cal-doctor entry to measure (default bin/cal-doctor.js; e.g. another
                   checkout's, to compare a change before it lands)
  --quiet          no progress lines
  --serve          measure nothing: build the target, print the commands that reach it (for
                   a profiler: node --cpu-prof bin/cal-doctor.js ...), keep it up until Ctrl-C`;

function parseOptions(argv: string[]): Options {
  const o: Options = { reps: 7, targets: 8, mainHistory: 1000, bigHistory: 10_000, quiet: false, serve: false };
  const int = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs a whole number >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--reps') o.reps = int(a, argv[++i], 3);
    else if (a === '--targets') o.targets = int(a, argv[++i], 2);
    else if (a === '--history') o.mainHistory = int(a, argv[++i], 1);
    else if (a === '--big-history') o.bigHistory = int(a, argv[++i], 2);
    else if (a === '--json') {
      const v = argv[i + 1];
      o.json = v === undefined || (v.startsWith('--') && v !== '-') ? '-' : argv[++i];
    } else if (a === '--quiet') o.quiet = true;
    else if (a === '--serve') o.serve = true;
    else if (a === '--cli') {
      const v = argv[++i];
      if (!v) throw new Error('--cli needs a file');
      o.cli = resolve(v);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return o;
}

// ----------------------------------------------------------------------------------------
// what is measured

/** One kind of run; `run` does one repetition and returns its sample. */
interface Measurement {
  id: string;
  what: string;
  run(): Promise<Sample>;
}

/** The environment a user's shell would give the CLI, minus the agent (both sides use the key only). */
function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SSH_AUTH_SOCK;
  // the bench itself runs under tsx; the CLI must run as plain node
  for (const k of Object.keys(env)) if (k.startsWith('TSX') || k === 'NODE_OPTIONS') delete env[k];
  env.NO_COLOR = '1';
  return env;
}

function cliSpec(t: BenchTarget, hosts: string[], extra: string[] = []): Spec {
  return {
    file: NODE,
    args: [
      CLI,
      ...hosts.flatMap((h) => ['--host', h]),
      '--identity',
      t.key,
      '--known-hosts',
      t.knownHosts,
      '--json',
      ...extra,
    ],
    env: cliEnv(),
    okCodes: [0, 1],
    timeoutMs: 60_000,
  };
}

function sshSpec(t: BenchTarget, i: number, command: string, stdinFile?: string): Spec {
  return {
    file: SSH!,
    args: [...sshArgs(t.sshds[i]!), command],
    env: { PATH: SYSTEM_PATH },
    stdinFile,
    okCodes: [0, 1],
    timeoutMs: 30_000,
  };
}

/**
 * The JSON of a run: every report in it ran (no could-not-run error) and has checks. One
 * target prints the report itself; several print `{ ..., reports: [report, ...] }`.
 */
function checkReport(stdout: string): string | undefined {
  try {
    const doc = JSON.parse(stdout) as { reports?: unknown[] };
    const reports = (Array.isArray(doc.reports) ? doc.reports : [doc]) as Array<{
      error?: { message: string };
      checks?: unknown[];
      target?: { label?: string };
    }>;
    for (const r of reports) {
      if (r.error)
        return `the doctor could not run${r.target?.label ? ` on ${r.target.label}` : ''}: ${r.error.message}`;
      if (!Array.isArray(r.checks) || r.checks.length === 0) return 'a report has no checks';
    }
    return undefined;
  } catch (e) {
    return `output is not JSON: ${(e as Error).message}: ${stdout.slice(0, 200)}`;
  }
}

async function one(spec: Spec, scratch: string, validate?: (stdout: string) => string | undefined): Promise<Sample> {
  const r = await runOnce(spec, scratch);
  const note = r.ok ? validate?.(r.stdout) : `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`;
  return { ms: r.ms, rssKiB: r.rssKiB, ok: note === undefined, note };
}

/** Several runs at once: wall time from the first spawn to the last close; the highest peak RSS. */
async function together(
  specs: Spec[],
  scratch: string,
  validate?: (stdout: string) => string | undefined,
): Promise<Sample> {
  const started = performance.now();
  const samples = await Promise.all(specs.map((s) => one(s, scratch, validate)));
  const ms = performance.now() - started;
  const bad = samples.find((s) => !s.ok);
  const rss = samples.map((s) => s.rssKiB ?? 0);
  return { ms, rssKiB: Math.max(...rss) || undefined, ok: !bad, note: bad?.note };
}

/** The bug report's own investigation, one OpenSSH connection per command (its "next steps", docs/domain.md). */
export const BY_HAND_COMMANDS = [
  'ls -la ~/.tmux/plugins/tmux-resurrect/',
  'tmux show-environment -g | grep PLUGIN',
  'tmux -V',
  'cat ~/.local/share/tmux/resurrect/last',
  'ls -la ~/.local/share/tmux/resurrect/',
  'tmux list-sessions',
  'tmux show-options -g',
  'echo $TMUX',
  'command -v tmux',
  'ls -la ~/.tmux/plugins/tmux-resurrect/scripts/',
  'cat ~/.tmux.conf',
  'tmux list-keys -T prefix',
];

interface Features {
  multiTarget: boolean;
  active: boolean;
  activeNote: string;
}

/** Does the CLI take several --host flags, and --active with resurrect.roundtrip? Asked by running it. */
async function detectFeatures(t: BenchTarget): Promise<Features> {
  const two = await runOnce({ ...cliSpec(t, t.hosts.slice(0, 2)), timeoutMs: 60_000 }, t.scratch);
  // a multi-target report names both targets (by port); one that took only one --host does not
  const multiTarget =
    two.code !== null && two.code !== 2 && t.sshds.slice(0, 2).every((s) => two.stdout.includes(`:${s.port}`));
  const list = await runOnce({ file: NODE, args: [CLI, 'list'], env: cliEnv() }, t.scratch);
  const help = await runOnce({ file: NODE, args: [CLI, '--help'], env: cliEnv() }, t.scratch);
  const hasFlag = /--active\b/.test(help.stdout);
  const hasCheck = list.stdout.includes('resurrect.roundtrip');
  return {
    multiTarget,
    active: hasFlag && hasCheck,
    activeNote:
      hasFlag && hasCheck
        ? ''
        : `not available (--active flag: ${hasFlag ? 'yes' : 'no'}, resurrect.roundtrip check: ${hasCheck ? 'yes' : 'no'})`,
  };
}

function roundtripStatus(stdout: string): string | undefined {
  try {
    const r = JSON.parse(stdout) as {
      error?: { message: string };
      checks?: Array<{ id: string; status: string; summary: string }>;
    };
    if (r.error) return `the doctor could not run: ${r.error.message}`;
    const c = r.checks?.find((x) => x.id === 'resurrect.roundtrip');
    if (!c) return 'no resurrect.roundtrip result';
    if (c.status === 'skip' || c.status === 'error') return `resurrect.roundtrip: ${c.status}: ${c.summary}`;
    return undefined;
  } catch (e) {
    return `output is not JSON: ${(e as Error).message}`;
  }
}

function measurements(t: BenchTarget, f: Features, probeFile: string): Measurement[] {
  const s = t.scratch;
  const host0 = t.hosts[0]!;
  const withHistory = (name: HistoryName, m: () => Promise<Sample>) => async () => {
    t.useHistory(name);
    try {
      return await m();
    } finally {
      // biome-ignore lint/correctness/useHookAtTopLevel: a bench method, not a React hook
      t.useHistory('main');
    }
  };
  const list: Measurement[] = [
    {
      id: 'passive',
      what: 'cal-doctor, one target, passive (--json)',
      run: () => one(cliSpec(t, [host0]), s, checkReport),
    },
    {
      id: 'floor',
      what: 'OpenSSH `ssh host /bin/sh -s < probe` (same probe)',
      run: () =>
        one(sshSpec(t, 0, '/bin/sh -s', probeFile), s, (o) => (o.includes('@@end') ? undefined : 'probe cut off')),
    },
    { id: 'bare', what: 'OpenSSH `ssh host true`', run: () => one(sshSpec(t, 0, 'true'), s) },
    {
      id: 'byhand',
      what: `${BY_HAND_COMMANDS.length} OpenSSH connections, one command each`,
      run: async () => {
        const started = performance.now();
        for (const cmd of BY_HAND_COMMANDS) {
          const r = await one(sshSpec(t, 0, cmd), s);
          if (!r.ok) return { ...r, ms: performance.now() - started, note: `${cmd}: ${r.note}` };
        }
        return { ms: performance.now() - started, ok: true };
      },
    },
    f.multiTarget
      ? {
          id: 'many',
          what: `cal-doctor --host ×${t.hosts.length} (multi-target mode)`,
          run: () => one(cliSpec(t, t.hosts), s, checkReport),
        }
      : {
          id: 'many',
          what: `${t.hosts.length} cal-doctor processes at once (no multi-target mode)`,
          run: () =>
            together(
              t.hosts.map((h) => cliSpec(t, [h])),
              s,
              checkReport,
            ),
        },
    {
      id: 'floorMany',
      what: `${t.hosts.length} OpenSSH probe runs at once`,
      run: () =>
        together(
          t.sshds.map((_, i) => sshSpec(t, i, '/bin/sh -s', probeFile)),
          s,
          (o) => (o.includes('@@end') ? undefined : 'probe cut off'),
        ),
    },
    {
      id: 'version',
      what: '`cal-doctor --version`',
      run: () => one({ file: NODE, args: [CLI, '--version'], env: cliEnv() }, s),
    },
    { id: 'node', what: '`node -e 0`', run: () => one({ file: NODE, args: ['-e', '0'], env: cliEnv() }, s) },
    {
      id: 'historyBig',
      what: `cal-doctor passive, ${t.historySizes.big} saves`,
      run: withHistory('big', () => one(cliSpec(t, [host0]), s, checkReport)),
    },
    {
      id: 'historyOne',
      what: 'cal-doctor passive, 1 save',
      run: withHistory('one', () => one(cliSpec(t, [host0]), s, checkReport)),
    },
  ];
  if (f.active)
    list.push({
      id: 'active',
      what: 'cal-doctor --active (resurrect.roundtrip)',
      run: () => one(cliSpec(t, [host0], ['--active']), s, roundtripStatus),
    });
  return list;
}

// ----------------------------------------------------------------------------------------
// ratios and targets

interface Verdict {
  id: string;
  label: string;
  /** the figure: a ratio (×), seconds or MB */
  value: number;
  unit: 'x' | 's' | 'MB';
  detail: string;
  target?: { op: '<=' | '>='; value: number };
  /** undefined: report only; null: could not be measured */
  met?: boolean | null;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const mb = (kib: number | undefined) => (kib === undefined ? NaN : (kib * 1024) / 1e6);

function verdicts(st: Record<string, Stats>, f: Features, t: BenchTarget): Verdict[] {
  const v: Verdict[] = [];
  const judge = (x: Omit<Verdict, 'met'>): Verdict => {
    if (!x.target) return { ...x, met: undefined };
    if (!Number.isFinite(x.value)) return { ...x, met: null };
    return { ...x, met: x.target.op === '<=' ? x.value <= x.target.value : x.value >= x.target.value };
  };
  const ratio = (id: string, label: string, a: string, b: string, target?: Verdict['target']) => {
    const A = st[a];
    const B = st[b];
    const value = A && B ? A.medianMs / B.medianMs : NaN;
    const minRatio = A && B ? A.minMs / B.minMs : NaN;
    const failed = (A?.failed ?? 0) + (B?.failed ?? 0);
    const detail =
      A && B
        ? `median ${sec(A.medianMs)} ÷ ${sec(B.medianMs)}; from minima ${minRatio.toFixed(2)}×${failed ? `; ${failed} failed run(s) left out` : ''}`
        : 'not measured';
    v.push(judge({ id, label, value, unit: 'x', detail, target }));
  };
  ratio('passive/floor', 'full passive run ÷ OpenSSH `sh -s` probe', 'passive', 'floor', { op: '<=', value: 1.25 });
  ratio('passive/bare', 'full passive run ÷ `ssh host true`', 'passive', 'bare');
  ratio('byhand/passive', `per-command loop (${BY_HAND_COMMANDS.length} ssh) ÷ full passive run`, 'byhand', 'passive', {
    op: '>=',
    value: 5,
  });
  const bh = st.byhand;
  if (bh && Number.isFinite(bh.medianMs))
    v[v.length - 1]!.detail += `; ${sec(bh.medianMs / BY_HAND_COMMANDS.length)} per ssh`;
  ratio(
    'many/floorMany',
    `${t.hosts.length} targets at once${f.multiTarget ? '' : ' (8 processes)'} ÷ ${t.hosts.length} OpenSSH probes in parallel`,
    'many',
    'floorMany',
    { op: '<=', value: 1.5 },
  );
  ratio('version/node', '`cal-doctor --version` ÷ `node -e 0`', 'version', 'node', { op: '<=', value: 2 });
  ratio(
    'historyBig/historyOne',
    `history of ${t.historySizes.big} saves ÷ history of 1 save (time)`,
    'historyBig',
    'historyOne',
    { op: '<=', value: 1.5 },
  );
  const big = st.historyBig;
  v.push(
    judge({
      id: 'historyBig.rss',
      label: `peak RSS, history of ${t.historySizes.big} saves`,
      value: mb(big?.peakRssKiB),
      unit: 'MB',
      detail: 'highest of all runs',
      target: { op: '<=', value: 150 },
    }),
  );
  const act = st.active;
  v.push(
    f.active
      ? judge({
          id: 'active',
          label: '`--active` round trip',
          value: act ? act.medianMs / 1000 : NaN,
          unit: 's',
          detail: act
            ? `median; min ${sec(act.minMs)}${act.failed ? `; ${act.failed} failed run(s) left out` : ''}`
            : 'not measured',
          target: { op: '<=', value: 3 },
        })
      : {
          id: 'active',
          label: '`--active` round trip',
          value: NaN,
          unit: 's',
          detail: f.activeNote,
          target: { op: '<=', value: 3 },
          met: null,
        },
  );
  const p = st.passive;
  v.push(
    judge({
      id: 'passive.rss',
      label: 'peak RSS, single-target passive run',
      value: mb(p?.peakRssKiB),
      unit: 'MB',
      detail: 'highest of all runs',
      target: { op: '<=', value: 100 },
    }),
  );
  return v;
}

function formatVerdict(x: Verdict): string {
  const fig = !Number.isFinite(x.value)
    ? 'n/a'
    : x.unit === 'x'
      ? `${x.value.toFixed(2)}×`
      : x.unit === 's'
        ? `${x.value.toFixed(2)} s`
        : `${x.value.toFixed(1)} MB`;
  const tgt = x.target
    ? `target ${x.target.op === '<=' ? '≤' : '≥'} ${x.target.value}${x.unit === 'x' ? '' : ` ${x.unit}`}`
    : 'report only';
  const verdict = x.met === undefined ? '' : x.met === null ? '  NOT MEASURED' : x.met ? '  met' : '  MISSED';
  return `${x.label.padEnd(72)} ${fig.padStart(9)}  ${tgt.padEnd(16)}${verdict}  (${x.detail})`;
}

/** `--serve`: the commands the bench would time, to run by hand or under a profiler, until Ctrl-C. */
async function serve(t: BenchTarget, probeFile: string): Promise<number> {
  const q = (a: string[]) => a.map((x) => (/^[\w@%+=:,./-]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`)).join(' ');
  const cli = cliSpec(t, [t.hosts[0]!]);
  const floor = sshSpec(t, 0, '/bin/sh -s', probeFile);
  process.stdout.write(
    `target up (${t.hosts.join(', ')}); Ctrl-C removes it\n\n` +
      `passive:  NO_COLOR=1 ${q([NODE, ...cli.args])}\n` +
      `floor:    ${q([floor.file, ...floor.args])} < ${probeFile}\n`,
  );
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  return 0;
}

// ----------------------------------------------------------------------------------------

async function main(): Promise<number> {
  // CAL_DOCTOR_TARGET=macos: the whole bench runs against the macOS-like target
  enterMacosNamespace();
  const o = parseOptions(process.argv.slice(2));
  const report = o.json === '-' ? (s: string) => process.stderr.write(s) : (s: string) => process.stdout.write(s);
  const log = o.quiet ? () => {} : (s: string) => process.stderr.write(`bench: ${s}\n`);
  if (!sshdAvailable() || !tmuxAvailable() || !SSH) {
    process.stderr.write('bench: needs sshd, ssh, ssh-keygen, tmux and the vendored plugins (see TESTING.md)\n');
    return 2;
  }
  if (o.cli) CLI = o.cli;
  else if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    process.stderr.write('bench: no build in dist/: run `npm run build` (or `npm run bench`, which builds)\n');
    return 2;
  }
  if (!existsSync(CLI)) {
    process.stderr.write(`bench: no ${CLI}\n`);
    return 2;
  }
  cleanupAtExit(killLiveChildren);
  const load0 = loadavg();
  const t = await buildTarget({ sshds: o.targets, mainHistory: o.mainHistory, bigHistory: o.bigHistory, log });
  try {
    // the floor runs the probe the measured CLI sends (default --tmux-timeout 2): this tree's,
    // or, with --cli, the probe as the build beside that CLI assembles it
    const probeFile = join(t.scratch, 'probe.sh');
    const otherGather = o.cli ? join(dirname(dirname(CLI)), 'dist', 'src', 'probe', 'gather.js') : undefined;
    const useOther = otherGather !== undefined && existsSync(otherGather);
    const assemble: (sec: number) => string = useOther
      ? ((await import(pathToFileURL(otherGather).href)) as { probeScript: (sec: number) => string }).probeScript
      : probeScript;
    writeFileSync(probeFile, assemble(2));
    log(`probe: ${useOther ? otherGather : 'src/remote/probe*.sh'} (${statSync(probeFile).size} bytes)`);
    // a CLI that cannot run against the target makes every figure meaningless: say why, stop
    const pre = await one(cliSpec(t, [t.hosts[0]!]), t.scratch, checkReport);
    if (!pre.ok) {
      process.stderr.write(`bench: ${CLI} cannot diagnose the bench target: ${pre.note}\n`);
      return 2;
    }
    if (o.serve) return await serve(t, probeFile);
    // the programs one probe of this target starts (each costs on a Mac in a VM)
    const execs: ExecCount | undefined = STRACE
      ? await countExecs(readFileSync(probeFile, 'utf8'), t.home.env(), t.home.dir)
      : undefined;
    const features = await detectFeatures(t);
    log(
      `multi-target mode: ${features.multiTarget ? 'yes' : 'no (8 processes instead)'}; --active: ${features.active ? 'yes' : features.activeNote}`,
    );
    const ms = measurements(t, features, probeFile);
    const samples: Record<string, Sample[]> = Object.fromEntries(ms.map((m) => [m.id, []]));
    const notes: string[] = [];
    log(`warm-up round (not counted), then ${o.reps} rounds of ${ms.length} measurements`);
    for (let round = -1; round < o.reps; round++) {
      // rotate the order each round: no measurement always follows the same one
      const k = ((round % ms.length) + ms.length) % ms.length;
      for (const m of [...ms.slice(k), ...ms.slice(0, k)]) {
        const s = await m.run();
        if (!s.ok) notes.push(`${m.id} round ${round + 1}: ${s.note}`);
        if (round >= 0) samples[m.id]!.push(s);
      }
      if (round >= 0)
        log(
          `round ${round + 1}/${o.reps}: passive ${sec(samples.passive!.at(-1)!.ms)}, floor ${sec(samples.floor!.at(-1)!.ms)}`,
        );
    }
    const st: Record<string, Stats> = Object.fromEntries(ms.map((m) => [m.id, stats(samples[m.id]!)]));
    const vs = verdicts(st, features, t);
    const load1 = loadavg();

    const w = Math.max(...ms.map((m) => m.what.length));
    report(`\ncal-doctor bench — ${o.reps} rounds, interleaved; ratios from medians\n`);
    report(
      `target: ${t.hosts.length} loopback sshd(s), tmux ${t.layout.sessions} sessions / ${t.layout.windows} windows / ${t.layout.panes} panes, real TPM/resurrect/continuum, ${t.historySizes.main} saves\n`,
    );
    report(
      `target shells and tools: ${MACOS ? 'macOS-like (bash 3.2.57 as /bin/sh, BSD userland, zsh login shell, Homebrew tmux)' : 'this machine'}\n`,
    );
    report(
      `probe process starts: ${execs ? `${execs.total} (${execs.byProgram.map(([p, n]) => `${n} ${p}`).join(', ')})` : 'not counted (needs strace)'}\n`,
    );
    report(`cli: ${CLI}\n`);
    report(
      `machine: ${cpus().length} CPUs, load average ${load0[0]!.toFixed(2)} before, ${load1[0]!.toFixed(2)} after; node ${process.version}; peak RSS by ${GNU_TIME ?? '/proc polling'}\n\n`,
    );
    report(`${'measurement'.padEnd(w)}    min       median    max       peak RSS  runs\n`);
    for (const m of ms) {
      const x = st[m.id]!;
      const rss = x.peakRssKiB === undefined ? '' : `${mb(x.peakRssKiB).toFixed(1)} MB`;
      report(
        `${m.what.padEnd(w)}  ${sec(x.minMs).padStart(9)} ${sec(x.medianMs).padStart(9)} ${sec(x.maxMs).padStart(9)}  ${rss.padStart(9)}  ${x.n}${x.failed ? ` (${x.failed} failed)` : ''}\n`,
      );
    }
    report('\n');
    for (const x of vs) report(`${formatVerdict(x)}\n`);
    const judged = vs.filter((x) => x.target);
    const met = judged.filter((x) => x.met === true).length;
    for (const n of notes.slice(0, 10)) report(`note: ${n}\n`);
    if (notes.length > 10) report(`note: ... ${notes.length - 10} more failed runs\n`);
    report(`bench: ${met} of ${judged.length} targets met\n`);

    if (o.json) {
      const doc = {
        tool: 'cal-doctor-bench',
        date: new Date().toISOString(),
        machine: {
          cpus: cpus().length,
          loadavgBefore: load0,
          loadavgAfter: load1,
          node: process.version,
          rssBy: GNU_TIME ?? 'proc-vmhwm',
        },
        reps: o.reps,
        cli: CLI,
        basis: 'median',
        target: {
          sshds: t.hosts.length,
          layout: t.layout,
          histories: t.historySizes,
          shells: MACOS ? 'macos-like' : 'host',
          probeProcessStarts: execs ? { total: execs.total, byProgram: Object.fromEntries(execs.byProgram) } : null,
        },
        features,
        measurements: Object.fromEntries(
          ms.map((m) => [
            m.id,
            { what: m.what, ...st[m.id]!, samplesMs: samples[m.id]!.map((s) => Math.round(s.ms * 10) / 10) },
          ]),
        ),
        verdicts: vs.map((x) => ({ ...x, value: Number.isFinite(x.value) ? x.value : null })),
        met,
        targets: judged.length,
        failedRuns: notes,
      };
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      if (o.json === '-') process.stdout.write(text);
      else writeFileSync(o.json, text);
    }
    return 0;
  } finally {
    log('cleaning up (sshds, tmux server, temp dirs)');
    killLiveChildren();
    await t.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
