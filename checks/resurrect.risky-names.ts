import { lastSave } from '../src/domain/saves.js';
import { liveServer, plural, shq } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

interface Win {
  session: string;
  index: number;
  name: string;
  line: number;
}

const NON_ASCII = /[^\x00-\x7f]/;
const UTF8 = /utf-?8/i;

export default defineCheck({
  id: 'resurrect.risky-names',
  category: 'resurrect',
  dependsOn: ['resurrect.last'],
  title: 'no session, window or pane in `last` that restore loses or mis-targets',
  explain:
    'restore.sh addresses windows as `session:N`. When window N does not exist yet, tmux resolves that target by window ' +
    'NAME instead (exact, then prefix), so when you restore into a server that still has a window named "3rd-party" ' +
    '(prefix C-r to get back a closed window 3), restore believes window 3 exists and skips it (tmux-resurrect PR #575); ' +
    'a fresh server is safe, as restore sets the names after creating every window. save.sh reads tmux output with `IFS=<tab> read`, which merges empty ' +
    'fields: an empty pane title shifts the rest of the pane line, so restore opens the pane in the wrong directory and ' +
    'loses its program; an empty session name is saved as nothing (#415). Non-ASCII window names have been reported ' +
    'lost on restore (#471). This check scans `last` for these, and for saved pane directories that no longer exist ' +
    '(restore opens those panes elsewhere). Fix: rename the windows/sessions, give panes a title, and save again.',
  run(ctx) {
    const f = ctx.facts;
    const view = lastSave(f);
    if (!view.file || !view.name) return { status: 'skip', summary: 'no readable `last` (see resurrect.last)' };
    const name = view.name;
    const wins: Win[] = [];
    const shifted: string[] = [];
    const emptySession: number[] = [];
    const nonAscii: string[] = [];
    view.file.content.split('\n').forEach((raw, i) => {
      const fl = raw.replace(/\r$/, '').split('\t');
      const n = i + 1;
      if (fl[0] !== 'pane' && fl[0] !== 'window' && fl[0] !== 'grouped_session') return;
      if (fl[1] === '') emptySession.push(n);
      if (fl[0] === 'window' && fl.length >= 7 && /^\d+$/.test(fl[2] ?? '')) {
        const wname = (fl[3] ?? '').replace(/^:/, '');
        wins.push({ session: fl[1]!, index: Number(fl[2]), name: wname, line: n });
        if (NON_ASCII.test(wname)) nonAscii.push(`window ${fl[1]}:${fl[2]} "${wname}" (line ${n})`);
      }
      if (
        fl[0] === 'pane' &&
        fl.length === 11 &&
        (fl[3] === '0' || fl[3] === '1') &&
        !fl[7]?.startsWith(':') &&
        fl[6]?.startsWith(':')
      ) {
        shifted.push(
          `${fl[1]}:${fl[2]}.${fl[5]} (line ${n}): the title slot holds the dir ${fl[6]!.slice(1)}, the dir slot holds "${fl[7]}"`,
        );
      }
      if (
        (fl[0] === 'pane' || fl[0] === 'window') &&
        NON_ASCII.test(fl[1] ?? '') &&
        !nonAscii.some((x) => x.startsWith(`session "${fl[1]}"`))
      )
        nonAscii.push(`session "${fl[1]}" (line ${n})`);
    });

    const results: Result[] = [];
    const save = `${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect/scripts/save.sh`;
    const resave = `then save again: prefix C-s, or tmux run-shell ${shq(save)}`;

    // window N shadowed, while it is missing, by the name of another window of its session
    const collisions: Array<{ victim: Win; by: Win }> = [];
    const digitNames: Win[] = [];
    for (const w of wins) {
      if (/^\d/.test(w.name)) digitNames.push(w);
      const by = wins.find((o) => o !== w && o.session === w.session && o.name.startsWith(String(w.index)));
      if (by) collisions.push({ victim: w, by });
    }
    if (collisions.length) {
      results.push({
        status: 'warn',
        summary: `a restore into a server that still has ${collisions.map((c) => `window ${c.by.session}:${c.by.index} "${c.by.name}"`).join(', ')} skips ${collisions.map((c) => `window ${c.victim.session}:${c.victim.index}`).join(', ')}: tmux resolves the missing index by that name`,
        details: [
          ...collisions.map(
            (c) =>
              `${name} line ${c.by.line}: window ${c.by.session}:${c.by.index} "${c.by.name}"; line ${c.victim.line}: window ${c.victim.session}:${c.victim.index} "${c.victim.name}"`,
          ),
          `restore.sh asks for "${collisions[0]!.victim.session}:${collisions[0]!.victim.index}"; while that index does not exist tmux matches a window NAME starting with "${collisions[0]!.victim.index}", so restore takes the panes as existing, never recreates the window, and then renames the matching window to the missing one's name (tmux-resurrect PR #575; reproduced with tmux 3.3a)`,
          'a restore into a fresh server is safe (names are set after all windows exist); the risk is prefix C-r to get back a closed window',
        ],
        fix: [
          ...collisions.map(
            (c) =>
              `tmux rename-window -t ${shq(`${c.by.session}:${c.by.index}`)} ${shq(`w-${c.by.name}`)}   # a name that does not start with a digit`,
          ),
          'and `set -g allow-rename off` if programs rename windows to such names',
          resave,
        ],
      });
    }
    const others = digitNames.filter((w) => !collisions.some((c) => c.by === w));
    if (others.length) {
      results.push({
        status: 'info',
        summary: `${plural(others.length, 'window name')} ${others.length === 1 ? 'starts' : 'start'} with a digit (${others.map((w) => `${w.session}:${w.index} "${w.name}"`).join(', ')}): no clash inside the save, but in a restore into a running server such a name can stand in for a missing window index`,
        details: others.map((w) => `${name} line ${w.line}`),
      });
    }
    if (shifted.length) {
      results.push({
        status: 'fail',
        summary: `${plural(shifted.length, 'pane')} saved with shifted fields (an empty pane title): restore opens them in the wrong directory and loses their programs`,
        details: [
          ...shifted,
          "save.sh reads tmux's output with `IFS=<tab> read`, which merges the empty field with the next tab",
        ],
        fix: [
          ...shifted.slice(0, 5).map((s) => `tmux select-pane -t ${shq(s.split(' ')[0]!)} -T "$(hostname -s)"`),
          'find what clears the titles (a prompt or program printing an empty title escape)',
          resave,
        ],
      });
    }
    if (emptySession.length) {
      results.push({
        status: 'fail',
        summary: `a session with an empty name is saved (line ${emptySession.slice(0, 5).join(', ')}): its panes are saved without a session and cannot be restored as they were`,
        details: ['tmux-resurrect #415'],
        fix: ['attach to the unnamed session and give it a name: prefix $ (rename-session)', resave],
      });
    }
    if (nonAscii.length) {
      const env = liveServer(f)?.globalEnv ?? {};
      const locale = ['LC_ALL', 'LC_CTYPE', 'LANG'].map((k) => env[k]).find((v) => typeof v === 'string' && v !== '');
      const utf8 = !!locale && UTF8.test(locale);
      results.push({
        status: utf8 ? 'info' : 'warn',
        summary: `${plural(nonAscii.length, 'name')} with non-ASCII characters: ${nonAscii.slice(0, 4).join(', ')}${utf8 ? '' : `; the server's environment has no UTF-8 locale (${locale ?? 'LANG/LC_* unset'}), so restore's shell tools may mangle them`}`,
        details: [
          'non-ASCII window names have been reported lost on restore (tmux-resurrect #471)',
          `server locale: ${locale ?? 'unset'}`,
        ],
        fix: utf8
          ? []
          : [
              'start the server with a UTF-8 locale (e.g. `export LANG=en_US.UTF-8` in ~/.zshenv), or use ASCII names',
              resave,
            ],
      });
    }
    const missingDirs = (f.savedDirs ?? []).filter((d) => !d.exists);
    if (missingDirs.length) {
      results.push({
        status: 'warn',
        summary: `${plural(missingDirs.length, 'saved pane directory', 'saved pane directories')} no longer ${missingDirs.length === 1 ? 'exists' : 'exist'}: restore opens those panes elsewhere`,
        details: missingDirs.slice(0, 10).map((d) => `missing: ${d.dir}`),
        fix: [
          `recreate them (mkdir -p ${missingDirs
            .slice(0, 3)
            .map((d) => shq(d.dir))
            .join(' ')}), or close those panes and save again`,
        ],
      });
    }
    if (results.length === 0) {
      return {
        status: 'pass',
        summary: `no risky names or paths in \`last\` (${name}): ${plural(wins.length, 'window')} checked`,
        details: [
          `${name}: window names ${wins.map((w) => `${w.session}:${w.index} "${w.name}"`).join(', ') || 'none'}`,
        ],
      };
    }
    return results;
  },
});
