import { optionValue } from '../src/domain/config.js';
import { lastSave, restoreScript } from '../src/domain/saves.js';
import { allRcFiles, codeLines } from '../src/domain/shell-rc.js';
import { liveServer, plural, shq, tilde } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

type Kind = 'create' | 'attach' | 'start' | 'build' | 'run' | 'other';

interface Launch {
  source: string;
  line: number;
  text: string;
  kind: Kind;
  sub: string;
  /** -s NAME of new-session, -t NAME of attach */
  name?: string;
  attachOrCreate: boolean;
  background: boolean;
}

const FLAG_WITH_VALUE = new Set(['-c', '-f', '-L', '-S', '-T']);
const SUB: Record<string, Kind> = {
  'new-session': 'create',
  new: 'create',
  'attach-session': 'attach',
  attach: 'attach',
  a: 'attach',
  at: 'attach',
  att: 'attach',
  'start-server': 'start',
  start: 'start',
  'new-window': 'build',
  neww: 'build',
  'split-window': 'build',
  splitw: 'build',
  'send-keys': 'build',
  send: 'build',
  'run-shell': 'run',
  run: 'run',
};
/** a `tmux …` command in a line of shell code: up to the next ; && || | ) or backquote */
const TMUX_CALL =
  /(?:^|[\s;&|(`]|\$\()(?:exec\s+)?(?:[^\s;&|(`]*\/)?tmux(?=\s|$)\s*([^;&|)`\n]*?)(\s*(?:;|&&|\|\||\||\)|`|&(?!&)|$))/g;

function parseCalls(source: string, line: number, text: string): Launch[] {
  const out: Launch[] = [];
  for (const m of text.matchAll(TMUX_CALL)) {
    const words = (m[1] ?? '').trim().split(/\s+/).filter(Boolean);
    let i = 0;
    while (i < words.length && words[i]!.startsWith('-')) i += FLAG_WITH_VALUE.has(words[i]!) ? 2 : 1;
    const sub = words[i] ?? '';
    const kind: Kind = sub === '' ? 'create' : (SUB[sub] ?? 'other');
    const args = words.slice(i + 1);
    const value = (flag: string) => {
      const k = args.indexOf(flag);
      return k >= 0 ? args[k + 1]?.replace(/^["']|["']$/g, '') : undefined;
    };
    out.push({
      source,
      line,
      text,
      kind,
      sub: sub || '(none: new-session)',
      name: kind === 'create' ? value('-s') : kind === 'attach' ? value('-t') : undefined,
      attachOrCreate: kind === 'create' && args.includes('-A'),
      background: /^\s*&$/.test(m[2] ?? ''),
    });
  }
  return out;
}

/** ProgramArguments of a launchd plist, as one command line. */
function plistCommand(content: string): string | undefined {
  const arr = content.match(/<key>\s*ProgramArguments\s*<\/key>\s*<array>([\s\S]*?)<\/array>/);
  if (!arr) return undefined;
  return [...arr[1]!.matchAll(/<string>([\s\S]*?)<\/string>/g)].map((s) => s[1]!.trim()).join(' ');
}

export default defineCheck({
  id: 'tmux.launch',
  category: 'tmux',
  title: 'the way tmux is started leaves restore something to restore into',
  explain:
    'How tmux is started decides whether restore can work. restore.sh keeps every pane that already exists (its ' +
    'directory and program are not restored) and replaces only a lone pane (its "restoring from scratch" case), so a ' +
    'wrapper that creates windows or splits before the restore gets its own layout, not the saved one; ' +
    '`new-session -A -s NAME` with a NAME that is not in the save leaves you attached to an empty session while the ' +
    'restored ones sit elsewhere; `tmux start-server` alone exits at once (exit-empty); restore.sh run from a shell ' +
    'instead of `tmux run-shell` creates its sessions in a server without a socket, since $TMUX is empty ' +
    '(tmux-continuum #50, tmux-resurrect #139, #513). tmux commands sent to the background at start-up also trip ' +
    "continuum's server count. This check reads the shell rc files, ~/scripts and ~/bin, LaunchAgents and the crontab " +
    'for tmux commands, and lists the sessions that exist since server start. Fix: start tmux with one plain command ' +
    '(`tmux` or `tmux new-session -d`, unnamed), let continuum restore, then attach.',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const calls: Launch[] = [];
    const direct: Array<{ source: string; line: number; text: string }> = [];
    const scan = (source: string, content: string, shell = true) => {
      const lines = shell ? codeLines(content) : [{ line: 1, text: content, inFunction: false, conditional: false }];
      for (const l of lines) {
        calls.push(...parseCalls(source, l.line, l.text));
        if (
          /restore\.sh/.test(l.text) &&
          !/\btmux\b[^;&|]*\brun(-shell)?\b[^;&|]*restore\.sh/.test(l.text) &&
          !/@resurrect|@continuum/.test(l.text)
        ) {
          direct.push({ source, line: l.line, text: l.text });
        }
      }
    };
    for (const t of allRcFiles(f)) scan(tilde(t.path, home), t.content);
    for (const t of f.scripts ?? []) scan(tilde(t.path, home), t.content);
    for (const t of f.launchAgents ?? []) {
      const cmd = plistCommand(t.content);
      if (cmd) scan(tilde(t.path, home), cmd, false);
    }
    if (f.crontab) scan('crontab', f.crontab);

    const launches = calls.filter((c) => c.kind !== 'other' && !(c.kind === 'run' && !/restore\.sh/.test(c.text)));
    const server = liveServer(f);
    const start = server?.startTime ?? null;
    const atStart = server && start !== null ? server.sessions.filter((s) => Math.abs(s.created - start) <= 2) : [];
    const restoreOn = optionValue(f, '@continuum-restore').value === 'on';
    const saved = lastSave(f).parsed;
    const savedNames = new Set(saved?.classification === 'valid' ? saved.sessions.map((s) => s.name) : []);
    const at = (c: { source: string; line: number }) => `${c.source}:${c.line}`;
    const details = [
      ...launches.map(
        (c) =>
          `${at(c)}: ${c.text}   (tmux ${c.sub}${c.name ? ` ${c.name}` : ''}${c.background ? ', in the background' : ''})`,
      ),
      ...(server && start !== null
        ? [
            `sessions that exist since server start: ${atStart.map((s) => `${s.name} (${plural(s.windows, 'window')})`).join(', ') || 'none'}`,
          ]
        : []),
      `auto-restore: ${restoreOn ? 'on' : 'off (restore is by hand: prefix C-r)'}`,
    ];
    const results: Result[] = [];

    if (direct.length) {
      results.push({
        status: 'fail',
        summary: `${at(direct[0]!)} runs restore.sh directly from a shell: outside tmux $TMUX is empty, so its \`tmux -S "$(tmux_socket)" new-session\` calls create the sessions in a server without a socket — they are never seen`,
        details: [...details, ...direct.map((d) => `${at(d)}: ${d.text}`)],
        fix: [
          `run it through tmux once the server runs: tmux run-shell ${shq(restoreScript(f))}`,
          'or let continuum restore: set -g @continuum-restore on, and start tmux with a plain `tmux`',
        ],
      });
    }
    const bySource = new Map<string, Launch[]>();
    for (const c of launches) bySource.set(c.source, [...(bySource.get(c.source) ?? []), c]);
    for (const [source, list] of bySource) {
      const creates = list.filter((c) => c.kind === 'create');
      const builds = list.filter((c) => c.kind === 'build');
      if (creates.length && builds.length) {
        results.push({
          status: 'warn',
          summary: `${source} creates a session and then ${plural(builds.length, 'window/pane command')} (${[...new Set(builds.map((b) => b.sub))].join(', ')}) at start: restore keeps the panes that exist (their dirs and programs are not restored) and merges the saved layout around them`,
          details: [
            ...details,
            'restore.sh replaces a pane only when it is the one pane of the server ("restoring from scratch")',
          ],
          fix: [
            `let ${source} create one plain session (tmux new-session -d) and leave the layout to the restore; or build that layout only when there is no save to restore`,
          ],
        });
      }
      const starts = list.filter((c) => c.kind === 'start');
      const exitEmpty = server?.serverOptions['exit-empty'] ?? 'on';
      if (starts.length && !creates.length && exitEmpty !== 'off') {
        results.push({
          status: 'warn',
          summary: `${at(starts[0]!)} runs \`tmux start-server\` without creating a session: the server exits at once (exit-empty on), before any restore`,
          details,
          fix: [
            'start it with a session instead: tmux new-session -d (continuum restores into it, replacing its lone pane)',
          ],
        });
      }
      const bg = list.filter((c) => c.background);
      if (bg.length) {
        results.push({
          status: 'warn',
          summary: `${at(bg[0]!)} sends a tmux command to the background at start: while plugins load it counts as another tmux process, and continuum then skips auto-save and auto-restore`,
          details,
          fix: [
            `run the tmux commands of ${source} one after another (remove the trailing &)`,
            'see continuum.server-count',
          ],
        });
      }
    }
    if (restoreOn && savedNames.size) {
      const strangers = launches.filter((c) => c.kind === 'create' && c.name && !savedNames.has(c.name));
      for (const c of strangers.slice(0, 1)) {
        results.push({
          status: 'warn',
          summary: `${at(c)} creates and attaches session "${c.name}", which is not in the save: after the restore you sit in that empty session while the restored ones (${[...savedNames].join(', ')}) are elsewhere`,
          details,
          fix: [
            `name it after a saved session (tmux new-session -A -s ${shq([...savedNames][0]!)}), or leave it unnamed; switch with prefix s`,
          ],
        });
      }
    }
    if (results.length) return results;
    if (launches.length === 0) {
      return {
        status: 'pass',
        summary:
          'no rc file, script, LaunchAgent or crontab line starts tmux: it is started by hand (or by a terminal profile)',
        details,
      };
    }
    return {
      status: 'pass',
      summary: `tmux is started by ${[...new Set(launches.map((c) => at(c)))].slice(0, 3).join(', ')} with one session: restore replaces that lone pane`,
      details,
    };
  },
});
