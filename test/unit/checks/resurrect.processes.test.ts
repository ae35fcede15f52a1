import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.processes.js';
import {
  fix$,
  healthyFacts,
  LAST_SAVE,
  runOn,
  saveContent,
  text$,
  verdict,
  withFacts,
  withStatus,
} from '../../helpers/facts.js';

const pane = (idx: number, dir: string, command: string, full: string) =>
  `pane\tcal-dev\t0\t1\t:*\t${idx}\tvm\t:${dir}\t${idx === 0 ? 1 : 0}\t${command}\t:${full}`;
const saveWith = (...panes: string[]) =>
  [...panes, 'window\tcal-dev\t0\t:work\t1\t:*\tcf3a,200x50,0,0,0\toff', 'state\tcal-dev\t', ''].join('\n');
const lastIs = (content: string, mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {}) =>
  withFacts((f) => {
    f.saveDirs[0]!.last!.file = saveContent(LAST_SAVE, content);
    mutate(f);
  });

describe('resurrect.processes', () => {
  it('passes when the panes hold only shells', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('no programs saved in `last` (6 panes with only a shell): nothing to restart');
  });

  it('passes when every saved program is on the list', async () => {
    const r = verdict(
      await runOn(
        check,
        lastIs(saveWith(pane(0, '/Users/admin/api', 'vim', 'vim main.go'), pane(1, '/tmp', 'less', 'less log.txt'))),
      ),
    );
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('all 2 saved programs in `last` are on the restore list');
  });

  it('fails when default-command hides the programs behind a wrapper shell (#98, #158)', async () => {
    const f = lastIs(saveWith(pane(0, '/Users/admin/api', 'tail', 'bash'), pane(1, '/tmp', 'zsh', '')), (f) => {
      f.server!.options['default-command'] = 'cd ~ && bash';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      '1 pane ran a program that was saved as its shell (cal-dev:0.0: tail saved as "bash"): default-command keeps a wrapper shell as the pane process, so these programs are never restored',
    );
    expect(r.fix![0]).toBe("set -g default-command 'cd ~ && exec bash'   # exec: the shell replaces the wrapper");
  });

  it('notes a command-list default-command before it has hidden anything, with the exec form', async () => {
    const f = withFacts((f) => {
      f.server!.options['default-command'] = 'i >/dev/null 2>&1; reattach-to-user-namespace -l zsh';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('info');
    expect(r.summary).toContain('is a command list: unless the shell replaces itself with the last command');
    expect(fix$(r)).toBe(
      "to be sure: set -g default-command 'i >/dev/null 2>&1; exec reattach-to-user-namespace -l zsh'   # exec: the shell replaces the wrapper",
    );
  });

  it('puts exec before the shell, dropping a fallback after ||', async () => {
    const f = lastIs(saveWith(pane(0, '/Users/admin/api', 'vim', 'bash -l')), (f) => {
      f.server!.options['default-command'] = 'cd ~ && bash -l || exec sh';
    });
    expect(verdict(await runOn(check, f)).fix![0]).toBe(
      "set -g default-command 'cd ~ && exec bash -l'   # exec: the shell replaces the wrapper",
    );
  });

  it('lists programs that are not on the restore list, with the option line to add them', async () => {
    const f = lastIs(
      saveWith(pane(0, '/Users/admin/api', 'node', 'npm run dev'), pane(1, '/tmp', 'vim', '/usr/bin/vim notes.md')),
      (f) => {
        f.server!.options['@resurrect-processes'] = 'ssh';
      },
    );
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('info');
    expect(r.summary).toBe(
      '2 saved programs will not be started on restore (not on the restore list): cal-dev:0.0 "npm run dev", cal-dev:0.1 "/usr/bin/vim notes.md"',
    );
    expect(fix$(r)).toBe(
      `to restore them: set -g @resurrect-processes 'ssh "~npm" "~vim"'   # before the TPM run line`,
    );
  });

  it('honours ~ entries, quoted entries and :all:', async () => {
    const content = saveWith(
      pane(0, '/Users/admin/api', 'ruby', '/usr/bin/ruby bin/rails server'),
      pane(1, '/tmp', 'git', 'git log'),
    );
    const listed = lastIs(content, (f) => {
      f.server!.options['@resurrect-processes'] = '"~rails server->rails server" "git log"';
    });
    expect(verdict(await runOn(check, listed)).status).toBe('pass');
    const all = lastIs(content, (f) => {
      f.server!.options['@resurrect-processes'] = ':all:';
    });
    expect(verdict(await runOn(check, all)).status).toBe('pass');
  });

  it("warns when vim's session strategy finds no Session.vim in the pane dir", async () => {
    const f = lastIs(saveWith(pane(0, '/Users/admin/api', 'vim', 'vim main.go')), (f) => {
      f.server!.options['@resurrect-strategy-vim'] = 'session';
      f.savedDirs = [{ dir: '/Users/admin/api', exists: true, sessionVim: false }];
    });
    const r = withStatus(await runOn(check, f), 'warn');
    expect(r.summary).toBe(
      "1 vim pane will restart without a session (@resurrect-strategy-vim 'session' needs a Session.vim in the pane dir): cal-dev:0.0 in /Users/admin/api",
    );
    expect(text$(r)).toContain(':Obsess');
  });

  it('warns about a strategy tmux-resurrect does not ship', async () => {
    const f = withFacts((f) => {
      f.server!.options['@resurrect-strategy-nvim'] = 'sessions';
    });
    const r = withStatus(await runOn(check, f), 'warn');
    expect(r.summary).toContain('ships no strategies/nvim_sessions.sh');
  });

  it("notes @resurrect-processes 'false'", async () => {
    const f = withFacts((f) => {
      f.server!.options['@resurrect-processes'] = 'false';
    });
    expect(verdict(await runOn(check, f)).summary).toBe(
      "@resurrect-processes is 'false': restore starts no programs, only shells",
    );
  });
});
