// Starting tmux the way the user does (the start command), used by the layout step when no
// server runs, by the restart step after the restart, and to bring the server back after
// an interrupted restart.
import type { Target } from '../../targets/target.js';
import { one, parseServer, type Records, type ServerState } from '../layout.js';
import { type CommonVars, startScript } from '../scripts.js';
import { runOn, shorten } from '../step.js';

export interface Started {
  /** what the server held the moment the start command returned */
  server: ServerState;
  records: Records;
  ms: number;
  rc: number;
  /** `start command exit 0, output: …` */
  line: string;
}

export async function startServer(
  target: Target,
  v: { common: CommonVars; startCommand: string; startSec: number; snapshotDir?: string; signal?: AbortSignal },
): Promise<Started> {
  const t0 = performance.now();
  const r = await runOn(
    target,
    startScript(v.common, { startCommand: v.startCommand, startTimeoutSec: v.startSec, snapshotDir: v.snapshotDir }),
    (v.startSec + v.common.tmuxTimeoutSec * 12 + 15) * 1000,
    v.signal,
  );
  const rc = Number(one(r, 'start.rc') ?? -1);
  const out = one(r, 'start.out') ?? '';
  const line = `start command exit ${rc === 137 ? '137 (did not return in time: killed)' : rc}${out.trim() ? `, output: ${shorten(out)}` : ''}`;
  return { server: parseServer(r, 'srv'), records: r, ms: performance.now() - t0, rc, line };
}
