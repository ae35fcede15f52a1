import { optionValue } from '../src/domain/config.js';
import type { SavedPane } from '../src/domain/resurrect/savefile.js';
import { lastSave } from '../src/domain/saves.js';
import { basename, liveServer, plural, shq } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

/** resurrect's default list (scripts/variables.sh) */
const DEFAULT_PROCESSES = 'vi vim view nvim emacs man less more tail top htop irssi weechat mutt';
/** strategies/*.sh shipped with tmux-resurrect: `<command>_<strategy>.sh` */
const SHIPPED_STRATEGIES = ['vim_session', 'nvim_session', 'irb_default_strategy', 'mosh-client_default_strategy'];
const SHELLS = new Set(['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'tcsh', 'csh', 'login']);

/** `eval set $(...)`: the words of a list, with '…' and "…" quoting. */
function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      cur += end < 0 ? s.slice(i + 1) : s.slice(i + 1, end);
      i = end < 0 ? s.length : end;
      has = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) cur += s[j] === '\\' && j + 1 < s.length ? s[++j]! : s[j]!;
      i = j;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i]!;
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** `_proc_matches_full_command`: `~x` anywhere (a regex), else `^x( |$)`. */
function matches(full: string, proc: string): boolean {
  const match = proc.replace(/->.*$/, '');
  const tilde = match.startsWith('~');
  const pat = tilde ? match.slice(1) : match;
  try {
    return tilde ? new RegExp(pat).test(full) : new RegExp(`^${pat}( |$)`).test(full);
  } catch {
    return tilde ? full.includes(pat) : full === pat || full.startsWith(`${pat} `);
  }
}

const firstWord = (s: string) => s.trim().split(/\s+/, 1)[0] ?? '';
const isShell = (word: string) => SHELLS.has(basename(word).replace(/^-/, ''));
const where = (p: SavedPane) => `${p.session}:${p.windowIndex}.${p.paneIndex}`;

/** a command that runs the shell (or execs into it): where `exec` belongs */
const launchesShell = (segment: string) => {
  const w = segment
    .trim()
    .replace(/^exec\s+/, '')
    .split(/\s+/);
  return isShell(w[0] ?? '') || basename(w[0] ?? '') === 'reattach-to-user-namespace';
};

/**
 * `i >/dev/null; reattach-to-user-namespace -l zsh` → `…; exec reattach-to-user-namespace -l zsh`,
 * `cd ~ && bash -l || exec sh` → `cd ~ && exec bash -l`: the first command that starts the shell
 * gets `exec` and ends the line, so the pane's process becomes that shell, whose children save.sh reads.
 */
function execFix(cmd: string): string {
  const parts = cmd.split(/(\s*(?:&&|\|\||;)\s*)/);
  const i = parts.findIndex((p, k) => k % 2 === 0 && launchesShell(p));
  const at = i >= 0 ? i : parts.length - 1;
  const seg = parts[at]!.trim();
  return `${parts.slice(0, at).join('')}${seg.startsWith('exec ') ? seg : `exec ${seg}`}`;
}

export default defineCheck({
  id: 'resurrect.processes',
  category: 'resurrect',
  dependsOn: ['resurrect.last'],
  title: 'the programs saved in `last` are ones restore will start again',
  explain:
    "resurrect saves each pane's program as the full command of the pane process's children (`ps -ao ppid,args`) and " +
    'restores only those matching its list: the defaults (vi vim view nvim emacs man less more tail top htop irssi weechat ' +
    'mutt) plus @resurrect-processes (`~name` matches anywhere; without `~` the command must start with the name, so ' +
    '`/usr/bin/vim` does not match `vim`). A `default-command` with `&&`, `;` or `||` keeps a wrapper shell as the pane ' +
    'process, so every save records the inner shell instead of the program (tmux-resurrect #98, #158); vim/nvim with ' +
    "@resurrect-strategy-* 'session' restart without their session unless the pane dir holds a Session.vim (#421). " +
    'This check reads `last`, the options, default-command and the Session.vim of saved dirs. Fix: add the programs to ' +
    '@resurrect-processes, put `exec` before the last command of default-command, and create the vim sessions ' +
    "(vim-obsession's :Obsess).",
  run(ctx) {
    const f = ctx.facts;
    const view = lastSave(f);
    if (!view.parsed || !view.name) return { status: 'skip', summary: 'no readable `last` (see resurrect.last)' };
    const panes = view.parsed.sessions.flatMap((s) => s.windows.flatMap((w) => w.panes));
    const user = optionValue(f, '@resurrect-processes').value ?? '';
    const defaults = optionValue(f, '@resurrect-default-processes').value || DEFAULT_PROCESSES;
    const list = user === '' ? defaults : `${defaults} ${user}`;
    const procs = shellWords(list);
    const dc = optionValue(f, 'default-command').value ?? '';
    const details = [
      `restore list: ${user === '' ? `the defaults (${defaults})` : `defaults + @resurrect-processes ${JSON.stringify(user)}`}`,
      `default-command: ${dc === '' ? '(empty: panes run the login shell)' : JSON.stringify(dc)}`,
    ];
    const results: Result[] = [];
    const programs = panes.filter((p) => p.fullCommand !== '');
    details.push(
      `${view.name}: ${plural(panes.length, 'pane')}, ${plural(programs.length, 'with a program', 'with programs')}${
        programs.length
          ? `: ${programs
              .slice(0, 8)
              .map((p) => `${where(p)} ${JSON.stringify(p.fullCommand)}`)
              .join(', ')}`
          : ''
      }`,
    );

    // a wrapper between tmux and the shell: save.sh sees the shell, not the program
    const hidden = panes.filter(
      (p) => p.command !== '' && !isShell(p.command) && p.fullCommand !== '' && isShell(firstWord(p.fullCommand)),
    );
    const separators = /&&|\|\||;|\|/.test(dc);
    if (hidden.length) {
      results.push({
        status: 'fail',
        summary: `${plural(hidden.length, 'pane')} ran a program that was saved as its shell (${hidden
          .slice(0, 3)
          .map((p) => `${where(p)}: ${p.command} saved as ${JSON.stringify(p.fullCommand)}`)
          .join(
            '; ',
          )}): ${separators ? 'default-command keeps a wrapper shell as the pane process' : 'something wraps the shell in the panes'}, so these programs are never restored`,
        details: [
          ...details,
          'save.sh records the children of the pane process; with a wrapper the child is the inner shell, the program is a grandchild',
        ],
        fix: separators
          ? [
              `set -g default-command ${shq(execFix(dc))}   # exec: the shell replaces the wrapper`,
              'then open new panes (or restart the server) and save again',
            ]
          : [
              'start panes with the shell itself (no wrapper in default-command or the terminal profile), then save again',
            ],
      });
    } else if (separators) {
      results.push({
        status: 'info',
        summary: `default-command ${JSON.stringify(dc)} is a command list: unless the shell replaces itself with the last command (zsh and bash 5 do for a plain last command, not after \`||\`, a redirect or a compound), a wrapper shell stays the pane process and saves record the inner shell instead of any program`,
        details,
        fix: [`to be sure: set -g default-command ${shq(execFix(dc))}   # exec: the shell replaces the wrapper`],
      });
    }

    if (user.trim() === 'false') {
      results.push({
        status: 'info',
        summary: "@resurrect-processes is 'false': restore starts no programs, only shells",
        details,
      });
    } else if (user.trim() !== ':all:') {
      const notRestored = programs.filter(
        (p) =>
          !hidden.includes(p) &&
          !isShell(firstWord(p.fullCommand)) &&
          !procs.some((proc) => matches(p.fullCommand, proc)),
      );
      if (notRestored.length) {
        const names = [...new Set(notRestored.map((p) => basename(firstWord(p.fullCommand))))];
        const add = names.map((n) => `"~${n}"`).join(' ');
        results.push({
          status: 'info',
          summary: `${plural(notRestored.length, 'saved program')} will not be started on restore (not on the restore list): ${notRestored
            .slice(0, 4)
            .map((p) => `${where(p)} ${JSON.stringify(p.fullCommand)}`)
            .join(', ')}`,
          details: [
            ...details,
            'without `~` an entry must match the start of the full command: `vim` does not match `/usr/bin/vim file`',
          ],
          fix: [
            `to restore them: set -g @resurrect-processes '${`${user.trim()} ${add}`.trim().replace(/'/g, `'\\''`)}'   # before the TPM run line`,
          ],
        });
      }
    }

    // vim / nvim session strategy
    for (const cmd of ['vim', 'nvim']) {
      const strategy = optionValue(f, `@resurrect-strategy-${cmd}`).value;
      if (!strategy) continue;
      if (!SHIPPED_STRATEGIES.includes(`${cmd}_${strategy}`)) {
        results.push({
          status: 'warn',
          summary: `@resurrect-strategy-${cmd} is ${JSON.stringify(strategy)}, but tmux-resurrect ships no strategies/${cmd}_${strategy}.sh: the strategy is ignored and ${cmd} restarts plain`,
          details: [`shipped strategies: ${SHIPPED_STRATEGIES.join(', ')}`],
          fix: [`set -g @resurrect-strategy-${cmd} 'session'`],
        });
        continue;
      }
      if (strategy !== 'session') continue;
      const vims = panes.filter((p) => firstWord(p.fullCommand) === cmd);
      const known = f.savedDirs ?? [];
      const noSession = vims.filter((p) => known.some((d) => d.dir === p.dir && !d.sessionVim));
      if (noSession.length) {
        results.push({
          status: 'warn',
          summary: `${plural(noSession.length, `${cmd} pane`)} will restart without a session (@resurrect-strategy-${cmd} 'session' needs a Session.vim in the pane dir): ${noSession.map((p) => `${where(p)} in ${p.dir}`).join(', ')}`,
          details: noSession.map((p) => `no ${p.dir}/Session.vim`),
          fix: [
            `in each of those ${cmd}s: :Obsess (tpope/vim-obsession keeps Session.vim current), or :mksession once`,
          ],
        });
      }
    }
    if (!liveServer(f)) details.push('no server answered: options read from the config');
    if (results.length === 0) {
      return {
        status: 'pass',
        summary: programs.length
          ? `all ${plural(programs.length, 'saved program')} in \`last\` are on the restore list`
          : `no programs saved in \`last\` (${plural(panes.length, 'pane')} with only a shell): nothing to restart`,
        details,
      };
    }
    return results;
  },
});
