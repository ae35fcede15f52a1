import { loadedVia, type PluginName, serverPluginDir, tpmRunLinesOf } from '../src/domain/config/tpm.js';
import {
  configAt,
  configLines,
  configRead,
  loadedConfigs,
  pluginDecls,
  pluginOptions,
  tpmConfigPath,
  tpmConfigs,
  userConfigPaths,
  where,
} from '../src/domain/config.js';
import { liveServer, samePath, tilde } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

const REQUIRED: Array<{ name: PluginName; line: string }> = [
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
          "  set -g @plugin 'tmux-plugins/tpm'",
          ...REQUIRED.map((r) => `  ${r.line}`),
          "  set -g @continuum-restore 'on'",
          `  run '${tilde(f.plugins.dir.replace(/\/+$/, ''), home)}/tpm/tpm'`,
        ],
      };
    }
    if (loaded.length > 1) details.push(`tmux loads all ${loaded.length} files in the order above; later settings win`);

    const read = configRead(f, loaded);
    const allLines = configLines(f, loaded);
    const allDecls = pluginDecls(allLines);
    for (const src of read.sources)
      details.push(
        `${where(src.at, home)} sources ${tilde(src.pattern, home)}: ${
          src.files.length
            ? src.files.map((x) => tilde(x, home)).join(', ')
            : src.missing
              ? `missing${src.quiet ? ' (-q: ignored)' : ''}`
              : 'not read (the probe could not resolve or follow it)'
        }${src.at.active === 'conditional' ? ` (conditional: ${src.at.guard})` : ''}`,
      );
    for (const d of allDecls) details.push(`@plugin ${d.spec} at ${where(d, home)}`);
    const results: Result[] = [];
    const server = liveServer(f);

    // a config tmux rejects: tmux 3.x runs nothing of a file with a parse error
    const parseErrors = f.configTree?.parseErrors;
    if (server && parseErrors?.length) {
      results.push({
        status: 'fail',
        summary: `tmux rejects ${parseErrors.length === 1 ? 'a config line' : `${parseErrors.length} config lines`}: it runs nothing of a file that fails to parse — ${tilde(parseErrors[0]!, home)}`,
        details: [...parseErrors.map((e) => `tmux: ${tilde(e, home)}`), ...details],
        fix: [
          'fix or remove the line(s) tmux names (tmux 2.x syntax such as `bind -t vi-copy` is `bind -T copy-mode-vi` now; CRLF line ends: convert the file with `dos2unix`), then: tmux source-file ~/.tmux.conf',
        ],
      });
    } else if (!server || !parseErrors) {
      const suspect = [
        ...read.syntaxErrors.map((e) => `${where(e, home)}: ${e.message}`),
        ...allLines
          .filter(
            (l) =>
              /^bind(-key)?$|^unbind(-key)?$/.test(l.args[0] ?? '') &&
              /^(vi|emacs)-(copy|choice|edit)$/.test(l.args[l.args.indexOf('-t') + 1] ?? '') &&
              l.args.includes('-t'),
          )
          .map((l) => `${where(l, home)}: ${l.text} (tmux 2.4 removed \`-t vi-copy\` tables: unknown flag -t)`),
      ];
      if (suspect.length)
        results.push({
          status: server ? 'warn' : 'fail',
          summary: `${suspect.length === 1 ? 'a config line' : `${suspect.length} config lines`} tmux 3.x would reject, so it runs nothing of that file (judged from the config: ${server ? 'this tmux cannot parse without executing' : 'no server answered'})`,
          details: [...suspect, ...details],
          fix: [
            'fix or remove the line(s); tmux 2.x `bind -t vi-copy KEY CMD` is `bind -T copy-mode-vi KEY send -X CMD` now',
          ],
        });
    }

    const run = tpmRunLinesOf(f, allLines)[0];
    const addWhere = run
      ? `in ${tilde(tpmPath, home)}, above line ${run.line} (${run.text})`
      : `to ${tilde(tpmPath, home)}`;

    for (const r of REQUIRED) {
      const via = loadedVia(f, r.name);
      if (via.tpm || via.run) continue;
      if (serverPluginDir(f, r.name)) {
        details.push(`${r.name}: loaded in the running server, though the config reading did not find what loads it`);
        continue;
      }
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
          summary: `no @plugin line for ${r.name}: TPM never loads it${server ? '' : ' (judged from the config: no server answered)'}`,
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
        summary: REQUIRED.every((r) => loadedVia(f, r.name).tpm)
          ? `${tilde(tpmPath, home)} declares tmux-resurrect and tmux-continuum`
          : `the config loads tmux-resurrect and tmux-continuum (${REQUIRED.map((r) => {
              const v = loadedVia(f, r.name);
              return `${r.name.replace('tmux-', '')}: ${v.tpm ? 'TPM' : v.run ? `run-shell at ${where(v.run.at, home)}` : 'the running server shows it loaded'}`;
            }).join(', ')})`,
        details: [...details, ...optDetails],
      };
    }
    results[0]!.details = [...(results[0]!.details ?? []), ...optDetails];
    return results;
  },
});
