// Reading tmux config text the way tmux and TPM do, for the checks that judge it.
//
// tmux 3.x (Makefile.am TMUX_CONF, cfg.c start_cfg) loads *every* existing file of
// `/etc/tmux.conf:~/.tmux.conf:$XDG_CONFIG_HOME/tmux/tmux.conf:~/.config/tmux/tmux.conf`
// in that order (verified with tmux 3.3a: options from both ~/.tmux.conf and
// ~/.config/tmux/tmux.conf are set). TPM reads its `@plugin` list from the text of ONE
// user file only: `${XDG_CONFIG_HOME:-~/.config}/tmux/tmux.conf` if it exists, else
// `~/.tmux.conf` (plus /etc/tmux.conf and files they `source`), matching
// `^[ \t]*set(-option)? +-g +@plugin` and taking the 4th field without quotes.
import type { Facts, TextFile } from '../probe/facts.js';
import { type ConfigRead, type ConfLine, flagsOf, readConfig } from './config/read.js';
import { pluginName, runCommand, tpmFiles } from './config/tpm.js';
import { liveServer, samePath, tilde } from './util.js';

export type { ConfLine } from './config/read.js';

function uniqPaths(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) if (!out.some((q) => samePath(p, q))) out.push(p);
  return out;
}

/** The user config locations tmux 3.x tries, in order. */
export function userConfigPaths(facts: Facts): string[] {
  const home = facts.host.home.replace(/\/+$/, '');
  const xdg = facts.env.xdgConfigHome;
  return uniqPaths([
    `${home}/.tmux.conf`,
    ...(xdg ? [`${xdg.replace(/\/+$/, '')}/tmux/tmux.conf`] : []),
    `${home}/.config/tmux/tmux.conf`,
  ]);
}

export function configAt(facts: Facts, path: string): TextFile | undefined {
  return facts.configs.find((c) => samePath(c.path, path));
}

function systemConfigs(facts: Facts): TextFile[] {
  return facts.configs.filter((c) => c.exists && /\/etc\/tmux\.conf$/.test(c.path));
}

/** Files tmux loads at server start, in order (system file first, then every existing user file). */
export function loadedConfigs(facts: Facts): TextFile[] {
  const user = userConfigPaths(facts)
    .map((p) => configAt(facts, p))
    .filter((c): c is TextFile => !!c && c.exists);
  return [...systemConfigs(facts), ...user];
}

/** The one user file TPM takes its `@plugin` list from. */
export function tpmConfigPath(facts: Facts): string {
  return tpmFiles(facts).userConf;
}

/** The files TPM reads `@plugin` lines from (its user file, /etc/tmux.conf and what they source, one level). */
export function tpmConfigs(facts: Facts): TextFile[] {
  return tpmFiles(facts).files;
}

const cache = new WeakMap<Facts, Map<string, ConfigRead>>();

/** The config as tmux reads it (see config/read.ts), cached per facts and file list. */
export function configRead(facts: Facts, files: TextFile[]): ConfigRead {
  let m = cache.get(facts);
  if (!m) cache.set(facts, (m = new Map()));
  const key = files.map((f) => f.path).join('\0');
  let r = m.get(key);
  if (!r) m.set(key, (r = readConfig(facts, files)));
  return r;
}

/**
 * Command lines of `files` in tmux's reading order: comments and blank lines dropped,
 * `\` continuations joined, sourced files spliced in where the probe read them, lines a
 * condition rules out dropped (conditional ones kept, marked).
 */
export function configLines(facts: Facts, files: TextFile[]): ConfLine[] {
  return configRead(facts, files).lines.filter((l) => l.active !== false);
}

export interface PluginDecl extends ConfLine {
  /** as written, quotes removed: `tmux-plugins/tmux-resurrect` */
  spec: string;
  /** the directory TPM installs it to: `tmux-resurrect` */
  name: string;
}

/** `set -g @plugin '…'` lines, recognised exactly as TPM's awk does. */
export function pluginDecls(lines: ConfLine[]): PluginDecl[] {
  const out: PluginDecl[] = [];
  for (const l of lines) {
    if (!/^[ \t]*set(-option)? +-g +@plugin/.test(l.text)) continue;
    const spec = l.text.replace(/['"]/g, '').split(/[ \t]+/)[3];
    if (!spec) continue;
    out.push({ ...l, spec, name: pluginName(spec) });
  }
  return out;
}

/** `run '~/.tmux/plugins/tpm/tpm'` / `run-shell -b …/tpm/tpm` lines. */
export function tpmRunLines(lines: ConfLine[]): ConfLine[] {
  return lines.filter((l) => /tpm\/tpm(\s|$)/.test(runCommand(l) ?? ''));
}

export interface SetLine extends ConfLine {
  name: string;
  value: string | undefined;
  append: boolean;
  unset: boolean;
}

/** `set[-option] [-flags] NAME VALUE` lines (global and session options). */
export function setLines(lines: ConfLine[]): SetLine[] {
  const out: SetLine[] = [];
  for (const l of lines) {
    if (!/^(set|set-option|setw|set-window-option)$/.test(l.args[0] ?? '')) continue;
    const { flags, rest } = flagsOf(l.args, 't');
    if (!rest[0]) continue;
    const unset = flags.includes('u');
    out.push({
      ...l,
      name: rest[0],
      value: unset ? undefined : (rest[1] ?? ''),
      append: flags.includes('a'),
      unset,
    });
  }
  return out;
}

/** Final value of each option after the config ran (last assignment wins; -a appends). */
export function configOptionValues(lines: ConfLine[]): Map<string, { value: string; at: SetLine }> {
  const vals = new Map<string, { value: string; at: SetLine }>();
  for (const s of setLines(lines)) {
    if (s.unset || s.value === undefined) vals.delete(s.name);
    else vals.set(s.name, { value: s.append ? (vals.get(s.name)?.value ?? '') + s.value : s.value, at: s });
  }
  return vals;
}

export interface OptionValue {
  value: string | undefined;
  source: 'server' | 'config' | 'unset';
  /** where the config sets it, when it does */
  at?: SetLine;
}

/** An option as the plugins see it: the running server's value, else what the config sets. */
export function optionValue(facts: Facts, name: string): OptionValue {
  const server = liveServer(facts);
  const fromConfig = configOptionValues(configLines(facts, loadedConfigs(facts))).get(name);
  if (server) {
    const v = server.options[name];
    return v === undefined
      ? { value: undefined, source: 'unset', at: fromConfig?.at }
      : { value: v, source: 'server', at: fromConfig?.at };
  }
  return fromConfig
    ? { value: fromConfig.value, source: 'config', at: fromConfig.at }
    : { value: undefined, source: 'unset' };
}

/** `@resurrect-*` / `@continuum-*` options and their values, from the server when it runs. */
export function pluginOptions(facts: Facts): { source: 'server' | 'config'; values: Array<[string, string]> } {
  const isPluginOpt = (k: string) => /^@(resurrect|continuum)-/.test(k);
  const server = liveServer(facts);
  if (server) {
    return {
      source: 'server',
      values: Object.entries(server.options)
        .filter(([k]) => isPluginOpt(k))
        .sort(([a], [b]) => a.localeCompare(b)),
    };
  }
  const vals = configOptionValues(configLines(facts, loadedConfigs(facts)));
  return {
    source: 'config',
    values: [...vals.entries()]
      .filter(([k]) => isPluginOpt(k))
      .map(([k, v]) => [k, v.value] as [string, string])
      .sort(([a], [b]) => a.localeCompare(b)),
  };
}

export function where(l: { file: string; line: number }, home: string): string {
  return `${tilde(l.file, home)}:${l.line}`;
}
