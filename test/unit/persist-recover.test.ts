// After a restart that failed part way, persist starts the user's tmux server again the way
// the user does, or prints exactly the command that does.
import { describe, expect, it } from 'vitest';
import { Link } from '../../src/persist/link.js';
import { bringBackCommand, bringServerBack } from '../../src/persist/recover.js';
import { serverRestart } from '../../src/persist/restart.js';
import { US } from '../../src/persist/scripts.js';
import { DEFAULT_TIMEOUTS } from '../../src/persist/step.js';
import type { RunResult, Target } from '../../src/targets/target.js';

const rec = (pairs: Array<[string, string]>) =>
  `${pairs.map(([k, v]) => `@@${k}\n${Buffer.from(v).toString('base64')}`).join('\n')}\n`;
const START = `exec "$SHELL" -l -c 'exec tmux new-session -d'`;
const NO_SERVER: Array<[string, string]> = [
  ['srv.ping', '1'],
  ['srv.error', 'no server running on /tmp/tmux-501/default'],
];
const A_SERVER: Array<[string, string]> = [
  ['srv.ping', '0'],
  ['srv.info', ['4242', '1795526588', '3.5a'].join(US)],
];

/** A target whose start script leaves a server running or not; every script it gets is listed. */
function scripted(startWorks: boolean): Target & { steps: string[] } {
  const steps: string[] = [];
  return {
    kind: 'ssh',
    label: 'admin@vm',
    steps,
    async runScript(script: string): Promise<RunResult> {
      const step = /# cal-doctor persist: (\S+)/.exec(script)?.[1] ?? '?';
      steps.push(step);
      const srv = step === 'start' && startWorks ? A_SERVER : NO_SERVER;
      const extra: Array<[string, string]> = step === 'start' ? [['start.rc', startWorks ? '0' : '1']] : [];
      return { stdout: Buffer.from(rec([...srv, ...extra, ['end', '1']])), stderr: '', code: 0 };
    },
    async close() {},
  };
}

const link = (target: Target) =>
  new Link({ connection: { target: { kind: 'ssh', host: 'admin@vm:2222' } }, connectOnce: async () => ({ target }) });

const input = (l: Link) => ({
  link: l,
  common: { tmux: '/opt/homebrew/bin/tmux', tmuxTimeoutSec: 2 },
  t: DEFAULT_TIMEOUTS,
  strategy: serverRestart(),
  startCommand: START,
  connection: { target: { kind: 'ssh' as const, host: 'admin@vm:2222' }, identity: '/k/id ed' },
});

describe('bringing the server back', () => {
  it('the command to run by hand, per kind of target', () => {
    expect(bringBackCommand({ target: { kind: 'local' } }, START)).toBe(
      `"$SHELL" -c 'exec "$SHELL" -l -c '\\''exec tmux new-session -d'\\'''`,
    );
    expect(bringBackCommand({ target: { kind: 'ssh', host: 'admin@vm:2222' }, identity: '/k/id ed' }, 'tmux')).toBe(
      `ssh -p 2222 -i '/k/id ed' 'admin@vm' 'tmux'`,
    );
    expect(bringBackCommand({ target: { kind: 'ssh', host: 'devbox' }, user: 'me', port: 22 }, 'tmux')).toBe(
      `ssh -p 22 'me@devbox' 'tmux'`,
    );
    expect(bringBackCommand({ target: { kind: 'vm', name: 'cal-dev' } }, 'tmux')).toBe(
      `tart run --no-graphics 'cal-dev' & ssh admin@"$(tart ip 'cal-dev')" 'tmux'`,
    );
  });

  it('no server after the restart: started again with the start command', async () => {
    const t = scripted(true);
    const back = await bringServerBack(input(link(t)));
    expect(t.steps).toEqual(['inspect', 'start']);
    expect(back.manual).toBeUndefined();
    expect(back.server?.pid).toBe(4242);
    expect(back.details).toEqual([
      `no tmux server ran after the restart: started it again with \`${START}\` (pid 4242)`,
    ]);
  });

  it('the start command leaves none: exactly the command that starts it', async () => {
    const back = await bringServerBack(input(link(scripted(false))));
    const cmd = `ssh -p 2222 -i '/k/id ed' 'admin@vm' ${`'exec "$SHELL" -l -c '\\''exec tmux new-session -d'\\'''`}`;
    expect(back.manual).toBe(cmd);
    expect(back.details.at(-1)).toBe(`start it with: ${cmd}`);
  });

  it('the target cannot be reached: the same command', async () => {
    const l = new Link({
      connection: { target: { kind: 'ssh', host: 'admin@vm:2222' } },
      connectOnce: () => Promise.reject(new Error('connection refused')),
    });
    const back = await bringServerBack({ ...input(l), t: { ...DEFAULT_TIMEOUTS } });
    expect(back.details[0]).toMatch(/persist could not start it: connection refused/);
    expect(back.manual).toMatch(/^ssh -p 2222 /);
  });
});
