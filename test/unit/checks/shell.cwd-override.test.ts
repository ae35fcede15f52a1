import { describe, expect, it } from 'vitest';
import check from '../../../checks/shell.cwd-override.js';
import { fix$, HOME, healthyFacts, runOn, text$, verdict, withFacts } from '../../helpers/facts.js';

const rc = (file: string, content: string | null, mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {}) =>
  withFacts((f) => {
    const path = `${HOME}/${file}`;
    f.dotfiles = f.dotfiles.filter((d) => d.path !== path);
    if (content !== null) f.dotfiles.push({ path, exists: true, content, size: content.length, truncated: false });
    mutate(f);
  });

describe('shell.cwd-override', () => {
  it('passes when no startup file changes directory', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'no directory change in the zsh startup files a pane runs: restored panes keep their saved directories',
    );
    expect(r.details).toContain(
      'startup files it runs: ~/.zshenv (every zsh reads it), ~/.zprofile (login zsh), ~/.zshrc (interactive zsh)',
    );
  });

  it('fails on a top-level `cd ~` in ~/.zshrc', async () => {
    const r = verdict(await runOn(check, rc('.zshrc', 'export EDITOR=vim\ncd ~\n')));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      '~/.zshrc:2 runs `cd ~` in every new shell: restored panes open in ~ (home) instead of their saved directory',
    );
    expect(fix$(r)).toBe('in ~/.zshrc:2 remove the cd, or run it only outside tmux: [ -z "$TMUX" ] && cd ~');
  });

  it('warns on a conditional cd', async () => {
    const r = verdict(await runOn(check, rc('.zshrc', 'if [ -d ~/work ]; then\n  cd ~/work\nfi\n')));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('~/.zshrc:2 may change directory when a shell starts (`cd ~/work`)');
  });

  it('ignores cd in functions, aliases, subshells and $TMUX-guarded lines', async () => {
    const content = [
      'proj() {',
      '  cd ~/projects/"$1"',
      '}',
      'function up { cd ..; }',
      "alias w='cd ~/work'",
      '(cd /tmp && ls)',
      '[ -z "$TMUX" ] && cd ~/work',
      '',
    ].join('\n');
    expect(verdict(await runOn(check, rc('.zshrc', content))).status).toBe('pass');
  });

  it("warns about oh-my-zsh's last-working-dir plugin", async () => {
    const r = verdict(
      await runOn(
        check,
        rc('.zshrc', 'export ZSH=~/.oh-my-zsh\nplugins=(git\n  last-working-dir docker)\nsource $ZSH/oh-my-zsh.sh\n'),
      ),
    );
    expect(r.status).toBe('warn');
    expect(r.summary).toContain("oh-my-zsh's last-working-dir plugin (~/.zshrc:2)");
  });

  it('follows bash: ~/.bashrc counts when ~/.bash_profile sources it', async () => {
    const bash = (profile: string) =>
      rc('.bashrc', 'cd ~\n', (f) => {
        f.host.shell = '/bin/bash';
        f.dotfiles.push({
          path: `${HOME}/.bash_profile`,
          exists: true,
          content: profile,
          size: profile.length,
          truncated: false,
        });
      });
    const sourced = verdict(await runOn(check, bash('[ -f ~/.bashrc ] && . ~/.bashrc\n')));
    expect(sourced.status).toBe('fail');
    expect(text$(sourced)).toContain('sourced by .bash_profile');
    const alone = verdict(await runOn(check, bash('export PATH=~/bin:$PATH\n')));
    expect(alone.status).toBe('pass');
    expect(alone.details).toContain('~/.bashrc has a cd, but a bash pane does not run that file');
  });

  it('reads ~/.bashrc for non-login panes when default-command runs bash', async () => {
    const f = rc('.bashrc', 'cd /srv\n', (f) => {
      f.server!.options['default-command'] = 'bash';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('restored panes open in /srv');
  });
});

describe('shell.cwd-override: default-command', () => {
  it('fails when default-command itself changes directory', async () => {
    const f = rc('.zshrc', '', (f) => {
      f.server!.options['default-command'] = 'cd ~/work && exec zsh';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      'default-command "cd ~/work && exec zsh" changes directory before the shell starts: every new pane, restored ones included, opens in ~/work',
    );
    expect(fix$(r)).toBe("drop the cd: set -g default-command 'exec zsh'");
  });
});
