import { optionValue } from '../src/domain/config.js';
import { continuumDir, continuumInstalled } from '../src/domain/continuum.js';
import { parseLaunchdJobs } from '../src/domain/launchd.js';
import { basename, dirname, samePath, shq, tilde } from '../src/domain/util.js';
import { defineCheck } from '../src/engine/check.js';

const LABEL = 'Tmux.Start.plist';
/** osx_enable.sh's strategies: options containing iterm/kitty/alacritty, else Terminal.app */
/** `launchctl print gui/UID` with no GUI login: `Could not find domain for user gui: UID` or `Domain does not support specified action` */
const NO_GUI_DOMAIN = /could not find domain|domain does not support/i;
const STRATEGIES = ['iterm', 'kitty', 'alacritty', 'terminal'];

function plistStrings(content: string): { label?: string; program?: string; runAtLoad: boolean } {
  const label = content.match(/<key>\s*Label\s*<\/key>\s*<string>([^<]*)<\/string>/)?.[1]?.trim();
  const args = content.match(/<key>\s*ProgramArguments\s*<\/key>\s*<array>\s*<string>([^<]*)<\/string>/)?.[1]?.trim();
  return { label, program: args, runAtLoad: /<key>\s*RunAtLoad\s*<\/key>\s*<true\s*\/>/.test(content) };
}

export default defineCheck({
  id: 'continuum.boot',
  category: 'continuum',
  dependsOn: ['plugins.continuum'],
  title: 'macOS: @continuum-boot has a working LaunchAgent',
  explain:
    "With `@continuum-boot 'on'`, continuum writes ~/Library/LaunchAgents/Tmux.Start.plist each time it loads on macOS; " +
    'at login launchd runs the script it names (scripts/handle_tmux_automatic_start/osx_<terminal>_start_tmux.sh in the ' +
    'plugin dir), which opens Terminal.app/iTerm/kitty/alacritty running `tmux`. The plist is missing when continuum never ' +
    'loaded with the option set (or ~/Library/LaunchAgents did not exist), and points to a script that is gone when the ' +
    'plugin moved; launchd shows a non-zero status when the script failed, typically because macOS denied the terminal ' +
    'automation (tmux-continuum #111, #39). This check reads the option, the plist, its target and `launchctl print gui/UID` (the domain of the desktop login: without a desktop login it does not exist, and no LaunchAgent runs). ' +
    'macOS only.',
  appliesTo(ctx) {
    return ctx.facts.host.os === 'Darwin'
      ? true
      : 'macOS only: continuum boots tmux through a LaunchAgent there (systemd elsewhere)';
  },
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const boot = optionValue(f, '@continuum-boot').value;
    const plistPath = `${home.replace(/\/+$/, '')}/Library/LaunchAgents/${LABEL}`;
    const plist = (f.launchAgents ?? []).find((a) => samePath(a.path, plistPath) || basename(a.path) === LABEL);
    const jobs = parseLaunchdJobs(f.launchctl ?? []).filter((j) => j.label === LABEL);
    const details = [
      `@continuum-boot: ${boot ?? 'unset (off)'}`,
      `${tilde(plistPath, home)}: ${plist ? 'exists' : 'missing'}`,
      ...(f.launchctl === undefined
        ? [
            `launchd (GUI login domain): not read${f.launchctlFailure ? ` (launchctl print gui/${f.host.uid}: ${f.launchctlFailure})` : ''}`,
          ]
        : [
            `launchd (GUI login domain): ${
              jobs.length
                ? jobs
                    .map(
                      (j) => `${j.label} (${j.pid === null ? 'not running' : `pid ${j.pid}`}, last exit ${j.status})`,
                    )
                    .join('; ')
                : `no ${LABEL} job loaded`
            }`,
          ]),
    ];
    if (boot !== 'on') {
      if (plist) {
        return {
          status: 'warn',
          summary: `@continuum-boot is off, but ${tilde(plistPath, home)} is still there: launchd starts a terminal with tmux at every login`,
          details,
          fix: [`rm ${shq(plistPath)}   # or set -g @continuum-boot 'on' if you want it`],
        };
      }
      return { status: 'skip', summary: '@continuum-boot is off: tmux is not started at login', details };
    }
    if (!continuumInstalled(f))
      return { status: 'skip', summary: 'tmux-continuum is not installed (see plugins.continuum)', details };
    const expectedDir = `${continuumDir(f)}/scripts/handle_tmux_automatic_start`;
    const options = optionValue(f, '@continuum-boot-options').value ?? '';
    const strategy = STRATEGIES.find((s) => options.includes(s)) ?? 'terminal';
    const expected = `${expectedDir}/osx_${strategy}_start_tmux.sh`;
    const reload = `tmux run-shell ${shq(`${continuumDir(f)}/continuum.tmux`)}   # continuum rewrites the plist when it loads`;
    if (!plist) {
      return {
        status: 'fail',
        summary: `@continuum-boot is on, but ${tilde(plistPath, home)} does not exist: nothing starts tmux at login`,
        details,
        fix: [`mkdir -p ${shq(dirname(plistPath))}`, reload],
      };
    }
    const p = plistStrings(plist.content);
    details.push(
      `plist: Label ${p.label ?? '?'}, runs ${p.program ?? '?'}, RunAtLoad ${p.runAtLoad ? 'true' : 'false'}`,
      `expected target (@continuum-boot-options ${JSON.stringify(options)}): ${tilde(expected, home)}`,
    );
    const haveHandlers = f.plugins.continuumScripts.some((e) => e.name === 'handle_tmux_automatic_start');
    if (!p.program || !samePath(dirname(p.program), expectedDir) || !haveHandlers) {
      return {
        status: 'fail',
        summary: `${LABEL} runs ${p.program ?? 'nothing'}, which is not a start script of the installed continuum (${tilde(expectedDir, home)}): at login it fails`,
        details,
        fix: [reload, 'then check: plutil -p ~/Library/LaunchAgents/Tmux.Start.plist'],
      };
    }
    if (!samePath(p.program, expected)) {
      details.push(
        `the plist starts ${basename(p.program)} while the options ask for ${basename(expected)}: continuum rewrites it at its next load`,
      );
    }
    if (!p.runAtLoad) {
      return {
        status: 'fail',
        summary: `${LABEL} has no RunAtLoad: launchd never runs it at login`,
        details,
        fix: [`rm ${shq(plistPath)}`, reload],
      };
    }
    // a number other than 0 is the last exit status (`-` never exited, `(…)` flags)
    const failed = jobs.find((j) => /^-?\d+$/.test(j.status) && j.status !== '0');
    if (failed) {
      return {
        status: 'warn',
        summary: `launchd ran ${LABEL} and it exited with status ${failed.status}: the start script failed at the last login (often macOS blocking the terminal automation)`,
        details,
        fix: [
          'System Settings → Privacy & Security → Accessibility and Automation: allow the terminal app and osascript',
          `try it by hand: ${shq(p.program)}`,
        ],
      };
    }
    if (f.launchctlFailure !== undefined && NO_GUI_DOMAIN.test(f.launchctlFailure)) {
      return {
        status: 'warn',
        summary: `no GUI login session for uid ${f.host.uid} now: launchd runs ${LABEL} only when that user logs in to the desktop, so a VM that boots to the login window starts no tmux`,
        details: [...details, 'cal-doctor cannot tell from here whether the VM logs in automatically after a restart'],
        fix: [
          `System Settings → Users & Groups → Automatically log in as: ${f.host.user || 'the VM user'}`,
          `after the next boot, check: launchctl print gui/${f.host.uid} | grep ${LABEL}`,
        ],
      };
    }
    if (f.launchctl !== undefined && jobs.length === 0) {
      return {
        status: 'info',
        summary: `${LABEL} is in place but not loaded in launchd yet: it takes effect at the next login`,
        details,
        fix: [`to load it now: launchctl load ${shq(plistPath)}`],
      };
    }
    return {
      status: 'pass',
      summary: `${LABEL} starts ${basename(p.program)} at login (continuum's ${strategy} strategy)`,
      details,
    };
  },
});
