// Save-file forensics end to end: the three real ways of docs/domain.md to lose `last`, reproduced
// with real tmux, the real plugins and a real sshd in a throwaway HOME. For each: the doctor's
// report names the earlier valid save and the cause; `--fix --yes` (planRepairs +
// applyRepairs over the same SSH connection the doctor uses) relinks `last`; and the real
// restore.sh, run into a fresh server, brings the saved windows back. No save file changes.
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DoctorOptions, runDoctor } from '../../src/doctor.js';
import type { Report } from '../../src/engine/report.js';
import { applyRepairs, planRepairs, type Repair, type RepairOutcome } from '../../src/fix/repairs.js';
import { gatherFacts } from '../../src/probe/gather.js';
import { connect } from '../../src/targets/connect.js';
import { installBrew } from '../harness/brew.js';
import {
  lastTarget,
  logoutHookRace,
  type RestoredLayout,
  restoreIntoFreshServer,
  saveFiles,
  ZLOGOUT_SAVE,
} from '../harness/forensics.js';
import { type Home, type MakeHomeOptions, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import {
  killServer,
  makeStateOnlySave,
  save,
  startServerLogin,
  startServerNonLogin,
  tmuxAvailable,
} from '../harness/tmux.js';
import { SYSTEM_PATH, which } from '../harness/util.js';

const canRun = sshdAvailable() && tmuxAvailable() && which('zsh', SYSTEM_PATH) !== undefined;

interface Scenario {
  home: Home;
  sshd: Sshd;
  /** the valid save made before things went wrong (file name) */
  valid: string;
  /** `last` right after the failure was reproduced */
  brokenLast?: string;
  report: Report;
  plan: Repair[];
  outcomes: RepairOutcome[];
  /** save files before and after --fix --yes */
  filesBefore: Record<string, string>;
  filesAfter: Record<string, string>;
  lastAfterFix?: string;
  restored: RestoredLayout;
}

function sshOptions(sshd: Sshd): DoctorOptions {
  return {
    target: { kind: 'ssh', host: `${sshd.user}@${sshd.host}:${sshd.port}` },
    identity: sshd.clientKey,
    knownHostsFile: sshd.knownHosts,
    connectTimeoutMs: 5000,
  };
}

/** `cal-doctor --fix --yes` as the CLI does it: probe, plan from the facts, apply over the same connection. */
async function fixOverSsh(sshd: Sshd): Promise<{ plan: Repair[]; outcomes: RepairOutcome[] }> {
  const { target } = await connect(sshOptions(sshd));
  try {
    const facts = await gatherFacts(target, { tmuxTimeoutSec: 2, timeoutMs: 30_000 });
    const plan = planRepairs({ facts, targetKind: 'ssh' });
    return { plan, outcomes: await applyRepairs(target, plan, { timeoutMs: 15_000 }) };
  } finally {
    await target.close();
  }
}

/**
 * One HOME + sshd: `breakIt` makes a valid save and then reproduces a failure, returning the
 * valid save's file name; then the doctor runs, --fix --yes runs, the server still running is
 * stopped and the real restore.sh runs into a fresh one.
 */
function scenario(homeOpts: MakeHomeOptions, brew: boolean, breakIt: (home: Home) => Promise<string>): Scenario {
  const s = {} as Scenario;
  beforeAll(async () => {
    s.home = makeHome(homeOpts);
    if (brew) installBrew(s.home);
    s.sshd = await startSshd({ env: s.home.env() });
    s.valid = await breakIt(s.home);
    s.brokenLast = lastTarget(s.home);
    s.report = await runDoctor(sshOptions(s.sshd));
    s.filesBefore = saveFiles(s.home);
    ({ plan: s.plan, outcomes: s.outcomes } = await fixOverSsh(s.sshd));
    s.filesAfter = saveFiles(s.home);
    s.lastAfterFix = lastTarget(s.home);
    await killServer(s.home);
    s.restored = await restoreIntoFreshServer(s.home);
  }, 120_000);
  afterAll(async () => {
    await s.sshd?.stop();
    if (s.home) {
      await killServer(s.home);
      s.home.cleanup();
    }
  });
  return s;
}

const check = (r: Report, id: string) => {
  const c = r.checks.find((x) => x.id === id);
  if (!c)
    throw new Error(`no result for ${id}; got ${r.checks.map((x) => x.id).join(', ')}; error: ${r.error?.message}`);
  return c;
};
const text = (c: { summary: string; details: string[]; fix: string[] }) =>
  [c.summary, ...c.details, ...c.fix].join('\n');

/** What every scenario must show once the failure is reproduced. */
function commonExpectations(s: Scenario) {
  it('resurrect.history fails as recoverable, naming the earlier valid save and the exact relink', () => {
    const c = check(s.report, 'resurrect.history');
    expect(c.status).toBe('fail');
    expect(c.summary).toContain(`recoverable: the newest valid save is ${s.valid}`);
    expect(c.fix.join('\n')).toContain(`ln -sf ${s.valid} last`);
    expect(c.details.some((l) => l.includes(`${s.valid}`) && l.includes('valid: 2 sessions, 3 windows, 4 panes'))).toBe(
      true,
    );
  });

  it('--fix --yes relinks `last` to the valid save and says how to undo it; no save file changed or went away', () => {
    const relink = s.outcomes.find((o) => o.id === 'resurrect.relink-last');
    expect(relink).toMatchObject({ status: 'applied', message: `last -> ${s.valid}` });
    expect(relink!.undo).toMatch(/ln -sf|rm /);
    expect(s.lastAfterFix).toBe(s.valid);
    expect(s.filesAfter).toEqual(s.filesBefore);
    // everything else in the plan is advice only
    expect(s.plan.filter((p) => p.automatic).map((p) => p.id)).toEqual(['resurrect.relink-last']);
  });

  it('the real restore.sh then rebuilds the saved windows in a fresh server', () => {
    expect(s.restored.exitCode).toBe(0);
    expect(s.restored.windows).toEqual({ 'cal-dev:0': 1, 'cal-dev:1': 2, 'notes:0': 1 });
    expect(s.restored.paths.some((p) => basename(p) === 'my app')).toBe(true);
  });
}

describe.skipIf(!canRun)(
  'save-file forensics against real tmux + plugins over a real sshd (needs sshd, tmux, zsh and the vendored plugins)',
  () => {
    describe('state-only save: session-closed hook, exit-empty off, last session closed', () => {
      const s = scenario({}, false, async (home) => {
        await startServerLogin(home);
        const valid = await save(home);
        const broken = await makeStateOnlySave(home);
        expect(broken.content).toBe('state\t\t\n');
        return basename(valid.file);
      });
      commonExpectations(s);

      it('resurrect.save-triggers names the session-closed hook, with exit-empty off as evidence', () => {
        const c = check(s.report, 'resurrect.save-triggers');
        expect(c.status).toBe('fail');
        expect(c.summary).toMatch(/^cause: the tmux session-closed hook runs save\.sh when a session closes/);
        expect(text(c)).toContain('exit-empty off (the running server)');
        expect(text(c)).toContain(`${s.brokenLast}: only 1 \`state\` line`);
        expect(c.fix[0]).toBe('tmux set-hook -gu session-closed   # now, in the running server');
      });

      it('the plan advises unsetting the hook rather than doing it', () => {
        expect(s.plan.find((p) => p.id === 'cause.close-hook')).toMatchObject({
          automatic: false,
          advice: ['tmux set-hook -gu session-closed'],
        });
      });
    });

    describe('0-byte save: a server started without tmux on its PATH (the Homebrew case)', () => {
      const s = scenario({}, true, async (home) => {
        await startServerLogin(home);
        const valid = await save(home);
        await killServer(home);
        await startServerNonLogin(home);
        const empty = await save(home);
        expect(empty.content).toBe('');
        return basename(valid.file);
      });
      commonExpectations(s);

      it("resurrect.save-triggers names the server started without Homebrew's PATH, with the PATH fix", () => {
        const c = check(s.report, 'resurrect.save-triggers');
        expect(c.status).toBe('fail');
        expect(c.summary).toMatch(
          /^cause: the tmux server was started without Homebrew's PATH \(its PATH lacks .*\/brew\/bin\)/,
        );
        expect(text(c)).toContain(`${s.brokenLast}: 0 bytes`);
        expect(c.fix.join('\n')).toMatch(/set-environment -g PATH/);
      });
    });

    describe('logout-hook race: ~/.zlogout runs save.sh in every pane, then kill-server', () => {
      const s = scenario({ files: { '.zlogout': ZLOGOUT_SAVE } }, false, async (home) => {
        await startServerLogin(home, { shell: 'zsh' });
        const valid = await save(home);
        const race = await logoutHookRace(home);
        // the reproduction itself: the racing saves took `last` away from the valid save
        expect(race.before).toBe(basename(valid.file));
        expect(race.after).not.toBe(race.before);
        return basename(valid.file);
      });
      commonExpectations(s);

      it('resurrect.save-triggers names the ~/.zlogout hook and the line to delete', () => {
        const c = check(s.report, 'resurrect.save-triggers');
        expect(c.status).toBe('fail');
        expect(c.summary).toMatch(/^cause: the logout hook in ~\/\.zlogout saves from every pane's login shell/);
        expect(text(c)).toContain(`trigger: ~/.zlogout:1: ${ZLOGOUT_SAVE.trim()}`);
        expect(text(c)).toMatch(/evidence: (last → .*which does not exist|.*0 bytes|.*`state` line)/);
        expect(c.fix[0]).toBe(`in ~/.zlogout, delete line 1: ${ZLOGOUT_SAVE.trim()}`);
      });
    });
  },
);
