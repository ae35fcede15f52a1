import type { Facts } from '../../probe/facts.js';

/**
 * Lines of shell logout files that run resurrect's save (`~/.zlogout:1: …save.sh quiet`).
 * Such a hook fires in every pane's login shell as panes close, so its saves race and
 * clobber `last` (docs/domain.md).
 */
export function logoutHooks(facts: Pick<Facts, 'dotfiles' | 'host'> | undefined): string[] {
  if (!facts) return [];
  const home = facts.host.home.replace(/\/+$/, '');
  const shown = (p: string) => (home && p.startsWith(`${home}/`) ? `~${p.slice(home.length)}` : p);
  return facts.dotfiles
    .filter((d) => d.exists && /logout$/.test(d.path))
    .flatMap((d) =>
      d.content
        .split('\n')
        .map((l, i) => ({ l, i }))
        .filter(({ l }) => /resurrect|save\.sh/.test(l) && !/^\s*#/.test(l))
        .map(({ l, i }) => `${shown(d.path)}:${i + 1}: ${l.trim()}`),
    );
}
