import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.dir.js';
import { fix$, HOME, healthyFacts, runOn, SAVE_DIR, verdict, withFacts, withStatus } from '../../helpers/facts.js';

const xdg = (f: ReturnType<typeof healthyFacts>) => f.saveDirs.find((d) => d.role === 'xdg')!;

describe('resurrect.dir', () => {
  it('passes on the XDG dir owned by admin and writable', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('~/.local/share/tmux/resurrect: owned by admin, writable');
    expect(r.details).toContain(`save dir: ${SAVE_DIR}`);
    expect(r.details).toContain(
      '~/.local/share/tmux/resurrect (xdg): 3 save files, newest tmux_resurrect_20250602T112500.txt, last → tmux_resurrect_20250602T112500.txt',
    );
  });

  it('warns when the dir does not exist yet (the first save creates it)', async () => {
    const f = withFacts((f) => {
      Object.assign(xdg(f), {
        exists: false,
        self: undefined,
        files: [],
        last: undefined,
        recent: [],
        writable: false,
      });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('does not exist yet');
    expect(r.summary).toContain('first save creates it');
  });

  it('fails when another user owns it', async () => {
    const f = withFacts((f) => {
      xdg(f).self!.uid = 0;
    });
    const r = withStatus(await runOn(check, f), 'fail');
    expect(r.summary).toBe('the save dir ~/.local/share/tmux/resurrect is owned by uid 0, not admin (uid 501)');
    expect(fix$(r)).toBe(`sudo chown -R admin ${SAVE_DIR}`);
  });

  it('fails when it is not writable', async () => {
    const f = withFacts((f) => {
      xdg(f).writable = false;
      xdg(f).self!.mode = 'dr-xr-xr-x';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('is not writable by admin: every save fails');
    expect(fix$(r)).toBe(`chmod u+rwx ${SAVE_DIR}`);
  });

  it('warns when ~/.tmux/resurrect also exists: it wins, and the saves are in the other dir', async () => {
    const f = withFacts((f) => {
      const home = f.saveDirs.find((d) => d.role === 'home')!;
      Object.assign(home, {
        exists: true,
        writable: true,
        self: { name: 'resurrect', mode: 'drwxr-xr-x', uid: 501, size: 64, type: 'dir' },
      });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'two resurrect dirs exist: saves go to ~/.tmux/resurrect, but ~/.local/share/tmux/resurrect also exists — saves and restores can look in different places',
    );
    expect(r.details!.join('\n')).toContain('also exists: ~/.local/share/tmux/resurrect (xdg): 3 save files');
    expect(fix$(r)).toContain(`cp -p ${SAVE_DIR}/tmux_resurrect_*.txt ${HOME}/.tmux/resurrect/`);
    expect(fix$(r)).toContain("set -g @resurrect-dir '~/.tmux/resurrect'");
  });

  it('quotes paths with spaces in the fix', async () => {
    const f = withFacts((f) => {
      const d = xdg(f);
      d.path = `${HOME}/my saves`;
      d.writable = false;
      f.server!.options['@resurrect-dir'] = '~/my saves';
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(fix$(r)).toBe(`chmod u+rwx '${HOME}/my saves'`);
  });
});
