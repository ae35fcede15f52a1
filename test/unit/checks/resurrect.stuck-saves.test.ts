import { describe, expect, it } from 'vitest';
import check from '../../../checks/resurrect.stuck-saves.js';
import { fix$, healthyFacts, runOn, text$, UID, verdict, withFacts } from '../../helpers/facts.js';

const SAVE = '/bin/bash /Users/admin/.tmux/plugins/tmux-resurrect/scripts/save.sh quiet';
const proc = (pid: number, etime: string, command = SAVE) => ({ pid, ppid: 812, uid: UID, etime, command });

describe('resurrect.stuck-saves', () => {
  it('passes with no save running and no locks', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('no save running, no stale continuum locks (last → tmux_resurrect_20250602T112500.txt)');
  });

  it('passes with one save in progress', async () => {
    const f = withFacts((f) => {
      f.processes.push(proc(900, '00:02'));
    });
    expect(verdict(await runOn(check, f)).summary).toBe('one save running (2 s), no pile-up, no stale locks');
  });

  it('fails when saves pile up and one has run for minutes (#544)', async () => {
    const f = withFacts((f) => {
      f.processes.push(
        proc(900, '1-03:04:05'),
        proc(901, '00:20'),
        proc(950, '1-03:04:00', 'bash /Users/admin/.tmux/plugins/tmux-resurrect/save_command_strategies/ps.sh 4411'),
      );
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      '2 saves piling up, 1 running for over 60 s: concurrent saves append to the same file and race on `last`',
    );
    expect(r.details).toContain(`save: pid 900, running 27 h: ${SAVE}`);
    expect(r.fix![0]).toBe('kill 900 901 950');
  });

  it('warns on two young saves at once, and on one stuck save', async () => {
    const two = withFacts((f) => {
      f.processes.push(proc(900, '00:03'), proc(901, '00:02'));
    });
    expect(verdict(await runOn(check, two)).summary).toBe(
      '2 saves running at once: they append to the same file and race on `last`',
    );
    const one = withFacts((f) => {
      f.processes.push(proc(900, '05:00'));
    });
    const r = verdict(await runOn(check, one));
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('a save has been running for 5 min: it is stuck (a save takes seconds)');
  });

  it('warns on stale continuum lock dirs and names their server', async () => {
    const f = withFacts((f) => {
      f.continuumLocks = [
        { path: '/tmp/tmux-continuum-812-lock-17488560', stale: true },
        { path: '/tmp/tmux-continuum-640-lock-17488562', stale: true },
        { path: '/tmp/tmux-continuum-812-lock-17488565', stale: false },
      ];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain(
      '2 stale continuum lock dirs (/tmp/tmux-continuum-812-lock-17488560, /tmp/tmux-continuum-640-lock-17488562)',
    );
    expect(text$(r)).toContain("(server pid 640, not the running server's 812)");
    expect(fix$(r)).toContain('rmdir /tmp/tmux-continuum-812-lock-17488560 /tmp/tmux-continuum-640-lock-17488562');
    expect(fix$(r)).not.toContain('17488565');
  });
});

describe('resurrect.stuck-saves: one save is one process', () => {
  it("does not count a save's own subshells (same command line, parent is the save) as more saves", async () => {
    const f = withFacts((f) => {
      f.processes.push(
        proc(900, '00:03'),
        { ...proc(901, '00:02'), ppid: 900 },
        {
          pid: 902,
          ppid: 901,
          uid: UID,
          etime: '00:01',
          command: 'bash /Users/admin/.tmux/plugins/tmux-resurrect/scripts/../save_command_strategies/ps.sh 4411',
        },
      );
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('one save running (3 s), no pile-up, no stale locks');
    expect(r.details).toContain(
      'helper: pid 902, running 1 s: bash /Users/admin/.tmux/plugins/tmux-resurrect/scripts/../save_command_strategies/ps.sh 4411',
    );
  });
});
