import { optionValue } from '../src/domain/config.js';
import { logoutHooks } from '../src/domain/resurrect/logout-hooks.js';
import { parseSaveName, resolveSaveDir, saveFilesIn, savesNotListed } from '../src/domain/resurrect/savedir.js';
import { describeClass, type ParsedSave, parseSave } from '../src/domain/resurrect/savefile.js';
import { ageText, liveServer, plural, shq, tilde } from '../src/domain/util.js';
import type { Facts, SaveDirFact } from '../src/engine/check.js';
import { defineCheck, type Result } from '../src/engine/check.js';

const DEFAULT_DELETE_AFTER_DAYS = 30;
/** resurrect keeps the 5 newest saves whatever their age */
const KEEP_NEWEST = 5;
/** a state-only file is 8 bytes per save; one pane line alone is longer than this */
const PLAUSIBLE_SAVE_BYTES = 64;

interface Candidate {
  name: string;
  verified: boolean;
  note: string;
}

function counts(p: ParsedSave): string {
  return `${plural(p.counts.sessions, 'session')}, ${plural(p.counts.windows, 'window')}, ${plural(p.counts.panes, 'pane')}`;
}

/** The newest save other than `exclude` that holds panes: parsed when its content was read, else judged by size. */
function goodCandidate(d: SaveDirFact, exclude: string | undefined, tz: string): Candidate | undefined {
  const judged = new Set<string>();
  for (const rc of d.recent) {
    judged.add(rc.name);
    if (rc.name === exclude) continue;
    const p = parseSave(rc.content, { truncated: rc.truncated });
    if (p.classification === 'valid') return { name: rc.name, verified: true, note: counts(p) };
  }
  const files = saveFilesIn(d, tz);
  for (let i = files.length - 1; i >= 0; i--) {
    const x = files[i]!;
    if (x.name === exclude || judged.has(x.name)) continue;
    if (x.size >= PLAUSIBLE_SAVE_BYTES)
      return { name: x.name, verified: false, note: `${x.size} bytes, content not read` };
  }
  return undefined;
}

function relinkFix(f: Facts, d: SaveDirFact, c: Candidate | undefined): string[] {
  const older = savesNotListed(d);
  if (!c && older > 0) {
    return [
      `no save with panes among the listed ones; ${plural(older, 'older save')} ${older === 1 ? 'was' : 'were'} counted, not listed: find the newest with panes (names sort by time): cd ${shq(d.path)} && grep -l '^pane' tmux_resurrect_*.txt | tail -n 1`,
      'relink `last` to it: ln -sf NAME last (in that dir), then restore: prefix C-r',
    ];
  }
  if (!c)
    return [
      'no older save with panes was found in the save dir: the layout has to be recreated by hand, then saved (prefix C-s)',
    ];
  const fix = [
    `relink \`last\` to the newest good save (${c.name}: ${c.note}${c.verified ? '' : '; check it first with `cat`'}): cd ${shq(d.path)} && ln -sf ${shq(c.name)} last`,
    'then restore: prefix C-r (or `tmux run-shell ' +
      shq(`${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect/scripts/restore.sh`) +
      '`)',
  ];
  return fix;
}

/** resurrect deletes saves older than @resurrect-delete-backup-after days beyond the 5 newest: when does `name` go? */
function deadline(f: Facts, d: SaveDirFact, name: string): string | undefined {
  const files = saveFilesIn(d, f.host.tzOffset);
  const i = files.findIndex((x) => x.name === name);
  if (i < 0) return undefined;
  const newer = files.length - 1 - i;
  const opt = optionValue(f, '@resurrect-delete-backup-after').value;
  const days = opt && /^\d+$/.test(opt) ? Number(opt) : DEFAULT_DELETE_AFTER_DAYS;
  const time = files[i]!.time;
  const due = new Date(time.getTime() + days * 86400_000);
  return `${name} has ${newer} newer save(s); resurrect deletes it once ${KEEP_NEWEST} newer saves exist and it is older than ${days} days (${due.toISOString().slice(0, 10)}): recover before then`;
}

function preview(text: string, max = 5): string[] {
  const lines = text.split('\n').filter((l, i, a) => !(i === a.length - 1 && l === ''));
  return lines
    .slice(0, max)
    .map((l, i) => `line ${i + 1}: ${JSON.stringify(l)}`)
    .concat(lines.length > max ? [`… ${lines.length - max} more line(s)`] : []);
}

export default defineCheck({
  id: 'resurrect.last',
  category: 'resurrect',
  dependsOn: ['resurrect.dir', 'resurrect.save-triggers'],
  title: 'the `last` save holds sessions, windows and panes',
  explain:
    '`last` in the save dir is the symlink restore reads. This check follows it and parses the file: it must hold at ' +
    'least one `pane` line. A file with only `state` lines is a save of a server with ' +
    'no sessions, or of another server; a 0-byte file is a save run by a server that started without plugins or ' +
    'without tmux on its PATH; a dangling `last` is what racing logout-hook saves leave. Each of those restores ' +
    'nothing. Counts of sessions, windows and panes are the evidence, and live sessions missing from the save are ' +
    'named. Fix: relink `last` to the newest good save (`ln -sf tmux_resurrect_….txt last` in the dir), restore, and ' +
    'fix what wrote the bad save (see tmux.server, plugins.tpm, and logout hooks).',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const r = resolveSaveDir(f);
    const d = r.dir;
    if (!d?.exists) {
      return {
        status: 'warn',
        summary: `no save dir (${tilde(r.path, home)}), so no \`last\`: nothing to restore`,
        details: [`why this dir: ${r.reason}`],
        fix: ['save once: prefix C-s, then run the doctor again'],
      };
    }
    const last = d.last;
    const saves = saveFilesIn(d, f.host.tzOffset);
    const dirDetails = [
      `save dir: ${d.path}`,
      `save files: ${saves.length + savesNotListed(d)}${d.listingTruncated ? '+ (listing cut)' : ''}${saves.length ? `, newest ${saves[saves.length - 1]!.name}` : ''}`,
    ];
    if (!last) {
      const c = goodCandidate(d, undefined, f.host.tzOffset);
      // with sessions open, a restart now loses them all
      const open = liveServer(f)?.sessions.length ?? 0;
      return {
        status: open ? 'fail' : 'warn',
        summary: `no \`last\` in ${tilde(d.path, home)}: restore has nothing to read${open ? ` — a restart now loses the ${plural(open, 'open session')}` : ''}`,
        details: dirDetails,
        fix: c ? relinkFix(f, d, c) : ['save once: prefix C-s'],
      };
    }

    const results: Result[] = [];
    const target = last.target;
    const details = [
      ...dirDetails,
      `last: ${last.entry.type === 'link' ? `→ ${target ?? '?'}` : `a ${last.entry.type}, ${last.entry.mode}`}`,
    ];
    if (target && saves.length && target !== saves[saves.length - 1]!.name && !target.includes('/'))
      details.push(`note: last is not the newest save file (${saves[saves.length - 1]!.name})`);

    if (last.entry.type === 'link' && !last.resolves) {
      const c = goodCandidate(d, target, f.host.tzOffset);
      if (c) details.push(deadline(f, d, c.name) ?? '');
      const hooks = logoutHooks(f);
      return {
        status: 'fail',
        summary: `\`last\` is dangling: it points to ${target ?? '?'}, which does not exist — concurrent saves (a logout hook in every pane) deleted it`,
        details: [...details, ...hooks.map((h) => `logout hook: ${h}`)].filter(Boolean),
        fix: [
          ...(hooks.length
            ? [
                'first remove the save from the logout file(s) above: it fires in every pane as they close and races itself',
              ]
            : []),
          ...relinkFix(f, d, c),
        ],
      };
    }
    if (last.entry.type !== 'link') {
      results.push({
        status: 'warn',
        summary: `\`last\` is a ${last.entry.type}, not resurrect's symlink: it is replaced by the next save`,
        details,
        fix: [`if it holds your layout, keep a copy: cp -p ${shq(`${d.path}/last`)} ${shq(`${d.path}/last.keep`)}`],
      });
    }
    const file = last.file;
    if (!file) {
      results.push({ status: 'warn', summary: '`last` resolves but its content was not read', details });
      return results;
    }
    const p = parseSave(file.content, { truncated: file.truncated });
    const name = file.name || target || 'last';
    const time = parseSaveName(name, f.host.tzOffset);
    const when = time ? `${ageText(f.host.now - time.getTime() / 1000)} ago` : 'time unknown';
    details.push(
      `${name}: ${file.size} bytes, saved ${when}`,
      `parsed: ${describeClass(p.classification)}`,
      `counts: ${counts(p)}, ${plural(p.counts.stateLines, 'state line')}, ${plural(p.counts.groupedSessions, 'grouped session')}${p.counts.unknownLines ? `, ${p.counts.unknownLines} unknown line(s)` : ''}`,
    );

    switch (p.classification) {
      case 'valid': {
        const server = liveServer(f);
        const saved = new Set(p.sessions.map((s) => s.name));
        const missing = server ? server.sessions.filter((s) => !saved.has(s.name)).map((s) => s.name) : [];
        details.push(`saved sessions: ${[...saved].join(', ') || 'none'}`);
        if (missing.length) {
          results.push({
            status: 'warn',
            summary: `the save (${when}) lacks live session(s) ${missing.join(', ')}: they are lost if the VM stops now`,
            details: [...details, `live sessions: ${server!.sessions.map((s) => s.name).join(', ')}`],
            fix: [
              `save now: prefix C-s, or tmux run-shell ${shq(`${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect/scripts/save.sh`)}`,
            ],
          });
        } else {
          results.push({ status: 'pass', summary: `last → ${name}: ${counts(p)} (saved ${when})`, details });
        }
        break;
      }
      case 'state-only': {
        const c = goodCandidate(d, name, f.host.tzOffset);
        const hooks = logoutHooks(f);
        results.push({
          status: 'fail',
          summary: `\`last\` (${name}) holds only ${plural(p.counts.stateLines, '`state` line')} and no panes: restore has nothing to rebuild`,
          details: [
            ...details,
            ...preview(file.content),
            'meaning: the save ran against a server with no sessions (the last session had closed — a session-closed hook, or a logout hook after the last pane exited) or reached another tmux server (other socket, TMUX_TMPDIR or user)',
            ...(p.counts.stateLines > 1
              ? [
                  `${p.counts.stateLines} state lines in one file: that many saves ran in the same second and appended to the same file`,
                ]
              : []),
            ...hooks.map((h) => `logout hook: ${h}`),
            ...(c ? [deadline(f, d, c.name) ?? ''] : []),
          ].filter(Boolean),
          fix: [
            ...(hooks.length
              ? [
                  'first remove the save from the logout file(s) above; save while sessions exist instead (before `tart stop`)',
                ]
              : []),
            ...relinkFix(f, d, c),
          ],
        });
        break;
      }
      case 'empty': {
        const c = goodCandidate(d, name, f.host.tzOffset);
        results.push({
          status: 'fail',
          summary: `\`last\` (${name}) is empty (0 bytes): saved by a server started without plugins / without tmux on its PATH`,
          details: [
            ...details,
            'meaning: `run-shell save.sh` ran in a server whose PATH had no tmux (started from a non-login `ssh vm …`): every tmux call in save.sh failed, the file stayed empty and still became `last`',
            ...(c ? [deadline(f, d, c.name) ?? ''] : []),
          ].filter(Boolean),
          fix: [
            'first fix the server that wrote it (see tmux.server and plugins.tpm), or the next save is empty again',
            ...relinkFix(f, d, c),
          ],
        });
        break;
      }
      case 'truncated':
      case 'malformed': {
        const cut = p.classification === 'truncated' && file.truncated;
        const problems = p.problems.slice(0, 5).map((x) => `line ${x.line}: ${x.reason}`);
        if (p.problems.length > 5) problems.push(`… ${p.problems.length - 5} more problem(s)`);
        if (cut) {
          results.push({
            status: 'warn',
            summary: `\`last\` (${name}) is ${file.size} bytes, more than the probe reads: only its start was checked (${counts(p)} so far)`,
            details: [...details, ...problems],
          });
          break;
        }
        const c = goodCandidate(d, name, f.host.tzOffset);
        results.push({
          status: 'fail',
          summary: `\`last\` (${name}) is ${p.classification === 'truncated' ? 'cut off mid-line (a save interrupted or a full disk)' : 'malformed'}: restore would rebuild it wrongly or not at all`,
          details: [...details, ...problems, ...(c ? [deadline(f, d, c.name) ?? ''] : [])].filter(Boolean),
          fix: relinkFix(f, d, c),
        });
        break;
      }
    }
    return results;
  },
});
