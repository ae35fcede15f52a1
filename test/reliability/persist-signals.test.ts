// Ctrl-C / SIGTERM to the real `cal-doctor persist` at every step, against a real sshd, a
// real tmux server holding the user's sessions and the real plugins. Whatever the step,
// the CLI says which step it was in, leaves the user's server running with their sessions,
// and leaves no marker session (nor its dirs) behind.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Home, makeHome } from '../harness/home.js';
import { type Sshd, sshdAvailable, startSshd } from '../harness/sshd.js';
import { killServer, startServerLogin, tmuxAvailable, tmuxTry } from '../harness/tmux.js';
import { sleep, waitFor } from '../harness/util.js';
import { hostFlags } from '../helpers/cli.js';
import { type CliRun, cliBuilt, runCli } from './cli.js';

const MARKER = 'cal-doctor-e2e';

async function sessions(home: Home): Promise<string[] | undefined> {
  const out = await tmuxTry(home, ['list-sessions', '-F', '#{session_name}']);
  return out.code === 0 ? out.stdout.split('\n').filter(Boolean).sort() : undefined;
}

interface Interrupt {
  name: string;
  step: string;
  sig?: 'SIGINT' | 'SIGTERM';
  /** beyond the step having started: a state of the target to wait for before the signal */
  when?: (home: Home) => Promise<boolean>;
}

describe.skipIf(!(cliBuilt() && sshdAvailable() && tmuxAvailable()))(
  'persist interrupted at every step (needs sshd, tmux, the plugins, a build)',
  () => {
    let home: Home;
    let sshd: Sshd;
    let before: string[] | undefined;
    beforeEach(async () => {
      home = makeHome();
      await startServerLogin(home);
      before = await sessions(home);
      sshd = await startSshd({ env: home.env() });
    }, 60_000);
    afterEach(async () => {
      await sshd?.stop();
      if (home) {
        await killServer(home);
        home.cleanup();
      }
    }, 30_000);

    async function interrupt(at: Interrupt): Promise<{ run: CliRun; sentIn: string }> {
      const sig = at.sig ?? 'SIGINT';
      let sentIn = '';
      const run = await runCli(['persist', ...hostFlags(sshd), '--yes', '--force', '--json'], {
        killAfterMs: 150_000,
        onSpawn: (child) => {
          let err = '';
          let started = false;
          child.stderr?.on('data', (d: Buffer | string) => {
            err += d.toString();
            if (started || !err.includes(`cal-doctor persist: persist.${at.step} …`)) return;
            started = true;
            const ready = at.when ?? (async () => true);
            void waitFor(() => ready(home).then((ok) => ok || undefined), {
              timeoutMs: 60_000,
              intervalMs: 20,
              what: `the moment to interrupt persist.${at.step}`,
            }).then(() => {
              sentIn = at.step;
              child.kill(sig);
            });
          });
        },
      });
      return { run, sentIn };
    }

    async function expectUntouched(r: { run: CliRun; sentIn: string }, at: Interrupt): Promise<void> {
      const sig = at.sig ?? 'SIGINT';
      const why = `stderr:\n${r.run.stderr}`;
      expect(r.sentIn, why).toBe(at.step);
      expect(r.run.code, why).toBe(sig === 'SIGINT' ? 130 : 143);
      expect(r.run.stderr).toMatch(new RegExp(`interrupted \\(${sig}\\) during persist\\.${at.step}\\b`));
      const report = JSON.parse(r.run.stdout) as { persist: { verdict: string }; checks: Array<{ id: string }> };
      expect(report.persist.verdict).toBe('interrupted');
      expect(report.checks.map((c) => c.id).slice(0, 6)).toEqual(
        ['preflight', 'layout', 'save', 'restart', 'restore', 'cleanup'].map((x) => `persist.${x}`),
      );
      const now = await sessions(home);
      expect(now, why).toEqual(expect.arrayContaining(before ?? []));
      expect(now, why).not.toContain(MARKER);
      expect(existsSync(join(home.dir, '.cache', 'cal-doctor')), why).toBe(false);
      // nothing brings the marker back later (a restore still running when persist exited)
      await sleep(2_000);
      expect(await sessions(home), why).not.toContain(MARKER);
    }

    const markerExists = async (h: Home) => (await tmuxTry(h, ['has-session', '-t', `=${MARKER}`])).code === 0;
    const serverDown = async (h: Home) => (await tmuxTry(h, ['list-sessions'])).code !== 0;

    it.each<Interrupt>([
      { name: 'SIGINT as persist.preflight starts (connecting)', step: 'preflight' },
      { name: 'SIGINT as persist.layout starts', step: 'layout' },
      { name: 'SIGINT in persist.layout once the marker session exists', step: 'layout', when: markerExists },
      { name: 'SIGINT as persist.save starts', step: 'save' },
      { name: 'SIGINT as persist.restart starts', step: 'restart' },
      { name: 'SIGINT in persist.restart while the server is down', step: 'restart', when: serverDown },
      {
        name: 'SIGTERM in persist.restart while the server is down',
        step: 'restart',
        when: serverDown,
        sig: 'SIGTERM',
      },
      { name: 'SIGINT as persist.restore starts', step: 'restore' },
      { name: 'SIGINT as persist.cleanup starts', step: 'cleanup' },
    ])(
      '$name: the server keeps its sessions, no marker is left',
      async (at) => {
        const r = await interrupt(at);
        await expectUntouched(r, at);
      },
      180_000,
    );
  },
);
