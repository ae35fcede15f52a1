// persist.restart: restart as the chosen strategy does (the VM, or the tmux server), then
// start tmux with the start command. Once begun it is not stopped half way, interrupted or
// not: it ends with the user's server started again, which is what an interrupt must leave.

import { one, type ServerState } from '../layout.js';
import type { Link } from '../link.js';
import type { RestartStrategy } from '../restart.js';
import type { CommonVars } from '../scripts.js';
import { type PersistTimeouts, runOn, type StepDone, StepFailure, secs } from '../step.js';
import { startServer } from './start.js';

export interface RestartInput {
  link: Link;
  common: CommonVars;
  t: PersistTimeouts;
  strategy: RestartStrategy;
  startCommand: string;
  /** the save dir: its `last` is recorded as the shutdown left it */
  saveDir: string;
}

export interface RestartOut {
  /** the restarted server the moment the start command returned */
  server: ServerState;
  /** `last` as the shutdown left it */
  lastAfterShutdown?: { state: string; link?: string; content?: string };
}

export async function restart(i: RestartInput): Promise<StepDone<RestartOut>> {
  const { link, strategy, t } = i;
  const before = link.target;
  if (!before) throw new StepFailure('no connection to the target');
  const t0 = performance.now();
  let res: Awaited<ReturnType<RestartStrategy['restart']>>;
  try {
    res = await strategy.restart({
      target: before,
      common: i.common,
      run: (target, script, timeoutMs) => runOn(target, script, timeoutMs),
      reconnect: (waitMs) => link.connect(waitMs),
      shutdownSec: t.shutdownSec,
      bootSec: t.bootSec,
    });
  } catch (e) {
    // a VM restart that failed part way has ended the old connection
    if (strategy.endsEverything) await link.drop();
    throw e;
  }
  await link.adopt(res.target);
  const restartMs = performance.now() - t0;
  const s = await startServer(res.target, {
    common: i.common,
    startCommand: i.startCommand,
    startSec: t.startSec,
    snapshotDir: i.saveDir,
  });
  const preState = one(s.records, 'pre.state');
  const lastAfterShutdown = preState
    ? { state: preState, link: one(s.records, 'pre.link'), content: one(s.records, 'pre.content') }
    : undefined;
  const details = [...res.details, `start: \`${i.startCommand}\` in ${secs(s.ms)}; ${s.line}`];
  if (one(s.records, 'pre.ping') === '0')
    details.push(
      "note: a tmux server was already running before the start command (started at boot: continuum's @continuum-boot or a LaunchAgent)",
    );
  if (lastAfterShutdown)
    details.push(`last after the shutdown: ${lastAfterShutdown.link ?? '(no link)'} (${lastAfterShutdown.state})`);
  if (!s.server.answers) {
    throw new StepFailure(
      `after the restart, the start command left no tmux server running (${s.server.error ?? 'no answer'})`,
      details,
      [
        'a command that attaches (new-session without -d, attach) needs a terminal, which persist does not have: pass the detached form, e.g. --start-command "tmux new-session -d -A -s cal-dev"',
      ],
    );
  }
  details.push(
    `server pid ${s.server.pid}, started ${s.server.startTime}; sessions when the start command returned: ${s.server.sessions.map((x) => x.name).join(', ') || 'none'}`,
  );
  const what = strategy.kind === 'tart' ? 'VM restarted' : 'tmux server ended (SIGTERM) and started again';
  const out = { server: s.server, lastAfterShutdown };
  if (s.rc !== 0)
    return {
      status: 'warn',
      summary: `${what} in ${secs(restartMs)}; the start command exited ${s.rc}, but a server runs`,
      details,
      out,
    };
  return {
    summary: `${what} in ${secs(restartMs)}; tmux started by the start command (server pid ${s.server.pid})`,
    details,
    out,
  };
}
