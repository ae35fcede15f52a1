// Shell completion: the scripts for bash, zsh and fish, and the words they ask for. Check
// ids come after --only, --skip and explain; the script calls the very bin that printed it
// when `cal-doctor` on PATH is not that bin (after `npm install` it usually is not on PATH).
import { realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** How the script calls the doctor: `cal-doctor` when PATH finds this bin, else node and its absolute path. */
export function selfCommand(bin: string, env: NodeJS.ProcessEnv = process.env): string {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const me = real(bin);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean))
    if (me && real(join(dir, 'cal-doctor')) === me) return 'cal-doctor';
  return `${sq(process.execPath)} ${sq(me ?? bin)}`;
}

export function completionScript(shell: Shell, self: string): string {
  const ask = `${self} --get-yargs-completions`;
  switch (shell) {
    case 'bash':
      return `# cal-doctor completion for bash: eval "$(cal-doctor completion bash)" or add it to ~/.bashrc
_cal_doctor_complete() {
  local IFS=$'\\n' cur="\${COMP_WORDS[COMP_CWORD]}" found
  found=$(${ask} "\${COMP_WORDS[@]:0:$((COMP_CWORD + 1))}" 2>/dev/null)
  COMPREPLY=( $(compgen -W "$found" -- "$cur") )
}
complete -o default -F _cal_doctor_complete cal-doctor
`;
    case 'zsh':
      return `# cal-doctor completion for zsh: eval "$(cal-doctor completion zsh)" or add it to ~/.zshrc
_cal_doctor_complete() {
  local -a words_
  words_=("\${(@f)$(${ask} "\${words[@]:0:$CURRENT}" 2>/dev/null)}")
  compadd -- \${words_%%:*}
}
compdef _cal_doctor_complete cal-doctor
`;
    case 'fish':
      return `# cal-doctor completion for fish: cal-doctor completion fish > ~/.config/fish/completions/cal-doctor.fish
function __cal_doctor_complete
  ${ask} (commandline -opc) (commandline -ct) 2>/dev/null
end
complete -c cal-doctor -f -a '(__cal_doctor_complete)'
`;
  }
}

/**
 * Check ids for the word being completed when it follows --only, --skip or explain (a
 * comma list keeps what was typed before the last comma); undefined when it does not.
 */
export function idCompletions(words: string[], ids: string[]): string[] | undefined {
  const cur = words[words.length - 1] ?? '';
  const prev = words[words.length - 2];
  const explainAt = words.indexOf('explain');
  const afterList = prev === '--only' || prev === '--skip';
  if (!afterList && !(explainAt >= 1 && words.length - 1 === explainAt + 1)) return undefined;
  const head = afterList ? cur.slice(0, cur.lastIndexOf(',') + 1) : '';
  const part = cur.slice(head.length);
  return ids.filter((id) => id.startsWith(part)).map((id) => head + id);
}
