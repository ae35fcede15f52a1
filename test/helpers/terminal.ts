// A real terminal for the CLI: a private tmux server (its own socket, no config), one session
// per command, each `width` columns wide; what a person would see is read with capture-pane.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupAtExit, makeTempDir, processesWhere, run, signal, TMUX, waitFor } from '../harness/util.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class Terminal {
  readonly dir = makeTempDir('cal-term-');
  readonly socket = join(this.dir, 's');
  private readonly forget = cleanupAtExit(() => this.killNow());
  constructor(private readonly env: Record<string, string>) {}

  private tmux(...args: string[]) {
    return run(TMUX!, ['-u', '-S', this.socket, '-f', '/dev/null', ...args], {
      env: this.env,
      cwd: this.dir,
      timeoutMs: 10_000,
    });
  }

  /** Runs argv in a new session `name`; the pane stays, ending in `EXIT=<code>`, once it ends. */
  async start(
    name: string,
    argv: string[],
    opts: { env?: Record<string, string>; width?: number; height?: number } = {},
  ): Promise<void> {
    const assign = Object.entries(opts.env ?? {})
      .map(([k, v]) => ` ${k}=${q(v)}`)
      .join('');
    // the pane's own $TMUX is this terminal's, not the target's
    const cmd = `env -u TMUX -u TMUX_PANE${assign} ${argv.map(q).join(' ')}; printf '\\nEXIT=%s\\n' $?; exec sleep 600`;
    const size = ['-x', String(opts.width ?? 120), '-y', String(opts.height ?? 50)];
    const out = await this.tmux('new-session', '-d', '-s', name, ...size, cmd);
    if (out.code !== 0) throw new Error(`tmux: ${out.stderr}`);
  }

  /** The screen of `name` (-J: soft wraps joined); `escapes` keeps the colour codes, `history` what scrolled off. */
  async screen(name: string, opts: { escapes?: boolean; history?: boolean } = {}): Promise<string> {
    const out = await this.tmux(
      'capture-pane',
      '-p',
      '-J',
      ...(opts.escapes ? ['-e'] : []),
      ...(opts.history ? ['-S', '-'] : []),
      '-t',
      `=${name}:`,
    );
    if (out.code !== 0) throw new Error(`capture-pane: ${out.stderr}`);
    return out.stdout;
  }

  until(name: string, re: RegExp, opts: { timeoutMs?: number; history?: boolean } = {}): Promise<string> {
    return waitFor(
      async () => {
        const s = await this.screen(name, { history: opts.history });
        return re.test(s) ? s : undefined;
      },
      { timeoutMs: opts.timeoutMs ?? 45_000, intervalMs: 100, what: `${re} on the screen of ${name}` },
    );
  }

  private killNow(): void {
    for (const pid of processesWhere((argv) => argv.some((a) => a.includes(this.socket)))) signal(pid, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  async kill(): Promise<void> {
    this.forget();
    await this.tmux('kill-server');
    this.killNow();
  }
}
