// A target runs one shell script and hands back what it printed. Local and SSH targets
// share this shape so the probe and everything above it never know which one they use.

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  /** exit status; null when the script was killed or the channel closed without one */
  code: number | null;
  signal?: string;
}

export interface RunOptions {
  timeoutMs: number;
  /**
   * Called once the script is running on the target (its stdin sent): from here the
   * caller only waits, so it may spend the time on work of its own.
   */
  onStarted?: () => void;
}

export interface Target {
  kind: 'local' | 'ssh' | 'vm';
  /** what the report calls it: `local`, `admin@192.168.64.3:22`, `vm cal-dev (admin@…)` */
  label: string;
  /** Runs `script` with /bin/sh, fed on stdin (no argv, so nothing leaks into `ps`). */
  runScript(script: string, opts: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

/**
 * The doctor could not run against the target: exit 2 with this one line. `transient`: the
 * target may just not be up yet (VM booting, sshd not listening): `--wait` retries these.
 */
export class TargetError extends Error {
  readonly hint?: string;
  constructor(
    message: string,
    hint?: string,
    readonly transient = false,
  ) {
    // one line, whatever a host name, VM name or remote message held
    super(oneLine(message));
    this.hint = hint === undefined ? undefined : oneLine(hint);
    this.name = 'TargetError';
  }
}

/** Control characters (newlines included) shown as escapes, so a message stays on one line. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\t'
        ? '\\t'
        : c === '\r'
          ? '\\r'
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
