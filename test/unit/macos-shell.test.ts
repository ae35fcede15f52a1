// What a Mac's shell and tools do differently, run for real: the target-side shell code under
// dash and under macOS's bash 3.2.57 (test/harness/macos.ts, when there), fed the real macOS outputs
// of test/fixtures/macos/ through stub commands first on the PATH.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeScript } from '../../src/probe/gather.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { remoteSource } from '../../src/remote/assemble.js';
import { BASH_32 } from '../harness/macos.js';
import { macosFixture } from '../helpers/fixtures.js';
import { HAVE_BASH32, TARGET_SHELLS, which } from '../helpers/shells.js';

const DASH = which('dash')!;
const PERL = which('perl');
const REAL_DATE = which('date')!;
/** Skipped (with this said in the title) where the macOS tools are missing. */
const bash32 = it.skipIf(!HAVE_BASH32);
const NO_BASH32 = '(skipped when the macOS tools of test/harness/macos.ts are missing)';

const dir = mkdtempSync(join(tmpdir(), 'cal-macos-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A directory of executables (name: sh body), to put first on a PATH. */
function stubs(commands: Record<string, string>): string {
  const d = mkdtempSync(join(dir, 'bin-'));
  for (const [name, body] of Object.entries(commands)) {
    writeFileSync(join(d, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(d, name), 0o755);
  }
  return d;
}

function run(argv: string[], script: string, env: NodeJS.ProcessEnv): { stdout: string; status: number | null } {
  const r = spawnSync(argv[0]!, [...argv.slice(1), '-s'], { input: script, encoding: 'utf8', env });
  return { stdout: r.stdout, status: r.status };
}

describe("IFS: bash 3.2 does not split on \\001, so the probe's config tree is split on another byte", () => {
  /** The octal escape of the byte the probe (probe-config.sh) ends each config-tree item with (`cal_rs=$(printf '\NNN')`). */
  const sep = /cal_rs=\$\(printf '\\(0[0-7]{2})'\)/.exec(remoteSource('probe-config.sh'))?.[1];
  /** How many fields `set -- $rec` makes of three items, each ended by the byte, under IFS=byte. */
  const fields = (argv: string[], octal: string): number =>
    Number(
      run(
        argv,
        `rs=$(printf '\\${octal}')\nrec="a b\${rs}c\${rs}d e\${rs}"\nIFS=$rs\nset -f\nset -- $rec\necho $#\n`,
        {},
      ).stdout,
    );

  it('probe-config.sh names its separator', () => {
    expect(sep).toBeDefined();
  });

  it("dash splits the record on the probe's separator", () => {
    expect(fields([DASH], sep!)).toBe(3);
  });

  bash32(`bash 3.2.57 --posix splits it on the probe's separator, not on \\001 ${NO_BASH32}`, () => {
    expect(fields([BASH_32, '--posix'], sep!)).toBe(3);
    expect(fields([BASH_32, '--posix'], '001')).toBe(1);
  });
});

describe('BSD date has no %N: lib.sh falls back to perl, else whole seconds', () => {
  const outputs = macosFixture('date-s-N.txt').trim().split('\n');
  /** lib.sh's clock with `date +%s%N` answering `out` (any other date call is the real one). */
  const clock = (argv: string[], out: string, path: string) => {
    const fake = stubs({
      date: `if [ "$1" = '+%s%N' ]; then printf '%s\\n' '${out}'; else exec ${REAL_DATE} "$@"; fi`,
    });
    const body = `cal_clock_init\ncal_now_ms\nprintf '%s %s\\n' "$cal_clk" "$cal_ms"\n`;
    const r = run(argv, remoteSource('lib.sh') + body, { PATH: path ? `${fake}:${path}` : fake });
    const [clk, ms] = r.stdout.trim().split(' ');
    return { clk, ms: Number(ms), status: r.status };
  };

  for (const sh of TARGET_SHELLS) {
    for (const out of outputs) {
      it.skipIf(!PERL)(
        `${sh.name}, \`date +%s%N\` printing ${out}: milliseconds from perl (skipped without perl)`,
        () => {
          const c = clock(sh.argv, out, dirname(PERL!));
          expect(c).toMatchObject({ clk: 'perl', status: 0 });
          expect(Math.abs(c.ms - Date.now())).toBeLessThan(60_000);
        },
      );

      it(`${sh.name}, \`date +%s%N\` printing ${out}, no perl: whole seconds`, () => {
        const c = clock(sh.argv, out, '');
        expect(c).toMatchObject({ clk: 'sec', status: 0 });
        expect(c.ms % 1000).toBe(0);
        expect(Math.abs(c.ms - Date.now())).toBeLessThan(60_000);
      });
    }
  }
});

describe('the probe over macOS outputs: `id`, and `launchctl print gui/UID` of a domain with no tmux job', () => {
  const printed = join(dir, 'launchctl-print-gui.txt');
  writeFileSync(printed, macosFixture('launchctl-print-gui.txt'));
  const bin = stubs({
    id: `printf '%s\\n' '${macosFixture('id.txt').trim()}'`,
    // a stand-in for the Mac's `uname -sn` (`Darwin <node name>`): it sends the probe down its macOS path
    uname: `if [ "$1" = -sn ]; then echo 'Darwin cal-fixture'; else exec ${which('uname')} "$@"; fi`,
    // answers only the GUI domain of the uid that id printed
    launchctl: `if [ "$1 $2" = 'print gui/501' ]; then cat '${printed}'; else exit 64; fi`,
  });
  for (const sh of TARGET_SHELLS) {
    it(`${sh.name}: uid 501 and name saitooo; the GUI domain read, no tmux job in it`, () => {
      // no tmux server under the throwaway TMUX_TMPDIR; SHELL empty: no login shell is run
      const r = run(sh.argv, probeScript(2), {
        PATH: `${bin}:/usr/bin:/bin`,
        HOME: dir,
        TMUX_TMPDIR: dir,
        SHELL: '',
      });
      expect(r.status).toBe(0);
      const f = parseProbeOutput(r.stdout);
      expect(f.host).toMatchObject({ os: 'Darwin', uid: 501, user: 'saitooo' });
      expect(f.launchctl).toEqual([]);
      expect(f.probe.warnings.filter((w) => /launchctl|launchd/.test(w))).toEqual([]);
    });
  }
});
