import {
  configAt,
  configLines,
  loadedConfigs,
  pluginDecls,
  pluginOptions,
  tpmConfigPath,
  tpmConfigs,
  tpmRunLines,
  userConfigPaths,
  where,
} from '../src/domain/config.js';
import { conclude, samePath, tilde } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

const REQUIRED = [
  { name: 'tmux-resurrect', line: "set -g @plugin 'tmux-plugins/tmux-resurrect'" },
  { name: 'tmux-continuum', line: "set -g @plugin 'tmux-plugins/tmux-continuum'" },
];

export default defineCheck({
  id: 'config.file',
  category: 'config',
  title: 'tmux config declares tmux-resurrect and tmux-continuum',
  explain:
    'Finds the config files tmux 3.x loads at server start — every one that exists of /etc/tmux.conf, ~/.tmux.conf, ' +
    '$XDG_CONFIG_HOME/tmux/tmux.conf and ~/.config/tmux/tmux.conf, in that order — and the one file TPM reads its ' +
    '`@plugin` list from (~/.config/tmux/tmux.conf when it exists, else ~/.tmux.conf). Without `set -g @plugin ' +
    "'tmux-plugins/tmux-resurrect'` and `…/tmux-continuum` in that file TPM never loads them, and nothing saves or " +
    'restores. Lists the resurrect/continuum options as the running server has them (else as the config sets them). ' +
    'Fix: add the missing `set -g @plugin` line above the `run …/tpm/tpm` line, then reload TPM.',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const loaded = loadedConfigs(f);
    const tpmPath = tpmConfigPath(f);
    const details: string[] = [];
    for (const c of f.configs.filter((c) => c.exists && /\/etc\/tmux\.conf$/.test(c.path)))
      details.push(`${c.path}: exists (${c.size} bytes), loaded first`);
    for (const p of userConfigPaths(f)) {
      const c = configAt(f, p);
      const tags = c?.exists
        ? [
            `exists (${c.size} bytes${c.truncated ? ', only the start was read' : ''})`,
            'loaded by tmux',
            ...(samePath(p, tpmPath) ? ['TPM reads @plugin lines here'] : []),
          ]
        : ['missing'];
      details.push(`${tilde(p, home)}: ${tags.join(', ')}`);
    }
    const withF = f.processes
      .map((p) => p.command.match(/^\S*tmux\b.*\s-f\s*(\S+)/)?.[1])
      .filter((x): x is string => !!x);
    for (const x of new Set(withF))
      details.push(`a tmux process was started with -f ${x}: a server started that way loads only that file`);

    if (loaded.filter((c) => !/\/etc\/tmux\.conf$/.test(c.path)).length === 0) {
      return {
        status: 'fail',
        summary: `no tmux config file: tmux starts without TPM, resurrect or continuum`,
        details,
        fix: [
          `create ~/.tmux.conf with:`,
          ...REQUIRED.map((r) => `  ${r.line}`),
          "  set -g @continuum-restore 'on'",
          `  run '${tilde(f.plugins.dir.replace(/\/+$/, ''), home)}/tpm/tpm'`,
        ],
      };
    }
    if (loaded.length > 1) details.push(`tmux loads all ${loaded.length} files in the order above; later settings win`);

    const allLines = configLines(f, loaded);
    const tpmDecls = pluginDecls(configLines(f, tpmConfigs(f)));
    const allDecls = pluginDecls(allLines);
    for (const d of allDecls) details.push(`@plugin ${d.spec} at ${where(d, home)}`);
    const results: Result[] = [];
    const run = tpmRunLines(configLines(f, tpmConfigs(f)))[0];
    const addWhere = run
      ? `in ${tilde(tpmPath, home)}, above line ${run.line} (${run.text})`
      : `to ${tilde(tpmPath, home)}`;

    for (const r of REQUIRED) {
      if (tpmDecls.some((d) => d.name === r.name)) continue;
      const elsewhere = allDecls.find((d) => d.name === r.name);
      const loose = allLines.find((l) => l.text.includes('@plugin') && l.text.includes(r.name));
      if (elsewhere) {
        results.push({
          status: 'fail',
          summary: `${r.name} is declared in ${tilde(elsewhere.file, home)}, but TPM reads @plugin lines only from ${tilde(tpmPath, home)}: it is never loaded`,
          details: [...details, `declared at ${where(elsewhere, home)}: ${elsewhere.text}`],
          fix: [
            `move the line to ${tilde(tpmPath, home)}: ${r.line}`,
            `or merge the configs into one file and delete the other`,
          ],
        });
      } else if (tpmConfigs(f).some((c) => c.truncated)) {
        results.push({
          status: 'warn',
          summary: `no @plugin line for ${r.name} in the part of ${tilde(tpmPath, home)} that was read (the file was cut at the probe's cap)`,
          details,
          fix: [`check: grep -n '@plugin' ${tilde(tpmPath, home)}`],
        });
      } else {
        results.push({
          status: 'fail',
          summary: `no @plugin line for ${r.name}: TPM never loads it`,
          details: [
            ...details,
            ...(loose
              ? [
                  `TPM does not recognise ${where(loose, home)}: ${loose.text} (it needs exactly \`set -g @plugin '…'\`)`,
                ]
              : []),
          ],
          fix: [
            `add ${addWhere}: ${r.line}`,
            `then install and load it: ${tilde(f.plugins.dir.replace(/\/+$/, ''), home)}/tpm/bin/install_plugins`,
          ],
        });
      }
    }

    const opts = pluginOptions(f);
    const optDetails = opts.values.length
      ? opts.values.map(
          ([k, v]) => `${k} = ${JSON.stringify(v)} (${opts.source === 'server' ? 'running server' : 'config'})`,
        )
      : [`no @resurrect-*/@continuum-* options set (${opts.source === 'server' ? 'running server' : 'config'})`];

    if (results.length === 0) {
      return {
        status: 'pass',
        summary: `${tilde(tpmPath, home)} declares tmux-resurrect and tmux-continuum`,
        details: [...details, ...optDetails],
      };
    }
    results[0]!.details = [...(results[0]!.details ?? []), ...optDetails];
    return conclude(results);
  },
});
