import { loadedVia, pluginPlace } from '../src/domain/config/tpm.js';
import {
  isExecutable,
  liveServer,
  loadPluginsNowFix,
  noServerReason,
  primaryTmux,
  samePath,
  shq,
  tilde,
} from '../src/domain/util.js';
import type { ServerFact } from '../src/engine/check.js';
import { defineCheck, type Result } from '../src/engine/check.js';

/** `bind-key [-r] -T prefix C-s run-shell /…/save.sh` → command bound to KEY in the prefix table. */
function boundTo(server: ServerFact, key: string): string | undefined {
  for (const l of server.keyBindings) {
    const m = l.match(/^bind-key\s+(?:-[a-zA-Z]+\s+)*-T\s+prefix\s+(\S+)\s+(.*)$/);
    if (m && m[1] === key) return m[2]!.trim();
  }
  return undefined;
}

export default defineCheck({
  id: 'plugins.resurrect',
  category: 'plugins',
  dependsOn: ['plugins.tpm'],
  title: 'tmux-resurrect installed, its scripts executable, and loaded',
  explain:
    'Looks for tmux-resurrect in the plugins dir, checks that scripts/save.sh and scripts/restore.sh exist and are ' +
    'executable, records the plugin revision, and checks the running server loaded it: resurrect sets ' +
    '`@resurrect-save-script-path` (which continuum calls to auto-save) and binds prefix C-s / C-r to save.sh / restore.sh. ' +
    'If it is not loaded, prefix C-s does nothing and continuum has nothing to call, so nothing is saved. ' +
    'Fix: install with TPM (prefix I or ~/.tmux/plugins/tpm/bin/install_plugins), `chmod u+x` the scripts, and load it ' +
    "in the running server (`tmux run-shell ~/.tmux/plugins/tpm/tpm`, with tmux on the server's PATH).",
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const pdir = f.plugins.dir.replace(/\/+$/, '');
    const place = pluginPlace(f, 'tmux-resurrect');
    const rdir = place.dir;
    const entry = place.entry;
    const via = loadedVia(f, 'tmux-resurrect');
    const results: Result[] = [];

    if (!entry) {
      results.push({
        status: 'fail',
        summary: `tmux-resurrect is not installed (${tilde(rdir, home)} missing)`,
        details: [`plugins dir ${pdir}: ${f.plugins.entries.map((e) => e.name).join(', ') || 'empty or missing'}`],
        fix: [
          `${shq(`${pdir}/tpm/bin/install_plugins`)}   # installs every @plugin of the config`,
          `or: git clone https://github.com/tmux-plugins/tmux-resurrect ${shq(rdir)}`,
        ],
      });
    } else {
      const details = [`${rdir} (revision ${entry.revision ?? 'unknown'})`, `found: ${place.why}`];
      const bad: string[] = [];
      for (const name of ['save.sh', 'restore.sh']) {
        const s = place.scripts.find((e) => e.name === name);
        details.push(`scripts/${name}: ${s ? `${s.mode} uid ${s.uid}` : 'missing'}`);
        if (!s) bad.push(`${name} is missing`);
        else if (!isExecutable(s, f.host.uid)) bad.push(`${name} is not executable (${s.mode})`);
      }
      if (bad.length) {
        const missing = bad.some((b) => b.endsWith('missing'));
        results.push({
          status: 'fail',
          summary: `tmux-resurrect is installed but ${bad.join(', ')}`,
          details,
          fix: missing
            ? [
                `reinstall it: rm -rf ${shq(rdir)} && git clone https://github.com/tmux-plugins/tmux-resurrect ${shq(rdir)}`,
              ]
            : [`chmod u+x ${shq(`${rdir}/scripts/save.sh`)} ${shq(`${rdir}/scripts/restore.sh`)}`],
        });
      } else {
        results.push({
          status: 'pass',
          summary: `tmux-resurrect installed (${entry.revision ? entry.revision.slice(0, 7) : 'revision unknown'})`,
          details,
        });
      }
    }

    const server = liveServer(f);
    if (!server) {
      results.push({ status: 'skip', summary: `loaded: ${noServerReason(f)}` });
      return results;
    }
    const savePath = server.options['@resurrect-save-script-path'];
    const expected = `${rdir}/scripts/save.sh`;
    if (!savePath) {
      const tpmLoaded = typeof server.globalEnv.TMUX_PLUGIN_MANAGER_PATH === 'string';
      const cause =
        !via.tpm && !via.run
          ? 'no @plugin line that TPM reads declares it and no run-shell line loads it (see config.file)'
          : via.run && !via.tpm
            ? `the run-shell line at ${via.run.at.file}:${via.run.at.line} did not load it (${via.run.path})`
            : tpmLoaded
              ? `TPM is loaded and declares it (${via.tpm!.file}:${via.tpm!.line}), but it is not in TPM's plugin path ${rdir}`
              : 'TPM is not loaded in the server either (see plugins.tpm)';
      results.push({
        status: 'fail',
        summary: `tmux-resurrect is not loaded in the running server (@resurrect-save-script-path unset): prefix C-s and continuum cannot save`,
        details: [cause, `prefix C-s: ${boundTo(server, 'C-s') ?? 'unbound'}`],
        fix: tpmLoaded ? [`tmux run-shell ${shq(`${rdir}/resurrect.tmux`)}`] : loadPluginsNowFix(f, primaryTmux(f)),
      });
      return results;
    }
    const loadedDetails = [
      `@resurrect-save-script-path = ${savePath}`,
      via.tpm
        ? `loaded through TPM (@plugin at ${via.tpm.file}:${via.tpm.line})`
        : via.run
          ? `loaded, not through TPM: run-shell at ${via.run.at.file}:${via.run.at.line}`
          : 'loaded (the config reading did not find the line that loads it)',
    ];
    if (!samePath(savePath, expected)) {
      results.push({
        status: 'warn',
        summary: `the server's resurrect is ${savePath}, not the installed ${tilde(expected, home)}`,
        details: loadedDetails,
        fix: [`reload from the installed copy: tmux run-shell ${shq(`${rdir}/resurrect.tmux`)}`],
      });
    }
    const keys: Array<{ option: string; def: string; script: string; what: string }> = [
      { option: '@resurrect-save', def: 'C-s', script: savePath, what: 'save' },
      {
        option: '@resurrect-restore',
        def: 'C-r',
        script: server.options['@resurrect-restore-script-path'] || `${rdir}/scripts/restore.sh`,
        what: 'restore',
      },
    ];
    const unbound: string[] = [];
    for (const k of keys) {
      const configured = (server.options[k.option] || k.def).split(/\s+/).filter(Boolean);
      for (const key of configured) {
        if (key !== 'C-s' && key !== 'C-r') {
          loadedDetails.push(`prefix ${key} (${k.what}): not checked (only C-s/C-r bindings are gathered)`);
          continue;
        }
        const cmd = boundTo(server, key);
        loadedDetails.push(`prefix ${key}: ${cmd ?? 'unbound'}`);
        const base = k.script.split('/').pop()!;
        if (!cmd || !(cmd.includes(k.script) || (cmd.includes('tmux-resurrect') && cmd.includes(base))))
          unbound.push(`prefix ${key} (${k.what}) is ${cmd ? `bound to \`${cmd}\`` : 'unbound'}`);
      }
    }
    if (unbound.length) {
      results.push({
        status: 'warn',
        summary: `resurrect is loaded but ${unbound.join('; ')}`,
        details: loadedDetails,
        fix: [
          "a later `bind-key` in the config overrides resurrect: remove it, or choose other keys with `set -g @resurrect-save 'S'` / `@resurrect-restore 'R'` before the TPM run line",
          `reload: tmux run-shell ${shq(`${rdir}/resurrect.tmux`)}`,
        ],
      });
    } else {
      results.push({ status: 'pass', summary: 'loaded (save script path set, C-s/C-r bound)', details: loadedDetails });
    }
    return results;
  },
});
