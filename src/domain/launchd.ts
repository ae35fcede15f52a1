// launchd jobs as the probe reads them on macOS: lines of `launchctl list` (`PID\tStatus\tLabel`,
// `-` for a job not running) or of a domain's services block in `launchctl print gui/UID`
// (`PID (flags)|last-exit|- label`, PID 0 for a job not running). Over SSH `launchctl list`
// shows the SSH session's own domain, not the GUI login's agents: the probe prints the GUI
// domain, which is where a LaunchAgent such as continuum's Tmux.Start.plist is loaded.

export interface LaunchdJob {
  /** the running job's pid; null when it is not running */
  pid: number | null;
  /** last exit status as launchctl shows it (`0`, `-15`, `(pe)`, `-`) */
  status: string;
  label: string;
}

const JOB = /^(\d+|-)\s+(\([^)]*\)|-?\d+|-)\s+(\S.*?)\s*$/;

/** The job lines among `lines` (headers, braces and other properties are skipped). */
export function parseLaunchdJobs(lines: readonly string[]): LaunchdJob[] {
  const jobs: LaunchdJob[] = [];
  for (const line of lines) {
    const m = JOB.exec(line.trim());
    if (!m) continue;
    const pid = m[1] === '-' || m[1] === '0' ? null : Number(m[1]);
    jobs.push({ pid, status: m[2]!, label: m[3]! });
  }
  return jobs;
}
