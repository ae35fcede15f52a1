import { configLines, loadedConfigs, optionValue, tpmRunLines, where } from '../src/domain/config.js';
import { continuumInstalled, saveInterval } from '../src/domain/continuum.js';
import { liveServer } from '../src/domain/util.js';
import { defineCheck } from '../src/engine/check.js';

const TMUX_DEFAULT = 15;

export default defineCheck({
  id: 'tmux.status-interval',
  category: 'tmux',
  title: "status-interval lets continuum's status-line hook run",
  explain:
    'continuum has no timer of its own: its `#(continuum_save.sh)` in status-right runs when tmux redraws the status ' +
    'line, which `status-interval` (seconds, default 15) does on a timer. With `status-interval 0` there is no timer: ' +
    'the hook runs only when something else redraws the status line (switching windows, resizing), so an idle or ' +
    'detached session never auto-saves. An interval longer than @continuum-save-interval delays every auto-save to the ' +
    'next redraw. Reads `show -gv status-interval` from the running server, else the config. Fix: `set -g ' +
    'status-interval 15` in the config and `tmux set -g status-interval 15` in the running server.',
  run(ctx) {
    const f = ctx.facts;
    if (!continuumInstalled(f))
      return { status: 'skip', summary: 'tmux-continuum is not installed: status-interval does not drive any save' };
    const o = optionValue(f, 'status-interval');
    const home = f.host.home;
    const raw = o.value;
    const value = raw === undefined || raw === '' ? TMUX_DEFAULT : /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
    const src =
      o.source === 'server'
        ? 'running server'
        : o.source === 'config'
          ? 'config'
          : `not set, tmux default ${TMUX_DEFAULT}`;
    const iv = saveInterval(f);
    const details = [
      `status-interval: ${raw ?? TMUX_DEFAULT} (${src})`,
      ...(o.at ? [`set at ${where(o.at, home)}: ${o.at.text}`] : []),
      iv.source,
      ...(liveServer(f) ? [] : ['no server answered: judged from the config']),
    ];
    const run = tpmRunLines(configLines(f, loadedConfigs(f)))[0];
    const configFix = o.at
      ? `replace ${where(o.at, home)} with: set -g status-interval ${TMUX_DEFAULT}`
      : `add to the config${run ? ` above ${where(run, home)}` : ''}: set -g status-interval ${TMUX_DEFAULT}`;
    const fix = [
      ...(liveServer(f) ? [`tmux set -g status-interval ${TMUX_DEFAULT}   # the running server, now`] : []),
      configFix,
    ];

    if (!Number.isFinite(value)) {
      return {
        status: 'warn',
        summary: `status-interval is ${JSON.stringify(raw)}, not a number of seconds`,
        details,
        fix,
      };
    }
    if (value === 0) {
      return {
        status: 'fail',
        summary:
          "status-interval is 0: the status line is never redrawn on a timer, so continuum's #(continuum_save.sh) runs only when something else redraws it — an idle or detached session never auto-saves",
        details,
        fix,
      };
    }
    const ivSec = Number.isFinite(iv.value) && iv.value > 0 ? iv.value * 60 : undefined;
    if (ivSec !== undefined && value > ivSec) {
      return {
        status: 'warn',
        summary: `status-interval is ${value} s, longer than the ${iv.value}-min save interval: auto-saves come at most every ${value} s`,
        details,
        fix,
      };
    }
    return {
      status: 'pass',
      summary: `status-interval ${value} s: continuum's hook re-runs every ${value} s while a status line is drawn`,
      details,
    };
  },
});
