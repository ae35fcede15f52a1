// A target runs one shell script and hands back what it printed. Local and SSH targets
// share this shape so the probe and everything above it never know which one they use.

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  /** exit status; null when the script was killed or the channel closed without one */
  code: number | null;
  signal?: string;
}

export interface Target {
  kind: 'local' | 'ssh' | 'vm';
  /** what the report calls it: `local`, `admin@192.168.64.3:22`, `vm cal-dev (admin@…)` */
  label: string;
  /** Runs `script` with /bin/sh, fed on stdin (no argv, so nothing leaks into `ps`). */
  runScript(script: string, opts: { timeoutMs: number }): Promise<RunResult>;
  close(): Promise<void>;
}

/** The doctor could not run against the target: exit 2 with this one line. */
export class TargetError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'TargetError';
  }
}
