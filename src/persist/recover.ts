// After a restart that was interrupted or failed part way, the user's tmux server may be
// down: start it again the way the user does, or say exactly how to.
import { shq } from '../common/quote.js';
import type { ConnectOptions } from '../targets/connect.js';
import { parseServer, type ServerState } from './layout.js';
import type { Link } from './link.js';
import type { RestartStrategy } from './restart.js';
import { type CommonVars, inspectScript } from './scripts.js';
import { type PersistTimeouts, runOn } from './step.js';
import { startServer } from './steps/start.js';

export interface BringBack {
  details: string[];
  /** the server runs (again) */
  server?: ServerState;
  /** when persist could not start it: the command that does, to run by hand */
  manual?: string;
}

/** The command a person runs to start their tmux server on the target, as persist would. */
export function bringBackCommand(
  conn: Pick<ConnectOptions, 'target' | 'user' | 'port' | 'identity'>,
  startCommand: string,
): string {
  const t = conn.target;
  if (t.kind === 'local') return `"$SHELL" -c ${shq(startCommand)}`;
  const id = conn.identity ? ` -i ${shq(conn.identity)}` : '';
  if (t.kind === 'vm')
    return `tart run --no-graphics ${shq(t.name)} & ssh${id} ${conn.user ?? 'admin'}@"$(tart ip ${shq(t.name)})" ${shq(startCommand)}`;
  const m = /^(?:(.*)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(t.host);
  const user = conn.user ?? m?.[1];
  const host = m?.[2] ?? t.host;
  const port = conn.port ?? (m?.[3] ? Number(m[3]) : undefined);
  return `ssh${port ? ` -p ${port}` : ''}${id} ${shq(user ? `${user}@${host}` : host)} ${shq(startCommand)}`;
}

export async function bringServerBack(i: {
  link: Link;
  common: CommonVars;
  t: PersistTimeouts;
  strategy: RestartStrategy;
  startCommand: string;
  connection: ConnectOptions;
}): Promise<BringBack> {
  const manual = bringBackCommand(i.connection, i.startCommand);
  const cannot = (why: string): BringBack => ({
    details: [`the tmux server may be down, and persist could not start it: ${why}`, `start it with: ${manual}`],
    manual,
  });
  let target = i.link.target;
  try {
    target ??= await i.link.connect(i.strategy.endsEverything ? i.t.bootSec * 1000 : 15_000);
    const r = await runOn(target, inspectScript(i.common), (i.t.tmuxSec * 24 + 10) * 1000);
    const now = parseServer(r, 'srv');
    if (now.answers) return { details: [`the tmux server runs (pid ${now.pid})`], server: now };
    const s = await startServer(target, { common: i.common, startCommand: i.startCommand, startSec: i.t.startSec });
    if (!s.server.answers) return cannot(`the start command left none running (${s.line})`);
    return {
      details: [
        `no tmux server ran after the restart: started it again with \`${i.startCommand}\` (pid ${s.server.pid})`,
      ],
      server: s.server,
    };
  } catch (e) {
    return cannot((e as Error)?.message ?? String(e));
  }
}
