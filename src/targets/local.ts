// `--local`: the probe runs on this machine, in this process's environment (which plays
// the part of the non-login SSH exec).
import { spawn } from 'node:child_process';
import { onShutdown } from '../common/lifecycle.js';
import { collect } from './collect.js';
import type { RunOptions, RunResult, Target } from './target.js';

/** Between SIGTERM (a script's traps clean up, e.g. the --active sandbox) and SIGKILL. */
const TERM_GRACE_MS = 2_000;

export class LocalTarget implements Target {
  readonly kind = 'local' as const;
  readonly label = 'local';

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly shell = '/bin/sh',
  ) {}

  runScript(script: string, opts: RunOptions): Promise<RunResult> {
    // detached: the script gets its own process group, so a timeout or Ctrl-C reaches all
    // it started (and the terminal's own SIGINT does not reach it behind our back)
    const child = spawn(this.shell, ['-s'], { env: this.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let exited = false;
    const leaderGone = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    void leaderGone.then(() => (exited = true));
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    /** SIGTERM, then SIGKILL for what is left once the shell is gone or the grace is over. */
    const stop = async () => {
      if (!exited) {
        signalGroup('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([leaderGone, new Promise<void>((r) => (timer = setTimeout(r, TERM_GRACE_MS)))]);
        clearTimeout(timer);
      }
      signalGroup('SIGKILL');
    };
    child.stdin.on('error', () => {}); // a script that exits early closes stdin: not our error
    child.stdin.end(script);
    const release = onShutdown(stop);
    opts.onStarted?.();
    return collect(child.stdout, child.stderr, {
      timeoutMs: opts.timeoutMs,
      abort: () => void stop(),
      onClose: (done) => child.on('close', (code, signal) => done(code, signal ?? undefined)),
      // what the shell left behind is killed below, with the rest of its group
      onShellExit: (exited) => child.on('exit', (code, signal) => exited(code, signal ?? undefined)),
    }).finally(() => {
      release();
      // whatever the script left in its group (it ended, or was stopped)
      if (exited) signalGroup('SIGKILL');
      else void stop();
    });
  }

  async close(): Promise<void> {}
}
