// persist.save: save through the server as prefix C-s does, then read `last` and the pane
// archive back: the save must hold the marker as built (and its scrollback line).
import { describeClass, type ParsedSave, parseSave } from '../../domain/resurrect/savefile.js';
import type { Target } from '../../targets/target.js';
import { hasLine, paneContents } from '../contents.js';
import { parsedLine } from '../diagnose.js';
import { compareLayout, describeLayout, type Layout, layoutOfSave, one, parseServer } from '../layout.js';
import { type CommonVars, rawRecord, saveScript } from '../scripts.js';
import { type PanePos, runOn, type StepDone, StepFailure, shorten } from '../step.js';

export interface SaveInput {
  target: Target;
  common: CommonVars;
  saveSec: number;
  session: string;
  expected: Layout;
  scrollPane: PanePos;
  scrollShown: boolean;
  token: string;
  signal?: AbortSignal;
}

export interface SaveOut {
  /** the dir resurrect saved to */
  saveDir: string;
  /** `last`'s target after the save, and what it holds */
  savedName?: string;
  savedContent: string;
  saved: ParsedSave;
  /** the pane archive holds the scrollback line */
  scrollSaved: boolean;
}

export async function save(i: SaveInput): Promise<StepDone<SaveOut>> {
  const { session } = i;
  const r = await runOn(
    i.target,
    saveScript(i.common, { saveTimeoutSec: i.saveSec }),
    (i.saveSec + i.common.tmuxTimeoutSec * 10 + 15) * 1000,
    i.signal,
  );
  const srv = parseServer(r, 'srv');
  if (!srv.answers) throw new StepFailure(`the tmux server does not answer (${srv.error})`);
  const script = one(r, 'save.script') ?? '';
  const dir = one(r, 'save.dir') ?? '';
  if (!script) {
    throw new StepFailure(
      'tmux-resurrect is not loaded in the server (@resurrect-save-script-path is unset): prefix C-s saves nothing',
      [`TPM ${srv.tpmLoaded ? 'ran' : 'did not run'} in this server`],
      ['see plugins.tpm and tmux.server: the server must be started where TPM can run tmux (a login shell on macOS)'],
    );
  }
  const rc = Number(one(r, 'save.rc') ?? -1);
  const saveOut = (one(r, 'save.out') ?? '').trim();
  const details = [
    `save: tmux run-shell ${script} (as prefix C-s), exit ${rc}${saveOut ? `, output: ${shorten(saveOut)}` : ''}`,
    `save dir: ${dir}`,
    `last before: ${one(r, 'save.before') || 'none'}`,
  ];
  if (rc === 137) throw new StepFailure(`save.sh did not finish within ${i.saveSec} s`, details);
  const state = one(r, 'post.state');
  const link = one(r, 'post.link');
  details.push(`last after: ${link ?? '(not a link)'} (${state})`);
  if (state !== 'file')
    throw new StepFailure(
      `after the save, \`last\` in ${dir} is ${state === 'dangling' ? `dangling (→ ${link})` : state}`,
      details,
      ['see resurrect.last'],
    );
  const content = one(r, 'post.content') ?? '';
  const parsed = parseSave(content);
  details.push(`parsed: ${parsed.classification}, ${parsedLine(parsed)}`);
  const inSave = layoutOfSave(parsed, session);
  const diff = compareLayout(i.expected, inSave);
  if (!inSave || diff.length) {
    throw new StepFailure(
      parsed.classification === 'valid'
        ? `the save (${link}) does not hold ${session} as built: ${diff[0]}`
        : `the save (${link}) is ${parsed.classification}: ${describeClass(parsed.classification)}`,
      [
        ...details,
        ...diff.map((d) => `save vs built: ${d}`),
        ...content
          .split('\n')
          .slice(0, 8)
          .map((l, n) => `line ${n + 1}: ${JSON.stringify(l)}`),
      ],
      ['see resurrect.last and tmux.server'],
    );
  }
  const shape = describeLayout(inSave).split(':')[0];
  details.push(`the save holds ${session}: ${describeLayout(inSave)}`);
  const out = { saveDir: dir, savedName: link, savedContent: content, saved: parsed, scrollSaved: false };
  if (!srv.captureContents) {
    details.push(
      'pane contents are not captured (@resurrect-capture-pane-contents is not on): the scrollback line is not checked after the restore',
    );
    return { summary: `last → ${link}: holds ${session} (${shape}); pane contents not captured`, details, out };
  }
  if (i.scrollShown) {
    const archive = rawRecord(r.raw ?? '', 'archive');
    const key = `${session}:${i.scrollPane.window}.${i.scrollPane.pane}`;
    const contents = archive ? await paneContents(archive) : new Map<string, string>();
    const text = contents.get(key);
    if (text === undefined || !hasLine(text, i.token)) {
      throw new StepFailure(
        `pane contents are captured, but pane_contents.tar.gz ${archive ? `has ${text === undefined ? `no entry for ${key}` : `no line ${i.token} in ${key}`}` : 'is missing'}`,
        [...details, `entries: ${[...contents.keys()].join(', ') || 'none'}`],
      );
    }
    out.scrollSaved = true;
    details.push(`pane_contents.tar.gz: ${key} holds the scrollback line`);
  }
  return {
    summary: `last → ${link}: holds ${session} (${shape})${out.scrollSaved ? ' and its scrollback line' : ''}`,
    details,
    out,
  };
}
