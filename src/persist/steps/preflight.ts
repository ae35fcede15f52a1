// persist.preflight: connect, find tmux, see what the server holds, and refuse unless the
// user agreed (--yes) and a restart ends nothing but the marker (or --force). Changes nothing.

import { describeSessions, one, parseServer, type Records, type ServerState, samePlace } from '../layout.js';
import type { Link } from '../link.js';
import type { RestartStrategy } from '../restart.js';
import { inspectScript } from '../scripts.js';
import { type MarkerDirs, Refusal, runOn, type StepDone, StepFailure } from '../step.js';

export interface PreflightInput {
  link: Link;
  /** `--wait`, ms */
  waitMs: number;
  yes: boolean;
  force: boolean;
  session: string;
  startCommand: string;
  strategy: RestartStrategy;
  tmuxSec: number;
  signal?: AbortSignal;
}

export interface PreflightOut {
  /** the absolute tmux path every later script uses */
  tmux: string;
  dirs: MarkerDirs;
  server: ServerState;
}

function recordsUnder(r: Records, prefix: string): string[] {
  const out: string[] = [];
  for (const [k, v] of r) if (k.startsWith(prefix)) out.push(...v);
  return out;
}

export async function preflight(i: PreflightInput): Promise<StepDone<PreflightOut>> {
  const target = await i.link.connect(i.waitMs, i.signal);
  const r = await runOn(
    target,
    inspectScript({ tmux: '', tmuxTimeoutSec: i.tmuxSec }),
    (i.tmuxSec * 24 + 10) * 1000,
    i.signal,
  );
  const tmux = one(r, 'tmux') ?? '';
  if (!tmux)
    throw new StepFailure(
      "no tmux on the target: not on a login shell's PATH, nor in /opt/homebrew/bin, /usr/local/bin, /usr/bin",
    );
  const home = one(r, 'home') ?? '';
  const base = `${home.replace(/\/+$/, '')}/.cache/cal-doctor/e2e`;
  const dirs = { base, plain: `${base}/plain`, spaced: `${base}/dir with space` };
  const srv = parseServer(r, 'srv');
  const sock = one(r, 'sock') ?? '';
  if (!srv.answers && /timed out/.test(srv.error ?? ''))
    throw new StepFailure(
      `the tmux server on ${sock} does not answer (${srv.error})`,
      [],
      ['kill -CONT or end the hung server first'],
    );

  const { strategy, session } = i;
  // `--local` from a pane of the very server a restart ends: cal-doctor would end itself
  const callerSock = (one(r, 'caller.tmux') ?? '').split(',')[0] ?? '';
  if (
    !strategy.endsEverything &&
    callerSock &&
    srv.answers &&
    (samePlace(callerSock, sock) || (srv.socket !== undefined && samePlace(callerSock, srv.socket)))
  ) {
    throw new Refusal(
      `cal-doctor runs inside the tmux server persist would end (${callerSock}): refusing`,
      [`$TMUX=${one(r, 'caller.tmux')}`],
      'run it from outside tmux: another terminal, or over SSH (--host)',
    );
  }
  const others = describeSessions(srv, [session]);
  const otherServers = recordsUnder(r, 'other.').map((v) => {
    const [sockPath, names] = v.split('\x1f');
    return `tmux server on ${sockPath}: sessions ${(names ?? '').trim().split('\n').filter(Boolean).join(', ') || 'none'}`;
  });
  const lost = [...others, ...(strategy.endsEverything ? otherServers : [])];
  const plan = [
    `tmux: ${tmux}; server: ${srv.answers ? `pid ${srv.pid} on ${srv.socket ?? sock} (tmux ${srv.version}), ${srv.sessions.length} session(s)` : `none running on ${sock}: the start command starts it`}`,
    `plan: make session ${session} (dirs under ${base}), save it as prefix C-s does, ${strategy.describe}, start tmux with \`${i.startCommand}\` (as \`$SHELL -c\`), check the restore, remove ${session}`,
  ];
  const ends = strategy.endsEverything
    ? `a VM restart ends every process in it${lost.length ? ', among them:' : ' (no tmux session but the marker runs now)'}`
    : `ending the tmux server ends ${lost.length ? 'these sessions and every program in their panes:' : 'no session but the marker (none other runs now)'}`;
  const lossLines = [ends, ...lost.map((l) => `  ${l}`)];
  if (!i.yes) {
    throw new Refusal(
      `persist restarts ${strategy.kind === 'tart' ? `the VM ${i.link.tart?.vm ?? ''}`.trim() : 'the tmux server'}: refusing without --yes`,
      [...plan, ...lossLines],
      `run again with --yes${lost.length ? ' --force' : ''} to go ahead`,
    );
  }
  if (lost.length && !i.force) {
    throw new Refusal(
      others.length
        ? `the server has ${others.length} session(s) besides ${session}, and a restart ends them: refusing without --force`
        : `other tmux servers run in the VM (${otherServers.length}), and a restart ends them: refusing without --force`,
      [
        ...plan,
        ...lossLines,
        'with --force they are saved with the marker and come back only if persistence works — which is what this finds out',
      ],
      'close them, or run again with --force',
    );
  }
  const details = [...plan, ...lossLines];
  if (one(r, 'halt') === '1')
    details.push('note: ~/tmux_no_auto_restore exists: continuum will not restore (expect persist.restore to fail)');
  return {
    summary: `ready on ${target.label}: ${srv.answers ? `server pid ${srv.pid}, ${srv.sessions.length} session(s)` : 'no tmux server yet'}; restart by ${strategy.kind === 'tart' ? 'tart stop/run' : 'SIGTERM to the server'}${lost.length ? ` (--force: ${lost.length} other session(s)/server(s) will be restarted too)` : ''}`,
    details,
    out: { tmux, dirs, server: srv },
  };
}
