// Assembles the scripts cal-doctor runs on a target from the .sh files beside this module
// (the build copies src/remote/*.sh into dist): the parameter lines, then lib.sh, then the
// script. Values reach the shell only as parameters, each quoted by shellWord.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shq } from '../common/quote.js';

const sources = new Map<string, string>();

/** The text of one shipped .sh file (read once). */
export function remoteSource(name: string): string {
  let text = sources.get(name);
  if (text === undefined) {
    text = readFileSync(fileURLToPath(new URL(`./${name}`, import.meta.url)), 'utf8');
    sources.set(name, text);
  }
  return text;
}

/** A number as it is; any string single-quoted, whatever its bytes (a NUL cannot be in a shell word). */
export function shellWord(v: string | number): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
    return String(v);
  }
  return shq(v);
}

export type ScriptParams = Record<string, string | number>;

/** `NAME=value` lines, one per parameter (a value that looks like shell to shellcheck is marked as data). */
function paramLines(params: ScriptParams): string {
  return Object.entries(params)
    .map(([k, v]) => {
      if (!/^[A-Z][A-Z0-9_]*$/.test(k)) throw new Error(`bad parameter name: ${k}`);
      const data =
        typeof v === 'string' && /[$`\\'"]/.test(v) ? '# shellcheck disable=SC1003,SC2016,SC2089 # data\n' : '';
      return `${data}${k}=${shellWord(v)}\n`;
    })
    .join('');
}

/** A script as a target runs it: its parameters, lib.sh, then the .sh files named. */
export function assembleScript(params: ScriptParams, ...files: string[]): string {
  return paramLines(params) + [remoteSource('lib.sh'), ...files.map(remoteSource)].join('');
}

/**
 * A script without the library, as a user reviews it before it runs (the --fix plan): its
 * parameters, then the .sh files named. `withLib` makes it runnable.
 */
export function scriptBody(params: ScriptParams, ...files: string[]): string {
  return paramLines(params) + files.map(remoteSource).join('');
}

/** A scriptBody as a target runs it: lib.sh (functions only, so it may precede the parameters), then the body. */
export function withLib(body: string): string {
  return remoteSource('lib.sh') + body;
}
