import { randomBytes } from 'node:crypto';
import { buildRoundtripScript, type EnvLabel, layoutCounts, type StepName } from '../src/active/roundtrip.js';
import { parseRoundtripOutput, type RoundtripOutput } from '../src/active/roundtrip-output.js';
import { type EnvVerdict, judgeRun } from '../src/active/roundtrip-verdict.js';
import {
  dirname,
  nonLoginPathFix,
  pathLine,
  primaryTmux,
  restartFromLoginShell,
  shq,
  tilde,
} from '../src/domain/util.js';
import type { Facts } from '../src/engine/check.js';
import { defineCheck, type Result } from '../src/engine/check.js';

// Time: this check asks the engine for CHECK_TIMEOUT_MS (other checks get 5 s).
// Both environments run at once, each cut off at BUDGET_SEC (its login shell included); the
// runner then cleans up and prints, well inside RUN_TIMEOUT_MS. A healthy run takes 1-1.5 s
// per environment on an idle machine.
const BUDGET_SEC = 10;
const TMUX_CALL_SEC = 2;
const RUN_SHELL_SEC = 3;
/**
 * The check answers by then even if the target has not. The script is not killed: a killed
 * runner (SIGKILL) could not clean up; it ends on its own within its budget, cleans up, and
 * its late output is dropped.
 */
const ANSWER_BY_MS = 12_000;
const CHECK_TIMEOUT_MS = 13_000;
/** the transport's own bound, a backstop far beyond the script's */
const RUN_TIMEOUT_MS = 30_000;

const ENV_NAMES: Record<EnvLabel, string> = { login: 'login shell', nonlogin: 'non-login exec' };

function resurrectDir(f: Facts): string {
  return `${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect`;
}

function resurrectInstalled(f: Facts): boolean {
  return (
    f.plugins.exists &&
    f.plugins.entries.some((e) => e.name === 'tmux-resurrect' && (e.type === 'dir' || e.type === 'link'))
  );
}

function ms(n: number | null): string {
  if (n === null) return '';
  return n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`;
}

/** The steps side by side, one row per step. */
function stepTable(vs: EnvVerdict[], out: RoundtripOutput): string[] {
  const head = vs.map((v) => (v.label === 'login' ? `login (${out.shell || '$SHELL'} -l)` : 'non-login exec'));
  const cell = (v: EnvVerdict, i: number) => {
    const s = v.steps[i]!;
    return s.state === 'ok'
      ? `ok ${ms(s.ms)}`
      : s.ms !== null
        ? `${s.state.toUpperCase()} ${ms(s.ms)}`
        : s.state === 'not run'
          ? '-'
          : s.state.toUpperCase();
  };
  const rows: string[][] = [['step', ...head]];
  for (const [i, s] of vs[0]!.steps.entries()) {
    rows.push([s.name, ...vs.map((v) => (v.ran ? cell(v, i) : i === 0 ? 'not run' : ''))]);
  }
  rows.push(['total', ...vs.map((v) => ms(v.totalMs) || '-')]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((x, c) => (c === r.length - 1 ? x : x.padEnd(widths[c]! + 2)))
      .join('')
      .trimEnd(),
  );
}

function tmuxLine(v: EnvVerdict): string | null {
  if (!v.ran || !v.tmux) return null;
  const found =
    v.how === 'path' ? `${v.tmux} (on PATH)` : `${v.tmux} (not on PATH ${v.path ?? '?'}; started by full path)`;
  const srv =
    v.serverPath === undefined
      ? ''
      : `; server PATH ${v.serverPath || '(empty)'} ${v.serverTmux ? `has tmux (${v.serverTmux})` : 'has no tmux'}`;
  return `${ENV_NAMES[v.label]}: tmux ${found}${srv}`;
}

function stepWord(step: StepName): string {
  return step === 'env' ? 'setup' : step;
}

function fixFor(v: EnvVerdict, facts: Facts): string[] {
  const rdir = resurrectDir(facts);
  switch (v.cause) {
    case 'tmux-not-on-server-path': {
      const dir = v.tmux ? dirname(v.tmux) : facts.login.tmux ? dirname(facts.login.tmux) : '/opt/homebrew/bin';
      if (v.label === 'login')
        return [`a login file (~/.zprofile, ~/.zlogin, ~/.profile) leaves tmux off PATH: add there: ${pathLine(dir)}`];
      return [
        ...nonLoginPathFix(facts, dir),
        `a server already running keeps the PATH it was started with: fix it in place (see tmux.server), or kill it and ${restartFromLoginShell(facts)}`,
      ];
    }
    case 'script-not-executable':
      return [`chmod u+x ${shq(`${rdir}/scripts/save.sh`)} ${shq(`${rdir}/scripts/restore.sh`)}`];
    case 'script-missing':
      return [
        `reinstall it: rm -rf ${shq(rdir)} && git clone https://github.com/tmux-plugins/tmux-resurrect ${shq(rdir)}`,
      ];
    case 'login-shell':
      return [
        `run \`${facts.host.shell || '$SHELL'} -l -c true\` on the target and fix what hangs or fails in ~/.zprofile, ~/.zlogin or ~/.profile`,
      ];
    case 'no-tmux':
      return ['install tmux (macOS: brew install tmux) and put it on PATH (see tmux.path)'];
    case 'timeout': {
      if (v.failedStep !== 'save' && v.failedStep !== 'restore')
        return ['the target was too slow for the time limit: run again when it is idle'];
      const script = v.failedStep === 'save' ? 'save.sh' : 'restore.sh';
      return [
        `${script} hangs or the target is slow: watch it by hand in a throwaway server: tmux -L cal-test -f /dev/null new-session -d \\; set -g @resurrect-dir /tmp/cal-test \\; run-shell ${shq(`${rdir}/scripts/${script}`)}; tmux -L cal-test kill-server`,
      ];
    }
    default:
      return [
        `the plugin misbehaves in a clean server: update it (git -C ${shq(rdir)} pull, or prefix + U in TPM); if it still fails, report this output`,
      ];
  }
}

function failureLines(v: EnvVerdict): string[] {
  return [`${ENV_NAMES[v.label]}: ${stepWord(v.failedStep!)} failed: ${v.reason}`, ...v.evidence.map((e) => `  ${e}`)];
}

export function roundtripResult(out: RoundtripOutput, verdicts: EnvVerdict[], facts: Facts): Result[] {
  const ran = verdicts.filter((v) => v.ran);
  const counts = layoutCounts();
  const details = [
    `layout: ${counts.sessions} sessions, ${counts.windows} windows (one split), ${counts.panes} panes, a dir with a space; plugin ${tilde(resurrectDir(facts), facts.host.home)}`,
    ...stepTable(verdicts, out),
    ...verdicts.map(tmuxLine).filter((l): l is string => l !== null),
  ];
  for (const v of verdicts) {
    if (!v.ran)
      details.push(
        `${ENV_NAMES[v.label]}: not run (${v.label === 'login' ? `no executable login shell: SHELL=${out.shell || '(unset)'}` : 'not asked for'})`,
      );
    if (!v.ok && v.ran) details.push(...failureLines(v));
    for (const n of v.notes) details.push(n.startsWith('  ') ? `  ${n}` : `${ENV_NAMES[v.label]}: ${n}`);
  }
  const clean = out.removed !== false && !out.reaped;
  details.push(
    `sandbox ${out.tmpDir ?? '(temp dir)'}: ${out.removed === false ? 'could NOT be removed' : 'removed'}${out.reaped ? `; ${out.reaped} server(s) had to be killed by the runner` : '; no server left'}${out.clock === 'sec' ? ' (step times in whole seconds: no ms clock on the target)' : ''}`,
  );

  const results: Result[] = [];
  const failed = ran.filter((v) => !v.ok);
  if (ran.length === 0) {
    results.push({ status: 'warn', summary: 'the round trip did not run in either environment', details });
  } else if (failed.length === 0) {
    const times = ran.map((v) => `${ENV_NAMES[v.label]} ${ms(v.totalMs)}`).join(', ');
    const both = ran.length === verdicts.length && verdicts.length > 1;
    results.push({
      status: both ? 'pass' : 'warn',
      summary: both
        ? `a real save and restore work in an isolated server, from a login shell and from a non-login exec (${times})`
        : `a real save and restore work from a ${ran.map((v) => ENV_NAMES[v.label]).join(' and ')} (${times}); the other environment was not tried`,
      details,
    });
  } else {
    const okOnes = ran.filter((v) => v.ok);
    const f = failed[0]!;
    let summary: string;
    if (failed.length === 1 && okOnes.length === 1) {
      const other = ENV_NAMES[okOnes[0]!.label];
      summary =
        f.cause === 'tmux-not-on-server-path'
          ? `resurrect works only when tmux is on the server's PATH: from a ${ENV_NAMES[f.label]} the ${stepWord(f.failedStep!)} failed (${f.reason}); from a ${other} it works`
          : `the round trip fails from a ${ENV_NAMES[f.label]} at ${stepWord(f.failedStep!)} (${f.reason}); from a ${other} it works`;
    } else if (
      failed.length === 2 &&
      failed[0]!.failedStep === failed[1]!.failedStep &&
      failed[0]!.reason === failed[1]!.reason
    ) {
      summary = `the round trip fails at ${stepWord(f.failedStep!)} from a login shell and from a non-login exec: ${f.reason}`;
    } else {
      summary = `the round trip fails: ${failed.map((v) => `${ENV_NAMES[v.label]} at ${stepWord(v.failedStep!)} (${v.reason})`).join('; ')}`;
    }
    results.push({ status: 'fail', summary, details, fix: [...new Set(failed.flatMap((v) => fixFor(v, facts)))] });
  }
  if (!clean) {
    results.push({
      status: 'warn',
      summary:
        out.removed === false
          ? `the sandbox dir ${out.tmpDir} could not be removed`
          : 'a run was cut off before its own cleanup; the runner killed its servers',
      fix: out.removed === false ? [`rm -rf ${shq(out.tmpDir ?? '/tmp/cal-doctor.*')}`] : undefined,
    });
  }
  return results;
}

export default defineCheck({
  timeoutMs: CHECK_TIMEOUT_MS,
  id: 'resurrect.roundtrip',
  category: 'resurrect',
  dependsOn: ['plugins.resurrect'],
  title: 'a real save and restore works in an isolated tmux server (login and non-login environment)',
  explain:
    'Only with --active. Starts a throwaway tmux server on a socket of its own in a fresh temp dir, with a generated config that ' +
    'loads the installed tmux-resurrect (no ~/.tmux.conf, no TPM, no continuum) and points @resurrect-dir into the temp dir; the ' +
    'server and its run-shell jobs get that temp dir as HOME, so even a save.sh that cannot read @resurrect-dir never reaches the ' +
    'real save dir or `last`, and panes run a timer, not your shell (no rc or logout file runs). It builds 2 sessions, 3 windows, a ' +
    'split pane and a dir with a space, saves with `run-shell save.sh` as prefix C-s does, checks the file holds the layout, kills ' +
    'the server, restores into a fresh one with restore.sh and compares sessions, windows, panes and dirs. It does this twice at ' +
    'once: from a login shell (`$SHELL -l`, the PATH ~/.zprofile gives) and from the bare environment of a non-login `ssh host cmd`, ' +
    'starting tmux by full path when that PATH has none. If only the login run passes, resurrect works only when tmux is on the ' +
    "server's PATH: a server started from a non-login shell (Homebrew tmux) writes empty saves. Fix: put Homebrew on " +
    'the PATH of non-login shells (`eval "$(/opt/homebrew/bin/brew shellenv)"` in ~/.zshenv) and restart the server from a login ' +
    'shell. Everything is removed afterwards, on failure, timeout and interrupt too.',
  appliesTo(ctx) {
    if (!ctx.target) return 'only with --active: this check starts throwaway tmux servers on the target';
    const f = ctx.facts;
    if (!resurrectInstalled(f))
      return `tmux-resurrect is not installed in ${tilde(f.plugins.dir, f.host.home)}: nothing to save or restore with (see plugins.resurrect)`;
    if (!primaryTmux(f)) return 'no tmux binary found on the target (see tmux.path)';
    return true;
  },
  async run(ctx) {
    const f = ctx.facts;
    const target = ctx.target;
    if (!target) return { status: 'skip', summary: 'only with --active' };
    const script = buildRoundtripScript({
      pluginDir: resurrectDir(f),
      tmuxFallback: primaryTmux(f),
      id: randomBytes(4).toString('hex'),
      tmuxTimeoutSec: TMUX_CALL_SEC,
      runShellTimeoutSec: RUN_SHELL_SEC,
      budgetSec: BUDGET_SEC,
    });
    let stdout: Buffer;
    let timer: NodeJS.Timeout | undefined;
    try {
      const running = target.runScript(script, { timeoutMs: RUN_TIMEOUT_MS });
      running.catch(() => undefined); // answered late: nobody listens any more
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), ANSWER_BY_MS);
      });
      const res = await Promise.race([running, late]);
      if (!res) {
        return {
          status: 'error',
          summary: `the round trip did not finish within ${ANSWER_BY_MS / 1000} s: the target is slow or overloaded, or the connection stalled`,
          details: [
            `each environment's run is cut off after ${BUDGET_SEC} s (a healthy one takes 1-2 s); whatever it started removes itself: its servers, their jobs and its temp dir`,
          ],
          fix: ['run again when the target is idle: cal-doctor --active --only resurrect.roundtrip'],
        };
      }
      stdout = res.stdout;
    } catch (e) {
      return {
        status: 'error',
        summary: `the round trip could not run on the target: ${(e as Error).message}`,
        details: ['whatever the run started removes itself: its servers, their jobs and its temp dir'],
      };
    } finally {
      clearTimeout(timer);
    }
    const out = parseRoundtripOutput(stdout);
    if (out.error) return { status: 'error', summary: `the round trip could not start on the target: ${out.error}` };
    if (!out.complete && Object.keys(out.runs).length === 0) {
      return { status: 'error', summary: 'the round trip script printed nothing usable', details: out.warnings };
    }
    const opts = {
      budgetSec: out.budgetSec ?? BUDGET_SEC,
      runShellTimeoutSec: RUN_SHELL_SEC,
      pluginDir: resurrectDir(f),
    };
    const verdicts = (['login', 'nonlogin'] as const).map((label) => judgeRun(out.runs[label], label, opts));
    return roundtripResult(out, verdicts, f);
  },
});
