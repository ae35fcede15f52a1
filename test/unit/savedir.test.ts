import { describe, expect, it } from 'vitest';
import { parseSaveName, resolveSaveDir, saveFilesIn } from '../../src/domain/resurrect/savedir.js';
import type { Facts, FileEntry, SaveDirFact, ServerFact } from '../../src/probe/facts.js';

const HOME = '/Users/admin';

function dirFact(role: SaveDirFact['role'], path: string, exists: boolean, files: FileEntry[] = []): SaveDirFact {
  return {
    role,
    path,
    exists,
    self: exists ? { name: path.split('/').pop()!, mode: 'drwxr-xr-x', uid: 501, size: 96, type: 'dir' } : undefined,
    writable: exists,
    files,
    listingTruncated: false,
    recent: [],
  };
}

function server(options: Record<string, string> = {}, globalEnv: Record<string, string | null> = {}): ServerFact {
  return {
    socket: '/private/tmp/tmux-501/default',
    answers: true,
    timedOut: false,
    version: '3.5a',
    pid: 123,
    startTime: 0,
    sessions: [],
    clients: [],
    globalEnv,
    options,
    serverOptions: {},
    hooks: [],
    keyBindings: [],
  };
}

/** Only what resolveSaveDir reads; the rest of Facts is irrelevant here. */
function facts(p: {
  saveDirs: SaveDirFact[];
  server?: ServerFact | null;
  xdgDataHome?: string;
  hostname?: string;
}): Facts {
  return {
    host: { home: HOME, hostname: p.hostname ?? 'cal-dev', tzOffset: '+0100' },
    env: { path: '/usr/bin:/bin', xdgDataHome: p.xdgDataHome },
    server: p.server === undefined ? server() : p.server,
    saveDirs: p.saveDirs,
  } as unknown as Facts;
}

const file = (name: string, size = 100, type: FileEntry['type'] = 'file'): FileEntry => ({
  name,
  mode: type === 'dir' ? 'drwxr-xr-x' : '-rw-r--r--',
  uid: 501,
  size,
  type,
});

describe('resolveSaveDir', () => {
  const home = (exists: boolean, files: FileEntry[] = []) => dirFact('home', `${HOME}/.tmux/resurrect`, exists, files);
  const xdg = (exists: boolean) => dirFact('xdg', `${HOME}/.local/share/tmux/resurrect`, exists);

  it('@resurrect-dir wins over everything', () => {
    const opt = dirFact('option', '/Volumes/data/resurrect', true);
    const r = resolveSaveDir(
      facts({
        saveDirs: [opt, home(true), xdg(true)],
        server: server({ '@resurrect-dir': '/Volumes/data/resurrect' }),
      }),
    );
    expect(r.path).toBe('/Volumes/data/resurrect');
    expect(r.dir).toBe(opt);
    expect(r.reason).toMatch(/@resurrect-dir is set/);
    expect(r.otherExisting.map((d) => d.role)).toEqual(['home', 'xdg']);
  });

  it('@resurrect-dir set to a dir that does not exist yet is still the one (save.sh runs mkdir -p)', () => {
    const opt = dirFact('option', `${HOME}/resurrect-cal-dev`, false);
    const r = resolveSaveDir(facts({ saveDirs: [opt, home(true)] }));
    expect(r.path).toBe(`${HOME}/resurrect-cal-dev`);
    expect(r.dir).toBe(opt);
    expect(r.otherExisting.map((d) => d.role)).toEqual(['home']);
  });

  it('@resurrect-dir known only from the server options is expanded like resurrect does', () => {
    const r = resolveSaveDir(
      facts({
        saveDirs: [home(true)],
        server: server({ '@resurrect-dir': '~/tmux/$HOSTNAME/x~y/$HOME' }),
        hostname: 'cal-dev.local',
      }),
    );
    // every `~` is replaced, not only a leading one; `$HOME` and `$HOSTNAME` literally
    expect(r.path).toBe(`${HOME}/tmux/cal-dev.local/x${HOME}y/${HOME}`);
    expect(r.reason).toMatch(/every `~`/);
    expect(r.dir).toBeUndefined();
    expect(r.otherExisting.map((d) => d.role)).toEqual(['home']);
  });

  it('mentions the `~` gotcha when a probe-expanded option has a `~` in the middle', () => {
    const opt = dirFact('option', `${HOME}/a${HOME}b`, true);
    const r = resolveSaveDir(facts({ saveDirs: [opt], server: server({ '@resurrect-dir': '~/a~b' }) }));
    expect(r.reason).toMatch(/every `~`/);
  });

  it('an empty @resurrect-dir counts as unset', () => {
    const r = resolveSaveDir(facts({ saveDirs: [home(true)], server: server({ '@resurrect-dir': '' }) }));
    expect(r.path).toBe(`${HOME}/.tmux/resurrect`);
  });

  it('~/.tmux/resurrect when it exists, even if the XDG dir exists too', () => {
    const h = home(true);
    const x = xdg(true);
    const r = resolveSaveDir(facts({ saveDirs: [h, x] }));
    expect(r.path).toBe(`${HOME}/.tmux/resurrect`);
    expect(r.dir).toBe(h);
    expect(r.reason).toMatch(/exists/);
    expect(r.otherExisting).toEqual([x]);
  });

  it('the XDG default when ~/.tmux/resurrect does not exist', () => {
    const x = xdg(true);
    const r = resolveSaveDir(facts({ saveDirs: [home(false), x] }));
    expect(r.path).toBe(`${HOME}/.local/share/tmux/resurrect`);
    expect(r.dir).toBe(x);
    expect(r.reason).toMatch(/does not exist/);
    expect(r.otherExisting).toEqual([]);
  });

  it('~/.tmux/resurrect that is a plain file does not count (`[ -d ]`)', () => {
    const h = home(true);
    h.self = { name: 'resurrect', mode: '-rw-r--r--', uid: 501, size: 3, type: 'file' };
    const r = resolveSaveDir(facts({ saveDirs: [h, xdg(false)] }));
    expect(r.path).toBe(`${HOME}/.local/share/tmux/resurrect`);
    expect(r.reason).toMatch(/not a directory/);
  });

  it("XDG_DATA_HOME comes from the tmux server's global environment (run-shell uses it)", () => {
    const probeXdg = dirFact('xdg', '/probe/xdg/tmux/resurrect', true);
    const serverXdg = dirFact('xdg', '/srv/data/tmux/resurrect', true);
    serverXdg.role = 'xdg';
    const r = resolveSaveDir(
      facts({
        saveDirs: [home(false), probeXdg],
        server: server({}, { XDG_DATA_HOME: '/srv/data' }),
        xdgDataHome: '/probe/xdg',
      }),
    );
    expect(r.path).toBe('/srv/data/tmux/resurrect');
    expect(r.dir).toBeUndefined();
    expect(r.reason).toMatch(/server's global environment/);
    expect(r.reason).toMatch(/the probe looked at \/probe\/xdg/);
    expect(r.otherExisting).toEqual([probeXdg]);
  });

  it("server without XDG_DATA_HOME: ~/.local/share even if the probe's shell has one", () => {
    const r = resolveSaveDir(
      facts({
        saveDirs: [home(false), xdg(false)],
        server: server({}, { XDG_DATA_HOME: null }),
        xdgDataHome: '/probe/xdg',
      }),
    );
    expect(r.path).toBe(`${HOME}/.local/share/tmux/resurrect`);
  });

  it('no server: falls back to the probe environment and says the option was not readable', () => {
    const x = dirFact('xdg', '/probe/xdg/tmux/resurrect', false);
    const r = resolveSaveDir(facts({ saveDirs: [home(false), x], server: null, xdgDataHome: '/probe/xdg' }));
    expect(r.path).toBe('/probe/xdg/tmux/resurrect');
    expect(r.dir).toBe(x);
    expect(r.reason).toMatch(/could not be read/);
  });

  it('works with no saveDirs at all', () => {
    const r = resolveSaveDir(facts({ saveDirs: [] }));
    expect(r.path).toBe(`${HOME}/.local/share/tmux/resurrect`);
    expect(r.dir).toBeUndefined();
    expect(r.otherExisting).toEqual([]);
  });

  it('does not list the chosen dir again under otherExisting when paths differ only by slashes', () => {
    const opt = dirFact('option', '/data/resurrect/', true);
    const dup = dirFact('home', '/data//resurrect', true);
    const r = resolveSaveDir(facts({ saveDirs: [opt, dup] }));
    expect(r.otherExisting).toEqual([]);
  });
});

describe('parseSaveName', () => {
  it('reads the name as local time at the target offset', () => {
    expect(parseSaveName('tmux_resurrect_20261124T114400.txt', '+0100')?.toISOString()).toBe(
      '2026-11-24T10:44:00.000Z',
    );
    expect(parseSaveName('tmux_resurrect_20261124T114400.txt', '+0000')?.toISOString()).toBe(
      '2026-11-24T11:44:00.000Z',
    );
    expect(parseSaveName('tmux_resurrect_20261124T014400.txt', '-0530')?.toISOString()).toBe(
      '2026-11-24T07:14:00.000Z',
    );
    expect(parseSaveName('tmux_resurrect_20261231T233000.txt', '-08:00')?.toISOString()).toBe(
      '2027-01-01T07:30:00.000Z',
    );
    expect(parseSaveName('tmux_resurrect_20240229T000000.txt', 'Z')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it.each([
    'last',
    'pane_contents.tar.gz',
    'tmux_resurrect_20261124T114400.txt.bak',
    'tmux_resurrect_20261124T1144.txt',
    'tmux_resurrect_2026-11-24T11:44:00.txt',
    'xtmux_resurrect_20261124T114400.txt',
    'tmux_resurrect_20261324T114400.txt', // month 13
    'tmux_resurrect_20230229T114400.txt', // not a leap year
    'tmux_resurrect_20261124T244400.txt', // hour 24
    'tmux_resurrect_20261124T116000.txt', // minute 60
    'tmux_resurrect_20261100T114400.txt', // day 0
    '',
  ])('rejects %j', (name) => {
    expect(parseSaveName(name, '+0100')).toBeNull();
  });

  it('rejects an unreadable offset', () => {
    expect(parseSaveName('tmux_resurrect_20261124T114400.txt', 'CET')).toBeNull();
    expect(parseSaveName('tmux_resurrect_20261124T114400.txt', '')).toBeNull();
  });
});

describe('saveFilesIn', () => {
  it('lists only save files, oldest first, with times from the names', () => {
    const d = dirFact('home', `${HOME}/.tmux/resurrect`, true, [
      file('tmux_resurrect_20261124T114400.txt', 540),
      file('last', 34, 'link'),
      file('tmux_resurrect_20261101T090000.txt', 8),
      file('pane_contents.tar.gz', 608),
      file('tmux_resurrect_20261124T114401.txt', 0),
      file('tmux_resurrect_20261124T114402.txt', 0, 'dir'),
      file('save', 64, 'dir'),
      file('tmux_resurrect_20261199T000000.txt', 1),
      file("tmux_resurrect_20261124T114400.txt'; rm -rf ~", 1),
    ]);
    const list = saveFilesIn(d, '+0100');
    expect(list.map((f) => f.name)).toEqual([
      'tmux_resurrect_20261101T090000.txt',
      'tmux_resurrect_20261124T114400.txt',
      'tmux_resurrect_20261124T114401.txt',
    ]);
    expect(list.map((f) => f.size)).toEqual([8, 540, 0]);
    expect(list[0]!.time.toISOString()).toBe('2026-11-01T08:00:00.000Z');
  });

  it('reads names as UTC without an offset (a SaveDirFact does not carry one)', () => {
    const d = dirFact('home', '/x', true, [file('tmux_resurrect_20261124T114400.txt')]);
    expect(saveFilesIn(d)[0]!.time.toISOString()).toBe('2026-11-24T11:44:00.000Z');
    expect(saveFilesIn(d, 'garbage')[0]!.time.toISOString()).toBe('2026-11-24T11:44:00.000Z');
  });

  it('an empty or missing dir has no saves', () => {
    expect(saveFilesIn(dirFact('xdg', '/nope', false))).toEqual([]);
  });
});
