// `--redact`: a copy of the report in which the target's user name, host names, address and
// home directory are replaced by <user>, <host> and <home>, in every string of every format.
import type { Report } from '../engine/report.js';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The values to hide, most specific first (the home path holds the user name). */
function secrets(r: Report): Array<[RegExp, string]> {
  const env = r.environment?.host;
  const home = env?.home?.replace(/\/+$/, '');
  const hosts = new Set<string>();
  for (const hostname of [r.target.hostname, env?.hostname]) {
    if (!hostname) continue;
    hosts.add(hostname);
    const short = hostname.split('.')[0];
    if (short && short.length >= 3) hosts.add(short);
  }
  // the address connected to: `user@host[:port]` in the label (IPv6 in brackets)
  const at = /([^\s@()]+)@(\[[^\]]+\]|[^\s:()]+)/.exec(r.target.label);
  if (at?.[2]) hosts.add(at[2].replace(/^\[|\]$/g, ''));
  if (r.environment?.tart?.ip) hosts.add(r.environment.tart.ip);
  if (r.target.kind === 'ssh' && !at) hosts.add(r.target.label.replace(/:\d+$/, ''));
  // a whole word: not part of a longer name, a path segment like `tart.vm`, or `--vm`
  const word = (s: string) => new RegExp(`(?<![A-Za-z0-9_.-])${esc(s)}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_-])`, 'g');
  const rules: Array<[RegExp, string]> = [];
  if (home && home !== '/' && home.length > 1)
    rules.push([new RegExp(`${esc(home)}(?![A-Za-z0-9_.-])`, 'g'), '<home>']);
  for (const h of [...hosts].filter(Boolean).sort((a, b) => b.length - a.length)) rules.push([word(h), '<host>']);
  for (const user of new Set([r.target.user, env?.user])) {
    if (!user) continue;
    rules.push([new RegExp(`(?<![A-Za-z0-9_.-])${esc(user)}@`, 'g'), '<user>@']);
    rules.push([word(user), '<user>']);
  }
  return rules;
}

function scrub<T>(value: T, rules: Array<[RegExp, string]>): T {
  if (typeof value === 'string') return rules.reduce<string>((s, [re, to]) => s.replace(re, to), value) as T;
  if (Array.isArray(value)) return value.map((v) => scrub(v, rules)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, rules)])) as T;
  }
  return value;
}

export function redactReport(r: Report): Report {
  const rules = secrets(r);
  const out = scrub(r, rules);
  // fixed vocabulary, not target data: keep the tool's own fields as they were
  return {
    ...out,
    tool: r.tool,
    version: r.version,
    startedAt: r.startedAt,
    target: { ...out.target, kind: r.target.kind },
    checks: out.checks.map((c, i) => ({
      ...c,
      id: r.checks[i]!.id,
      category: r.checks[i]!.category,
      title: r.checks[i]!.title,
    })),
  };
}
