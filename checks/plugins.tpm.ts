import { directLoads, tpmDecls, tpmPlace, tpmRunLinesOf } from '../src/domain/config/tpm.js';
import { configLines, loadedConfigs, tpmConfigPath, where } from '../src/domain/config.js';
import {
  dirname,
  isExecutable,
  liveServer,
  loadPluginsNowFix,
  nonLoginPathFix,
  noServerReason,
  pathHasDir,
  primaryTmux,
  restartFromLoginShell,
  shq,
  tilde,
} from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

export default defineCheck({
  id: 'plugins.tpm',
  category: 'plugins',
  dependsOn: ['config.file', 'tmux.server'],
  title: 'TPM installed, run last in the config, and loaded',
  explain:
    'Checks that TPM is installed (`~/.tmux/plugins/tpm/tpm`, executable), that the config runs it with a ' +
    "`run '~/.tmux/plugins/tpm/tpm'` line after every `@plugin` line, and that the running server actually loaded it: " +
    "TPM sets TMUX_PLUGIN_MANAGER_PATH in the server's global environment (`tmux show-environment -g | grep PLUGIN`). " +
    "TPM is what loads tmux-resurrect and tmux-continuum. It runs through `run-shell` with the server's environment and " +
    'calls `tmux`, so a server started from a non-login SSH shell (no /opt/homebrew/bin on its PATH) never loads it: no ' +
    'prefix C-s, no auto-save, empty saves. Fix: put tmux on the non-login PATH (~/.zshenv), then give the running ' +
    'server the PATH and run TPM again, or save and restart the server from a login shell.',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const place = tpmPlace(f);
    const tpmPath = place.script;
    const pdir = tpmPath.replace(/\/tpm\/tpm$/, '');
    const results: Result[] = [];
    const problems: string[] = [];
    const server = liveServer(f);
    const mgr = server?.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
    const tpmLoadedNow = typeof mgr === 'string' && mgr !== '';
    const direct = [...directLoads(f, 'tmux-resurrect'), ...directLoads(f, 'tmux-continuum')];
    if (!place.runLine && !tpmLoadedNow && direct.length > 0) {
      return {
        status: 'pass',
        summary: 'TPM is not used: the config loads the plugins itself with run-shell',
        details: direct.map((d) => `${where(d.at, home)}: ${d.at.text}`),
      };
    }

    // installed
    const script = place.entry;
    const rev = place.revision;
    if (!script && tpmLoadedNow) {
      results.push({
        status: 'pass',
        summary: 'TPM ran in the server (its script was not found where the config reading points)',
        details: [`looked for ${tpmPath}`, `TMUX_PLUGIN_MANAGER_PATH=${mgr}`],
      });
    } else if (!script) {
      problems.push('TPM is not installed');
      results.push({
        status: 'fail',
        summary: `TPM is not installed (${tilde(tpmPath, home)} missing)`,
        details: [
          `plugins dir: ${pdir} (${f.plugins.exists ? 'exists' : 'missing'})`,
          `entries: ${f.plugins.entries.map((e) => e.name).join(', ') || 'none'}`,
        ],
        fix: [`git clone https://github.com/tmux-plugins/tpm ${shq(`${pdir}/tpm`)}`],
      });
    } else if (!isExecutable(script, f.host.uid)) {
      problems.push('tpm/tpm is not executable');
      results.push({
        status: 'fail',
        summary: `${tilde(tpmPath, home)} is not executable (${script.mode}): \`run\` cannot start it`,
        details: [`${tpmPath}: ${script.mode} uid ${script.uid}`],
        fix: [`chmod u+x ${shq(tpmPath)}`],
      });
    } else {
      results.push({
        status: 'pass',
        summary: `TPM installed (${tilde(tpmPath, home)})`,
        details: [`${tpmPath}: ${script.mode}`, `TPM revision: ${rev ?? 'unknown'}`],
      });
    }

    // configured
    const lines = configLines(f, loadedConfigs(f));
    const runs = tpmRunLinesOf(f, lines);
    const decls = tpmDecls(f).filter((d) => !d.legacy);
    const runLine = `run '${tilde(tpmPath, home)}'`;
    const cfgFile = tilde(tpmConfigPath(f), home);
    if (runs.length === 0 && tpmLoadedNow) {
      results.push({
        status: 'pass',
        summary: 'TPM ran in the server (the config reading did not find its run line)',
        details: [`TMUX_PLUGIN_MANAGER_PATH=${mgr}`],
      });
    } else if (runs.length === 0) {
      problems.push('the config never runs TPM');
      results.push({
        status: 'fail',
        summary: `no \`run …/tpm/tpm\` line in the tmux config: TPM never runs${server ? '' : ' (judged from the config: no server answered)'}`,
        details: decls.map((d) => `@plugin ${d.spec} at ${where(d, home)}`),
        fix: [`add as the last line of ${cfgFile}: ${runLine}`],
      });
    } else {
      const lastRun = runs[runs.length - 1]!;
      const order = lines.map((l) => `${l.file}:${l.line}`);
      const after = decls.filter(
        (d) => order.indexOf(`${d.file}:${d.line}`) > order.indexOf(`${lastRun.file}:${lastRun.line}`),
      );
      if (after.length > 0) {
        problems.push('the TPM run line comes before @plugin lines');
        results.push({
          status: 'fail',
          summary: `the TPM run line (${where(lastRun, home)}) comes before ${after.length} @plugin line(s): it must be the last line`,
          details: [
            `run line: ${where(lastRun, home)}: ${lastRun.text}`,
            ...after.map((d) => `after it: ${where(d, home)}: ${d.text}`),
          ],
          fix: [
            `move \`${lastRun.text}\` to the very end of ${cfgFile}, after ${where(after[after.length - 1]!, home)}`,
          ],
        });
      } else {
        results.push({
          status: 'pass',
          summary: `run line last (${where(lastRun, home)})`,
          details: [`${where(lastRun, home)}: ${lastRun.text}`],
        });
      }
    }

    // loaded
    if (!server) {
      results.push({ status: 'skip', summary: `loaded: ${noServerReason(f)}` });
    } else {
      if (tpmLoadedNow) {
        results.push({
          status: 'pass',
          summary: 'loaded in the running server',
          details: [`TMUX_PLUGIN_MANAGER_PATH=${mgr}`],
        });
      } else {
        const tmux = primaryTmux(f);
        const serverPath = server.globalEnv.PATH;
        const pathMissing = !!tmux && tmux.includes('/') && !pathHasDir(serverPath, dirname(tmux));
        const why = pathMissing
          ? `the server's PATH (${serverPath ?? 'not set'}) lacks ${dirname(tmux!)}: it was started from a shell without tmux on PATH (a non-login \`ssh vm …\`), so TPM's \`tmux\` calls fail`
          : problems.length
            ? problems.join('; ')
            : 'the server was started before TPM was set up, or with `tmux -f` another config';
        results.push({
          status: 'fail',
          summary: `TPM is not loaded in the running server (no TMUX_PLUGIN_MANAGER_PATH): no plugin is active`,
          details: [`cause: ${why}`, `server global PATH: ${serverPath ?? '(not set)'}`],
          fix: [
            ...(pathMissing || problems.length === 0 ? loadPluginsNowFix(f, tmux) : []),
            ...(pathMissing ? nonLoginPathFix(f, dirname(tmux!)) : []),
            `or, after a good save: tmux kill-server, then ${restartFromLoginShell(f)}`,
          ],
        });
      }
    }
    return results;
  },
});
