// `cal-doctor --fix`: the repair plan, and applying it (`--fix --yes`).
//
// The only writes cal-doctor ever makes are the scripts below, each run on the target through
// Target.runScript (src/remote/repair-*.sh). Every script re-checks on the target the condition
// the plan saw (the facts may be minutes old: continuum may have saved since), does nothing when
// the repair is already in place, never changes or removes a save file, and reports one outcome
// (records `status`: applied, already-ok or failed, and `message`). Everything that is not
// safely automatic (dotfiles, the tmux config, the running server, anything needing sudo) is
// advice: the exact edit, printed.

import { shq } from '../common/quote.js';
import { configLines, loadedConfigs, pluginDecls, tpmConfigPath, tpmRunLines, where } from '../domain/config.js';
import { historyOf, keepDir, moveAsideRelinkCommand } from '../domain/save-history.js';
import { diagnose } from '../domain/triggers/diagnose.js';
import {
  dirname,
  liveServer,
  loadPluginsNowFix,
  nonLoginPathFix,
  pathHasDir,
  primaryTmux,
  restartFromLoginShell,
  tilde,
} from '../domain/util.js';
import type { CheckContext } from '../engine/check.js';
import type { Repair } from '../engine/report.js';
import type { Facts } from '../probe/facts.js';
import { scriptBody, withLib } from '../remote/assemble.js';
import { splitRecords } from '../remote/records.js';
import type { Target } from '../targets/target.js';

export type { Repair } from '../engine/report.js';

export interface RepairOutcome {
  id: string;
  status: 'applied' | 'already-ok' | 'failed' | 'advice';
  message: string;
  undo?: string;
}

function relinkScript(
  dir: string,
  candidate: string,
  seen: { kind: 'link'; target: string } | { kind: 'none' },
): string {
  return scriptBody(
    {
      CAL_DIR: dir,
      CAL_CANDIDATE: candidate,
      CAL_SEEN: seen.kind,
      CAL_WAS: seen.kind === 'link' ? seen.target : '',
    },
    'repair-relink.sh',
  );
}

const createDirScript = (dir: string): string => scriptBody({ CAL_DIR: dir }, 'repair-create-dir.sh');

const chmodDirScript = (dir: string): string => scriptBody({ CAL_DIR: dir }, 'repair-chmod-dir.sh');

function keepScript(dir: string, name: string, keep: string): string {
  return scriptBody(
    { CAL_SRC: `${dir.replace(/\/+$/, '')}/${name}`, CAL_KEEP: keep, CAL_NAME: name },
    'repair-keep.sh',
  );
}

/** Exact config edits for TPM (missing/misplaced run line) and PATH. */
function configAdvice(f: Facts): Repair[] {
  const out: Repair[] = [];
  const home = f.host.home;
  const lines = configLines(f, loadedConfigs(f));
  const runs = tpmRunLines(lines);
  const decls = pluginDecls(lines);
  const runLine = `run '${tilde(`${f.plugins.dir.replace(/\/+$/, '')}/tpm/tpm`, home)}'`;
  const cfg = tilde(tpmConfigPath(f), home);
  if (decls.length && runs.length === 0) {
    out.push({
      id: 'config.tpm-run-line',
      title: `add the TPM run line to ${cfg}`,
      automatic: false,
      advice: [`add as the very last line of ${cfg}: ${runLine}`, `then reload: tmux source-file ${cfg}`],
    });
  } else if (runs.length) {
    const last = runs[runs.length - 1]!;
    const after = decls.filter((d) => d.seq > last.seq);
    if (after.length) {
      out.push({
        id: 'config.tpm-run-line',
        title: `move the TPM run line to the end of ${cfg}`,
        automatic: false,
        advice: [
          `in ${where(last, home)}, delete: ${last.text}`,
          `append it as the very last line of ${cfg}, after ${where(after[after.length - 1]!, home)}: ${runLine}`,
        ],
      });
    }
  }
  if (!f.execTmux && f.login.ok && f.login.tmux) {
    out.push({
      id: 'shell.path',
      title: 'put tmux on the PATH of non-login shells (ssh vm tmux …)',
      automatic: false,
      advice: nonLoginPathFix(f, dirname(f.login.tmux)),
    });
  }
  // a running server without tmux on its PATH never loads the plugins: its saves come out empty
  const server = liveServer(f);
  const tmux = primaryTmux(f);
  if (
    server &&
    !server.globalEnv.TMUX_PLUGIN_MANAGER_PATH &&
    tmux?.includes('/') &&
    !pathHasDir(server.globalEnv.PATH ?? '', dirname(tmux))
  ) {
    out.push({
      id: 'server.path',
      title: `give the running tmux server ${dirname(tmux)} on its PATH and load the plugins (it keeps its sessions)`,
      automatic: false,
      advice: [
        ...loadPluginsNowFix(f, tmux),
        `or, after a good save: tmux kill-server, then ${restartFromLoginShell(f)}`,
      ],
    });
  }
  return out;
}

export function planRepairs(ctx: CheckContext): Repair[] {
  const f = ctx.facts;
  const plan: Repair[] = [];
  const { resolved, history: h } = historyOf(f);
  const d = resolved.dir;

  // the save dir
  if (!d?.exists) {
    plan.push({
      id: 'resurrect.create-save-dir',
      title: `create the save dir ${resolved.path} (owner ${f.host.user}, mode 700)`,
      automatic: true,
      script: createDirScript(resolved.path),
      undo: `rmdir ${shq(resolved.path)}`,
    });
  } else if (d.self && d.self.uid !== f.host.uid) {
    plan.push({
      id: 'resurrect.save-dir-owner',
      title: `give ${d.path} back to ${f.host.user}`,
      automatic: false,
      advice: [`sudo chown -R ${shq(f.host.user)} ${shq(d.path)}`],
    });
  } else if (!d.writable) {
    const mode = d.self?.mode;
    plan.push({
      id: 'resurrect.save-dir-mode',
      title: `make ${d.path} writable by ${f.host.user} (chmod u+rwx)`,
      automatic: true,
      script: chmodDirScript(d.path),
      ...(mode ? { undo: `chmod ${modeToOctal(mode)} ${shq(d.path)}` } : {}),
    });
  }

  if (h) {
    const v = h.newestValid;
    // relink `last`
    if (v && !h.lastUsable && h.last.entry !== v) {
      const dir = h.dir.path;
      if (h.last.state === 'not-link') {
        plan.push({
          id: 'resurrect.relink-last',
          title: `relink last to ${v.name} (last is a regular file: move it aside by hand first)`,
          automatic: false,
          advice: [moveAsideRelinkCommand(dir, v.name)],
        });
      } else {
        const seen =
          h.last.state === 'missing'
            ? ({ kind: 'none' } as const)
            : ({ kind: 'link', target: h.last.target ?? '' } as const);
        plan.push({
          id: 'resurrect.relink-last',
          title: `relink last to ${v.name}, the newest valid save (${h.last.state === 'missing' ? 'there is no last' : `now → ${h.last.target ?? '?'}, ${h.last.state === 'dangling' ? 'dangling' : (h.last.classification ?? 'not readable')}`})`,
          automatic: true,
          script: relinkScript(dir, v.name, seen),
          undo:
            seen.kind === 'link'
              ? `cd ${shq(dir)} && ln -sf ${shq(seen.target)} last`
              : `rm ${shq(`${dir}/last`)}   # the symlink only`,
        });
      }
    }
    // copy the newest valid save out of retention's reach
    if (v && h.retention.atRisk) {
      const keep = keepDir(f);
      plan.push({
        id: 'resurrect.keep-valid-save',
        title: `copy ${v.name} to ${keep}/ (resurrect deletes it ${h.retention.overdue ? 'at the next save' : `after ${h.retention.dueBy!.toISOString().slice(0, 10)}`}; it is not among the ${h.retention.keepNewest} newest)`,
        automatic: true,
        script: keepScript(h.dir.path, v.name, keep),
        undo: `rm ${shq(`${keep}/${v.name}`)}   # the copy only; the original stays`,
      });
    }
  }

  // what wrote the bad saves: advice only (dotfiles, config and the server are not edited)
  const dx = diagnose(f, h);
  for (const c of dx.causes) {
    if (c.advice.length)
      plan.push({
        id: `cause.${c.id}`,
        title: c.summary.replace(/^cause: /, 'stop the cause: '),
        automatic: false,
        advice: c.advice,
      });
  }
  for (const t of dx.risky) {
    plan.push({
      id: `trigger.${t.kind}`,
      title: `remove the save from ${t.where}: it fires as panes/sessions close and will clobber last`,
      automatic: false,
      advice: t.file
        ? [`in ${tilde(t.file, f.host.home)}, delete line ${t.lineNo}: ${t.fileText ?? t.line}`]
        : [`tmux set-hook -gu ${t.hook}`],
    });
  }
  for (const r of configAdvice(f)) if (!plan.some((p) => p.id === r.id)) plan.push(r);
  // PATH advice already given by a named cause is not repeated
  if (plan.some((p) => p.id === 'cause.server-without-path' || p.id === 'cause.script-without-path')) {
    return plan.filter((p) => p.id !== 'shell.path' && p.id !== 'server.path');
  }
  return plan;
}

/** `drwxr-x---` → `750` (setuid/setgid/sticky bits are dropped). */
function modeToOctal(mode: string): string {
  const bits = mode.slice(1, 10).padEnd(9, '-');
  let out = '';
  for (let i = 0; i < 9; i += 3) {
    const [r, w, x] = [bits[i], bits[i + 1], bits[i + 2]];
    out += String((r === 'r' ? 4 : 0) + (w === 'w' ? 2 : 0) + (x && x !== '-' && x !== 'S' && x !== 'T' ? 1 : 0));
  }
  return out;
}

type ScriptStatus = Exclude<RepairOutcome['status'], 'advice'>;
const STATUSES: readonly string[] = ['applied', 'already-ok', 'failed'] satisfies ScriptStatus[];

/** The script's outcome when it reported one to its end that agrees with its exit status (failed: 1, else 0). */
function outcomeOf(stdout: Buffer, code: number | null): { status: ScriptStatus; message: string } | undefined {
  const { records, ended } = splitRecords(stdout);
  const status = records.get('status')?.toString('utf8');
  const message = records.get('message')?.toString('utf8');
  if (!ended || status === undefined || !STATUSES.includes(status) || message === undefined) return undefined;
  if (code !== (status === 'failed' ? 1 : 0)) return undefined;
  return { status: status as ScriptStatus, message };
}

/** What the script printed, for a failure report: its status and message decoded, else the text as it came. */
function shown(stdout: Buffer): string {
  const { records } = splitRecords(stdout);
  const status = records.get('status')?.toString('utf8');
  if (status !== undefined) return `${status}: ${records.get('message')?.toString('utf8') ?? ''}`.trim();
  return stdout.toString('utf8').trim();
}

export async function applyRepairs(
  target: Target,
  repairs: Repair[],
  opts: { timeoutMs?: number } = {},
): Promise<RepairOutcome[]> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const out: RepairOutcome[] = [];
  for (const r of repairs) {
    if (!r.automatic || !r.script) {
      out.push({ id: r.id, status: 'advice', message: [r.title, ...(r.advice ?? [])].join('\n') });
      continue;
    }
    try {
      const res = await target.runScript(withLib(r.script), { timeoutMs });
      const o = outcomeOf(res.stdout, res.code);
      if (o) {
        out.push({ id: r.id, ...o, ...(o.status === 'applied' && r.undo ? { undo: r.undo } : {}) });
      } else {
        const why =
          res.code === null
            ? `killed${res.signal ? ` (${res.signal})` : ''} after ${timeoutMs} ms or disconnected`
            : `exit ${res.code}`;
        const printed = shown(res.stdout);
        out.push({
          id: r.id,
          status: 'failed',
          message: `${why}${printed ? `; output: ${printed}` : ''}${res.stderr.trim() ? `; stderr: ${res.stderr.trim()}` : ''}`,
        });
      }
    } catch (e) {
      out.push({ id: r.id, status: 'failed', message: `could not run on the target: ${(e as Error).message}` });
    }
  }
  return out;
}
