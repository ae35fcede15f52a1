// persist.layout: the marker session on the user's server (starting the server first, the
// way the user does, when none runs): 3 windows, a split, a dir with a space, a scrollback line.
import type { Target } from '../../targets/target.js';
import { describeLayout, type Layout, layoutOfLive, one, parseServer, type ServerState } from '../layout.js';
import { type CommonVars, markerScript, settleScript } from '../scripts.js';
import {
  type MarkerDirs,
  type PanePos,
  type PersistTimeouts,
  runOn,
  type StepDone,
  StepFailure,
  secs,
  shorten,
} from '../step.js';
import { startServer } from './start.js';

export interface LayoutInput {
  target: Target;
  common: CommonVars;
  t: PersistTimeouts;
  session: string;
  dirs: MarkerDirs;
  token: string;
  startCommand: string;
  /** the server as the preflight saw it */
  server: ServerState;
  /** called just before the marker session is made: from then on the cleanup has something to remove */
  markerMayExist: () => void;
  signal?: AbortSignal;
}

export interface LayoutOut {
  /** the marker as built */
  expected: Layout;
  scrollPane: PanePos;
  /** the scrollback line showed in its pane */
  scrollShown: boolean;
  /** the server after the marker was built */
  server: ServerState;
}

/** The start command's server is gone: with no session it exits at once (exit-empty). */
function noServerLeft(error: string | undefined, details: string[]): StepFailure {
  return new StepFailure(
    `the start command left no tmux server running (${error ?? 'no answer'})`,
    [...details, 'a server with no session exits at once (exit-empty): `tmux start-server` alone does not keep it up'],
    ['pass the command that starts your tmux with --start-command, e.g. --start-command "tmux new-session -d"'],
  );
}

export async function buildLayout(i: LayoutInput): Promise<StepDone<LayoutOut>> {
  const { target, common, t, session } = i;
  const details: string[] = [];
  let srv = i.server;
  if (!srv.answers) {
    const s = await startServer(target, {
      common,
      startCommand: i.startCommand,
      startSec: t.startSec,
      signal: i.signal,
    });
    details.push(`no server was running: started it with \`${i.startCommand}\` in ${secs(s.ms)}; ${s.line}`);
    if (!s.server.answers) throw noServerLeft(s.server.error, details);
    const maxSec = (s.server.restoreMaxDelay ?? 10) + t.settleSec;
    const settle = await runOn(
      target,
      settleScript(common, { maxSec }),
      (maxSec + t.tmuxSec * 10 + 15) * 1000,
      i.signal,
    );
    srv = parseServer(settle, 'srv');
    const kinds = (one(settle, 'settle.kinds') ?? '').trim();
    details.push(
      `waited ${one(settle, 'settle.sec')} s for the plugins to finish loading${kinds ? ` (${kinds})` : ''}`,
    );
    // the same cause as above, seen a moment later: a sessionless server exits once it has started
    if (!srv.answers) throw noServerLeft(srv.error, [...details, 'the server answered once, then went away']);
  }
  const script = markerScript(common, { session, ...i.dirs, token: i.token, scrollTimeoutSec: t.scrollSec });
  i.markerMayExist();
  const r = await runOn(target, script, (t.scrollSec + t.tmuxSec * 30 + 15) * 1000, i.signal);
  const fail = one(r, 'fail');
  if (fail) throw new StepFailure(`could not build ${session}: ${fail}`, details);
  if (one(r, 'stale')) details.push(`replaced a ${session} session left by an earlier run`);
  srv = parseServer(r, 'srv');
  const layout = layoutOfLive(srv.panes, session);
  if (layout?.windows.length !== 3 || layout.windows.reduce((n, w) => n + w.panes.length, 0) !== 4) {
    throw new StepFailure(
      `${session} does not have the layout persist built (3 windows, 4 panes): ${layout ? describeLayout(layout) : 'it is gone'}`,
      details,
    );
  }
  const first = layout.windows[0]!;
  const scrollPane = { window: first.index, pane: first.panes[0]!.index };
  const scrollShown = one(r, 'scroll.ok') === '1';
  const out = { expected: layout, scrollPane, scrollShown, server: srv };
  details.push(
    `layout: ${describeLayout(layout)}`,
    `dirs: ${i.dirs.plain} and "${i.dirs.spaced}"`,
    `server: pid ${srv.pid}, tmux ${srv.version}; plugins: TPM ${srv.tpmLoaded ? 'loaded' : 'NOT loaded'}, resurrect ${srv.saveScript ? 'loaded' : 'NOT loaded'}, @continuum-restore ${srv.continuumRestore ?? 'unset'}, pane contents ${srv.captureContents ? 'captured' : 'not captured'}`,
  );
  if (!scrollShown) {
    return {
      status: 'warn',
      summary: `${session} built (${describeLayout(layout).split(':')[0]}), but the scrollback line never showed in pane ${scrollPane.window}.${scrollPane.pane}: the pane's shell did not run \`echo\`; scrollback is not checked`,
      details: [...details, `last capture of the pane: ${shorten(one(r, 'scroll.capture') ?? '', 500)}`],
      out,
    };
  }
  details.push(`scrollback line in pane ${scrollPane.window}.${scrollPane.pane}: ${i.token}`);
  return {
    summary: `${session} built: ${describeLayout(layout).split(':')[0]}, a split, a dir with a space, a scrollback line`,
    details,
    out,
  };
}
