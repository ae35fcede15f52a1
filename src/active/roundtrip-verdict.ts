// The verdict of one environment's round trip: which step broke, why, and that step's output.
// Total: any output, however cut off, gives a verdict.
import { type ParsedSave, parseSave } from '../domain/resurrect/savefile.js';
import { type EnvLabel, LAYOUT, type LayoutSession, STEPS, type StepName } from './roundtrip.js';
import { compareLayout, parsePaneList, savedPanes } from './roundtrip-layout.js';
import { type EnvRun, int, type StepRecord } from './roundtrip-output.js';

/** Status of a call the script's watchdog had to kill (128 + SIGKILL). */
const KILLED = 137;

type Cause =
  /** no tmux at all in this environment */
  | 'no-tmux'
  /** the plugin's scripts run `tmux`, which the server's PATH does not have (the Homebrew case) */
  | 'tmux-not-on-server-path'
  | 'script-not-executable'
  | 'script-missing'
  /** a step did not finish within its bound or the run's budget */
  | 'timeout'
  /** the login shell did not run the script (hung, failed) */
  | 'login-shell'
  /** the save file does not hold the layout */
  | 'save-invalid'
  /** what restore rebuilt differs from the layout */
  | 'layout-mismatch'
  | 'other';

type StepState = 'ok' | 'warn' | 'fail' | 'timed out' | 'not run';

export interface EnvVerdict {
  label: EnvLabel;
  ran: boolean;
  ok: boolean;
  steps: Array<{ name: StepName; state: StepState; ms: number | null }>;
  /** sum of the steps' times */
  totalMs: number | null;
  failedStep?: StepName;
  /** one line: what broke */
  reason?: string;
  cause?: Cause;
  /** the failed step's output and evidence, line by line */
  evidence: string[];
  /** non-fatal findings (a load that could not set resurrect's options, extra sessions) */
  notes: string[];
  /** tmux used, and whether this environment's PATH had it (`path`) or it ran by full path (`fallback`) */
  tmux?: string;
  how?: 'path' | 'fallback';
  /** this environment's PATH */
  path?: string;
  /** the sandbox server's global PATH, and what plain `tmux` is there (empty: none) */
  serverPath?: string;
  serverTmux?: string;
  /** the save, read back */
  save?: ParsedSave;
  /** the script that failed, for fixes (save.sh or restore.sh) */
  script?: string;
}

export interface JudgeOptions {
  layout?: readonly LayoutSession[];
  /** the run's budget and the run-shell bound, seconds (for the words of a timeout) */
  budgetSec?: number;
  runShellTimeoutSec?: number;
  pluginDir?: string;
}

const MAX_LINES = 12;

/** Output lines worth showing: non-empty, repeated lines folded, capped. */
export function outputLines(text: string | undefined, max = MAX_LINES): string[] {
  const lines = (text ?? '')
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '');
  const folded: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[i]) j++;
    folded.push(j > i ? `${lines[i]} (×${j - i + 1})` : lines[i]!);
    i = j + 1;
  }
  if (folded.length > max) return [...folded.slice(0, max), `… ${folded.length - max} more line(s)`];
  return folded;
}

const TMUX_NOT_FOUND = /(^|[\s:])tmux: (command )?not found/m;

/** `ls -ln` lines of save files: name and size, `last` with its target. */
function saveListing(ls: string | undefined): string[] {
  const out: string[] = [];
  for (const line of (ls ?? '').split('\n')) {
    const m = /^(\S+)\s+\d+\s+\d+\s+\d+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!m) continue;
    const name = m[3]!;
    if (name === 'last' || name.startsWith('last -> ')) out.push(name);
    else if (/^tmux_resurrect_.*\.txt$/.test(name)) out.push(`${name} (${m[2]} bytes)`);
  }
  return out;
}

interface ScriptFailure {
  cause: Cause;
  reason: string;
}

/** Why `run-shell <script>` did not do its job, from its status and output. */
function scriptFailure(
  what: string,
  items: Record<string, string>,
  serverTmux: string | undefined,
  opts: JudgeOptions,
): ScriptFailure | null {
  const rc = int(items.rc);
  const out = items.out ?? '';
  if (rc === KILLED)
    return { cause: 'timeout', reason: `${what} did not finish within ${opts.runShellTimeoutSec ?? '?'} s` };
  if (rc === 126 || /permission denied/i.test(out))
    return { cause: 'script-not-executable', reason: `${what} is not executable (run-shell: Permission denied)` };
  if (rc === 127 && !TMUX_NOT_FOUND.test(out)) return { cause: 'script-missing', reason: `${what} was not found` };
  if (TMUX_NOT_FOUND.test(out) || (serverTmux !== undefined && serverTmux === '')) {
    return { cause: 'tmux-not-on-server-path', reason: `${what} could not run tmux: the server's PATH has no tmux` };
  }
  return null;
}

export function judgeRun(run: EnvRun | undefined, label: EnvLabel, opts: JudgeOptions = {}): EnvVerdict {
  const layout = opts.layout ?? LAYOUT;
  const v: EnvVerdict = { label, ran: !!run?.ran, ok: false, steps: [], totalMs: null, evidence: [], notes: [] };
  if (!run?.ran) {
    v.steps = STEPS.map((name) => ({ name, state: 'not run' as const, ms: null }));
    return v;
  }
  const byName = new Map<string, StepRecord>();
  for (const s of run.steps) if (!byName.has(s.name)) byName.set(s.name, s);
  const cutOff = run.rc === KILLED;
  let firstMissing = true;
  v.steps = STEPS.map((name) => {
    const s = byName.get(name);
    if (s) return { name, state: s.status, ms: s.ms };
    const state: StepState = cutOff && firstMissing ? 'timed out' : 'not run';
    firstMissing = false;
    return { name, state, ms: null };
  });
  const times = run.steps.map((s) => s.ms).filter((m): m is number => m !== null);
  v.totalMs = times.length ? times.reduce((a, b) => a + b, 0) : null;

  const fail = (step: StepName, cause: Cause, reason: string, evidence: string[] = []) => {
    v.failedStep = step;
    v.cause = cause;
    v.reason = reason;
    v.evidence.push(...evidence);
    v.steps = v.steps.map((s) => (s.name === step && s.state !== 'timed out' ? { ...s, state: 'fail' } : s));
    return v;
  };

  const env = byName.get('env');
  if (env) {
    v.path = env.items.path;
    v.tmux = env.items.tmux || undefined;
    if (env.items.how === 'path' || env.items.how === 'fallback') v.how = env.items.how;
  }
  const start = byName.get('start');
  if (start) {
    v.serverPath = start.items.srvpath;
    v.serverTmux = start.items.srvtmux;
  }
  const budget = opts.budgetSec ?? null;
  const timedOut = (step: StepName) =>
    fail(
      step,
      'timeout',
      `${step} did not finish within the run's ${budget ?? '?'} s budget`,
      outputLines(run.shellLog).map((l) => `  ${l}`),
    );

  // the login shell never ran the script
  if (run.steps.length === 0) {
    const log = outputLines(run.shellLog).map((l) => `  ${l}`);
    if (label === 'login') {
      const why = cutOff
        ? `did not start the round trip within ${budget ?? '?'} s`
        : `exited (status ${run.rc ?? '?'}) before running the round trip`;
      return fail('env', 'login-shell', `the login shell ${why}`, log);
    }
    return cutOff
      ? timedOut('env')
      : fail('env', 'other', `the run ended (status ${run.rc ?? '?'}) before its first step`, log);
  }

  for (const name of STEPS) {
    const s = byName.get(name);
    if (!s) {
      // the run stopped before this step: killed at the budget, or the script died
      if (cutOff) return timedOut(name);
      return fail(
        name,
        'other',
        `the run ended (status ${run.rc ?? '?'}) before ${name}`,
        outputLines(run.shellLog).map((l) => `  ${l}`),
      );
    }
    const it = s.items;
    const rcText =
      it.rc !== undefined ? `exit ${it.rc === String(KILLED) ? `${KILLED} (killed at its time limit)` : it.rc}` : '';
    switch (name) {
      case 'env':
        if (s.status === 'fail') {
          return fail('env', v.tmux ? 'other' : 'no-tmux', it.out ? outputLines(it.out, 1)[0]! : 'tmux could not run', [
            `PATH: ${it.path ?? '?'}`,
            ...outputLines(it.out).slice(1),
          ]);
        }
        break;
      case 'start':
      case 'restart':
        if (s.status === 'fail') {
          const what =
            name === 'start' ? 'the isolated tmux server did not start' : 'the fresh tmux server did not start';
          return fail(
            name,
            int(it.rc) === KILLED ? 'timeout' : 'other',
            what,
            [rcText, ...outputLines(it.out)].filter(Boolean),
          );
        }
        break;
      case 'layout': {
        if (s.status === 'fail')
          return fail(
            'layout',
            'other',
            'the layout could not be built',
            [rcText, ...outputLines(it.out)].filter(Boolean),
          );
        const cmp = compareLayout(parsePaneList(it.panes ?? ''), start?.items.root ?? '', layout);
        if (cmp.problems.length)
          return fail('layout', 'other', 'the sandbox server did not hold the layout just built', cmp.problems);
        break;
      }
      case 'load':
        if (s.status === 'fail')
          return fail(
            'load',
            'other',
            'setting @resurrect-dir failed',
            [rcText, ...outputLines(it.out)].filter(Boolean),
          );
        if (s.status === 'warn') {
          const f = scriptFailure('resurrect.tmux', it, v.serverTmux, opts);
          v.notes.push(
            `loading resurrect.tmux did not set @resurrect-save-script-path${f ? ` (${f.reason})` : ''}: no C-s/C-r bindings in this server`,
            ...outputLines(it.out, 2).map((l) => `  ${l}`),
          );
        }
        break;
      case 'save': {
        v.script = 'save.sh';
        const evidence = [
          `run-shell save.sh quiet: ${rcText || 'no status'}`,
          ...outputLines(it.out).map((l) => `  ${l}`),
        ];
        const stray: string[] = [];
        for (let i = 0; it[`stray.${i}.dir`] !== undefined; i++) {
          const files = saveListing(it[`stray.${i}.ls`]);
          if (files.length)
            stray.push(
              `save.sh wrote into its fallback dir ${it[`stray.${i}.dir`]} instead of @resurrect-dir: ${files.join(', ')}`,
            );
        }
        const listing = saveListing(it.ls);
        const inDir = `@resurrect-dir ${it.dir ?? ''}: ${listing.length ? listing.join(', ') : 'no save file'}`;
        const f = scriptFailure('save.sh', it, v.serverTmux, opts);
        if (s.status === 'fail' || !run.saveFile) {
          if (f)
            return fail(
              'save',
              f.cause,
              f.reason,
              [
                ...evidence,
                inDir,
                ...stray,
                ...(f.cause === 'script-not-executable' ? [it['script.ls'] ?? ''] : []),
              ].filter(Boolean),
            );
          const empty = run.saveFile && run.saveFile.bytes.length === 0;
          return fail('save', 'other', empty ? 'save.sh wrote a 0-byte save file' : 'save.sh wrote no save file', [
            ...evidence,
            inDir,
            ...stray,
          ]);
        }
        const save = parseSave(run.saveFile.bytes, { truncated: run.saveFile.truncated });
        v.save = save;
        if (save.classification !== 'valid') {
          const why: Record<string, string> = {
            empty: 'the save file is empty (0 bytes)',
            'state-only': 'the save file holds only the `state` line: save.sh saw a server without sessions',
            malformed: 'the save file is malformed',
            truncated: 'the save file is cut off',
          };
          return fail(
            'save',
            f?.cause ?? 'save-invalid',
            why[save.classification] ?? `the save file is ${save.classification}`,
            [
              ...(f ? [f.reason] : []),
              ...save.problems.slice(0, 5).map((p) => `line ${p.line}: ${p.reason}`),
              ...evidence,
            ],
          );
        }
        const cmp = compareLayout(savedPanes(save), start?.items.root ?? '', layout);
        if (cmp.problems.length)
          return fail('save', 'save-invalid', 'the save file does not hold the layout', [...cmp.problems, ...evidence]);
        if (cmp.extraSessions.length) v.notes.push(`the save also holds session(s) ${cmp.extraSessions.join(', ')}`);
        break;
      }
      case 'kill':
        if (s.status === 'fail')
          return fail(
            'kill',
            'other',
            'the first server was still running 2 s after kill-server',
            [rcText, ...outputLines(it.out)].filter(Boolean),
          );
        break;
      case 'restore': {
        v.script = 'restore.sh';
        const evidence = [
          `run-shell restore.sh: ${rcText || 'no status'}`,
          ...outputLines(it.out).map((l) => `  ${l}`),
        ];
        if (s.status === 'fail') {
          const f = scriptFailure('restore.sh', it, v.serverTmux, opts);
          return fail(
            'restore',
            f?.cause ?? 'other',
            f?.reason ?? 'restore.sh failed',
            [...evidence, ...(f?.cause === 'script-not-executable' ? [it['script.ls'] ?? ''] : [])].filter(Boolean),
          );
        }
        const cmp = compareLayout(parsePaneList(it.panes ?? ''), start?.items.root ?? '', layout);
        if (cmp.problems.length)
          return fail('restore', 'layout-mismatch', 'what restore.sh rebuilt differs from the layout', [
            ...cmp.problems,
            ...evidence,
          ]);
        if (cmp.extraSessions.length)
          v.notes.push(`after the restore the server also has session(s) ${cmp.extraSessions.join(', ')}`);
        break;
      }
    }
  }
  v.ok = true;
  v.script = undefined;
  return v;
}
