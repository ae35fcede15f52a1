// Options that hooks set later: a `set-hook` whose command sets the option, or sources a
// file that does. Such a value changes after the server started (each new session, each
// attach...), so what resurrect reads at save time is not what the config set at start.
import type { Facts } from '../../probe/facts.js';
import { liveServer } from '../util.js';
import { flagsOf, readConfig } from './read.js';
import { loadedFiles } from './tpm.js';

export interface HookedSet {
  /** `session-created` */
  hook: string;
  /** where the hook is set: a config `file:line`, or `running server` */
  at: string;
  /** the value as written (may hold formats such as #{session_name}) */
  value: string;
}

/** The values of `option` that `set-hook` commands set (directly or through a sourced file). */
export function hookedSets(f: Facts, option: string): HookedSet[] {
  const out: HookedSet[] = [];
  const hooks: Array<{ hook: string; at: string; cmd: string; file: string }> = [];
  for (const l of readConfig(f, loadedFiles(f)).lines) {
    if (l.active === false || !/^set-hook$/.test(l.args[0] ?? '')) continue;
    const { flags, rest } = flagsOf(l.args, 't');
    if (flags.includes('u') || !rest[0] || !rest[1]) continue;
    hooks.push({ hook: rest[0].replace(/\[\d+\]$/, ''), at: `${l.file}:${l.line}`, cmd: rest[1], file: l.file });
  }
  for (const h of liveServer(f)?.hooks ?? []) {
    const m = h.match(/^(\S+?)(?:\[\d+\])?\s+(.+)$/);
    if (m && !hooks.some((x) => x.hook === m[1] && x.cmd.trim() === m[2]!.trim()))
      hooks.push({ hook: m[1]!, at: 'running server', cmd: m[2]!, file: `${f.host.home}/.tmux.conf` });
  }
  for (const h of hooks) {
    // the hook's command, read as config text; sourced files are looked up among those read
    const probe = {
      ...f,
      configs: [...f.configs, { path: '/hook', exists: true, content: h.cmd, size: 0, truncated: false }],
    };
    const read = readConfig(probe, [probe.configs[probe.configs.length - 1]!]);
    for (const l of read.lines) {
      if (!/^(set|set-option)$/.test(l.args[0] ?? '')) continue;
      const { rest } = flagsOf(l.args, 't');
      if (rest[0] === option && rest[1] !== undefined) out.push({ hook: h.hook, at: h.at, value: rest[1] });
    }
  }
  return out;
}
