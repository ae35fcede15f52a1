// persist.cleanup: remove the marker session (only it) and its dirs (only when empty). Runs
// whatever happened before, interrupts included, once the marker may exist.
import type { Target } from '../../targets/target.js';
import { one } from '../layout.js';
import { type CommonVars, cleanupScript } from '../scripts.js';
import { type MarkerDirs, runOn, type StepReport } from '../step.js';

export interface CleanupInput {
  target: Target;
  common: CommonVars;
  session: string;
  dirs: MarkerDirs;
  /**
   * seconds to wait first for a restore still running (restarted, but the restore was not
   * seen through): it would bring the marker back after it was removed
   */
  settleSec: number;
  saveDir?: string;
  /** persist's save, when it made one */
  savedName?: string;
}

function historyNote(i: CleanupInput, link: string | undefined): string[] {
  if (!i.savedName) return [];
  if (link === i.savedName) {
    return [
      `the save history is untouched: \`last\` (${i.savedName}) still holds ${i.session} until the next save (continuum's auto-save or prefix C-s) replaces it; a restore before then brings it back: tmux kill-session -t ${i.session}`,
    ];
  }
  return [
    `the save history is untouched by the cleanup; \`last\` now points to ${link || '(nothing)'}, not to persist's save ${i.savedName}`,
  ];
}

export async function cleanup(i: CleanupInput): Promise<StepReport> {
  const { session } = i;
  const r = await runOn(
    i.target,
    cleanupScript(i.common, { session, ...i.dirs, settleSec: i.settleSec, lastDir: i.saveDir }),
    (i.settleSec + i.common.tmuxTimeoutSec * 10 + 10) * 1000,
  );
  const killed = one(r, 'killed');
  const left = (one(r, 'left') ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\x1f')[1])
    .filter(Boolean);
  const details = [
    left.length ? `sessions left as they were: ${left.join(', ')}` : 'no other session on the server',
    ...(one(r, 'dirs.left') ? [`${one(r, 'dirs.left')} is not empty: left in place`] : []),
    ...historyNote(i, one(r, 'last.link')),
  ];
  if (killed === '0') return { summary: `removed ${session}`, details };
  if (killed === 'none')
    return { status: 'info', summary: `${session} was not on the server: nothing to remove`, details };
  if (killed === 'noserver')
    return { status: 'info', summary: `no tmux server runs: ${session} is not there`, details };
  return {
    status: 'warn',
    summary: `could not remove ${session} (kill-session exit ${killed}): ${one(r, 'kill.out') ?? ''}`,
    details,
    fix: [`tmux kill-session -t ${session}`],
  };
}
