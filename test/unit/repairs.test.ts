import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRepairs, planRepairs, type Repair } from '../../src/fix/repairs.js';
import type { Facts } from '../../src/probe/facts.js';
import { remoteSource } from '../../src/remote/assemble.js';
import { LocalTarget } from '../../src/targets/local.js';
import type { RunResult, Target } from '../../src/targets/target.js';
import { BASH_32, BSD_USERLAND_BIN } from '../harness/macos.js';
import { ctxOf, HOME, healthyFacts, NOW, PLUGINS, TMUX_CONF, withFacts } from '../helpers/facts.js';
import { CONTENT, type DirOptions, genSaveDir, nameAt, type SaveSpec } from '../helpers/savedirs.js';

const MIN = 60;
const DAY = 86_400;
const SYSTEM_PATH = '/usr/bin:/bin';
const SHELLCHECK = spawnSync('sh', ['-c', 'command -v shellcheck'], { encoding: 'utf8' }).stdout.trim() || undefined;
/** The shells a target runs the repairs with; macOS's (bash 3.2.57 over BSD tools) when the macOS tools are there. */
const SHELLS = [
  ...['/bin/sh', '/bin/bash', '/bin/dash'].map((shell) => ({ name: shell, shell, path: SYSTEM_PATH })),
  { name: 'bash 3.2.57 (macOS /bin/sh) over BSD tools', shell: BASH_32, path: `${BSD_USERLAND_BIN}:${SYSTEM_PATH}` },
  { name: '/bin/dash over BSD tools', shell: '/bin/dash', path: `${BSD_USERLAND_BIN}:${SYSTEM_PATH}` },
].filter((s) => existsSync(s.shell) && s.path.split(':').every((d) => existsSync(d)));

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

/** A real save dir on disk, and facts that describe it the way the probe would. */
function onDisk(
  saves: SaveSpec[],
  opts: DirOptions & { dirName?: string } = {},
): { dir: string; home: string; facts: Facts } {
  const root = join(tmpdir(), `cal-repairs-${process.pid}-${Math.random().toString(36).slice(2)}`);
  roots.push(root);
  const home = join(root, 'home');
  const dir = join(home, opts.dirName ?? '.local/share/tmux/resurrect');
  mkdirSync(dir, { recursive: true });
  for (const s of saves) writeFileSync(join(dir, nameAt(s.at)), s.content ?? CONTENT[s.kind ?? 'valid']);
  const fact = genSaveDir(saves, { ...opts, path: dir });
  if (fact.last?.target !== undefined) symlinkSync(fact.last.target, join(dir, 'last'));
  const facts = withFacts((f) => {
    f.host.home = home;
    f.saveDirs = [fact];
    if (opts.dirName) {
      f.server!.options['@resurrect-dir'] = dir;
      fact.role = 'option';
    }
  });
  return { dir, home, facts };
}

/** sha256 of every regular file in dir, by name (symlinks excluded: `last` is allowed to change). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (lstatSync(p).isFile()) out[n] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

const byId = (plan: Repair[], id: string) => {
  const r = plan.find((x) => x.id === id);
  if (!r) throw new Error(`no repair ${id} in ${plan.map((x) => x.id).join(', ')}`);
  return r;
};

class RecordingTarget implements Target {
  readonly kind = 'local' as const;
  readonly label = 'recording';
  scripts: string[] = [];
  constructor(private readonly reply: (script: string) => Promise<RunResult> | RunResult) {}
  async runScript(script: string): Promise<RunResult> {
    this.scripts.push(script);
    return this.reply(script);
  }
  async close(): Promise<void> {}
}

describe('planRepairs', () => {
  it('the healthy snapshot needs nothing', () => {
    expect(planRepairs(ctxOf(healthyFacts()))).toEqual([]);
  });

  it('a bad `last` with a valid save: an automatic, quoted relink with its undo', () => {
    const f = withFacts((f) => {
      f.saveDirs[0] = genSaveDir([
        { at: NOW - 2 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'state-only' },
      ]);
    });
    const r = byId(planRepairs(ctxOf(f)), 'resurrect.relink-last');
    expect(r.automatic).toBe(true);
    expect(r.title).toBe(
      `relink last to ${nameAt(NOW - 2 * MIN)}, the newest valid save (now → ${nameAt(NOW - MIN)}, state-only)`,
    );
    expect(r.script).toContain(`CAL_DIR='${HOME}/.local/share/tmux/resurrect'`);
    expect(r.script).toContain(`CAL_CANDIDATE='${nameAt(NOW - 2 * MIN)}'`);
    expect(r.script).toContain(`CAL_WAS='${nameAt(NOW - MIN)}'`);
    // the plan shows the repair itself; the library is put in front when it runs
    expect(r.script).not.toContain('cal_watch()');
    expect(r.undo).toBe(`cd '${HOME}/.local/share/tmux/resurrect' && ln -sf '${nameAt(NOW - MIN)}' last`);
  });

  it('no valid save: nothing to relink, but the cause is still advised', () => {
    const f = withFacts((f) => {
      f.saveDirs[0] = genSaveDir([{ at: NOW - MIN, kind: 'state-only' }]);
      f.server!.hooks = [`session-closed[0] run-shell "${PLUGINS}/tmux-resurrect/scripts/save.sh quiet"`];
    });
    const plan = planRepairs(ctxOf(f));
    expect(plan.map((p) => p.id)).toEqual(['cause.close-hook']);
    expect(plan[0]!.automatic).toBe(false);
    expect(plan[0]!.advice).toEqual(['tmux set-hook -gu session-closed']);
  });

  it('`last` as a regular file is never replaced automatically', () => {
    const f = withFacts((f) => {
      f.saveDirs[0] = genSaveDir([{ at: NOW - MIN, kind: 'valid' }], { lastRegular: CONTENT['state-only'] });
    });
    const r = byId(planRepairs(ctxOf(f)), 'resurrect.relink-last');
    expect(r.automatic).toBe(false);
    expect(r.script).toBeUndefined();
    expect(r.advice).toEqual([
      `cd ${HOME}/.local/share/tmux/resurrect && mv last last.keep && ln -s ${nameAt(NOW - MIN)} last`,
    ]);
  });

  it('config and PATH problems and logout hooks are advice: the exact edit, nothing automatic', () => {
    const f = withFacts((f) => {
      f.configs[0]!.content = TMUX_CONF.replace("run '~/.tmux/plugins/tpm/tpm'\n", '');
      f.execTmux = undefined;
      f.dotfiles.find((d) => d.path.endsWith('.zlogout'))!.exists = true;
      f.dotfiles.find((d) => d.path.endsWith('.zlogout'))!.content =
        'tmux run-shell ~/.tmux/plugins/tmux-resurrect/scripts/save.sh\n';
    });
    const plan = planRepairs(ctxOf(f));
    expect(plan.every((p) => !p.automatic && !p.script)).toBe(true);
    expect(byId(plan, 'config.tpm-run-line').advice).toEqual([
      "add as the very last line of ~/.tmux.conf: run '~/.tmux/plugins/tpm/tpm'",
      'then reload: tmux source-file ~/.tmux.conf',
    ]);
    expect(byId(plan, 'shell.path').advice).toEqual(['add to ~/.zshenv: eval "$(/opt/homebrew/bin/brew shellenv)"']);
    expect(byId(plan, 'trigger.logout-hook').advice).toEqual([
      'in ~/.zlogout, delete line 1: tmux run-shell ~/.tmux/plugins/tmux-resurrect/scripts/save.sh',
    ]);
  });

  it('a misplaced TPM run line: move it, with both lines named', () => {
    const f = withFacts((f) => {
      f.configs[0]!.content = "run '~/.tmux/plugins/tpm/tpm'\nset -g @plugin 'tmux-plugins/tmux-resurrect'\n";
    });
    expect(byId(planRepairs(ctxOf(f)), 'config.tpm-run-line').advice).toEqual([
      "in ~/.tmux.conf:1, delete: run '~/.tmux/plugins/tpm/tpm'",
      "append it as the very last line of ~/.tmux.conf, after ~/.tmux.conf:2: run '~/.tmux/plugins/tpm/tpm'",
    ]);
  });

  it('a server without tmux on its PATH: advice to give it the PATH and load TPM; given once when it is also the named cause', () => {
    const noPath = (f: Facts) => {
      f.server!.globalEnv.PATH = '/usr/bin:/bin';
      delete f.server!.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
    };
    const plain = planRepairs(ctxOf(withFacts(noPath)));
    expect(plain.map((p) => p.id)).toEqual(['server.path']);
    expect(plain[0]!.advice!.slice(0, 2)).toEqual([
      '/opt/homebrew/bin/tmux set-environment -g PATH /opt/homebrew/bin:/usr/bin:/bin',
      `/opt/homebrew/bin/tmux run-shell ${PLUGINS}/tpm/tpm`,
    ]);
    const withEmptySaves = planRepairs(
      ctxOf(
        withFacts((f) => {
          noPath(f);
          f.saveDirs[0] = genSaveDir([
            { at: NOW - 2 * MIN, kind: 'valid' },
            { at: NOW - MIN, kind: 'empty' },
          ]);
        }),
      ),
    );
    expect(withEmptySaves.map((p) => p.id)).toEqual(['resurrect.relink-last', 'cause.server-without-path']);
  });

  it('a save dir owned by someone else: sudo chown is advice', () => {
    const f = withFacts((f) => {
      f.saveDirs[0]!.self!.uid = 0;
    });
    expect(byId(planRepairs(ctxOf(f)), 'resurrect.save-dir-owner')).toMatchObject({
      automatic: false,
      advice: [`sudo chown -R 'admin' '${HOME}/.local/share/tmux/resurrect'`],
    });
  });
});

describe.each(SHELLS.map((s) => [s.name, s] as const))('applyRepairs through a real %s', (_, { shell, path }) => {
  const target = (home: string) => new LocalTarget({ HOME: home, PATH: path }, shell);

  it('relinks `last` to the valid save, idempotently, never touching a save file; the undo restores it', async () => {
    const saves: SaveSpec[] = [
      { at: NOW - 3 * MIN, kind: 'valid' },
      { at: NOW - 2 * MIN, kind: 'empty' },
      { at: NOW - MIN, kind: 'state-only' },
    ];
    const { dir, home, facts } = onDisk(saves);
    const before = snapshot(dir);
    const plan = planRepairs(ctxOf(facts));
    const [first] = await applyRepairs(target(home), plan);
    expect(first).toEqual({
      id: 'resurrect.relink-last',
      status: 'applied',
      message: `last -> ${nameAt(NOW - 3 * MIN)}`,
      undo: byId(plan, 'resurrect.relink-last').undo,
    });
    expect(readlinkSync(join(dir, 'last'))).toBe(nameAt(NOW - 3 * MIN));
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.startsWith('.last'))).toEqual([]);

    const [again] = await applyRepairs(target(home), plan);
    expect(again).toMatchObject({ status: 'already-ok', message: `last already points to ${nameAt(NOW - 3 * MIN)}` });

    const undo = await target(home).runScript(first!.undo!, { timeoutMs: 5000 });
    expect(undo.code).toBe(0);
    expect(readlinkSync(join(dir, 'last'))).toBe(nameAt(NOW - MIN));
    expect(snapshot(dir)).toEqual(before);
  });

  it('a dangling `last` is relinked', async () => {
    const { dir, home, facts } = onDisk([{ at: NOW - 2 * MIN, kind: 'valid' }], { last: nameAt(NOW) });
    expect(existsSync(join(dir, 'last'))).toBe(false);
    const [out] = await applyRepairs(target(home), planRepairs(ctxOf(facts)));
    expect(out!.status).toBe('applied');
    expect(readFileSync(join(dir, 'last'), 'utf8')).toBe(CONTENT.valid);
  });

  it('`last` changed since the probe (a save ran meanwhile): nothing is touched, the outcome says why', async () => {
    const { dir, home, facts } = onDisk([
      { at: NOW - 3 * MIN, kind: 'valid' },
      { at: NOW - 2 * MIN, kind: 'valid' },
      { at: NOW - MIN, kind: 'state-only' },
    ]);
    const plan = planRepairs(ctxOf(facts));
    unlinkSync(join(dir, 'last'));
    symlinkSync(nameAt(NOW - 3 * MIN), join(dir, 'last'));
    const [out] = await applyRepairs(target(home), plan);
    expect(out!.status).toBe('failed');
    expect(out!.message).toBe(
      `last changed since the probe (now: ${nameAt(NOW - 3 * MIN)}, was: ${nameAt(NOW - MIN)}): a save ran meanwhile; nothing relinked, run cal-doctor again`,
    );
    expect(readlinkSync(join(dir, 'last'))).toBe(nameAt(NOW - 3 * MIN));
    expect(out!.undo).toBeUndefined();
  });

  it('the candidate on disk holds no panes (the facts were stale): refuses', async () => {
    const { dir, home, facts } = onDisk([
      { at: NOW - 2 * MIN, kind: 'valid' },
      { at: NOW - MIN, kind: 'state-only' },
    ]);
    writeFileSync(join(dir, nameAt(NOW - 2 * MIN)), 'state\t\t\n');
    const [out] = await applyRepairs(target(home), planRepairs(ctxOf(facts)));
    expect(out).toMatchObject({
      status: 'failed',
      message: `${nameAt(NOW - 2 * MIN)} holds no pane lines: nothing relinked`,
    });
    expect(readlinkSync(join(dir, 'last'))).toBe(nameAt(NOW - MIN));
  });

  it('creates a missing save dir (mode 700), then reports it as already there; the undo removes it', async () => {
    const root = join(tmpdir(), `cal-repairs-${process.pid}-${Math.random().toString(36).slice(2)}`);
    roots.push(root);
    const home = join(root, 'home');
    mkdirSync(home, { recursive: true });
    const dir = join(home, '.local/share/tmux/resurrect');
    const f = withFacts((f) => {
      f.host.home = home;
      f.saveDirs = [
        { role: 'xdg', path: dir, exists: false, writable: false, files: [], listingTruncated: false, recent: [] },
      ];
    });
    const plan = planRepairs(ctxOf(f));
    expect(plan.map((p) => p.id)).toEqual(['resurrect.create-save-dir']);
    const [out] = await applyRepairs(target(home), plan);
    expect(out!.status).toBe('applied');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(dir).uid).toBe(process.getuid!());
    expect((await applyRepairs(target(home), plan))[0]!.status).toBe('already-ok');
    expect((await target(home).runScript(out!.undo!, { timeoutMs: 5000 })).code).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it('copies a valid save at risk of retention aside, once; the original stays', async () => {
    const saves: SaveSpec[] = [
      { at: NOW - 3 * DAY, kind: 'valid' },
      ...Array.from({ length: 6 }, (_, i) => ({ at: NOW - i * MIN, kind: 'state-only' as const })),
    ];
    const { dir, home, facts } = onDisk(saves);
    const before = snapshot(dir);
    const plan = planRepairs(ctxOf(facts));
    expect(plan.map((p) => p.id)).toEqual(['resurrect.relink-last', 'resurrect.keep-valid-save']);
    const outs = await applyRepairs(target(home), plan);
    expect(outs.map((o) => o.status)).toEqual(['applied', 'applied']);
    const copy = join(home, 'tmux-resurrect-keep', nameAt(NOW - 3 * DAY));
    expect(readFileSync(copy, 'utf8')).toBe(CONTENT.valid);
    expect(snapshot(dir)).toEqual(before);
    expect((await applyRepairs(target(home), plan)).map((o) => o.status)).toEqual(['already-ok', 'already-ok']);
  });

  // root may write to and search any directory: for root the script finds nothing to do
  it('makes a save dir the user cannot write to writable (u+rwx), then reports it as writable', async () => {
    const { dir, home, facts } = onDisk([{ at: NOW - MIN, kind: 'valid' }]);
    facts.saveDirs[0]!.writable = false;
    facts.saveDirs[0]!.self!.mode = 'dr--------';
    facts.saveDirs[0]!.self!.uid = facts.host.uid;
    chmodSync(dir, 0o400);
    const plan = planRepairs(ctxOf(facts));
    expect(plan.map((p) => p.id)).toEqual(['resurrect.save-dir-mode']);
    const [out] = await applyRepairs(target(home), plan);
    if (process.getuid!() === 0) {
      expect(out).toEqual({ id: 'resurrect.save-dir-mode', status: 'already-ok', message: `${dir} is writable` });
      expect(statSync(dir).mode & 0o777).toBe(0o400);
      return;
    }
    expect(out).toEqual({
      id: 'resurrect.save-dir-mode',
      status: 'applied',
      message: `chmod u+rwx ${dir}`,
      undo: `chmod 400 '${dir}'`,
    });
    expect(statSync(dir).mode & 0o700).toBe(0o700);
    expect((await applyRepairs(target(home), plan))[0]).toMatchObject({
      status: 'already-ok',
      message: `${dir} is writable`,
    });
  });

  it('never writes through a link where the copy would go', async () => {
    const saves: SaveSpec[] = [
      { at: NOW - 3 * DAY, kind: 'valid' },
      ...Array.from({ length: 6 }, (_, i) => ({ at: NOW - i * MIN, kind: 'state-only' as const })),
    ];
    const { home, facts } = onDisk(saves);
    const keep = join(home, 'tmux-resurrect-keep');
    const elsewhere = join(home, 'elsewhere');
    mkdirSync(keep);
    symlinkSync(elsewhere, join(keep, nameAt(NOW - 3 * DAY)));
    const plan = planRepairs(ctxOf(facts)).filter((p) => p.id === 'resurrect.keep-valid-save');
    expect(await applyRepairs(target(home), plan)).toEqual([
      {
        id: 'resurrect.keep-valid-save',
        status: 'failed',
        message: `${keep}/${nameAt(NOW - 3 * DAY)} exists and differs: not overwritten`,
      },
    ]);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('hostile save-dir names: quoted, nothing they contain is executed', async () => {
    const sentinel = join(tmpdir(), `cal-pwned-${process.pid}`);
    const name = `it's "a" $(touch ${sentinel}) \`touch ${sentinel}\` 日本 🚀 ${'long-'.repeat(30)}dir`;
    const { dir, home, facts } = onDisk(
      [
        { at: NOW - 2 * MIN, kind: 'valid' },
        { at: NOW - MIN, kind: 'empty' },
      ],
      { dirName: name },
    );
    const [out] = await applyRepairs(target(home), planRepairs(ctxOf(facts)));
    expect(out!.status).toBe('applied');
    expect(readlinkSync(join(dir, 'last'))).toBe(nameAt(NOW - 2 * MIN));
    expect(existsSync(sentinel)).toBe(false);
  });
});

describe('applyRepairs reporting', () => {
  const automatic: Repair = {
    id: 'x.auto',
    title: 'do it',
    automatic: true,
    script: "echo 'applied: did it'\n",
    undo: 'undo-it',
  };

  it('advice is reported, never run', async () => {
    const t = new RecordingTarget(() => ({ stdout: Buffer.from(''), stderr: '', code: 0 }));
    const out = await applyRepairs(t, [
      { id: 'x.advice', title: 'edit a file', automatic: false, advice: ['in ~/.zlogout, delete line 1: save.sh'] },
    ]);
    expect(out).toEqual([
      { id: 'x.advice', status: 'advice', message: 'edit a file\nin ~/.zlogout, delete line 1: save.sh' },
    ]);
    expect(t.scripts).toEqual([]);
  });

  it('a script killed at the timeout, an unexpected exit, or a target that throws: failed, with what happened', async () => {
    const killed = await applyRepairs(
      new RecordingTarget(() => ({ stdout: Buffer.from(''), stderr: '', code: null, signal: 'SIGKILL' })),
      [automatic],
      { timeoutMs: 123 },
    );
    expect(killed[0]).toEqual({
      id: 'x.auto',
      status: 'failed',
      message: 'killed (SIGKILL) after 123 ms or disconnected',
    });
    const odd = await applyRepairs(
      new RecordingTarget(() => ({ stdout: Buffer.from('applied: did it\n'), stderr: 'boom', code: 3 })),
      [automatic],
    );
    expect(odd[0]).toEqual({
      id: 'x.auto',
      status: 'failed',
      message: 'exit 3; output: applied: did it; stderr: boom',
    });
    const thrown = await applyRepairs(new RecordingTarget(() => Promise.reject(new Error('connection lost'))), [
      automatic,
    ]);
    expect(thrown[0]).toEqual({
      id: 'x.auto',
      status: 'failed',
      message: 'could not run on the target: connection lost',
    });
  });

  it('reads the outcome from its records, whatever else the shell printed; a status at odds with the exit or output cut before its end is a failure', async () => {
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    const records = (status: string, end = true) =>
      `@@status\n${b64(status)}\n@@message\n${b64('did it: "x" $(y)')}\n${end ? '@@end\n' : ''}`;
    const reply = (stdout: string, code: number | null) =>
      applyRepairs(new RecordingTarget(() => ({ stdout: Buffer.from(stdout), stderr: '', code })), [automatic]);
    expect(await reply(`Last login: today\nfailed: a line from a login file\n${records('applied')}`, 0)).toEqual([
      { id: 'x.auto', status: 'applied', message: 'did it: "x" $(y)', undo: 'undo-it' },
    ]);
    expect(await reply(records('failed'), 1)).toEqual([
      { id: 'x.auto', status: 'failed', message: 'did it: "x" $(y)' },
    ]);
    expect(await reply(records('applied'), 1)).toEqual([
      { id: 'x.auto', status: 'failed', message: 'exit 1; output: applied: did it: "x" $(y)' },
    ]);
    expect(await reply(records('applied', false), 0)).toEqual([
      { id: 'x.auto', status: 'failed', message: 'exit 0; output: applied: did it: "x" $(y)' },
    ]);
  });

  it('runs each repair with the library in front of it', async () => {
    const t = new RecordingTarget(() => ({ stdout: Buffer.from(''), stderr: '', code: 0 }));
    await applyRepairs(t, [automatic]);
    expect(t.scripts).toEqual([remoteSource('lib.sh') + automatic.script]);
  });

  it('the timeout reaches the target', async () => {
    const real = new LocalTarget({ PATH: '/usr/bin:/bin' });
    const started = Date.now();
    const out = await applyRepairs(real, [{ ...automatic, script: 'sleep 5; echo "applied: late"\n' }], {
      timeoutMs: 300,
    });
    expect(out[0]!.status).toBe('failed');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it.skipIf(!SHELLCHECK)(
    'every repair, with hostile names, passes shellcheck -s sh as the target runs it (skipped without shellcheck)',
    () => {
      const hostile = `${HOME}/it's "a" $(touch x) \`y\` \\ 日本`;
      const withRisk = withFacts((f) => {
        f.saveDirs[0] = genSaveDir(
          [
            { at: NOW - 3 * DAY, kind: 'valid' },
            ...Array.from({ length: 6 }, (_, i) => ({ at: NOW - i * MIN, kind: 'state-only' as const })),
          ],
          { path: hostile },
        );
        f.server!.options['@resurrect-dir'] = hostile;
        f.saveDirs[0]!.role = 'option';
      });
      const missing = withFacts((f) => {
        f.server!.options['@resurrect-dir'] = hostile;
        f.saveDirs = [
          {
            role: 'option',
            path: hostile,
            exists: false,
            writable: false,
            files: [],
            listingTruncated: false,
            recent: [],
          },
        ];
      });
      const readOnly = withFacts((f) => {
        f.saveDirs[0]!.writable = false;
      });
      const plans = [withRisk, missing, readOnly].flatMap((f) => planRepairs(ctxOf(f)));
      expect(plans.filter((p) => p.script).map((p) => p.id)).toEqual([
        'resurrect.relink-last',
        'resurrect.keep-valid-save',
        'resurrect.create-save-dir',
        'resurrect.save-dir-mode',
      ]);
      const dir = mkdtempSync(join(tmpdir(), 'cal-repairs-sc-'));
      roots.push(dir);
      for (const p of plans.filter((x) => x.script)) {
        const file = join(dir, `${p.id}.sh`);
        writeFileSync(file, remoteSource('lib.sh') + p.script);
        // SC2317: the library functions a repair does not call
        const r = spawnSync(SHELLCHECK!, ['-s', 'sh', '-e', 'SC2317', '-f', 'gcc', file], { encoding: 'utf8' });
        expect([p.id, r.stdout]).toEqual([p.id, '']);
      }
    },
  );

  it('no plan script removes or rewrites anything but its own temp link', () => {
    const f = withFacts((f) => {
      f.saveDirs[0] = genSaveDir(
        [
          { at: NOW - 3 * DAY, kind: 'valid' },
          ...Array.from({ length: 6 }, (_, i) => ({ at: NOW - i * MIN, kind: 'state-only' as const })),
        ],
        { last: nameAt(NOW + 1) },
      );
    });
    const scripts = planRepairs(ctxOf(f)).flatMap((p) => (p.script ? [p.script] : []));
    expect(scripts.length).toBe(2);
    for (const s of scripts) {
      const removals = s.split('\n').filter((l) => /\brm\b|>\s*"?\$?[a-z]/.test(l));
      expect(removals).toEqual(removals.filter((l) => l.includes('rm -f "$tmp"')));
    }
  });
});
