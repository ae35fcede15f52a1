// Every way a save is triggered on the target that the facts show: continuum, tmux hooks,
// logout hooks, scripts, crontab, launch agents and key bindings.
import type { Facts, TextFile } from '../../probe/facts.js';
import { type ConfLine, configLines, loadedConfigs, where } from '../config.js';
import { basename, liveServer, tilde } from '../util.js';

type TriggerKind = 'continuum' | 'tmux-hook' | 'logout-hook' | 'script' | 'crontab' | 'launch-agent' | 'key-binding';

export interface SaveTrigger {
  kind: TriggerKind;
  /** where it was found: `~/.zlogout:2`, `show-hooks -g`, `status-right`, `~/scripts/x.sh:14` */
  where: string;
  /** the line that triggers the save, trimmed */
  line: string;
  /** when it fires, in words */
  when: string;
  /** fires when panes or sessions close: can save a server with no sessions, and races itself */
  firesOnClose: boolean;
  /** tmux hooks: the hook name (`session-closed`) */
  hook?: string;
  /** where to edit it: the file, its 1-based line and that line's text (for a hook of the running server: the config line that sets it) */
  file?: string;
  lineNo?: number;
  fileText?: string;
  /** scripts: runs save.sh itself (in the script's environment) rather than through `tmux run-shell` */
  direct?: boolean;
}

/** A line that runs (or points at) resurrect's save script. */
const SAVE_RE = /resurrect[^\n]*save|save\.sh[^\n]*resurrect/i;
const CLOSE_HOOKS = new Set([
  'session-closed',
  'pane-exited',
  'pane-died',
  'window-unlinked',
  'window-closed',
  'client-session-changed',
]);
const COMMENT = /^\s*#/;

function hookSaves(command: string): boolean {
  return SAVE_RE.test(command) || /@resurrect-save-script-path/.test(command);
}

function fileLines(t: TextFile): Array<{ text: string; n: number }> {
  return t.content
    .split('\n')
    .map((text, i) => ({ text: text.replace(/\r$/, ''), n: i + 1 }))
    .filter(({ text }) => text.trim() !== '' && !COMMENT.test(text));
}

/** `session-closed[0] run-shell "…"` (show-hooks -g) → name and command. */
function parseHookLine(l: string): { name: string; command: string } | undefined {
  const m = /^([a-z][a-z-]*)(?:\[\d+\])?\s+(.+)$/.exec(l.trim());
  return m ? { name: m[1]!, command: m[2]! } : undefined;
}

/** `set-hook [-flags] NAME COMMAND` in the config. */
function configHook(l: ConfLine): { name: string; command: string; unset: boolean } | undefined {
  const m = /^set-hook\s+((?:-[A-Za-z]+\s+)*)(['"]?)([a-z][a-z-]*)(?:\[\d+\])?\2\s*(.*)$/.exec(l.text);
  if (!m) return undefined;
  return { name: m[3]!, command: m[4]!, unset: m[1]!.includes('u') };
}

function scriptSaves(t: TextFile): { text: string; n: number } | undefined {
  return fileLines(t).find((l) => SAVE_RE.test(l.text));
}

/** Every way a save is triggered that the facts show. */
export function findTriggers(f: Facts): SaveTrigger[] {
  const home = f.host.home;
  const out: SaveTrigger[] = [];
  const server = liveServer(f);
  const lines = configLines(f, loadedConfigs(f));

  // continuum: its #(continuum_save.sh) in status-right (or -left)
  if (server) {
    for (const opt of ['status-right', 'status-left']) {
      const v = server.options[opt];
      if (v && /continuum_save\.sh/.test(v)) {
        const interval = server.options['@continuum-save-interval'] ?? '15';
        out.push({
          kind: 'continuum',
          where: opt,
          line: v.length > 120 ? `${v.slice(0, 120)}…` : v,
          when:
            interval === '0'
              ? 'continuum auto-save is switched off (@continuum-save-interval 0)'
              : `continuum auto-save every ${interval} min while a client redraws the status line`,
          firesOnClose: false,
        });
      }
    }
  }

  // tmux hooks: the running server's, else the config's set-hook lines
  if (server) {
    for (const l of server.hooks) {
      const h = parseHookLine(l);
      if (!h || !hookSaves(h.command)) continue;
      out.push({
        kind: 'tmux-hook',
        where: 'show-hooks -g',
        line: l.trim(),
        hook: h.name,
        when: `tmux hook ${h.name}`,
        firesOnClose: CLOSE_HOOKS.has(h.name),
      });
    }
  }
  const fromConfig = new Map<string, ConfLine>();
  for (const l of lines) {
    const h = configHook(l);
    if (!h) continue;
    if (h.unset) fromConfig.delete(h.name);
    else if (hookSaves(h.command)) fromConfig.set(h.name, l);
  }
  for (const [name, l] of fromConfig) {
    if (server) {
      // the running server is the truth; the config line is where to edit it
      const t = out.find((x) => x.kind === 'tmux-hook' && x.hook === name);
      if (t) Object.assign(t, { file: l.file, lineNo: l.line, fileText: l.text });
      continue;
    }
    out.push({
      kind: 'tmux-hook',
      where: where(l, home),
      line: l.text,
      hook: name,
      file: l.file,
      lineNo: l.line,
      fileText: l.text,
      when: `tmux hook ${name} (from the config; no server to ask)`,
      firesOnClose: CLOSE_HOOKS.has(name),
    });
  }

  // scripts that save (cal-bootstrap style): ~/scripts, ~/bin, ~/.local/bin
  const savingScripts: Array<{ t: TextFile; l: { text: string; n: number } }> = [];
  for (const t of f.scripts ?? []) {
    if (!t.exists) continue;
    const l = scriptSaves(t);
    if (!l) continue;
    savingScripts.push({ t, l });
    const direct = !/run-shell|\brun\b/.test(l.text);
    out.push({
      kind: 'script',
      where: `${tilde(t.path, home)}:${l.n}`,
      line: l.text.trim(),
      file: t.path,
      lineNo: l.n,
      fileText: l.text.trim(),
      direct,
      when: direct
        ? 'whenever this script runs; it runs save.sh itself, with the environment of whoever calls it'
        : 'whenever this script runs (a save over SSH, e.g. before `tart stop`)',
      firesOnClose: false,
    });
  }

  // logout hooks: a save line, or a line calling one of the saving scripts
  for (const d of f.dotfiles ?? []) {
    if (!d.exists || !/logout$/.test(d.path)) continue;
    for (const l of fileLines(d)) {
      const viaScript = savingScripts.find(({ t }) => l.text.includes(basename(t.path)));
      if (!SAVE_RE.test(l.text) && !viaScript) continue;
      out.push({
        kind: 'logout-hook',
        where: `${tilde(d.path, home)}:${l.n}`,
        line: l.text.trim(),
        file: d.path,
        lineNo: l.n,
        fileText: l.text.trim(),
        when: `every login shell's logout — every tmux pane, as panes close (exit, kill-session, kill-server, SIGHUP)${viaScript ? ` (through ${tilde(viaScript.t.path, home)})` : ''}`,
        firesOnClose: true,
      });
    }
  }

  // cron and launchd
  for (const [i, l] of (f.crontab ?? '').split('\n').entries()) {
    if (l.trim() === '' || COMMENT.test(l) || !SAVE_RE.test(l)) continue;
    out.push({
      kind: 'crontab',
      where: `crontab line ${i + 1}`,
      line: l.trim(),
      when: "on the cron schedule, with cron's minimal environment (PATH without Homebrew)",
      firesOnClose: false,
      direct: !/run-shell/.test(l),
    });
  }
  for (const a of f.launchAgents ?? []) {
    if (!a.exists) continue;
    const l = scriptSaves(a);
    if (l)
      out.push({
        kind: 'launch-agent',
        where: `${tilde(a.path, home)}:${l.n}`,
        line: l.text.trim(),
        file: a.path,
        lineNo: l.n,
        fileText: l.text.trim(),
        when: 'when launchd runs this agent',
        firesOnClose: false,
      });
  }

  // the manual save binding
  if (server) {
    const b = server.keyBindings.find((k) => /\bC-s\b/.test(k) && /save/.test(k));
    if (b)
      out.push({
        kind: 'key-binding',
        where: 'list-keys',
        line: b.replace(/\s+/g, ' ').trim(),
        when: 'prefix C-s (manual save)',
        firesOnClose: false,
      });
  }
  return out;
}
