// The save dir's history as the checks and the repairs read it: one place that resolves the
// dir, applies @resurrect-delete-backup-after and words the relink and keep-aside steps.
import type { Facts } from '../probe/facts.js';
import { optionValue } from './config.js';
import { type HistoryEntry, type SaveHistory, saveHistory, stampOf } from './resurrect/history.js';
import { type ResolvedSaveDir, resolveSaveDir } from './resurrect/savedir.js';
import { ageText, shq } from './util.js';

export interface HistoryView {
  resolved: ResolvedSaveDir;
  /** undefined when the save dir does not exist */
  history?: SaveHistory;
}

/** historyOf's answer per facts object: several checks and --fix read the same history. */
const views = new WeakMap<Facts, HistoryView>();

/**
 * The resolved save dir and its history, built once per facts object and shared by every
 * caller (the facts are read-only once parsed; so is what is built from them).
 */
export function historyOf(f: Facts): HistoryView {
  let view = views.get(f);
  if (!view) {
    view = buildHistory(f);
    views.set(f, view);
  }
  return view;
}

function buildHistory(f: Facts): HistoryView {
  const resolved = resolveSaveDir(f);
  const d = resolved.dir;
  if (!d?.exists) return { resolved };
  const opt = optionValue(f, '@resurrect-delete-backup-after').value;
  const days = opt !== undefined && /^\d+$/.test(opt.trim()) ? Number(opt.trim()) : undefined;
  return { resolved, history: saveHistory(d, { tzOffset: f.host.tzOffset, now: f.host.now, deleteAfterDays: days }) };
}

/** `3 h ago`, from the name's time and the target's clock. */
export function ago(f: Facts, e: Pick<HistoryEntry, 'time'>): string {
  return `${ageText(f.host.now - e.time.getTime() / 1000)} ago`;
}

/** Relink over a `last` that is a regular file (maybe someone's only copy): moved aside, never overwritten. */
export function moveAsideRelinkCommand(dir: string, name: string): string {
  return `cd ${shq(dir)} && mv last last.keep && ln -s ${shq(name)} last`;
}

/** Where a save at risk of retention is copied: outside the save dir, so no save deletes it. */
export function keepDir(f: Facts): string {
  return `${f.host.home.replace(/\/+$/, '')}/tmux-resurrect-keep`;
}

export function keepCommand(f: Facts, dir: string, name: string): string {
  return `mkdir -p ${shq(keepDir(f))} && cp -p ${shq(`${dir.replace(/\/+$/, '')}/${name}`)} ${shq(keepDir(f))}/`;
}

/** One line on retention for the newest valid save, when it is at risk. */
export function retentionLine(h: SaveHistory): string | undefined {
  const r = h.retention;
  const v = h.newestValid;
  if (!v || !r.atRisk || !r.dueBy) return undefined;
  const due = r.dueBy.toISOString().slice(0, 10);
  const when = r.overdue
    ? `it is already older than ${r.days} days, so the very next save deletes it`
    : `the first save after ${due} (${r.days} days after ${stampOf(v.name)}) deletes it`;
  return `retention: ${v.name} is number ${r.rank} by age and resurrect keeps only the ${r.keepNewest} newest saves regardless of age (@resurrect-delete-backup-after ${r.days} days): ${when} — even while \`last\` points to it`;
}
