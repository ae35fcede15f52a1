import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.socket.js';
import type { ListenFact, ServerSocketsFact } from '../../../src/probe/facts.js';
import { fix$, healthyFacts, runOn, SOCKET, text$, UID, verdict, withFacts } from '../../helpers/facts.js';

/** the default socket file is gone: the probe finds no socket and no server to ask */
const deleted = (mutate: (f: ReturnType<typeof healthyFacts>) => void = () => {}) =>
  withFacts((f) => {
    f.server = {
      ...f.server!,
      answers: false,
      pid: null,
      version: null,
      startTime: null,
      sessions: [],
      clients: [],
      error: `no server running on ${SOCKET}`,
    };
    f.sockets = [];
    mutate(f);
  });

describe('tmux.socket', () => {
  it('passes when the server process answers on its socket', async () => {
    const r = verdict(await runOn(check, healthyFacts()));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('1 tmux server running, each answering on its socket');
    expect(r.details).toContain(`server pid 812 (up 05:00:00): tmux new-session -d -s cal-dev → ${SOCKET}`);
  });

  it('fails when a server runs but its default socket is gone, with kill -USR1', async () => {
    const r = verdict(await runOn(check, deleted()));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      `tmux server pid 812 is running but its socket ${SOCKET} is gone: every tmux command — save.sh included — says "no server running"`,
    );
    expect(r.fix![0]).toBe('kill -USR1 812   # tmux creates its socket again');
    expect(text$(r)).toContain('no socket files in /private/tmp/tmux-501');
  });

  it('says what it could not tell when an older server does not answer where a newer one does, and never advises ending it', async () => {
    const f = withFacts((f) => {
      f.processes.push({ pid: 500, ppid: 1, uid: UID, etime: '2-00:00:00', command: 'tmux new-session -s old' });
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('info');
    expect(r.summary).toBe(
      `tmux server pid 500 does not answer on ${SOCKET}, where pid 812 answers: either it lost that socket to the newer server, or it listens elsewhere (another TMUX_TMPDIR) — cal-doctor could not tell which`,
    );
    expect(fix$(r)).toContain('kill -USR1 500');
    expect(fix$(r)).toContain('lsof -a -U -p 500');
    expect(fix$(r)).not.toMatch(/kill-server|kill 500\b/);
  });

  it('reads -L/-S from the command line: an answering named socket passes, a missing one warns', async () => {
    const ok = withFacts((f) => {
      f.processes.push({ pid: 600, ppid: 1, uid: UID, etime: '10:00', command: 'tmux -L work new-session -d' });
      f.sockets.push({ path: '/private/tmp/tmux-501/work', answers: true, timedOut: false });
    });
    expect(verdict(await runOn(check, ok)).status).toBe('pass');
    const gone = withFacts((f) => {
      f.processes.push({
        pid: 601,
        ppid: 1,
        uid: UID,
        etime: '10:00',
        command: 'tmux -u -S /tmp/shared.sock new-session -d',
      });
    });
    const r = verdict(await runOn(check, gone));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('tmux server pid 601 is running but its socket /tmp/shared.sock is gone');
  });

  it('ignores clients and other users, and skips when no server process runs', async () => {
    const f = deleted((f) => {
      f.processes = [
        { pid: 1904, ppid: 1890, uid: UID, etime: '01:00', command: 'tmux attach' },
        { pid: 700, ppid: 1, uid: 0, etime: '01:00', command: 'tmux new-session -d' },
      ];
    });
    const r = verdict(await runOn(check, f));
    expect(r.status).toBe('skip');
    expect(r.summary).toBe('no tmux server process runs for this user');
  });

  describe('where the OS says a left-over server listens', () => {
    const OTHER = '/tmp/job/tmux-501/default';
    const listen = (l: Partial<ListenFact>): ListenFact => ({
      path: OTHER,
      exists: true,
      answers: false,
      timedOut: false,
      pid: null,
      asked: true,
      ...l,
    });
    /** the healthy default server 812, and server 500 with what the OS said of it */
    const withOs = (w: Partial<ServerSocketsFact>) =>
      withFacts((f) => {
        f.processes.push({ pid: 500, ppid: 1, uid: UID, etime: '2-00:00:00', command: 'tmux new-session -s old' });
        f.serverSockets = {
          servers: 2,
          answering: 1,
          processes: [{ pid: 500, how: 'proc', tmuxTmpdir: '/tmp/job', tmux: null, unreadable: [], ...w }],
        };
      });

    it('passes a server answering under another TMUX_TMPDIR, naming its socket', async () => {
      const r = verdict(await runOn(check, withOs({ listens: [listen({ answers: true, pid: 500 })] })));
      expect(r.status).toBe('pass');
      expect(r.summary).toBe(
        `2 tmux servers running, each answering on its socket (pid 500 on ${OTHER}, its TMUX_TMPDIR being /tmp/job)`,
      );
    });

    it('fails a server whose socket file is proved gone, with kill -USR1 and nothing that ends it', async () => {
      const f = withOs({ listens: [listen({ path: SOCKET, exists: false, asked: false })], tmuxTmpdir: null });
      f.server = { ...f.server!, answers: false, pid: null, sessions: [] };
      f.sockets = [];
      f.processes = f.processes.filter((p) => p.pid !== 812);
      const r = verdict(await runOn(check, f));
      expect(r.status).toBe('fail');
      expect(r.summary).toContain(`tmux server pid 500 is running but its socket ${SOCKET} is gone`);
      expect(r.details).toContain('read from /proc/500 (TMUX_TMPDIR not set in its environment):');
      expect(r.details).toContain(`  listens on ${SOCKET}: the socket file is gone`);
      expect(r.fix).toEqual([
        'kill -USR1 500   # tmux creates its socket again',
        'tmux ls   # the sessions are back',
        'then save at once: prefix C-s',
      ]);
    });

    it('a socket on another path, gone: warns, and the sessions are back on that path', async () => {
      const r = verdict(await runOn(check, withOs({ listens: [listen({ exists: false, asked: false })] })));
      expect(r.status).toBe('warn');
      expect(r.fix).toContain(`tmux -S ${OTHER} ls   # the sessions are back`);
    });

    it('a path another server took: says which, and gives only USR1 with what it costs', async () => {
      const r = verdict(await runOn(check, withOs({ listens: [listen({ path: SOCKET, answers: true, pid: 812 })] })));
      expect(r.status).toBe('fail');
      expect(r.summary).toBe(
        `tmux server pid 500 lost its socket ${SOCKET} to pid 812, which answers there now: no tmux command reaches the sessions of pid 500, and saves see only those of pid 812`,
      );
      expect(r.fix![0]).toBe(`tmux -S ${SOCKET} ls   # the sessions of pid 812, which answers there now`);
      expect(fix$(r)).not.toMatch(/kill-server|kill (-9 |-TERM )?(500|812)\b/);
    });

    it('says it could not tell when the socket there does not answer in time or gives no pid', async () => {
      const hung = verdict(await runOn(check, withOs({ listens: [listen({ timedOut: true })] })));
      expect(hung.status).toBe('info');
      expect(hung.summary).toBe(
        `tmux server pid 500 listens on ${OTHER}, but cal-doctor could not tell whether it answers there (no answer within 2s)`,
      );
      expect(hung.fix ?? []).toEqual([]);
      const noPid = verdict(await runOn(check, withOs({ listens: [listen({ answers: true })] })));
      expect(noPid.summary).toContain('(the server there did not give its pid)');
      const none = verdict(await runOn(check, withOs({ listens: [] })));
      expect([none.status, none.summary]).toEqual([
        'info',
        'tmux server pid 500 listens on no named unix socket (read from /proc/500): cal-doctor could not tell how its sessions are reached',
      ]);
    });

    it('when the OS could not tell, says what it could not read and never advises ending the server', async () => {
      const r = verdict(
        await runOn(
          check,
          withOs({
            how: 'lsof',
            tmuxTmpdir: undefined,
            unreadable: ['lsof -a -U -p 500: listed nothing (exit status 1)'],
          }),
        ),
      );
      expect(r.status).toBe('info');
      expect(r.summary).toContain('cal-doctor could not tell which (it could not read lsof -a -U -p 500)');
      expect(r.details).toContain(
        'cal-doctor could not read where it listens: lsof -a -U -p 500: listed nothing (exit status 1)',
      );
      expect(fix$(r)).not.toMatch(/kill-server|kill 500\b/);
    });
  });
});
