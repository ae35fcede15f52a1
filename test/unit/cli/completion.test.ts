// Completion: check ids after --only/--skip/explain, and scripts that call the bin that printed them.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { completionScript, idCompletions, selfCommand } from '../../../src/cli/completion.js';
import { BIN } from '../../helpers/cli.js';

const IDS = ['plugins.tpm', 'resurrect.dir', 'resurrect.last', 'tmux.path'];

describe('completion', () => {
  it('offers check ids after --only, --skip and explain, and only there', () => {
    expect(idCompletions(['cal-doctor', '--only', 'resurrect.'], IDS)).toEqual(['resurrect.dir', 'resurrect.last']);
    expect(idCompletions(['cal-doctor', '--skip', 'tmux.path,plu'], IDS)).toEqual(['tmux.path,plugins.tpm']);
    expect(idCompletions(['cal-doctor', 'explain', ''], IDS)).toEqual(IDS);
    expect(idCompletions(['cal-doctor', 'explain', 'tmux.path', ''], IDS)).toBeUndefined();
    expect(idCompletions(['cal-doctor', '--lo'], IDS)).toBeUndefined();
  });

  it('calls cal-doctor by name only when PATH finds this very bin', () => {
    expect(selfCommand(BIN, { PATH: '/nonexistent' })).toBe(`'${process.execPath}' '${BIN}'`);
    for (const shell of ['bash', 'zsh', 'fish'] as const)
      expect(completionScript(shell, selfCommand(BIN, { PATH: '' }))).toContain(`'${BIN}' --get-yargs-completions`);
  });

  it('bash: the printed script completes ids, flags and commands from the built bin', () => {
    const complete = (...words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `eval "$('${process.execPath}' '${BIN}' completion bash)"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cal_doctor_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'x',
          ...words,
        ],
        { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } },
      ).trim();
    expect(complete('cal-doctor', '--only', 'resurrect.la')).toBe('resurrect.last');
    expect(complete('cal-doctor', 'explain', 'tmux.pa')).toBe('tmux.path');
    expect(complete('cal-doctor', '--lo')).toBe('--local');
    expect(complete('cal-doctor', 'expl')).toBe('explain');
  });
});
