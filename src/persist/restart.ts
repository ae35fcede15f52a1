// How persist restarts the target between the save and the restore check. Injectable: the
// command picks `tartRestart` for --vm and `serverRestart` for --host/--local; tests may pass
// their own.
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pause } from '../common/backoff.js';
import type { Target } from '../targets/target.js';
import { one, type Records } from './layout.js';
import { type CommonVars, stopServerScript } from './scripts.js';
import { StepFailure, secs } from './step.js';

export interface RestartContext {
  /** the connection before the restart (a VM restart ends it) */
  target: Target;
  common: CommonVars;
  /** runs one persist script on a target and returns its records (throws StepFailure when cut off) */
  run(target: Target, script: string, timeoutMs: number): Promise<Records>;
  /** connects again, retrying with backoff while the target is not up yet, for at most `waitMs` */
  reconnect(waitMs: number): Promise<Target>;
  /** seconds: for the server and its pane shells to end (tart: for `tart stop`) */
  shutdownSec: number;
  /** seconds: for the VM to boot and answer SSH again */
  bootSec: number;
}

interface RestartResult {
  /** the connection to use from now on */
  target: Target;
  details: string[];
}

export interface RestartStrategy {
  kind: string;
  /** what a restart does, for the plan and the refusal: `tart stop cal-dev, then tart run --no-graphics cal-dev` */
  describe: string;
  /** a restart ends every process on the target (a VM), not only the tmux server */
  endsEverything: boolean;
  restart(ctx: RestartContext): Promise<RestartResult>;
}

/**
 * `--host` / `--local`: end the default tmux server as a shutdown does (SIGTERM to the server;
 * its panes' shells get SIGHUP as their terminals close, and run their logout files), wait
 * for it all to end (SIGKILL what is left after the grace time), keep the connection.
 */
export function serverRestart(): RestartStrategy {
  return {
    kind: 'server',
    describe: 'end the tmux server as a shutdown does (SIGTERM to the server, SIGHUP to its pane shells)',
    endsEverything: false,
    async restart(ctx) {
      const t0 = Date.now();
      const r = await ctx.run(
        ctx.target,
        stopServerScript(ctx.common, { graceSec: ctx.shutdownSec }),
        (ctx.shutdownSec + 4 * ctx.common.tmuxTimeoutSec + 15) * 1000,
      );
      if (one(r, 'stop.noserver')) throw new StepFailure('no tmux server was running to end');
      const err = one(r, 'stop.error');
      if (err) throw new StepFailure(`could not end the tmux server: ${err}`);
      const killed = (one(r, 'stop.killed') ?? '').trim();
      const panes = (one(r, 'stop.panes') ?? '').trim().split(/\s+/).filter(Boolean);
      return {
        target: ctx.target,
        details: [
          `SIGTERM to tmux server pid ${one(r, 'stop.server')}; it ended within ${one(r, 'stop.server_sec')} s`,
          `${panes.length} pane shell(s) (${panes.join(' ')}) and any save.sh they started ended within ${one(r, 'stop.panes_sec')} s`,
          killed
            ? `still running after ${ctx.shutdownSec} s, so SIGKILLed as a shutdown would: ${killed}`
            : 'nothing had to be SIGKILLed',
          `restart took ${secs(Date.now() - t0)}`,
        ],
      };
    },
  };
}

export interface TartRestartOptions {
  /** the tart binary (default: `tart` on PATH) */
  tart?: string;
  /** where `tart run`'s output goes (default: a file in the temp dir) */
  runLog?: string;
}

function tartCall(bin: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, stderr });
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT')
        reject(new StepFailure(`${bin} not found`, [], ['install Tart (brew install cirruslabs/cli/tart)']));
      else if (e.killed)
        reject(new StepFailure(`\`tart ${args.join(' ')}\` did not finish within ${Math.round(timeoutMs / 1000)} s`));
      else reject(new StepFailure(`\`tart ${args.join(' ')}\` failed: ${(stderr || e.message).trim().split('\n')[0]}`));
    });
  });
}

/**
 * `--vm NAME`: `tart stop NAME` (the guest shuts down: launchd SIGTERMs every process, the
 * tmux server among them), then `tart run --no-graphics NAME` left running in the background
 * (it is the VM: it runs until the VM stops; its output goes to a log file), then wait for
 * `tart ip` and SSH with the `--wait` backoff.
 */
export function tartRestart(vm: string, opts: TartRestartOptions = {}): RestartStrategy {
  const bin = opts.tart ?? 'tart';
  return {
    kind: 'tart',
    describe: `restart the VM: \`tart stop ${vm}\`, then \`tart run --no-graphics ${vm}\` in the background`,
    endsEverything: true,
    async restart(ctx) {
      const details: string[] = [];
      const t0 = Date.now();
      await ctx.target.close().catch(() => undefined);
      await tartCall(bin, ['stop', vm], (ctx.shutdownSec + 30) * 1000);
      details.push(`tart stop ${vm}: ${secs(Date.now() - t0)}`);

      const log = opts.runLog ?? join(tmpdir(), `cal-doctor-tart-run-${vm.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`);
      const fd = openSync(log, 'a');
      let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let spawnError: Error | undefined;
      try {
        const child = spawn(bin, ['run', '--no-graphics', vm], { detached: true, stdio: ['ignore', fd, fd] });
        child.on('error', (e) => (spawnError = e));
        child.on('exit', (code, signal) => (exited = { code, signal }));
        child.unref();
        // a VM that cannot start says so at once; one that starts keeps `tart run` running
        for (let i = 0; i < 20 && !exited && !spawnError; i++) await pause(100);
      } finally {
        closeSync(fd);
      }
      const tail = () => {
        try {
          return readFileSync(log, 'utf8').trim().split('\n').slice(-5);
        } catch {
          return [];
        }
      };
      if (spawnError) throw new StepFailure(`could not run \`tart run --no-graphics ${vm}\`: ${spawnError.message}`);
      if (exited && exited.code !== 0) {
        throw new StepFailure(
          `\`tart run --no-graphics ${vm}\` ended at once (${exited.code ?? exited.signal})`,
          [`its output (${log}):`, ...tail()],
          [`start the VM by hand: tart run ${vm} (or cal-bootstrap --run)`],
        );
      }
      details.push(
        `tart run --no-graphics ${vm}: ${exited ? 'returned 0' : 'running in the background'} (output: ${log})`,
      );

      const t2 = Date.now();
      const target = await ctx.reconnect(ctx.bootSec * 1000);
      details.push(
        `SSH answered again after ${secs(Date.now() - t2)} (${target.label}); restart took ${secs(Date.now() - t0)}`,
      );
      return { target, details };
    },
  };
}
