// tmux-continuum as its own scripts (0698e8f) see the server, for the checks that judge it.
//
// continuum.tmux wires auto-save (puts `#(…/continuum_save.sh)` in front of status-right)
// and sets the first @continuum-save-last-timestamp only when `another_tmux_server_running`
// is false (scripts/helpers.sh):
//   all_tmux_processes:  ps -u $(id -u) -o "command pid" | grep "^tmux" | grep -v "^tmux source"
//   except the server:   … | grep -v " <pid from $TMUX>$" | wc -l
//   just started (server start_time within @continuum-restore-max-delay, default 10 s):
//       another server  ⇔  count > 1      (the client that started the server is allowed)
//   later (a plugin reload):
//       another server  ⇔  count > $(tmux list-clients | wc -l)
// Every command line that *starts with* `tmux` counts: clients, other servers, a plugin's
// `tmux show-option` running at that moment, `tmux-mem-cpu-load`; a tmux started by its
// full path (`/opt/homebrew/bin/tmux …`) does not. continuum_restore.sh applies the
// start-up rule again before restoring.
import type { Facts, ProcessFact, ServerFact } from '../probe/facts.js';
import { pluginPlace } from './config/tpm.js';
import { optionValue } from './config.js';
import { basename, liveServer, noServerReason, shq, tilde } from './util.js';

const DEFAULT_SAVE_INTERVAL_MIN = 15;
const DEFAULT_RESTORE_MAX_DELAY_SEC = 10;

export function continuumDir(f: Facts): string {
  return pluginPlace(f, 'tmux-continuum').dir;
}

export function continuumInstalled(f: Facts): boolean {
  return !!pluginPlace(f, 'tmux-continuum').entry;
}

/** Why a check of a running continuum has nothing to look at (not installed, no server), if so. */
export function continuumAbsence(f: Facts): string | undefined {
  if (!continuumInstalled(f)) return 'tmux-continuum is not installed (see plugins.continuum)';
  if (!liveServer(f)) return noServerReason(f);
  return undefined;
}

/** continuum's `#(…/continuum_save.sh)` is in status-right. */
export function continuumHooked(server: ServerFact): boolean {
  return (server.options['status-right'] ?? '').includes('continuum_save.sh');
}

export function tpmLoaded(server: ServerFact): boolean {
  const v = server.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
  return typeof v === 'string' && v !== '';
}

/** `@continuum-save-last-timestamp` as epoch seconds, or null when unset or not a number. */
export function lastSaveTimestamp(server: ServerFact): number | null {
  const raw = server.options['@continuum-save-last-timestamp'];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

export interface IntOption {
  value: number;
  /** as set, when set */
  raw?: string;
  /** where it was found: the running server, a config line, or the plugin's default */
  source: string;
}

/** A whole-number option the way continuum reads it (`get_tmux_option NAME DEFAULT`: empty = default). */
function intOption(f: Facts, name: string, def: number): IntOption {
  const o = optionValue(f, name);
  const raw = o.value;
  if (raw === undefined || raw === '') return { value: def, source: `${name} not set, default ${def}` };
  const where =
    o.source === 'server' ? 'running server' : `config${o.at ? ` ${tilde(o.at.file, f.host.home)}:${o.at.line}` : ''}`;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  return { value: n, raw, source: `${name} = ${raw} (${where})` };
}

export function saveInterval(f: Facts): IntOption {
  return intOption(f, '@continuum-save-interval', DEFAULT_SAVE_INTERVAL_MIN);
}

export function restoreMaxDelay(f: Facts): IntOption {
  return intOption(f, '@continuum-restore-max-delay', DEFAULT_RESTORE_MAX_DELAY_SEC);
}

/** A `ps` command line continuum counts: it starts with `tmux` and is not `tmux source…`. */
function countedByContinuum(command: string): boolean {
  return command.startsWith('tmux') && !command.startsWith('tmux source');
}

/** A tmux run by its full path: tmux all the same, but invisible to continuum's `grep "^tmux"`. */
function tmuxByPath(command: string): boolean {
  const first = command.split(/\s/, 1)[0] ?? '';
  return first.includes('/') && basename(first) === 'tmux';
}

export interface ContinuumCount {
  /** the user's processes continuum counts, the server itself excluded */
  counted: ProcessFact[];
  /** `list-clients` */
  clients: number;
  clientPids: Set<number>;
  /** counted processes that are not clients of this server: what tips continuum's count */
  extra: ProcessFact[];
  /** tmux processes continuum does not see (full path) */
  uncounted: ProcessFact[];
}

/** continuum's count, reproduced from the probe's `ps` and `list-clients`. */
export function continuumCount(f: Facts, server: ServerFact): ContinuumCount {
  const mine = f.processes.filter((p) => p.uid === f.host.uid && p.pid !== server.pid);
  const counted = mine.filter((p) => countedByContinuum(p.command));
  const clientPids = new Set(server.clients.map((c) => c.pid));
  return {
    counted,
    clients: server.clients.length,
    clientPids,
    extra: counted.filter((p) => !clientPids.has(p.pid)),
    uncounted: mine.filter((p) => tmuxByPath(p.command)),
  };
}

/** `ps` evidence line for a process continuum counts. */
export function describeCounted(p: ProcessFact, c: ContinuumCount): string {
  const what = c.clientPids.has(p.pid)
    ? 'a client of this server'
    : p.ppid === 1
      ? 'ppid 1: another tmux server'
      : 'not a client of this server';
  return `ps: pid ${p.pid} (${what}, up ${p.etime}): ${p.command}`;
}

/**
 * Wires continuum's auto-save into the running server without its process count: from
 * tmux's own prompt (no extra client process, so the reload counts right), or by setting
 * what continuum.tmux would set.
 */
export function wireNowFix(f: Facts): string[] {
  const cdir = continuumDir(f);
  return [
    `reload continuum from inside tmux, where no extra tmux client runs: prefix : then run-shell ${shq(`${cdir}/continuum.tmux`)}`,
    `or set what continuum.tmux sets, from any shell: tmux set -g @continuum-save-last-timestamp "$(date +%s)"; tmux set -g status-right ${shq(`#(${cdir}/scripts/continuum_save.sh)`)}"$(tmux show -gv status-right)"`,
  ];
}
