import { configLines, loadedConfigs, type SetLine, setLines, where } from '../src/domain/config.js';
import { liveServer, plural } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

/**
 * Every option tmux-resurrect (cff343c) and tmux-continuum (0698e8f) read or write, from
 * their scripts/variables.sh and helpers. `@resurrect-strategy-<command>` and
 * `@resurrect-hook-<name>` are families.
 */
const KNOWN = [
  '@resurrect-save',
  '@resurrect-restore',
  '@resurrect-save-script-path',
  '@resurrect-restore-script-path',
  '@resurrect-dir',
  '@resurrect-processes',
  '@resurrect-default-processes',
  '@resurrect-save-command-strategy',
  '@resurrect-capture-pane-contents',
  '@resurrect-pane-contents-area',
  '@resurrect-never-overwrite',
  '@resurrect-delete-backup-after',
  '@continuum-save-interval',
  '@continuum-save-last-timestamp',
  '@continuum-restore',
  '@continuum-restore-max-delay',
  '@continuum-boot',
  '@continuum-boot-options',
  '@continuum-status-on-wrap-style',
  '@continuum-status-off-wrap-style',
  '@continuum-systemd-start-cmd',
];
const HOOKS = [
  'post-save-layout',
  'post-save-all',
  'pre-restore-all',
  'pre-restore-pane-processes',
  'post-restore-all',
];
const STRATEGY = '@resurrect-strategy-';
const HOOK = '@resurrect-hook-';
/** removed from resurrect (master: "Remove deprecated restoring shell history feature") */
const REMOVED: Record<string, string> = {
  '@resurrect-save-shell-history': 'shell history saving was removed from tmux-resurrect',
  '@resurrect-save-bash-history': 'bash history saving was removed from tmux-resurrect',
};
/** options whose misspelling loses the sessions themselves */
const CRITICAL = new Set(['@continuum-restore', '@continuum-save-interval', '@resurrect-dir', '@continuum-boot']);

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

function closest(name: string, candidates: string[]): { name: string; distance: number } {
  let best = { name: candidates[0]!, distance: Infinity };
  for (const c of candidates) {
    const d = levenshtein(name, c);
    if (d < best.distance) best = { name: c, distance: d };
  }
  return best;
}

/** An @option meant for resurrect/continuum: its prefix is (close to) `resurrect`/`continuum`, or it names one. */
function aimedAtPlugins(name: string): boolean {
  if (!name.startsWith('@')) return false;
  if (/resurrect|continuum|ressurect|resurect|continum/i.test(name)) return true;
  const prefix = name.slice(1).split(/[-_]/, 1)[0]!.toLowerCase();
  return prefix.length >= 6 && (levenshtein(prefix, 'resurrect') <= 2 || levenshtein(prefix, 'continuum') <= 2);
}

type Verdict = { known: true } | { known: false; suggestion?: string; why: string };

function judge(name: string): Verdict {
  if (KNOWN.includes(name)) return { known: true };
  if (name.startsWith(STRATEGY) && name.length > STRATEGY.length) return { known: true };
  if (name.startsWith(HOOK)) {
    const hook = name.slice(HOOK.length);
    if (HOOKS.includes(hook)) return { known: true };
    const c = closest(hook, HOOKS);
    return {
      known: false,
      suggestion: c.distance <= Math.max(3, hook.length / 2) ? `${HOOK}${c.name}` : undefined,
      why: `resurrect runs only the hooks ${HOOKS.join(', ')}`,
    };
  }
  if (REMOVED[name]) return { known: false, why: REMOVED[name]! };
  const families = [...KNOWN, `${STRATEGY}vim`, `${STRATEGY}nvim`, ...HOOKS.map((h) => `${HOOK}${h}`)];
  // `@tmux-resurrect-dir`: the plugin's repository name used as the prefix
  const c = closest(name.replace(/^@tmux[-_]/, '@'), families);
  const near = c.distance <= Math.max(3, Math.floor(name.length / 4));
  return {
    known: false,
    suggestion: near ? c.name : undefined,
    why: 'neither tmux-resurrect nor tmux-continuum reads it',
  };
}

interface Seen {
  name: string;
  value: string | undefined;
  /** where the config sets it */
  at?: SetLine;
  inServer: boolean;
}

export default defineCheck({
  id: 'config.unknown-options',
  category: 'config',
  dependsOn: ['config.file'],
  title: 'every @resurrect-*/@continuum-* option is one the plugins read',
  explain:
    "tmux accepts any `@name` user option, so a misspelled `@continuum-restor 'on'` or `@resurect-dir` is set without " +
    'an error and silently ignored: the plugin falls back to its default. This check compares the options that look meant ' +
    'for the plugins (set in the running server, or in the config) with the names tmux-resurrect and tmux-continuum ' +
    'actually read (their scripts/variables.sh), names the closest real one, and flags values the plugins treat ' +
    "differently than they look (`@resurrect-never-overwrite 'off'` turns it ON: any value counts). Fix: correct the " +
    'name in the config and set it in the running server (or reload the config).',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const server = liveServer(f);
    const byName = new Map<string, Seen>();
    for (const s of setLines(configLines(f, loadedConfigs(f)))) {
      if (!aimedAtPlugins(s.name)) continue;
      const prev = byName.get(s.name);
      byName.set(s.name, {
        name: s.name,
        value: s.unset ? undefined : s.value,
        at: s,
        inServer: prev?.inServer ?? false,
      });
    }
    if (server) {
      for (const [k, v] of Object.entries(server.options)) {
        if (!aimedAtPlugins(k)) continue;
        const prev = byName.get(k);
        byName.set(k, { name: k, value: v, at: prev?.at, inServer: true });
      }
    }
    const seen = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    const source = server ? 'the running server and the config' : 'the config (no server answered)';
    if (seen.length === 0)
      return {
        status: 'pass',
        summary: `no @resurrect-*/@continuum-* options set (${source}): the plugins use their defaults`,
      };

    const describe = (s: Seen) =>
      `${s.name} = ${JSON.stringify(s.value ?? '')}${s.at ? ` (${where(s.at, home)})` : ''}${s.inServer ? '' : server ? ' (config only: not set in the running server)' : ''}`;
    const results: Result[] = [];
    const known: string[] = [];
    for (const s of seen) {
      const v = judge(s.name);
      if (v.known) {
        known.push(describe(s));
        continue;
      }
      const realSet = v.suggestion ? byName.has(v.suggestion) : false;
      const critical = !!v.suggestion && CRITICAL.has(v.suggestion) && !realSet;
      const value = s.value ?? '';
      const fixLine = v.suggestion ? `set -g ${v.suggestion} '${value.replace(/'/g, `'\\''`)}'` : undefined;
      results.push({
        status: critical ? 'fail' : 'warn',
        summary: `${s.name} is not an option the plugins know${v.suggestion ? ` — did you mean ${v.suggestion}?` : ''}: it is silently ignored${critical ? `, so ${v.suggestion} keeps its default` : ''}`,
        details: [
          describe(s),
          `why: ${v.why}`,
          ...(v.suggestion && realSet ? [`${v.suggestion} is also set: ${describe(byName.get(v.suggestion)!)}`] : []),
        ],
        fix: [
          ...(s.at
            ? [fixLine ? `in ${where(s.at, home)} write: ${fixLine}` : `remove ${where(s.at, home)}: ${s.at.text}`]
            : fixLine
              ? [`add to the config: ${fixLine}`]
              : []),
          ...(server && fixLine ? [`and in the running server: tmux ${fixLine}; tmux set -gu ${s.name}`] : []),
        ],
      });
    }
    // values the plugins read differently than they look
    const never = byName.get('@resurrect-never-overwrite');
    if (never && never.value !== undefined && never.value !== '' && /^(off|no|false|0)$/i.test(never.value.trim())) {
      results.push({
        status: 'warn',
        summary: `@resurrect-never-overwrite is ${JSON.stringify(never.value)}, which turns it ON: resurrect tests only that the value is non-empty, and then never restores over an existing pane`,
        details: [describe(never)],
        fix: [
          `${never.at ? `remove ${where(never.at, home)}` : 'remove it from the config'}; in the running server: tmux set -gu @resurrect-never-overwrite`,
        ],
      });
    }
    for (const name of ['@continuum-restore', '@resurrect-capture-pane-contents', '@continuum-boot']) {
      const s = byName.get(name);
      if (!s || s.value === undefined || s.value === '' || s.value === 'on' || s.value === 'off') continue;
      results.push({
        status: name === '@continuum-restore' ? 'fail' : 'warn',
        summary: `${name} is ${JSON.stringify(s.value)}: the plugins compare it with "on" exactly, so it counts as off`,
        details: [describe(s)],
        fix: [`set -g ${name} 'on'${s.at ? `   # replace ${where(s.at, home)}` : ''}`],
      });
    }
    if (results.length === 0) {
      return {
        status: 'pass',
        summary: `${plural(known.length, 'plugin option')} set, all known to tmux-resurrect/continuum`,
        details: known,
      };
    }
    if (known.length)
      results.push({ status: 'pass', summary: `${plural(known.length, 'known option')}`, details: known });
    return results;
  },
});
