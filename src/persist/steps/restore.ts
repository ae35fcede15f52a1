// persist.restore: wait out continuum's restore window, then compare what came back with
// the marker as built (and the user's other saved sessions); when it did not come back, say why.

import { abortable } from '../../common/backoff.js';
import { logoutHooks } from '../../domain/resurrect/logout-hooks.js';
import type { ParsedSave } from '../../domain/resurrect/savefile.js';
import type { CheckOutcome } from '../../engine/run.js';
import type { Facts } from '../../probe/facts.js';
import { gatherFacts } from '../../probe/gather.js';
import type { Target } from '../../targets/target.js';
import { hasLine } from '../contents.js';
import { diagnose, type LastState } from '../diagnose.js';
import {
  compareLayout,
  describeLayout,
  type Layout,
  layoutOfLive,
  layoutOfSave,
  one,
  parseServer,
  type ServerState,
} from '../layout.js';
import { type CommonVars, settleScript } from '../scripts.js';
import { type PanePos, type PersistTimeouts, runOn, type StepDone, StepFailure } from '../step.js';

export interface RestoreInput {
  target: Target;
  common: CommonVars;
  t: PersistTimeouts;
  session: string;
  startCommand: string;
  expected: Layout;
  scrollPane: PanePos;
  scrollSaved: boolean;
  token: string;
  saveDir: string;
  savedName?: string;
  savedContent: string;
  saved: ParsedSave;
  /** the restarted server the moment the start command returned */
  afterStart: ServerState;
  lastAfterShutdown?: LastState;
  /** called once the restore window was waited out: nothing will bring the marker back after that */
  onSettled: () => void;
  /** the doctor's checks that explain a failed restore, run on these facts */
  explain: (facts: Facts) => Promise<CheckOutcome[]>;
  /** only the wait is dropped on abort: it changes nothing on the target */
  signal?: AbortSignal;
}

export async function verifyRestore(i: RestoreInput): Promise<StepDone<undefined>> {
  const { session, afterStart: a0 } = i;
  const maxDelay = a0.restoreMaxDelay ?? 10;
  const windowSec = maxDelay + 1 + i.t.restoreGraceSec;
  const capture = `=${session}:${i.scrollPane.window}.${i.scrollPane.pane}`;
  const r = await abortable(
    runOn(
      i.target,
      settleScript(i.common, { maxSec: windowSec, watch: session, captureTarget: capture, lastDir: i.saveDir }),
      (windowSec + i.t.tmuxSec * 12 + 15) * 1000,
      i.signal,
    ),
    i.signal,
  );
  i.onSettled();
  const after = parseServer(r, 'srv');
  const kinds = (one(r, 'settle.kinds') ?? '').trim().split(/\s+/).filter(Boolean);
  const timedOut = one(r, 'settle.timedout') === '1';
  const seen = Number(one(r, 'settle.seen') || NaN);
  const start = after.startTime ?? a0.startTime;
  const restoredAfter = Number.isFinite(seen) && start ? seen - start : undefined;
  const actual = layoutOfLive(after.panes, session);
  const mismatches = compareLayout(i.expected, actual);
  if (i.scrollSaved && actual) {
    const cap = one(r, 'capture') ?? '';
    if (one(r, 'capture.rc') !== '0' || !hasLine(cap, i.token))
      mismatches.push(`the scrollback line ${i.token} is not in pane ${i.scrollPane.window}.${i.scrollPane.pane}`);
  }
  const markerBefore = a0.sessions.some((s) => s.name === session);
  const details = [
    `restore window: @continuum-restore-max-delay ${maxDelay} s (+1 s continuum waits, +${i.t.restoreGraceSec} s for the restore to run); waited ${one(r, 'settle.sec')} s${timedOut ? ' (the window closed with plugin scripts still running)' : ''}`,
    `plugin scripts seen running: ${kinds.join(', ') || 'none'}`,
    `sessions now: ${after.sessions.map((s) => s.name).join(', ') || 'none'}`,
  ];
  if (restoredAfter !== undefined) details.push(`${session} existed ${restoredAfter} s after the server started`);
  // the user's other saved sessions (with --force): came back too?
  const others: string[] = [];
  for (const s of i.saved.sessions) {
    if (s.name === session || s.groupedWith) continue;
    const exp = layoutOfSave(i.saved, s.name);
    if (!exp) continue;
    const diff = compareLayout(exp, layoutOfLive(after.panes, s.name));
    const made = a0.sessions.some((x) => x.name === s.name) ? ' (the start command made it before the restore)' : '';
    others.push(
      diff.length
        ? `saved session ${s.name}${made}: ${diff.join('; ')}`
        : `saved session ${s.name}: back (${describeLayout(exp).split(':')[0]})${made}`,
    );
  }
  details.push(...others);
  if (actual && mismatches.length === 0) {
    const when = restoredAfter !== undefined ? ` ${restoredAfter} s after the server started` : '';
    const summary = `${session} is back${when}: ${describeLayout(actual).split(':')[0]}, dirs${i.scrollSaved ? ', scrollback line' : ''} as saved`;
    if (markerBefore) {
      return {
        status: 'warn',
        summary: `${summary} — but only because resurrect replaced the start command's lone pane`,
        details: [
          ...details,
          `the start command created ${session} before the restore; resurrect rebuilt it because it was the only pane on the server ("restore from scratch"). A start command that makes anything more (a second window or session) blocks the restore of that session`,
        ],
        fix: [
          'start the server with a plain `tmux new-session -d`, and attach (or create your session) after the restore',
        ],
        out: undefined,
      };
    }
    const otherBroken = others.filter((o) => !/: back \(/.test(o) && !/made it before the restore/.test(o));
    if (otherBroken.length)
      return {
        status: 'warn',
        summary: `${summary}; but not every other saved session came back`,
        details,
        out: undefined,
      };
    return { summary, details, out: undefined };
  }
  const facts = await gatherFacts(i.target, {
    tmuxTimeoutSec: Math.min(i.t.tmuxSec, 5),
    timeoutMs: 60_000,
  }).catch(() => undefined);
  const checks = facts ? await i.explain(facts).catch(() => undefined) : undefined;
  const d = diagnose({
    session,
    savedName: i.savedName,
    savedContent: i.savedContent,
    lastAfterShutdown: i.lastAfterShutdown,
    markerBeforeRestore: markerBefore,
    settleKinds: kinds,
    settleTimedOut: timedOut,
    after,
    halt: facts?.noAutoRestore ?? false,
    logoutHooks: logoutHooks(facts),
    mismatches,
    startCommand: i.startCommand,
    otherTmux: (one(r, 'settle.tmuxps') ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !(after.pid !== undefined && l.startsWith(`${after.pid} `))),
    checks,
  });
  throw new StepFailure(
    `${session} did not come back: ${d.summary}`,
    [
      ...mismatches.map((m) => `expected vs restored: ${m}`),
      ...d.details,
      ...details,
      `last now: ${one(r, 'post.link') ?? '(no link)'} (${one(r, 'post.state')})`,
      `cause: ${d.cause}`,
    ],
    d.fix,
    checks,
  );
}
