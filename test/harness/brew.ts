// The Homebrew case (TESTING.md): a non-login session's PATH is a directory of the tools a
// POSIX probe needs *without* tmux; tmux lives in <HOME>/brew/bin (our /opt/homebrew/bin),
// which only the home's login profiles add to PATH.
import { appendFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BREW_LINE, type Home } from './home.js';
import { targetPath } from './macos.js';
import { SYSTEM_PATH, TMUX, which } from './util.js';

/** What a POSIX probe (and TPM/resurrect, if they run from that PATH) may call; never tmux. */
const PROBE_TOOLS: readonly string[] = [
  'sh',
  'dash',
  'bash',
  'zsh',
  'env',
  'test',
  '[',
  'true',
  'false',
  'printf',
  'echo',
  'cat',
  'ls',
  'head',
  'tail',
  'wc',
  'od',
  'base64',
  'cut',
  'tr',
  'sort',
  'uniq',
  'grep',
  'sed',
  'awk',
  'id',
  'uname',
  'hostname',
  'whoami',
  'date',
  'sleep',
  'ps',
  'kill',
  'pgrep',
  'readlink',
  'basename',
  'dirname',
  'stat',
  'df',
  'find',
  'xargs',
  'expr',
  'tee',
  'mktemp',
  'cmp',
  'ln',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'chmod',
  'touch',
  'tar',
  'gzip',
  'shasum',
];

export interface Brew {
  /** the non-login PATH: symlinks to PROBE_TOOLS (those installed here) */
  toolsDir: string;
  /** <HOME>/brew/bin, holding `tmux` → the real tmux */
  brewBin: string;
  tmux: string;
}

/** Installs the Homebrew layout into `home` (idempotent) and sets `home.path` to the tools dir. */
export function installBrew(home: Home): Brew {
  const toolsDir = join(home.root, 'usr-bin');
  const brewBin = join(home.dir, 'brew', 'bin');
  const tmux = join(brewBin, 'tmux');
  if (!TMUX) throw new Error('installBrew: tmux is not installed');
  if (!existsSync(toolsDir)) {
    mkdirSync(toolsDir);
    for (const tool of PROBE_TOOLS) {
      const real = which(tool, targetPath(SYSTEM_PATH));
      if (real) symlinkSync(real, join(toolsDir, tool));
    }
    mkdirSync(brewBin, { recursive: true });
    symlinkSync(TMUX, tmux);
    // macOS: `eval "$(/opt/homebrew/bin/brew shellenv)"` in ~/.zprofile; bash -l reads
    // .bash_profile (and not .profile when it exists), sh/dash -l read .profile
    const line = `\n# Homebrew\nexport PATH="${brewBin}:$PATH"\n`;
    for (const profile of ['.zprofile', '.bash_profile', '.profile']) appendFileSync(join(home.dir, profile), line);
    // the macOS pass's healthy home also has it in .zshenv: the Homebrew case has not
    const zshenv = join(home.dir, '.zshenv');
    if (existsSync(zshenv)) writeFileSync(zshenv, readFileSync(zshenv, 'utf8').replace(BREW_LINE, ''));
  }
  home.path = toolsDir;
  return { toolsDir, brewBin, tmux };
}

/** The env for `startSshd` in the Homebrew case: HOME, TMUX_TMPDIR, SHELL, PATH without tmux. */
export function brewEnv(home: Home): Record<string, string> {
  installBrew(home);
  return home.env();
}
