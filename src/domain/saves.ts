// The save files and save processes as several field checks read them: the resolved dir's
// `last` parsed once, the other saves by time, and the resurrect/continuum processes in `ps`.
import type { Facts, ProcessFact, SaveDirFact, SaveFileContent } from '../probe/facts.js';
import { type ResolvedSaveDir, resolveSaveDir, saveFilesIn } from './resurrect/savedir.js';
import { type ParsedSave, parseSave } from './resurrect/savefile.js';
import { shq } from './util.js';

export interface LastView {
  resolved: ResolvedSaveDir;
  dir?: SaveDirFact;
  /** `last`'s content, when it resolves and was read */
  file?: SaveFileContent;
  /** the file `last` points to (its name) */
  name?: string;
  parsed?: ParsedSave;
}

/** `last` of the save dir resurrect uses, parsed. */
export function lastSave(f: Facts): LastView {
  const resolved = resolveSaveDir(f);
  const dir = resolved.dir?.exists ? resolved.dir : undefined;
  const file = dir?.last?.resolves ? dir.last.file : undefined;
  if (!dir || !file) return { resolved, dir };
  const name = file.name || dir.last?.target || 'last';
  return { resolved, dir, file, name, parsed: parseSave(file.content, { truncated: file.truncated }) };
}

/** `cd DIR && ln -sf NAME last`: point `last` at another save (what restore reads). */
export function relinkCommand(dir: string, name: string): string {
  return `cd ${shq(dir)} && ln -sf ${shq(name)} last`;
}

export function restoreScript(f: Facts): string {
  return `${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect/scripts/restore.sh`;
}

export function saveScript(f: Facts): string {
  return `${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect/scripts/save.sh`;
}

/** Save files of a dir with their time (from the name, read at the target's offset), oldest first. */
export function savesByTime(f: Facts, d: SaveDirFact): Array<{ name: string; size: number; time: number }> {
  return saveFilesIn(d, f.host.tzOffset).map((s) => ({
    name: s.name,
    size: s.size,
    time: Math.floor(s.time.getTime() / 1000),
  }));
}

/** `ps -o etime` ([[dd-]hh:]mm:ss) in seconds; NaN when unreadable. */
export function etimeSeconds(etime: string): number {
  const m = etime.trim().match(/^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/);
  if (!m) return NaN;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** every save.sh process of the user, a save's subshells included */
export function allSaveProcesses(f: Facts): ProcessFact[] {
  return f.processes.filter((p) => p.uid === f.host.uid && /tmux-resurrect\/scripts\/save\.sh(\s|$)/.test(p.command));
}

/**
 * resurrect's save.sh runs (bash …/save.sh), the user's only, one per save: the subshells a
 * save forks for its pipelines carry the same command line and are left out.
 */
export function saveProcesses(f: Facts): ProcessFact[] {
  const all = allSaveProcesses(f);
  const pids = new Set(all.map((p) => p.pid));
  return all.filter((p) => !pids.has(p.ppid));
}

/** The helpers a save runs per pane (save_command_strategies/*.sh) and continuum's own script. */
export function saveHelperProcesses(f: Facts): ProcessFact[] {
  return f.processes.filter(
    (p) =>
      p.uid === f.host.uid &&
      (/tmux-resurrect\/(?:scripts\/\.\.\/)?save_command_strategies\/\S+\.sh/.test(p.command) ||
        /tmux-continuum\/scripts\/continuum_save\.sh/.test(p.command)),
  );
}

/** epoch seconds as `2025-06-02T09:25:00Z` */
export function iso(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
}
