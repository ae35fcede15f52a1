import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.risky-names.js';
import {
  fix$,
  healthyFacts,
  LAST_SAVE,
  runOn,
  SAVES,
  saveContent,
  text$,
  verdict,
  withFacts,
  withStatus,
} from '../../helpers/facts.js';

const lastIs = (content: string, mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {}) =>
  withFacts((f) => {
    f.saveDirs[0]!.last!.file = saveContent(LAST_SAVE, content);
    mutate(f);
  });

describe('resurrect.risky-names', () => {
  it('passes for plain names and existing dirs', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(`no risky names or paths in \`last\` (${LAST_SAVE}): 3 windows checked`);
    expect(r.details![0]).toContain('cal-dev:1 "logs"');
  });

  it('warns when a window name would stand in for the index of a later window on a restore into a running server (PR #575)', async () => {
    const r = verdict(await runOn(check, lastIs(SAVES.healthy.replace(':logs\t', ':2_1_199\t'))));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'a restore into a server that still has window cal-dev:1 "2_1_199" skips window cal-dev:2: tmux resolves the missing index by that name',
    );
    expect(text$(r)).toContain('a restore into a fresh server is safe');
    expect(fix$(r)).toContain('tmux rename-window -t cal-dev:1 w-2_1_199');
  });

  it('only notes a digit-leading name that clashes with nothing in the save', async () => {
    const r = verdict(await runOn(check, lastIs(SAVES.healthy.replace(':logs\t', ':9lives\t'))));
    expect(r.status).toBe('info');
    expect(r.summary).toContain('1 window name starts with a digit (cal-dev:1 "9lives")');
  });

  it('fails on a pane saved with shifted fields (empty pane title)', async () => {
    const shifted = SAVES.healthy.replace(
      'pane\tcal-dev\t1\t0\t:-\t0\tvm\t:/tmp\t1\tzsh\t:',
      'pane\tcal-dev\t1\t0\t:-\t0\t:/tmp\t1\tzsh\t4242\t:',
    );
    const r = verdict(await runOn(check, lastIs(shifted)));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      '1 pane saved with shifted fields (an empty pane title): restore opens them in the wrong directory and loses their programs',
    );
    expect(r.details![0]).toBe('cal-dev:1.0 (line 3): the title slot holds the dir /tmp, the dir slot holds "1"');
    expect(fix$(r)).toContain('tmux select-pane -t cal-dev:1.0 -T "$(hostname -s)"');
  });

  it('fails on a session with an empty name (#415)', async () => {
    const r = verdict(await runOn(check, lastIs(SAVES.healthy.replace(/\tcal-dev\t/g, '\t\t'))));
    expect(r.status).toBe('fail');
    expect(text$(r)).toContain('a session with an empty name is saved');
  });

  it('notes non-ASCII names, and warns when the server has no UTF-8 locale', async () => {
    const greek = SAVES.healthy.replace(':logs\t', ':Workspace(β)\t');
    const utf8 = verdict(await runOn(check, lastIs(greek)));
    expect(utf8.status).toBe('info');
    expect(utf8.summary).toBe('1 name with non-ASCII characters: window cal-dev:1 "Workspace(β)" (line 8)');
    const c = verdict(
      await runOn(
        check,
        lastIs(greek, (f) => {
          delete f.server!.globalEnv.LANG;
        }),
      ),
    );
    expect(c.status).toBe('warn');
    expect(c.summary).toContain("the server's environment has no UTF-8 locale (LANG/LC_* unset)");
  });

  it('warns about saved pane dirs that no longer exist', async () => {
    const f = withFacts((f) => {
      f.savedDirs = [
        { dir: '/home/caltest/projects/my app', exists: false, sessionVim: false },
        { dir: '/tmp', exists: true, sessionVim: false },
      ];
    });
    const r = withStatus(await runOn(check, f), 'warn');
    expect(r.summary).toBe('1 saved pane directory no longer exists: restore opens those panes elsewhere');
    expect(r.details).toEqual(['missing: /home/caltest/projects/my app']);
    expect(fix$(r)).toContain("mkdir -p '/home/caltest/projects/my app'");
  });
});
