// Checks are found, not registered: every module in the built-in checks/ dir and in each
// --checks-dir is imported and validated, so a third party adds a check by dropping a file.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Check } from './check.js';

/** Built-in checks live next to src/ (compiled: dist/checks beside dist/src). */
export const BUILTIN_CHECKS_DIR = fileURLToPath(new URL('../../checks/', import.meta.url));

/** Printed and run in this order; other categories follow alphabetically. */
const CATEGORY_ORDER = ['tart', 'tmux', 'config', 'plugins', 'continuum', 'resurrect', 'shell'];

const ID_RE = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;

export interface LoadProblem {
  file: string;
  reason: string;
}

function isCheckModule(name: string): boolean {
  // .ts only runs under the test runner; compiled trees hold .js
  return /\.(js|mjs)$/.test(name) || (/\.ts$/.test(name) && !name.endsWith('.d.ts') && !!process.env.VITEST);
}

function validate(value: unknown): string | null {
  const c = value as Partial<Check> | undefined;
  if (!c || typeof c !== 'object') return 'no default export';
  if (typeof c.id !== 'string' || !ID_RE.test(c.id))
    return `invalid id ${JSON.stringify(c.id)} (want lower-case "category.name")`;
  for (const k of ['category', 'title', 'explain'] as const)
    if (typeof c[k] !== 'string' || !c[k]) return `missing ${k}`;
  if (typeof c.run !== 'function') return 'missing run(ctx)';
  if (c.appliesTo !== undefined && typeof c.appliesTo !== 'function') return 'appliesTo must be a function';
  if (
    c.timeoutMs !== undefined &&
    !(typeof c.timeoutMs === 'number' && Number.isFinite(c.timeoutMs) && c.timeoutMs > 0)
  )
    return 'timeoutMs must be a positive number of ms';
  return null;
}

export async function loadChecks(extraDirs: string[] = []): Promise<{ checks: Check[]; problems: LoadProblem[] }> {
  const checks: Check[] = [];
  const problems: LoadProblem[] = [];
  const ids = new Set<string>();
  for (const dir of [BUILTIN_CHECKS_DIR, ...extraDirs.map((d) => resolve(d))]) {
    let names: string[];
    try {
      names = readdirSync(dir).filter(isCheckModule).sort();
    } catch (e) {
      problems.push({
        file: dir,
        reason: `cannot read checks dir: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
      continue;
    }
    const loaded = await Promise.all(
      names.map(async (name) => {
        const file = join(dir, name);
        try {
          return { file, mod: (await import(pathToFileURL(file).href)) as { default?: unknown } };
        } catch (e) {
          return { file, error: (e as Error).message.split('\n')[0] };
        }
      }),
    );
    for (const { file, mod, error } of loaded) {
      const reason = error ?? validate(mod?.default);
      const check = mod?.default as Check;
      if (!reason && ids.has(check.id)) problems.push({ file, reason: `duplicate check id ${check.id}` });
      else if (reason) problems.push({ file, reason });
      else {
        ids.add(check.id);
        checks.push(check);
      }
    }
  }
  const rank = (c: Check) => {
    const i = CATEGORY_ORDER.indexOf(c.category);
    return i === -1 ? CATEGORY_ORDER.length : i;
  };
  checks.sort((a, b) => rank(a) - rank(b) || a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
  return { checks, problems };
}

/** `--only` / `--skip` take ids or globs such as `plugins.*`. */
export function selectChecks(
  checks: Check[],
  only: string[],
  skip: string[],
): { selected: Check[]; unknown: string[] } {
  const toRe = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const matches = (c: Check, pats: string[]) => pats.some((p) => toRe(p).test(c.id) || p === c.category);
  const unknown = [...only, ...skip].filter((p) => !checks.some((c) => matches(c, [p])));
  const selected = checks.filter((c) => (only.length === 0 || matches(c, only)) && !matches(c, skip));
  return { selected, unknown };
}
