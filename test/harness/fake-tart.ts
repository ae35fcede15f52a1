// A fake `tart` on PATH (test/harness/bin/tart, POSIX sh) reading its VMs from a state
// file. Output shapes and exit codes follow the real tart: see the script's header.
// `stop`/`run` restart a VM: with `tmuxSocket` set, `tart stop` ends that tmux server as a
// guest shutdown does (SIGTERM; pane shells get SIGHUP) and `tart run` only marks the VM
// running again (tmux is started by whoever logs in first).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, TMUX } from './util.js';

export interface FakeVm {
  name: string;
  state: 'running' | 'stopped' | 'suspended';
  /** what `tart ip` prints; without it a running VM has "no IP address found" */
  ip?: string;
  source?: 'local' | 'OCI';
  disk?: number;
  size?: number;
  /** ISO 8601 */
  accessed?: string;
  /**
   * The tmux socket of the test target this VM stands for: `tart stop` SIGTERMs the server
   * on it (and waits for its pane shells), as the guest's shutdown would.
   */
  tmuxSocket?: string;
}

export interface FakeTart {
  /** the directory holding `tart`; put it first on PATH */
  pathDir: string;
  /** FAKE_TART_STATE, FAKE_TART_LOG and PATH (pathDir + this process's PATH) */
  env: Record<string, string>;
  /** replace the VM list (e.g. to simulate `tart stop`) */
  setVms(vms: FakeVm[]): void;
  /** the VM list as it is now (`tart stop`/`run` change states) */
  vms(): FakeVm[];
  /** each call's argv, oldest first */
  calls(): string[][];
  cleanup(): void;
}

const FAKE_TART_DIR = fileURLToPath(new URL('./bin/', import.meta.url)).replace(/\/$/, '');

export function fakeTart(vms: FakeVm[]): FakeTart {
  const dir = makeTempDir('cal-tart-');
  const statePath = join(dir, 'vms.json');
  const logPath = join(dir, 'calls.log');
  const setVms = (list: FakeVm[]) => {
    for (const vm of list) {
      // the script's parser splits objects on `}` and fields on `|`
      if (Object.values(vm).some((v) => typeof v === 'string' && /[{}"|\n\\]/.test(v))) {
        throw new Error(
          `fake tart: VM fields must not hold braces, quotes, backslashes, '|' or newlines: ${JSON.stringify(vm)}`,
        );
      }
    }
    // one key per line, `name` first: the script rewrites `state` in place (stop/run)
    const ordered = list.map(({ name, state, ...rest }) => ({ name, state, ...rest }));
    writeFileSync(statePath, `${JSON.stringify(ordered, null, 2)}\n`);
  };
  setVms(vms);
  return {
    pathDir: FAKE_TART_DIR,
    // its guest shutdown calls tmux, which in the macOS pass is on no PATH of this process
    env: {
      FAKE_TART_STATE: statePath,
      FAKE_TART_LOG: logPath,
      PATH: `${FAKE_TART_DIR}:${process.env.PATH ?? ''}${TMUX ? `:${dirname(TMUX)}` : ''}`,
    },
    setVms,
    vms: () => JSON.parse(readFileSync(statePath, 'utf8')) as FakeVm[],
    calls: () =>
      existsSync(logPath)
        ? readFileSync(logPath, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => line.split('\t'))
        : [],
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
