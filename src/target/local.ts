// `--local`: the probe runs on this machine, in this process's environment (which plays
// the part of the non-login SSH exec).
import { spawn } from 'node:child_process';
import type { RunResult, Target } from './target.js';
import { collect } from './collect.js';
import { onShutdown } from '../lifecycle.js';

export class LocalTarget implements Target {
  readonly kind = 'local' as const;
  readonly label = 'local';

  constructor(private readonly env: NodeJS.ProcessEnv = process.env, private readonly shell = '/bin/sh') {}

  runScript(script: string, opts: { timeoutMs: number }): Promise<RunResult> {
    // detached: the probe gets its own process group, so a timeout kills all it started.
    const child = spawn(this.shell, ['-s'], { env: this.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    child.stdin.on('error', () => {}); // a probe that exits early closes stdin: not our error
    child.stdin.end(script);
    // Ctrl-C / SIGTERM: the probe's group goes with us (it has its own group, so the
    // terminal's SIGINT does not reach it)
    const release = onShutdown(killGroup);
    return collect(child.stdout, child.stderr, opts.timeoutMs, killGroup, (done) =>
      child.on('close', (code, signal) => done(code, signal ?? undefined)),
    ).finally(() => {
      release();
      killGroup();
    });
  }

  async close(): Promise<void> {}
}
