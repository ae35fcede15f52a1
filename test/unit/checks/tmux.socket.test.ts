import { describe, expect, it } from 'vitest';
import check from '../../../checks/tmux.socket.js';
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
});
