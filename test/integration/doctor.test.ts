// The whole doctor, end to end over ssh2 to a real sshd, against a real tmux server with
// the real plugins: the four cases of the core issue plus "no server".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DoctorOptions, runDoctor } from '../../src/doctor.js';
import { exitCode, type Report } from '../../src/engine/report.js';
import { installBrew } from '../harness/brew.js';
import { type Home, makeHome, SEED_CONFIG_LINES } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import {
  killServer,
  makeStateOnlySave,
  save,
  startServerLogin,
  startServerNonLogin,
  tmuxAvailable,
  tmuxCmd,
} from '../harness/tmux.js';

const canRun = sshdAvailable() && tmuxAvailable();

/** One HOME + one sshd per scenario; the doctor connects as a user would, key + known_hosts. */
function scenario(prepare: (home: Home) => Promise<void>, homeOpts: Parameters<typeof makeHome>[0] = {}, brew = false) {
  const s = {
    home: undefined as unknown as Home,
    sshd: undefined as unknown as Sshd,
    report: undefined as unknown as Report,
  };
  beforeAll(async () => {
    s.home = makeHome(homeOpts);
    if (brew) installBrew(s.home);
    s.sshd = await startSshd({ env: s.home.env() });
    await prepare(s.home);
    s.report = await runDoctor(sshOptions(s.sshd));
  });
  afterAll(async () => {
    await s.sshd?.stop();
    if (s.home) {
      await killServer(s.home);
      s.home.cleanup();
    }
  });
  return s;
}

function sshOptions(sshd: Sshd, extra: Partial<DoctorOptions> = {}): DoctorOptions {
  return {
    target: { kind: 'ssh', host: `${sshd.user}@${sshd.host}:${sshd.port}` },
    identity: sshd.clientKey,
    knownHostsFile: sshd.knownHosts,
    connectTimeoutMs: 5000,
    ...extra,
  };
}

const check = (r: Report, id: string) => {
  const c = r.checks.find((x) => x.id === id);
  if (!c)
    throw new Error(`no result for ${id}; got ${r.checks.map((x) => x.id).join(', ')}; error: ${r.error?.message}`);
  return c;
};
const text = (c: { summary: string; details: string[]; fix: string[] }) =>
  [c.summary, ...c.details, ...c.fix].join('\n');

describe.skipIf(!canRun)('doctor over a real sshd (needs sshd, tmux and the vendored plugins)', () => {
  describe('healthy target', () => {
    const s = scenario(async (home) => {
      await startServerLogin(home);
      await save(home);
    });

    it('passes every check that matters for persistence, and exits 0', () => {
      const r = s.report;
      expect(r.error).toBeUndefined();
      for (const id of [
        'tmux.path',
        'tmux.version',
        'tmux.server',
        'config.file',
        'plugins.tpm',
        'plugins.resurrect',
        'resurrect.dir',
        'resurrect.last',
      ])
        expect([id, check(r, id).status]).toEqual([id, 'pass']);
      expect(r.checks.filter((c) => c.status === 'fail' || c.status === 'error')).toEqual([]);
      expect(exitCode(r)).toBe(0);
      expect(check(r, 'tart.vm').status).toBe('skip');
    });

    it('reports the save it found with its counts', () => {
      expect(check(s.report, 'resurrect.last').summary).toMatch(/2 sessions?.*3 windows?.*4 panes?/);
    });

    it('has the JSON shape the issue promises', () => {
      const j = JSON.parse(JSON.stringify(s.report)) as Record<string, unknown>;
      expect(Object.keys(j)).toEqual(
        expect.arrayContaining(['tool', 'version', 'target', 'startedAt', 'durationMs', 'summary', 'checks']),
      );
      expect(j.tool).toBe('cal-doctor');
      const c = (j.checks as Array<Record<string, unknown>>)[0]!;
      expect(Object.keys(c).sort()).toEqual([
        'category',
        'details',
        'durationMs',
        'fix',
        'id',
        'status',
        'summary',
        'title',
      ]);
    });
  });

  describe('state-only last', () => {
    const s = scenario(async (home) => {
      await startServerLogin(home);
      await save(home);
      await makeStateOnlySave(home);
      await tmuxCmd(home, 'new-session', '-d', '-s', 'after');
    });

    it('fails resurrect.last, says what it means and offers the older valid save', () => {
      const c = check(s.report, 'resurrect.last');
      expect(c.status).toBe('fail');
      expect(c.summary).toMatch(/state/);
      expect(text(c)).toMatch(/no sessions/);
      expect(c.fix.join('\n')).toMatch(/ln -sf .*tmux_resurrect_\d{8}T\d{6}\.txt.* last/);
      expect(exitCode(s.report)).toBe(1);
    });
  });

  describe('tmux only on the login PATH (the Homebrew case)', () => {
    const s = scenario(
      async (home) => {
        await startServerNonLogin(home);
        await tmuxCmd(home, 'run-shell', `${home.pluginsDir}/tmux-resurrect/scripts/save.sh`).catch(() => undefined);
      },
      {},
      true,
    );

    it('fails tmux.path because only login shells find tmux, with the shellenv fix', () => {
      const c = check(s.report, 'tmux.path');
      expect(c.status).toBe('fail');
      expect(text(c)).toMatch(/login/);
      expect(c.fix.join('\n')).toMatch(/PATH|shellenv/);
    });

    it('fails tmux.server: the server PATH lacks tmux, the empty-save cause', () => {
      const c = check(s.report, 'tmux.server');
      expect(c.status).toBe('fail');
      expect(text(c)).toMatch(/PATH/);
    });

    it('fails plugins.tpm as not loaded and resurrect.last as empty', () => {
      expect(check(s.report, 'plugins.tpm').status).toBe('fail');
      expect(check(s.report, 'plugins.tpm').summary).toMatch(/not loaded/);
      const last = check(s.report, 'resurrect.last');
      expect(last.status).toBe('fail');
      expect(text(last)).toMatch(/empty|0 bytes|0-byte/);
    });
  });

  describe('plugins installed but not loaded (config lacks the TPM run line)', () => {
    const config = `${["set -g @plugin 'tmux-plugins/tpm'", ...SEED_CONFIG_LINES].join('\n')}\n`;
    const s = scenario(async (home) => void (await startServerLogin(home, { waitForPlugins: false })), { config });

    it('fails plugins.tpm with the missing run line, and resurrect as not loaded', () => {
      const tpm = check(s.report, 'plugins.tpm');
      expect(tpm.status).toBe('fail');
      expect(text(tpm)).toMatch(/run .*tpm/);
      expect(tpm.fix.join('\n')).toMatch(/run '~\/\.tmux\/plugins\/tpm\/tpm'/);
      expect(check(s.report, 'plugins.resurrect').status).toBe('fail');
      expect(check(s.report, 'plugins.resurrect').summary).toMatch(/not loaded/);
    });
  });

  describe('no tmux server running', () => {
    const s = scenario(async () => {});

    it('warns in tmux.server and cannot judge loaded-ness', () => {
      const c = check(s.report, 'tmux.server');
      expect(c.status).toBe('warn');
      expect(c.summary).toMatch(/no tmux server/);
      expect(text(check(s.report, 'plugins.tpm'))).toMatch(/not verifiable/);
    });
  });
});
