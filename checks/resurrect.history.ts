import { entryVerdict, type SaveHistory, stampOf, timeline } from '../src/domain/resurrect/history.js';
import { ago, historyOf, keepCommand, moveAsideRelinkCommand, retentionLine } from '../src/domain/save-history.js';
import { relinkCommand, restoreScript, saveScript } from '../src/domain/saves.js';
import { plural, shq, tilde } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

function lastText(h: SaveHistory): string {
  const l = h.last;
  switch (l.state) {
    case 'missing':
      return 'there is no `last`';
    case 'dangling':
      return `\`last\` is dangling (→ ${l.target ?? '?'}, which does not exist)`;
    case 'outside':
      return `\`last\` points outside the save dir (→ ${l.target ?? '?'}) and is ${l.classification ?? 'not read'}`;
    case 'not-link':
      return `\`last\` is a regular file, not resurrect's symlink, and is ${l.classification ?? 'not read'}`;
    case 'ok':
      return `\`last\` → ${l.entry?.name ?? l.target ?? '?'} is ${l.entry ? entryVerdict(l.entry) : (l.classification ?? 'not read')}`;
  }
}

export default defineCheck({
  id: 'resurrect.history',
  category: 'resurrect',
  dependsOn: ['resurrect.dir', 'resurrect.save-triggers'],
  title: 'save history: the newest valid save, the bad saves after it, and retention',
  explain:
    'Reads every `tmux_resurrect_*.txt` in the save dir: the time from its name, its size, and what it holds (valid, ' +
    'empty, state-only, malformed, truncated; the 20 newest are read, older ones only listed, and beyond the 500 newest ' +
    'only counted). It reports the newest save ' +
    'restore could use and its age, how many bad saves came after it and when that run began: a timeline to paste into a ' +
    'bug report. It fails when `last` is bad, dangling or missing but a valid save exists (recoverable: relink `last` to ' +
    'it, `cal-doctor --fix --yes` does that), and fails with a distinct summary when no valid save exists at all. ' +
    'resurrect deletes saves older than @resurrect-delete-backup-after days (30) beyond the 5 newest, `last` included: ' +
    'when the newest valid save is no longer among the 5 newest the check says by which date a save deletes it; copy it aside.',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const { resolved, history: h } = historyOf(f);
    if (!h)
      return {
        status: 'skip',
        summary: `no save dir yet (${tilde(resolved.path, home)}): no history to read (resurrect.dir reports it)`,
      };
    const dir = h.dir.path;
    const read = h.entries.filter((e) => e.basis === 'content' || e.basis === 'partial').length;
    const bySize = h.entries.filter((e) => e.basis === 'size').length;
    const listed = h.unread + bySize;
    const total = h.entries.length + h.notListed;
    const details = [
      `save dir: ${dir} (${resolved.reason})`,
      `${plural(total, 'save file')}${h.listingTruncated ? '+ (the listing was cut: more exist)' : ''}; ${read} read${listed ? `, ${listed} older ${listed === 1 ? 'one' : 'ones'} only listed${bySize ? ` (${bySize} of them 0 bytes: empty by size)` : ''}` : ''}${h.notListed ? `, ${h.notListed} older ${h.notListed === 1 ? 'one' : 'ones'} only counted (not listed, not judged: the probe lists the newest ${h.entries.length})` : ''}`,
      "timeline (times are the target's local time, from the file names):",
      ...timeline(h).map((l) => `  ${l}`),
    ];
    if (h.entries.length === 0 && h.last.state === 'missing') {
      return {
        status: 'warn',
        summary: `no saves in ${tilde(dir, home)} yet: nothing to restore`,
        details,
        fix: [`save once with sessions open: prefix C-s, or tmux run-shell ${shq(saveScript(f))}`],
      };
    }

    const v = h.newestValid;
    const results: Result[] = [];
    const keep = retentionLine(h);
    const bad = h.invalidAfter;
    const runLine = bad.length ? `${bad.length}, the run began ${bad[0]!.stamp} (${ago(f, bad[0]!)})` : 'none';

    if (!v && h.notListed > 0) {
      // none among the listed saves; older ones were only counted, so one may still hold panes
      const since = h.entries[0];
      const older = `cd ${shq(dir)} && grep -l '^pane' tmux_resurrect_*.txt | tail -n 1`;
      results.push({
        status: 'fail',
        summary: `no valid save among the ${plural(h.entries.length, 'newest save')}${since ? ` (since ${since.stamp})` : ''} and ${lastText(h)}; ${plural(h.notListed, 'older save')} ${h.notListed === 1 ? 'was' : 'were'} counted, not listed: one may still hold your layout`,
        details: [
          ...details,
          `the ${plural(h.entries.length, 'newest save')} are empty, state-only, damaged or too small to hold a pane; the probe lists only the newest saves, so the ${h.notListed} older ones were not judged`,
        ],
        fix: [
          'find and fix what writes the bad saves first (see resurrect.save-triggers), or the next save is bad again',
          `find the newest older save with panes (names sort by time): ${older}`,
          `relink \`last\` to it: ${relinkCommand(dir, 'NAME')}, then restore: prefix C-r, or tmux run-shell ${shq(restoreScript(f))}`,
        ],
      });
      return results;
    }
    if (!v) {
      // nothing to go back to
      const since = h.entries[0];
      results.push({
        status: 'fail',
        summary: `no valid save at all: ${h.entries.length ? `all ${plural(h.entries.length, 'save')}${since ? ` since ${since.stamp}` : ''} hold no panes` : 'no save files'} and ${lastText(h)} — nothing can be restored or relinked`,
        details: [
          ...details,
          'every save in the dir is empty, state-only, damaged or too small to hold a pane: the layout cannot be recovered from disk',
        ],
        fix: [
          'find and fix what writes the bad saves first (see resurrect.save-triggers), or the next save is bad again',
          `then save while your sessions exist: prefix C-s, or tmux run-shell ${shq(saveScript(f))}`,
          `check it: ls -l ${shq(dir)} and cat ${shq(`${dir}/last`)} (it must hold \`pane\` lines)`,
        ],
      });
      return results;
    }

    const vAge = ago(f, v);
    const vText = `${v.name} (${stampOf(v.name)}, ${vAge}; ${entryVerdict(v)}${h.newestValidVerified ? '' : ', not read: judged by its size'})`;
    details.push(`newest valid save: ${vText}`, `bad saves after it: ${runLine}`);
    if (keep) details.push(keep);
    const keepFix = keep ? [`copy it aside now, out of resurrect's reach: ${keepCommand(f, dir, v.name)}`] : [];

    if (!h.lastUsable && h.last.entry === v) {
      // `last` is the newest save big enough to hold panes, but its content was not read
      results.push({
        status: 'warn',
        summary: `\`last\` → ${v.name} (${vAge}) could not be read: it is big enough to hold panes, but not verified`,
        details,
        fix: [
          `check it on the target: grep -c '^pane' ${shq(`${dir}/${v.name}`)} (0 = restore has nothing to rebuild)`,
        ],
      });
      return results;
    }
    if (!h.lastUsable) {
      const relink = h.last.state === 'not-link' ? moveAsideRelinkCommand(dir, v.name) : relinkCommand(dir, v.name);
      const lastLine = lastText(h);
      results.push({
        status: 'fail',
        summary: `${lastLine}; recoverable: the newest valid save is ${v.name} (${vAge}), ${bad.length ? `followed by ${plural(bad.length, 'bad save')} since ${bad[0]!.stamp}` : 'no save after it'}`,
        details,
        fix: [
          ...keepFix,
          `relink \`last\` to it: ${relink}${h.newestValidVerified ? '' : ` (check it holds \`pane\` lines first: grep -c '^pane' ${shq(`${dir}/${v.name}`)})`}`,
          'or let cal-doctor do it: cal-doctor --fix (shows the plan), then cal-doctor --fix --yes',
          `then restore: prefix C-r, or tmux run-shell ${shq(restoreScript(f))}`,
          'and stop the bad saves: see resurrect.save-triggers',
        ],
      });
      return results;
    }

    // `last` restores something
    const lastEntry = h.last.entry;
    const newerBad = lastEntry ? h.entries.filter((e) => e.time > lastEntry.time && e.classification !== 'valid') : [];
    if (newerBad.length) {
      results.push({
        status: 'warn',
        summary: `\`last\` is valid, but ${plural(newerBad.length, 'newer save')} not linked to it ${newerBad.length === 1 ? 'is' : 'are'} bad (first ${newerBad[0]!.stamp}): saves raced or were relinked by hand`,
        details: [...details, ...newerBad.map((e) => `newer: ${e.stamp}  ${e.name}: ${entryVerdict(e)}`)],
        fix: ['find what writes them (see resurrect.save-triggers) before it clobbers `last`'],
      });
    }
    if (keep) {
      results.push({
        status: 'warn',
        summary: `the newest valid save ${v.name} is no longer among the ${h.retention.keepNewest} newest: ${h.retention.overdue ? 'the next save deletes it' : `a save after ${h.retention.dueBy!.toISOString().slice(0, 10)} deletes it`}`,
        details,
        fix: keepFix,
      });
    }
    if (lastEntry && v !== lastEntry && v.time > lastEntry.time) {
      results.push({
        status: 'info',
        summary: `\`last\` → ${lastEntry.name} is valid, but a newer valid save exists (${v.name}): \`last\` was relinked by hand?`,
        details,
        fix: [`to restore the newer one: ${relinkCommand(dir, v.name)}`],
      });
    }
    if (h.last.state === 'outside') {
      results.push({
        status: 'warn',
        summary: `\`last\` points outside the save dir (→ ${h.last.target}): not resurrect's doing; the next save replaces it`,
        details,
        fix: [`to keep restoring it, copy it into the dir: cp -p ${shq(h.last.target ?? '')} ${shq(dir)}/`],
      });
    }
    if (results.length === 0) {
      results.push({
        status: 'pass',
        summary: `${plural(total, 'save')}; \`last\`${lastEntry ? ` → ${lastEntry.name} (${ago(f, lastEntry)})` : h.last.state === 'not-link' ? ' (a regular file)' : ` → ${h.last.target ?? '?'}`} is valid${bad.length ? `; ${plural(bad.length, 'bad save')} after the newest valid one in the dir` : ' and the newest save'}`,
        details,
      });
    }
    return results;
  },
});
