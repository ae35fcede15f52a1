import { hookedSets } from '../src/domain/config/hooks.js';
import { resolveSaveDir, saveFilesIn, savesNotListed } from '../src/domain/resurrect/savedir.js';
import { plural, shq, tilde } from '../src/domain/util.js';
import type { SaveDirFact } from '../src/engine/check.js';
import { defineCheck, type Result } from '../src/engine/check.js';

function describe(d: SaveDirFact, home: string): string {
  const saves = saveFilesIn(d);
  const newest = saves[saves.length - 1]?.name;
  return `${tilde(d.path, home)} (${d.role}): ${d.exists ? `${plural(saves.length + savesNotListed(d), 'save file')}${d.listingTruncated ? '+' : ''}${newest ? `, newest ${newest}` : ''}${d.last ? `, last → ${d.last.target ?? '?'}` : ''}` : 'missing'}`;
}

export default defineCheck({
  id: 'resurrect.dir',
  category: 'resurrect',
  title: 'resurrect save dir resolved, owned by the user and writable',
  explain:
    'Resolves the directory resurrect saves to and restores from, exactly as it does: `@resurrect-dir` if set; else ' +
    '~/.tmux/resurrect if that directory exists; else ${XDG_DATA_HOME:-~/.local/share}/tmux/resurrect. It must be owned ' +
    'by the user and writable, or every save fails. When another of those directories also exists, a save and a restore ' +
    'made at different times (or by a differently configured tmux) can use different places, so `last` looks lost. ' +
    'Fix: `chown`/`chmod` the dir; merge the save files into one dir and pin it with `set -g @resurrect-dir`.',
  run(ctx) {
    const f = ctx.facts;
    const home = f.host.home;
    const r = resolveSaveDir(f);
    const d = r.dir;
    const base = [`save dir: ${r.path}`, `why: ${r.reason}`];
    const results: Result[] = [];

    if (!d?.exists) {
      results.push({
        status: 'warn',
        summary: `the save dir ${tilde(r.path, home)} does not exist yet: nothing saved there, nothing to restore (the first save creates it)`,
        details: [...base, ...r.otherExisting.map((o) => `also exists: ${describe(o, home)}`)],
        fix: [
          `save once and check: tmux run-shell ${shq(`${f.plugins.dir.replace(/\/+$/, '')}/tmux-resurrect/scripts/save.sh`)}; ls -l ${shq(r.path)}`,
          ...(r.otherExisting.length
            ? [
                `older saves are in ${r.otherExisting.map((o) => tilde(o.path, home)).join(', ')}: copy them over with cp -p OLD/tmux_resurrect_*.txt ${shq(r.path)}/`,
              ]
            : []),
        ],
      });
      return results;
    }

    const details = [
      ...base,
      `${d.self ? `${d.self.mode} uid ${d.self.uid}` : 'mode/owner not read'}, ${d.writable ? 'writable' : 'not writable'} by ${f.host.user} (uid ${f.host.uid})`,
      describe(d, home),
    ];
    if (d.self && d.self.uid !== f.host.uid) {
      results.push({
        status: 'fail',
        summary: `the save dir ${tilde(d.path, home)} is owned by uid ${d.self.uid}, not ${f.host.user} (uid ${f.host.uid})`,
        details,
        fix: [`sudo chown -R ${shq(f.host.user)} ${shq(d.path)}`],
      });
    }
    if (!d.writable) {
      results.push({
        status: 'fail',
        summary: `the save dir ${tilde(d.path, home)} is not writable by ${f.host.user}: every save fails`,
        details,
        fix: [
          d.self && d.self.uid !== f.host.uid
            ? `sudo chown -R ${shq(f.host.user)} ${shq(d.path)}`
            : `chmod u+rwx ${shq(d.path)}`,
        ],
      });
    }
    if (r.otherExisting.length > 0) {
      results.push({
        status: 'warn',
        summary: `two resurrect dirs exist: saves go to ${tilde(d.path, home)}, but ${r.otherExisting.map((o) => tilde(o.path, home)).join(', ')} also exists — saves and restores can look in different places`,
        details: [...details, ...r.otherExisting.map((o) => `also exists: ${describe(o, home)}`)],
        fix: [
          ...r.otherExisting.map(
            (o) =>
              `cp -p ${shq(o.path)}/tmux_resurrect_*.txt ${shq(d.path)}/ && mv ${shq(o.path)} ${shq(`${o.path}.old`)}`,
          ),
          `pin it in the config, before the TPM run line: set -g @resurrect-dir '${tilde(d.path, home)}'`,
        ],
      });
    }
    const hooked = hookedSets(f, '@resurrect-dir');
    if (hooked.length > 0) {
      results.push({
        status: 'warn',
        summary: `a ${hooked[0]!.hook} hook sets @resurrect-dir (${hooked[0]!.value}): the save dir changes while the server runs, so saves and restores can use different dirs`,
        details: [
          ...details,
          ...hooked.map((h) => `${h.hook} hook (${tilde(h.at, home)}) sets @resurrect-dir to ${h.value}`),
        ],
        fix: [
          `set @resurrect-dir once, in the config before the TPM run line, and remove it from the hook: set -g @resurrect-dir '${tilde(d.path, home)}'`,
        ],
      });
    }
    if (results.length === 0) {
      results.push({ status: 'pass', summary: `${tilde(d.path, home)}: owned by ${f.host.user}, writable`, details });
    }
    return results;
  },
});
