import { optionValue } from '../src/domain/config.js';
import { paneKey, readPaneArchive } from '../src/domain/resurrect/archive.js';
import { historyOf } from '../src/domain/save-history.js';
import { saveScript } from '../src/domain/saves.js';
import { ageText, plural, shq, tilde } from '../src/domain/util.js';
import { defineCheck, type Result } from '../src/engine/check.js';

const ARCHIVE = 'pane_contents.tar.gz';
/** the archive is written right after the save file; more apart than this = a different save */
const SAME_SAVE_SECONDS = 120;

function list(keys: string[], max = 12): string {
  return keys.length <= max ? keys.join(', ') : `${keys.slice(0, max).join(', ')} … (${keys.length - max} more)`;
}

export default defineCheck({
  id: 'resurrect.pane-contents',
  category: 'resurrect',
  dependsOn: ['resurrect.dir', 'resurrect.last'],
  title: 'the pane-contents archive is readable and matches `last`',
  explain:
    'With `@resurrect-capture-pane-contents on`, every save writes `pane_contents.tar.gz` next to the save files: a gzip ' +
    'tar of `./pane_contents/pane-<session>:<window>.<pane>`, one file per pane that showed any output. restore.sh ' +
    'unpacks it and pastes each file into its pane; a corrupt archive means no scrollback comes back. The check reads the ' +
    'archive (gzip and tar), and compares its entries with the panes in `last`: entries for panes `last` does not have, ' +
    'or an empty archive written after `last`, mean the archive belongs to another save (every save rewrites it, bad ' +
    'ones too). Panes that printed nothing have no entry by design. Fix: save again while the sessions exist.',
  appliesTo(ctx) {
    const v = optionValue(ctx.facts, '@resurrect-capture-pane-contents');
    if (v.value !== 'on')
      return `@resurrect-capture-pane-contents is ${v.value === undefined ? 'not set (off)' : v.value}: no pane contents are saved`;
    return true;
  },
  async run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const { resolved, history: h } = historyOf(f);
    if (!h) return { status: 'skip', summary: `no save dir yet (${tilde(resolved.path, home)}): no archive to read` };
    const d = h.dir;
    const path = `${d.path.replace(/\/+$/, '')}/${ARCHIVE}`;
    const listed = d.files.find((e) => e.name === ARCHIVE);
    const saveNow = `save while your sessions exist: prefix C-s, or tmux run-shell ${shq(saveScript(f))}`;
    const a = d.paneArchive;
    if (!a) {
      if (listed)
        return {
          status: 'warn',
          summary: `${tilde(path, home)} exists (${listed.size} bytes) but its content was not read: not verifiable`,
          details: [`${path}: ${listed.mode} ${listed.type}`],
        };
      return {
        status: 'warn',
        summary: `@resurrect-capture-pane-contents is on, but there is no ${ARCHIVE} in ${tilde(d.path, home)}: no pane contents will be restored`,
        details: [
          `save dir: ${d.path}`,
          h.entries.length
            ? `${plural(h.entries.length + h.notListed, 'save')} exist: the saves that wrote them did not get to archiving (or ran with capture off)`
            : 'no save has run yet',
        ],
        fix: [saveNow, `check: ls -l ${shq(path)}`],
      };
    }
    if (a.entry.type !== 'file') {
      return {
        status: 'fail',
        summary: `${tilde(path, home)} is a ${a.entry.type}, not a file: restore cannot unpack it`,
        details: [`${path}: ${a.entry.mode}`],
        fix: [`move it aside (mv ${shq(path)} ${shq(`${path}.bad`)}), then ${saveNow}`],
      };
    }

    const ar = await readPaneArchive(a.data, { cut: a.truncated });
    const details = [
      `archive: ${path}, ${a.entry.size} bytes${a.truncated ? ` (only the first ${a.data.length} read)` : ''}`,
      `entries: ${plural(ar.panes.length, 'pane file')}${
        ar.strays.length
          ? `, ${plural(ar.strays.length, 'other entry', 'other entries')} (${list(
              ar.strays.map((s) => s.name),
              5,
            )})`
          : ''
      }`,
      ...(ar.written
        ? [`written: ${ar.written.toISOString()} (${ageText(f.host.now - ar.written.getTime() / 1000)} ago)`]
        : []),
    ];
    const results: Result[] = [];
    if (!ar.ok && !(a.truncated && ar.entries.length > 0)) {
      return {
        status: 'fail',
        summary: `${tilde(path, home)} is corrupt: ${ar.error}; restore gets no pane contents`,
        details: [
          ...details,
          ...(ar.entries.length
            ? [
                `readable before the damage: ${list(
                  ar.entries.map((e) => e.name),
                  8,
                )}`,
              ]
            : []),
          `check on the target: gzip -t ${shq(path)} && tar tzf ${shq(path)}`,
        ],
        fix: [
          `every save rewrites the archive: ${saveNow}`,
          `to keep the damaged one for a bug report first: cp -p ${shq(path)} ${shq(`${path}.bad`)}`,
        ],
      };
    }
    if (a.truncated) {
      results.push({
        status: 'warn',
        summary: `the archive is ${a.entry.size} bytes; only its first ${a.data.length} were read: ${plural(ar.panes.length, 'entry', 'entries')} checked, the rest not`,
        details,
      });
    }

    // compare with `last`
    const last = h.last.parsed;
    if (!h.lastUsable || !last) {
      results.push({
        status: 'info',
        summary: `the archive is readable (${plural(ar.panes.length, 'pane file')}), but \`last\` holds no panes to compare it with (see resurrect.history)`,
        details,
      });
      return results;
    }
    const grouped = new Set(last.sessions.filter((s) => s.groupedWith !== undefined).map((s) => s.name));
    const want = new Set(
      last.sessions.flatMap((s) =>
        s.windows.flatMap((w) => w.panes.map((p) => paneKey(p.session, p.windowIndex, p.paneIndex))),
      ),
    );
    const have = new Set(ar.panes.map((e) => paneKey(e.pane!.session, e.pane!.window, e.pane!.pane)));
    const extra = [...have].filter((k) => !want.has(k) && !grouped.has(k.slice(0, k.lastIndexOf(':'))));
    const missing = [...want].filter((k) => !have.has(k));
    const lastName = h.last.entry?.name ?? h.last.target ?? 'last';
    const lastTime = h.last.entry?.time ?? h.last.time;
    const apart = ar.written && lastTime ? (ar.written.getTime() - lastTime.getTime()) / 1000 : undefined;
    const later = apart !== undefined && apart > SAME_SAVE_SECONDS;
    details.push(
      `last: ${lastName}, ${plural(want.size, 'pane')}${lastTime ? `, saved ${lastTime.toISOString()}` : ''}`,
      ...(apart !== undefined
        ? [
            `archive written ${Math.abs(Math.round(apart))} s ${apart >= 0 ? 'after' : 'before'} that save${later ? ': by a later save' : ''}`,
          ]
        : []),
      ...(missing.length ? [`panes of last without contents: ${list(missing)}`] : []),
      ...(extra.length ? [`archived panes not in last: ${list(extra)}`] : []),
    );
    if (extra.length) {
      results.push({
        status: 'warn',
        summary: `the archive holds contents of ${plural(extra.length, 'pane')} that \`last\` does not have (${list(extra, 4)}): it was written by a different save than ${lastName}`,
        details,
        fix: [`every save rewrites the archive from the live panes: ${saveNow}`],
      });
    }
    // resurrect writes one file per pane (`printf '%s\n' "$(capture-pane …)"`): a blank pane's is a bare newline
    const blank = ar.panes.filter((e) => e.size <= 1).length;
    if (ar.panes.length > 0 && blank === ar.panes.length && !extra.length) {
      results.push({
        status: 'pass',
        summary: `${ARCHIVE}: ${plural(ar.panes.length, 'pane file')}, all blank: the saved panes showed nothing, so there is nothing to restore`,
        details,
      });
    } else if (ar.panes.length === 0 && want.size > 0) {
      results.push({
        status: 'warn',
        summary: `the archive holds no pane contents for the ${plural(want.size, 'pane')} of ${lastName}${later ? ': a later save (with no panes) overwrote it' : ' (only right if every pane was blank)'}: no scrollback will be restored`,
        details,
        fix: [
          `every save rewrites the archive: ${saveNow}`,
          'and stop the bad saves that overwrite it (see resurrect.save-triggers)',
        ],
      });
    } else if (missing.length && !extra.length) {
      results.push({
        status: later ? 'warn' : 'info',
        summary: `${plural(missing.length, 'pane')} of ${plural(want.size, 'pane')} in \`last\` have no archived contents${later ? ': the archive was written by a later save' : ' (resurrect archives only panes that showed output)'}`,
        details,
        ...(later ? { fix: [`every save rewrites the archive: ${saveNow}`] } : {}),
      });
    }
    if (results.length === 0) {
      results.push({
        status: 'pass',
        summary: `${ARCHIVE}: ${plural(ar.panes.length, 'pane file')}, all of them panes of ${lastName}, every pane covered`,
        details,
      });
    }
    return results;
  },
});
