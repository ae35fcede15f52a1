// TPM (99469c4) as its own scripts find things, and where each plugin really is.
//
// - TPM reads its plugin list from text, not from tmux: `cat /etc/tmux.conf USERCONF`, then
//   the files those two `source` (one level only: scripts/helpers/plugin_functions.sh
//   `_sourced_files`, its sed takes the rest of the line after `source[-file] [-q]` and a
//   quote, the shell splits and globs it, and only a leading `~` or `$HOME` is expanded).
//   USERCONF is `${XDG_CONFIG_HOME:-$HOME/.config}/tmux/tmux.conf` when it exists, else
//   `~/.tmux.conf`. In that text, `^[ \t]*set(-option)? +-g +@plugin` lines give the 4th
//   field with quotes removed; the `@tpm_plugins` option (legacy) adds its words.
// - Plugins live in TMUX_PLUGIN_MANAGER_PATH: the server's global environment when set
//   (`set-environment -g` in the config, before the run line), else
//   `${XDG_CONFIG_HOME:-$HOME/.config}/tmux/plugins/` when that tmux.conf exists, else
//   `$HOME/.tmux/plugins/` — wherever TPM itself was run from.
// - A plugin is loaded by running its `*.tmux` files: by TPM, or by a `run-shell` line of
//   the config. The running server shows which copy ran: `@resurrect-save-script-path`,
//   continuum's `#(…/continuum_save.sh)` in status-right.
import type { Facts, FileEntry, PluginEntry, PluginsFact, TextFile } from '../../probe/facts.js';
import { basename, dirname, liveServer, samePath } from '../util.js';
import { type ConfLine, fileAt, flagsOf, formatValue, hasGlob, readConfig } from './read.js';

export type PluginName = 'tmux-resurrect' | 'tmux-continuum';

/** Every plugin dir the probe listed, the primary one first. */
function pluginDirs(f: Facts): PluginsFact[] {
  const out: PluginsFact[] = [];
  for (const d of [f.plugins, ...(f.configTree?.pluginDirs ?? [])])
    if (d.dir && !out.some((o) => samePath(o.dir, d.dir))) out.push(d);
  return out;
}

function dirFact(f: Facts, dir: string): PluginsFact | undefined {
  return pluginDirs(f).find((d) => samePath(d.dir, dir));
}

const trim = (p: string) => p.replace(/\/+$/, '');

/** A leading `~` or `$HOME` replaced, as TPM's `_manual_expansion` and a shell do. */
function manual(p: string, home: string): string {
  const h = trim(home);
  return p
    .replace(/^~(?=\/|$)/, h)
    .replace(/^\$HOME(?=\/|$)/, h)
    .replace(/^\$\{HOME\}(?=\/|$)/, h);
}

function xdgConfigHome(f: Facts): string {
  const server = liveServer(f);
  const v = server ? server.globalEnv.XDG_CONFIG_HOME : f.env.xdgConfigHome;
  return trim(typeof v === 'string' && v !== '' ? v : `${trim(f.host.home)}/.config`);
}

/** TPM's user config file and the files it reads for `@plugin` lines. */
export function tpmFiles(f: Facts): { userConf: string; files: TextFile[] } {
  const home = f.host.home;
  const xdg = `${xdgConfigHome(f)}/tmux/tmux.conf`;
  const userConf = fileAt(f, xdg)?.exists ? xdg : `${trim(home)}/.tmux.conf`;
  const top = [fileAt(f, '/etc/tmux.conf'), fileAt(f, userConf)].filter((c): c is TextFile => !!c?.exists);
  const files = [...top];
  const re = /^[ \t]*source(-file)?[ \t]+(-q+[ \t]+)?['"]?([^'"]+)['"]?/;
  for (const c of top) {
    for (const l of c.content.split('\n')) {
      const m = l.match(re);
      if (!m) continue;
      const rest = l.replace(re, '$3');
      for (const w of rest.split(/[ \t]+/).filter(Boolean)) {
        const p = manual(w, home);
        const hits = hasGlob(p)
          ? (f.configTree?.globs[p] ?? []).map((x) => fileAt(f, x))
          : [fileAt(f, p.startsWith('/') ? p : `${dirname(c.path)}/${p}`)];
        for (const h of hits) if (h?.exists && !files.some((x) => x.path === h.path)) files.push(h);
      }
    }
  }
  return { userConf, files };
}

interface TpmLine {
  file: string;
  line: number;
  text: string;
}

export interface PluginDecl extends TpmLine {
  /** as written, quotes removed: `tmux-plugins/tmux-resurrect` */
  spec: string;
  /** the directory TPM installs it to: `tmux-resurrect` */
  name: string;
  legacy?: boolean;
}

export function pluginName(spec: string): string {
  return basename(spec.split('#')[0]!).replace(/\.git$/, '');
}

/** `@plugin` lines exactly as TPM's awk sees them, and `@tpm_plugins` words (the server's value, else the config's). */
export function tpmDecls(f: Facts): PluginDecl[] {
  const out: PluginDecl[] = [];
  for (const c of tpmFiles(f).files) {
    c.content.split('\n').forEach((text, i) => {
      if (!/^[ \t]*set(-option)? +-g +@plugin/.test(text)) return;
      const spec = text
        .replace(/['"]/g, '')
        .trim()
        .split(/[ \t]+/)[3];
      if (spec) out.push({ file: c.path, line: i + 1, text: text.trim(), spec, name: pluginName(spec) });
    });
  }
  const server = liveServer(f);
  let legacy = server?.options['@tpm_plugins'];
  let at: ConfLine | undefined;
  if (!server) {
    for (const l of readConfig(f, loadedFiles(f)).lines) {
      if (l.active === false || !/^set(-option)?$/.test(l.args[0] ?? '')) continue;
      const { flags, rest } = flagsOf(l.args);
      if (rest[0] !== '@tpm_plugins') continue;
      legacy = flags.includes('a') ? `${legacy ?? ''}${rest[1] ?? ''}` : rest[1];
      at = l;
    }
  }
  for (const spec of (legacy ?? '').split(/\s+/).filter(Boolean)) {
    out.push({
      file: at?.file ?? 'server option @tpm_plugins',
      line: at?.line ?? 0,
      text: at?.text ?? `@tpm_plugins ${legacy}`,
      spec,
      name: pluginName(spec),
      legacy: true,
    });
  }
  return out;
}

/** The files tmux loads at server start: /etc/tmux.conf, then every user file that exists. */
export function loadedFiles(f: Facts): TextFile[] {
  const home = trim(f.host.home);
  const xdg = f.env.xdgConfigHome;
  const paths = ['/etc/tmux.conf', `${home}/.tmux.conf`, ...(xdg ? [`${trim(xdg)}/tmux/tmux.conf`] : [])];
  paths.push(`${home}/.config/tmux/tmux.conf`);
  const out: TextFile[] = [];
  for (const p of paths) {
    const c = f.configs.find((x) => samePath(x.path, p) && x.exists);
    if (c && !out.includes(c)) out.push(c);
  }
  return out;
}

/** The shell command of a `run-shell` line, or undefined. */
export function runCommand(l: ConfLine): string | undefined {
  if (!/^run(-shell)?$/.test(l.args[0] ?? '')) return undefined;
  const { rest } = flagsOf(l.args, 'dt');
  return rest[0];
}

/** The script a run-shell command starts (its first word, `~`/`$HOME` expanded, formats through the server). */
function runTarget(f: Facts, l: ConfLine): string | undefined {
  const cmd = runCommand(l);
  if (!cmd) return undefined;
  const expanded = cmd.includes('#{') ? formatValue(f, cmd, l.file) : cmd;
  if (expanded === undefined) return undefined;
  const first = expanded.trim().split(/\s+/)[0] ?? '';
  const p = manual(first.replace(/^['"]|['"]$/g, ''), f.host.home);
  return p.startsWith('/') ? p : undefined;
}

export function tpmRunLinesOf(f: Facts, lines: ConfLine[]): ConfLine[] {
  return lines.filter((l) => l.active !== false && /(^|\/)tpm\/tpm$/.test(runTarget(f, l) ?? runCommand(l) ?? ''));
}

export interface TpmPath {
  path: string;
  source: 'server' | 'config' | 'default';
  at?: ConfLine;
  why: string;
}

/** TMUX_PLUGIN_MANAGER_PATH as TPM derives it (with a trailing slash removed). */
export function tpmPluginPath(f: Facts): TpmPath {
  const home = f.host.home;
  const server = liveServer(f);
  const v = server?.globalEnv.TMUX_PLUGIN_MANAGER_PATH;
  if (typeof v === 'string' && v !== '')
    return {
      path: trim(manual(v, home)),
      source: 'server',
      why: "TMUX_PLUGIN_MANAGER_PATH in the server's global environment",
    };
  const set = readConfig(f, loadedFiles(f))
    .lines.filter((l) => l.active !== false && /^(set-environment|setenv)$/.test(l.args[0] ?? ''))
    .map((l) => ({ l, ...flagsOf(l.args, 't') }))
    .filter((x) => x.rest[0] === 'TMUX_PLUGIN_MANAGER_PATH' && x.rest[1] && !x.flags.includes('u'))
    .pop();
  if (set)
    return {
      path: trim(manual(set.rest[1]!, home)),
      source: 'config',
      at: set.l,
      why: 'set-environment in the config',
    };
  const xdg = `${xdgConfigHome(f)}/tmux`;
  if (fileAt(f, `${xdg}/tmux.conf`)?.exists)
    return { path: `${xdg}/plugins`, source: 'default', why: `TPM's default when ${xdg}/tmux.conf exists` };
  return { path: `${trim(home)}/.tmux/plugins`, source: 'default', why: "TPM's default" };
}

export interface Place {
  /** the plugin's directory */
  dir: string;
  entry?: PluginEntry;
  /** listing of its scripts/ dir (resurrect, continuum) */
  scripts: FileEntry[];
  /** why this place */
  why: string;
}

function placeIn(f: Facts, parent: string, name: PluginName, why: string): Place {
  const d = dirFact(f, parent);
  const entry = d?.entries.find((e) => e.name === name);
  const scripts = !entry ? [] : name === 'tmux-resurrect' ? d!.resurrectScripts : d!.continuumScripts;
  return { dir: `${trim(parent)}/${name}`, ...(entry ? { entry } : {}), scripts, why };
}

/** `run-shell …/tmux-resurrect/resurrect.tmux` lines: a plugin loaded without TPM. */
export function directLoads(f: Facts, name: PluginName): Array<{ at: ConfLine; path: string }> {
  const script = name === 'tmux-resurrect' ? 'resurrect.tmux' : 'continuum.tmux';
  const out: Array<{ at: ConfLine; path: string }> = [];
  for (const l of readConfig(f, loadedFiles(f)).lines) {
    if (l.active === false) continue;
    const t = runTarget(f, l);
    if (t && basename(t) === script) out.push({ at: l, path: t });
  }
  return out;
}

/** The directory the running server loaded the plugin from, when it shows it. */
export function serverPluginDir(f: Facts, name: PluginName): string | undefined {
  const server = liveServer(f);
  if (!server) return undefined;
  if (name === 'tmux-resurrect') {
    const p = server.options['@resurrect-save-script-path'];
    return p?.endsWith('/scripts/save.sh') ? dirname(dirname(p)) : undefined;
  }
  const m = (server.options['status-right'] ?? '').match(/#\(([^)]*?)\/scripts\/continuum_save\.sh\)/);
  return m ? m[1] : undefined;
}

/** Where a plugin is: the copy the server runs, else the one TPM would load, else one a run-shell line loads. */
export function pluginPlace(f: Facts, name: PluginName): Place {
  const fromServer = serverPluginDir(f, name);
  if (fromServer) return placeIn(f, dirname(fromServer), name, 'the running server loaded it from here');
  const tp = tpmPluginPath(f);
  const viaTpm = placeIn(f, tp.path, name, `TPM's plugin path (${tp.why})`);
  const direct = directLoads(f, name).map((d) =>
    placeIn(f, dirname(dirname(d.path)), name, `run-shell at ${d.at.file}:${d.at.line}`),
  );
  const declared = tpmDecls(f).some((d) => d.name === name);
  for (const p of declared ? [viaTpm, ...direct] : [...direct, viaTpm]) if (p.entry) return p;
  return declared || direct.length === 0 ? viaTpm : direct[0]!;
}

/** Where TPM itself is: the script a run line starts, else `<plugin path>/tpm/tpm`. */
export function tpmPlace(f: Facts): { script: string; entry?: FileEntry; runLine?: ConfLine; revision?: string } {
  const run = tpmRunLinesOf(f, readConfig(f, loadedFiles(f)).lines).pop();
  const target = run ? runTarget(f, run) : undefined;
  const script = target ?? `${tpmPluginPath(f).path}/tpm/tpm`;
  const d = dirFact(f, dirname(dirname(script)));
  return {
    script,
    ...(d?.tpmScript ? { entry: d.tpmScript } : {}),
    ...(run ? { runLine: run } : {}),
    ...(d?.entries.find((e) => e.name === 'tpm')?.revision
      ? { revision: d.entries.find((e) => e.name === 'tpm')!.revision }
      : {}),
  };
}

/** How a plugin gets loaded at server start, as far as the config says. */
export function loadedVia(f: Facts, name: PluginName): { tpm?: PluginDecl; run?: { at: ConfLine; path: string } } {
  const decl = tpmDecls(f).find((d) => d.name === name);
  const run = directLoads(f, name)[0];
  return { ...(decl ? { tpm: decl } : {}), ...(run ? { run } : {}) };
}
