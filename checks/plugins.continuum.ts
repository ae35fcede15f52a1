import { loadedVia, pluginPlace } from '../src/domain/config/tpm.js';
import { configLines, loadedConfigs, optionValue, setLines, tpmRunLines, where } from '../src/domain/config.js';
import {
  ageText,
  isExecutable,
  liveServer,
  loadPluginsNowFix,
  noServerReason,
  primaryTmux,
  shq,
  tilde,
} from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

const DEFAULT_INTERVAL = 15;

export default defineCheck({
  id: 'plugins.continuum',
  category: 'plugins',
  dependsOn: [
    'plugins.tpm',
    'plugins.resurrect',
    'continuum.server-count',
    'tmux.status-interval',
    'tmux.control-mode',
  ],
  title: 'tmux-continuum installed, auto-saving and set to auto-restore',
  explain:
    'continuum auto-saves through a `#(…/continuum_save.sh)` it puts in front of `status-right` when it loads — only ' +
    'if it sees no other tmux server then — so it saves only while a status line is drawn (status on, a client ' +
    'attached) and only if nothing overwrites status-right afterwards. It restores at server start only with ' +
    '`@continuum-restore on` and no ~/tmux_no_auto_restore file. This check looks at all of that, the save interval ' +
    '(`@continuum-save-interval`, default 15 min, 0 = off) and how long ago the last auto-save ran ' +
    '(`@continuum-save-last-timestamp`). Fix: set the options before the TPM run line, move theme `status-right` lines ' +
    'above it, keep one tmux server, and save by hand before stopping the VM while detached.',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const pdir = f.plugins.dir.replace(/\/+$/, '');
    const place = pluginPlace(f, 'tmux-continuum');
    const cdir = place.dir;
    const reload = `tmux run-shell ${shq(`${cdir}/continuum.tmux`)}`;
    const entry = place.entry;
    const via = loadedVia(f, 'tmux-continuum');
    const results: Result[] = [];

    // installed
    if (!entry) {
      results.push({
        status: 'fail',
        summary: `tmux-continuum is not installed (${tilde(cdir, home)} missing)`,
        details: [`plugins dir ${pdir}: ${f.plugins.entries.map((e) => e.name).join(', ') || 'empty or missing'}`],
        fix: [
          `${shq(`${pdir}/tpm/bin/install_plugins`)}   # installs every @plugin of the config`,
          `or: git clone https://github.com/tmux-plugins/tmux-continuum ${shq(cdir)}`,
        ],
      });
    } else {
      const save = place.scripts.find((e) => e.name === 'continuum_save.sh');
      const details = [
        `${cdir} (revision ${entry.revision ?? 'unknown'})`,
        `found: ${place.why}`,
        `scripts/continuum_save.sh: ${save ? save.mode : 'missing'}`,
      ];
      if (!save || !isExecutable(save, f.host.uid)) {
        results.push({
          status: 'fail',
          summary: save
            ? `continuum_save.sh is not executable (${save.mode}): the status line cannot run it`
            : 'tmux-continuum is installed but scripts/continuum_save.sh is missing',
          details,
          fix: save
            ? [`chmod u+x ${shq(`${cdir}/scripts/continuum_save.sh`)}`]
            : [
                `reinstall: rm -rf ${shq(cdir)} && git clone https://github.com/tmux-plugins/tmux-continuum ${shq(cdir)}`,
              ],
        });
      } else {
        results.push({
          status: 'pass',
          summary: `tmux-continuum installed (${entry.revision ? entry.revision.slice(0, 7) : 'revision unknown'})`,
          details,
        });
      }
    }

    // options (server when running, else config)
    const restore = optionValue(f, '@continuum-restore');
    const src = (o: typeof restore) =>
      o.source === 'server'
        ? 'running server'
        : o.source === 'config'
          ? `config${o.at ? ` ${where(o.at, home)}` : ''}`
          : 'not set';
    const runLine = tpmRunLines(configLines(f, loadedConfigs(f)))[0];
    const beforeRun = runLine ? ` above ${where(runLine, home)} (the TPM run line)` : '';
    if (restore.value !== 'on') {
      // the whole point: after a restart nothing brings the sessions back by itself
      results.push({
        status: 'fail',
        summary: `auto-restore is off (@continuum-restore = ${restore.value === undefined ? 'unset, default off' : JSON.stringify(restore.value)}): sessions are not restored when the server starts`,
        details: [
          restore.value === undefined
            ? '@continuum-restore: unset in the running server and the config (default off)'
            : `@continuum-restore: ${restore.value} (${src(restore)})`,
        ],
        fix: [`set -g @continuum-restore 'on'   # in the config${beforeRun}`],
      });
    } else {
      results.push({
        status: 'pass',
        summary: 'auto-restore on',
        details: [`@continuum-restore: on (${src(restore)})`],
      });
    }
    if (f.noAutoRestore) {
      results.push({
        status: 'fail',
        summary: 'auto-restore disabled by the halt file ~/tmux_no_auto_restore',
        details: [`${home.replace(/\/+$/, '')}/tmux_no_auto_restore exists`],
        fix: ['rm ~/tmux_no_auto_restore'],
      });
    }
    const iv = optionValue(f, '@continuum-save-interval');
    const interval = iv.value === undefined || iv.value === '' ? DEFAULT_INTERVAL : Number(iv.value);
    const ivDetail = `@continuum-save-interval: ${iv.value ?? `(unset, default ${DEFAULT_INTERVAL})`} (${src(iv)})`;
    if (!Number.isInteger(interval) || interval < 0) {
      results.push({
        status: 'fail',
        summary: `@continuum-save-interval is ${JSON.stringify(iv.value)}, not a number of minutes: continuum_save.sh fails its test and never saves`,
        details: [ivDetail],
        fix: [`set -g @continuum-save-interval '15'`],
      });
    } else if (interval === 0) {
      results.push({
        status: 'warn',
        summary: 'auto-save is off (@continuum-save-interval = 0)',
        details: [ivDetail],
        fix: [`set -g @continuum-save-interval '15'   # in the config${beforeRun}`],
      });
    }

    // loaded, and saving
    const server = liveServer(f);
    if (!server) {
      results.push({ status: 'skip', summary: `loaded: ${noServerReason(f)}`, details: [ivDetail] });
      return results;
    }
    const statusRight = server.options['status-right'] ?? '';
    const status = server.options.status ?? 'on';
    const hooked = statusRight.includes('continuum_save.sh');
    const loadedDetails = [`status: ${status}`, `status-right: ${statusRight || '(empty)'}`, ivDetail];
    if (status === 'off') {
      results.push({
        status: 'fail',
        summary: "the status line is off: continuum's auto-save (run from status-right) never runs",
        details: loadedDetails,
        fix: ['set -g status on   # continuum needs the status line; or save by hand before stopping the VM'],
      });
    }
    if (!hooked) {
      const tpmLoaded = typeof server.globalEnv.TMUX_PLUGIN_MANAGER_PATH === 'string';
      const lines = configLines(f, loadedConfigs(f));
      const lastRun = tpmRunLines(lines).pop();
      const late = lastRun ? setLines(lines).filter((s) => s.name === 'status-right' && s.seq > lastRun.seq) : [];
      const ts = server.options['@continuum-save-last-timestamp'];
      let cause: string;
      let fix: string[];
      if (!via.tpm && !via.run) {
        cause =
          'tmux-continuum is installed but no @plugin line that TPM reads declares it and no run-shell line loads it: it never ran';
        fix = [
          `declare it above the TPM run line: set -g @plugin 'tmux-plugins/tmux-continuum' (or load it: run-shell ${shq(`${cdir}/continuum.tmux`)})`,
          `then: ${reload}`,
        ];
      } else if (via.tpm && !via.run && !tpmLoaded) {
        cause = 'TPM is not loaded in the server, so continuum never ran (see plugins.tpm)';
        fix = loadPluginsNowFix(f, primaryTmux(f));
      } else if (late.length) {
        cause = `status-right is set after TPM ran, overwriting continuum's hook: ${late.map((l) => `${where(l, home)}: ${l.text}`).join('; ')}`;
        fix = [`move the status-right line(s) above the TPM run line (${where(lastRun!, home)})`, `then: ${reload}`];
      } else if (!ts) {
        cause =
          'continuum loaded but saw another tmux server (or extra tmux client processes) and skipped auto-save; @continuum-save-last-timestamp was never set either';
        fix = [
          'keep one tmux server for this user (see tmux.server); start it with one tmux command, not a wrapper running several at once',
          `then: ${reload}`,
        ];
      } else {
        cause =
          'something replaced status-right after continuum added its hook (a theme, or `set status-right` run later)';
        fix = [reload];
      }
      results.push({
        status: 'fail',
        summary: 'continuum auto-save is not wired: status-right has no continuum_save.sh',
        details: [`cause: ${cause}`, ...loadedDetails],
        fix,
      });
    } else {
      if (!server.options['@resurrect-save-script-path']) {
        results.push({
          status: 'warn',
          summary: 'continuum runs, but tmux-resurrect is not loaded: its auto-saves do nothing',
          details: ['@resurrect-save-script-path is unset (see plugins.resurrect)'],
          fix: [`tmux run-shell ${shq(`${pdir}/tmux-resurrect/resurrect.tmux`)}`],
        });
      }
      const drawing = server.clients.filter((c) => !c.controlMode);
      if (drawing.length === 0) {
        results.push({
          status: 'warn',
          summary: 'no client attached: no status line is drawn, so continuum is not auto-saving now',
          details: [
            `clients: ${server.clients.length} (${server.clients.filter((c) => c.controlMode).length} in control mode)`,
          ],
          fix: [
            `save before stopping the VM while detached: tmux run-shell ${shq(`${pdir}/tmux-resurrect/scripts/save.sh`)}   # from a shell with tmux on PATH`,
          ],
        });
      }
      if (Number.isInteger(interval) && interval > 0) {
        const tsRaw = server.options['@continuum-save-last-timestamp'];
        const ts = tsRaw ? Number(tsRaw) : NaN;
        if (!Number.isFinite(ts)) {
          results.push({
            status: 'warn',
            summary: 'no continuum auto-save recorded (@continuum-save-last-timestamp unset)',
            details: loadedDetails,
            fix: [reload],
          });
        } else {
          const age = f.host.now - ts;
          const tsDetail = `@continuum-save-last-timestamp: ${tsRaw} (${new Date(ts * 1000).toISOString()}, ${ageText(age)} ago; now ${new Date(f.host.now * 1000).toISOString()})`;
          loadedDetails.push(tsDetail);
          if (age > 2 * interval * 60) {
            results.push({
              status: 'warn',
              summary: `the last continuum auto-save ran ${ageText(age)} ago, more than twice the ${interval}-min interval`,
              details: [tsDetail, `clients drawing a status line: ${drawing.length}`],
              fix: [
                drawing.length === 0
                  ? 'attach a client (auto-save runs only while a status line is drawn), or save by hand'
                  : `check that status-right is not refreshed away: tmux show -gv status-right; then ${reload}`,
                `save now: tmux run-shell ${shq(`${pdir}/tmux-resurrect/scripts/save.sh`)}`,
              ],
            });
          }
        }
      }
      results.push({
        status: 'pass',
        summary: `auto-save wired into status-right (every ${interval} min)`,
        details: loadedDetails,
      });
    }
    return results;
  },
});
