// The report a person reads, on real screens: the CLI runs in a real terminal (a pane of a
// private tmux server, W columns wide) against real states of a real tmux with the real
// plugins, and the screen is read back with capture-pane. The same assertions hold for the
// plain report piped with COLUMNS=W.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfForUser } from '../../src/cli/again.js';
import { splitFix } from '../../src/report/layout.js';
import { type Home, makeHome, SEED_CONFIG_LINES } from '../harness/home.js';
import { killServer, makeStateOnlySave, save, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { run } from '../harness/util.js';
import { BIN, cli, doctorHome } from '../helpers/cli.js';
import { Terminal } from '../helpers/terminal.js';

const WIDTHS = [60, 80, 120, 200] as const;
/** How the report calls the doctor in its last lines: the CLI runs with the tester's PATH. */
const SELF = selfForUser(BIN, { PATH: process.env.PATH ?? '/usr/bin:/bin' });

interface JsonReport {
  checks: Array<{ id: string; status: string; fix: string[] }>;
  causes: Array<{ id: string; symptoms: string[] }>;
}

/** What every screen of the report must hold, whatever the width. */
function assertScreen(screen: string, json: JsonReport, width: number): void {
  const body = screen.replace(/\n+EXIT=\d+\n[\s\S]*$/, '\n');
  const lines = body.replace(/^\n+/, '').split('\n');
  const ids = new Set(json.checks.map((c) => c.id));
  // the header (its wrapped rest hangs under it), then the verdict
  expect(lines[0]).toMatch(/^cal-doctor \S+ — /);
  expect(lines.slice(1).find((l) => !l.startsWith('  '))).toMatch(/^[✗✓!‼] (Sessions|Could not tell)/);
  // the report's last line ended with a newline: an empty line stands before EXIT=
  expect(screen).toMatch(/\S\n\nEXIT=\d/);
  // no id is split at a line's end, and every problem's id is there
  for (const l of lines) {
    const tail = /(?<![\w./~-])([a-z]+\.[a-z-]*)$/.exec(l)?.[1];
    if (tail && !ids.has(tail)) expect([...ids].filter((id) => id.startsWith(tail))).toEqual([]);
  }
  for (const c of json.checks.filter((c) => ['fail', 'warn', 'error', 'info'].includes(c.status)))
    expect(lines.some((l) => new RegExp(`(^|[\\s:])${c.id.replace('.', '\\.')}(:|$)`).test(l.trim()))).toBe(true);
  // every fix command of the causes shown sits whole on one screen line
  const commands = json.causes
    .flatMap((c) => json.checks.find((k) => k.id === c.id)!.fix)
    .map((f) => splitFix(f).command)
    .filter((x): x is string => !!x);
  for (const cmd of commands) expect(lines.map((l) => l.trim())).toContain(cmd);
  // the last lines: the user's own invocation with --fix, and explain of the first cause, each whole
  const next = json.causes.length ? [`${SELF} --local --fix`, `${SELF} explain ${json.causes[0]!.id}`] : [];
  for (const cmd of next) expect(lines.map((l) => l.trim())).toContain(cmd);
  if (next.length)
    expect(
      lines
        .filter((l) => l !== '')
        .at(-1)!
        .trim(),
    ).toBe(next[1]);
  // nothing wider than the screen but a command longer than the screen itself
  const allCommands = [...next, ...json.checks.flatMap((c) => c.fix.map((f) => splitFix(f).command).filter(Boolean))];
  for (const l of lines) if ([...l].length > width) expect(allCommands).toContain(l.trim());
}

describe.skipIf(!tmuxAvailable())('the report on real screens (needs tmux and the vendored plugins)', () => {
  const homes: Home[] = [];
  let me: string;
  let term: Terminal;
  const states: Record<string, Home> = {};

  beforeAll(async () => {
    me = doctorHome();
    term = new Terminal({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: me, LANG: 'C.UTF-8' });
    const healthy = makeHome();
    await startServerLogin(healthy);
    await save(healthy);
    const stateOnly = makeHome();
    await startServerLogin(stateOnly);
    await save(stateOnly);
    await makeStateOnlySave(stateOnly);
    const noRun = makeHome({
      config: `${["set -g @plugin 'tmux-plugins/tpm'", ...SEED_CONFIG_LINES].join('\n')}\n`,
    });
    await startServerLogin(noRun, { waitForPlugins: false, layout: false });
    const empty = makeHome({ plugins: [], config: '' });
    Object.assign(states, { healthy, 'state-only': stateOnly, 'no-run-line': noRun, 'empty-home': empty });
    homes.push(healthy, stateOnly, noRun, empty);
  }, 120_000);

  afterAll(async () => {
    await term?.kill();
    for (const h of homes) {
      await killServer(h);
      h.cleanup();
    }
    if (me) rmSync(me, { recursive: true, force: true });
  });

  const json = async (home: Home): Promise<JsonReport> => {
    const out = await cli(['--local', '--json'], { home: me, env: home.env() });
    return JSON.parse(out.stdout) as JsonReport;
  };

  for (const state of ['healthy', 'state-only', 'no-run-line', 'empty-home']) {
    it(`${state}: at widths ${WIDTHS.join(', ')}, live at a terminal and piped with COLUMNS`, async () => {
      const home = states[state]!;
      const report = await json(home);
      for (const width of WIDTHS) {
        const env = { ...home.env(), TERM: 'xterm-256color' };
        const name = `${state}-${width}`;
        await term.start(name, [process.execPath, BIN, '--local'], { env, width, height: 40 });
        // what scrolled off the top counts too
        const screen = await term.until(name, /EXIT=\d/, { timeoutMs: 60_000, history: true });
        assertScreen(screen, report, width);
        const piped = await cli(['--local'], { home: me, env: { ...home.env(), COLUMNS: String(width) } });
        assertScreen(`${piped.stdout}\nEXIT=${piped.code}\n`, report, width);
      }
    }, 240_000);
  }

  it('no TPM run line: one cause, plugins.tpm, with the plugins it leaves unloaded folded under it', async () => {
    const report = await json(states['no-run-line']!);
    const tpm = report.causes.find((c) => c.id === 'plugins.tpm');
    expect(report.causes[0]!.id).toBe('plugins.tpm');
    expect(tpm!.symptoms).toEqual(expect.arrayContaining(['plugins.resurrect', 'plugins.continuum']));
    const piped = await cli(['--local'], { home: me, env: { ...states['no-run-line']!.env(), COLUMNS: '80' } });
    expect(piped.stdout).toMatch(/^1\. ✗ plugins\.tpm$/m);
    expect(piped.stdout).toMatch(/explains these \d+ symptoms:\n {5}✗ plugins\.resurrect:/);
    expect(piped.stdout).not.toMatch(/started without Homebrew's PATH/);
  }, 60_000);

  it('the --fix command of the last lines runs as pasted, and shows the plan', async () => {
    const env = { ...states['no-run-line']!.env(), HOME: me, COLUMNS: '60' };
    const piped = await cli(['--local'], { home: me, env });
    const fix = piped.stdout
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.endsWith(' --local --fix'));
    expect(fix).toBe(`${SELF} --local --fix`);
    const again = await run('/bin/sh', ['-c', fix!], {
      env: { ...env, PATH: process.env.PATH ?? '' },
      timeoutMs: 60_000,
    });
    expect(again.stdout).toMatch(/^Repair plan/m);
    expect(again.stdout).not.toMatch(/^Next,/m);
  }, 60_000);

  it('a closed pipe ends quietly: list | head -1 exits 0, the report | head -1 prints no stack', async () => {
    const piped = (args: string) =>
      run('/bin/bash', ['-c', `'${process.execPath}' '${BIN}' ${args} | head -1; echo "rc=\${PIPESTATUS[0]}"`], {
        env: { ...states.healthy!.env(), HOME: me },
        timeoutMs: 60_000,
      });
    const list = await piped('list');
    expect(list.stderr).toBe('');
    expect(list.stdout).toMatch(/^tart\.vm .*\nrc=0\n$/);
    const report = await piped('--local --all --verbose');
    expect(report.stderr).not.toMatch(/EPIPE|Error/);
  }, 60_000);
});
