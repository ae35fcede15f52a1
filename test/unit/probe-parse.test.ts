// parseProbeOutput on hand-built probe outputs: hostile values, both base64 styles,
// cut-off and garbage input; the line parsers (ls, show-options, show-environment);
// gatherFacts against fake targets.
import { describe, expect, it } from 'vitest';
import { gatherFacts, probeScript } from '../../src/probe/gather.js';
import { parseProcesses } from '../../src/probe/parse/jobs.js';
import { parseLsEntry, parseLsListing } from '../../src/probe/parse/ls.js';
import { PROBE_VERSION } from '../../src/probe/parse/meta.js';
import {
  parseClients,
  parseSessions,
  parseShowEnvironment,
  parseShowOptions,
  unquoteTmuxValue,
} from '../../src/probe/parse/tmux.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { remoteSource } from '../../src/remote/assemble.js';
import { outputComplete as probeOutputComplete, splitRecords } from '../../src/remote/records.js';
import { type RunResult, type Target, TargetError } from '../../src/targets/target.js';

// ---------------------------------------------------------------------------------
// building probe output the way probe.sh prints it

type Style = 'gnu' | 'mac';

function b64(value: Buffer, style: Style): string {
  const s = value.toString('base64');
  if (s === '') return '';
  if (style === 'mac') return `${s}\n`;
  return `${s.replace(/.{76}/g, '$&\n').replace(/\n$/, '')}\n`;
}

function raw(key: string, value: Buffer | string, style: Style = 'gnu'): string {
  return `@@${key}\n${b64(Buffer.isBuffer(value) ? value : Buffer.from(value), style)}`;
}

/** Files as one `head -c N FILE…` prints them (probe.sh's cal_heads, GNU and BSD alike). */
function heads(parts: Array<[string, Buffer | string]>): Buffer {
  return Buffer.concat(
    parts.flatMap(([path, body], i) => [Buffer.from(`${i > 0 ? '\n' : ''}==> ${path} <==\n`), Buffer.from(body)]),
  );
}

function kv(key: string, items: Record<string, string | number>, style: Style = 'gnu'): string {
  const body = Object.entries(items)
    .map(([k, v]) => `${k}=${v}\0`)
    .join('');
  return raw(key, body === '' ? '\0' : body, style);
}

const US = '\x1f';
const HOME = '/Users/ad min';
const HOSTILE = 'tab\there "q" \'s\' $(touch /tmp/x) `id` é🙂 \\ ;';
const LONG_NAME = 'n'.repeat(4096);
const SAVE1 = 'pane\tcal-dev\t0\t1\t:*\t0\tt\t:/Users/ad\\ min\t1\tzsh\t:\n';
// binary bytes, cap 100 + 1: the archive record of a cut pane_contents.tar.gz
const ARCHIVE = Buffer.from(Array.from({ length: 101 }, (_, i) => (i * 37 + 0x1f) % 256));
// pane dirs as the probe reports them (field 8 of `last`, `:` and `\ ` undone): never
// a tab or newline, anything else goes
const HOSTILE_DIRS = [
  `${HOME}/dir with space`,
  '/x/$(touch /tmp/PWNED) `id` "dq" \'sq\' ; | & > < *',
  '/x/a=b=c',
  '/x/trailing space ',
  ' leading space',
  '/x/é🙂\\back\\slash',
  '-n',
];
const PLIST = '<?xml version="1.0"?>\n<plist><dict><key>Label</key><string>Tmux.Start</string></dict></plist>\n';

function lsLine(mode: string, size: number, name: string, uid = 501): string {
  return `${mode}  1 ${uid}  20  ${String(size).padStart(5)} Nov 24 12:45 ${name}`;
}

function fullOutput(style: Style): string {
  const save1 = SAVE1;
  const state = 'state\t\t\n';
  const parts = [
    kv(
      'meta',
      {
        'probe.version': PROBE_VERSION,
        'probe.timeout': 2,
        'probe.logintimeout': 2,
        'host.user': 'admin',
        'host.uid': 501,
        'host.home': HOME,
        'host.shell': '/bin/zsh',
        'host.hostname': 'cal-dev.local',
        'host.os': 'Darwin',
        'host.osversion': '14.5',
        'host.now': 1700000000,
        'host.tz': '+0100',
        'env.path': '/usr/bin:/bin:/usr/sbin:/sbin',
        'env.tmux_tmpdir': `/tmp/${HOSTILE}`,
        'login.shell': '/bin/zsh',
        'login.ran': 1,
        'login.rc': 0,
        'login.markers': 1,
        'login.path': '/opt/homebrew/bin:/usr/bin:/bin',
        'login.tmux': '/opt/homebrew/bin/tmux',
        'login.out': 'junk\n@@CAL-PATH@@...',
        'bin.0.path': '/opt/homebrew/bin/tmux',
        'bin.0.foundby': 'login known-location',
        'bin.0.rc': 0,
        'bin.0.out': 'tmux 3.5a',
        'bin.1.path': '/usr/local/bin/tmux',
        'bin.1.foundby': 'known-location',
        'bin.1.rc': 137,
        'bin.1.timedout': 1,
        'bin.1.out': '',
        'server.bin': '/opt/homebrew/bin/tmux',
        'misc.noautorestore': 1,
      },
      style,
    ),
    kv(
      'server',
      {
        'server.socket': '/private/tmp/tmux-501/default',
        'server.exists': 1,
        'server.called': 1,
        'srv.display.rc': 0,
        'srv.display.out': `3.5a${US}4242${US}1699990000${US}/private/tmp/tmux-501/default`,
        'srv.rdir.rc': 0,
        'srv.rdir.out': '',
        'srv.sessions.rc': 0,
        'srv.sessions.out': [
          `$0${US}3${US}1${US}1699990001${US}cal-dev`,
          `$3${US}1${US}0${US}1699990002${US}${HOSTILE}\nsecond line of the name`,
          `$4${US}1${US}0${US}1699990003${US}${LONG_NAME}`,
          `$5${US}1${US}0${US}1699990004${US}with${US}separator`,
        ].join('\n'),
        'srv.clients.rc': 0,
        'srv.clients.out': `777${US}0${US}/dev/ttys001${US}cal-dev\n778${US}1${US}${US}${HOSTILE}`,
        'srv.env.rc': 0,
        'srv.env.out':
          'TMUX_PLUGIN_MANAGER_PATH="/Users/ad min/.tmux/plugins/"; export TMUX_PLUGIN_MANAGER_PATH;\n' +
          'WEIRD="a\nb=c \\"q\\" \\$x \\`y\\` \\\\z"; export WEIRD;\nunset GONE;\n',
        'srv.opts.rc': 0,
        'srv.opts.out': [
          '@resurrect-dir "\\~/rs-\\$HOSTNAME"',
          '@continuum-save-last-timestamp 1699999000',
          'status-right "#{?window_bigger,[#{window_offset_x}#,#{window_offset_y}] ,}\\"#{=21:pane_title}\\" %H:%M"',
          "default-command ''",
          "@single 'a b'",
          'status on',
        ].join('\n'),
        'srv.sopts.rc': 0,
        'srv.sopts.out': 'exit-empty off\ncommand-alias[0] split-pane=split-window\n',
        'srv.hooks.rc': 0,
        'srv.hooks.out': 'after-bind-key\nsession-closed[0] run-shell "save.sh quiet"\nafter-new-session\n',
        'srv.keys.rc': 0,
        'srv.keys.out': [
          'bind-key    -T prefix C-b     send-prefix',
          'bind-key    -T prefix C-s     run-shell /Users/admin/.tmux/plugins/tmux-resurrect/scripts/save.sh',
          'bind-key -r -T prefix C-r     run-shell /x/restore.sh',
          'bind-key    -T copy-mode C-s  command-prompt -p "(search down)"',
        ].join('\n'),
      },
      style,
    ),
    kv(
      'sockets',
      {
        'sockdir.0.path': '/tmp/tmux-501',
        'sockdir.0.exists': 1,
        'sockdir.0.ls': 'total 0\n',
        'sock.0.path': '/tmp/tmux-501/default',
        'sock.0.default': 1,
        'sock.1.path': '/tmp/tmux-501/stale',
        'sock.1.rc': 1,
        'sock.1.out': 'error connecting to /tmp/tmux-501/stale (Connection refused)',
        'sock.2.path': '/tmp/tmux-501/hung',
        'sock.2.rc': 137,
        'sock.2.timedout': 1,
        'sock.2.out': '',
      },
      style,
    ),
    raw(
      'files.data',
      heads([
        [`${HOME}/.tmux.conf`, `set -g @plugin 'tmux-plugins/tmux-resurrect'\n# ${HOSTILE}\n\0nul\n`],
        [`${HOME}/.zprofile`, 'x'.repeat(201)], // cap 200 + 1 byte: truncated
      ]),
      style,
    ),
    kv(
      'files',
      {
        count: 4,
        cap: 200,
        ls: [lsLine('-rw-r--r--@', 62, `${HOME}/.tmux.conf`), lsLine('-rw-r--r--', 5000, `${HOME}/.zprofile`)].join(
          '\n',
        ),
        'file.0.kind': 'cfg',
        'file.0.path': `${HOME}/.tmux.conf`,
        'file.0.exists': 1,
        'file.0.regular': 1,
        'file.0.readable': 1,
        'file.1.kind': 'cfg',
        'file.1.path': `${HOME}/.config/tmux/tmux.conf`,
        'file.2.kind': 'dot',
        'file.2.path': `${HOME}/.zlogout`,
        'file.2.exists': 1,
        'file.2.regular': 1,
        'file.3.kind': 'dot',
        'file.3.path': `${HOME}/.zprofile`,
        'file.3.exists': 1,
        'file.3.regular': 1,
        'file.3.readable': 1,
      },
      style,
    ),
    kv(
      'plugins',
      {
        dir: `${HOME}/.tmux/plugins`,
        exists: 1,
        ls: [
          'total 0',
          lsLine('drwxr-xr-x', 160, '.'),
          lsLine('drwxr-xr-x', 160, '..'),
          lsLine('drwxr-xr-x', 160, 'tmux-resurrect'),
          lsLine('drwxr-xr-x', 160, 'tpm'),
          lsLine('lrwxr-xr-x', 20, 'linked -> /elsewhere/plugin'),
        ].join('\n'),
        'plugin.0.name': 'tmux-resurrect',
        'plugin.0.rev': 'cff343cf9e81983d3da0c8562b01616f12e8d548',
        'plugin.1.name': 'tpm',
        'plugin.1.rev': 'not a hash $(x)',
        'resurrect.ls': [
          'total 8',
          lsLine('drwxr-xr-x', 1, '.'),
          lsLine('-rwxr-xr-x', 3000, 'save.sh'),
          lsLine('-rw-r--r--', 900, 'restore.sh'),
        ].join('\n'),
        'tpm.ls': lsLine('-rwxr-xr-x', 2000, `${HOME}/.tmux/plugins/tpm/tpm`),
      },
      style,
    ),
    raw(
      'save.0.data',
      heads([
        ['./last', state],
        ['./pane_contents.tar.gz', ARCHIVE],
        ['./tmux_resurrect_20240101T000000.txt', save1],
        ['./tmux_resurrect_20240102T000000.txt', state],
        ['./tmux_resurrect_20240103T000000.txt', 'y'.repeat(101)],
        [
          '.',
          `${[
            'total 24',
            lsLine('drwxr-xr-x', 192, '.'),
            lsLine('drwxr-xr-x', 96, '..'),
            lsLine('lrwxr-xr-x', 34, 'last -> tmux_resurrect_20240102T000000.txt'),
            lsLine('-rw-r--r--', save1.length, 'tmux_resurrect_20240101T000000.txt'),
            lsLine('-rw-r--r--', state.length, 'tmux_resurrect_20240102T000000.txt'),
            lsLine('-rw-r--r--', 70000, 'tmux_resurrect_20240103T000000.txt'),
            lsLine('-rw-r--r--', 1, 'evil'),
            'name -> with newline',
            lsLine('-rw-r--r--', 1, '  leading spaces'),
            lsLine('-rw-r--r--', 5000, 'pane_contents.tar.gz'),
          ].join('\n')}\n`,
        ],
      ]),
      style,
    ),
    kv(
      'save.0.recent',
      {
        count: 3,
        cap: 100,
        0: 'tmux_resurrect_20240101T000000.txt',
        1: 'tmux_resurrect_20240102T000000.txt',
        2: 'tmux_resurrect_20240103T000000.txt',
      },
      style,
    ),
    kv(
      'save.0',
      {
        role: 'home',
        path: `${HOME}/.tmux/resurrect`,
        exists: 1,
        writable: 1,
        lscap: 20000,
        self: lsLine('drwxr-xr-x', 192, `${HOME}/.tmux/resurrect`),
        'last.exists': 1,
        'last.ls': lsLine('lrwxr-xr-x', 34, `${HOME}/.tmux/resurrect/last -> tmux_resurrect_20240102T000000.txt`),
        'last.cap': 1048576,
        'last.islink': 1,
        'last.target': 'tmux_resurrect_20240102T000000.txt',
        'last.resolves': 1,
        'last.regular': 1,
        'last.readable': 1,
        'last.lsL': lsLine('-rw-r--r--', state.length, `${HOME}/.tmux/resurrect/last`),
        'archive.exists': 1,
        'archive.cap': 100,
        'archive.regular': 1,
        'archive.readable': 1,
      },
      style,
    ),
    kv('save.1', { role: 'xdg', path: `${HOME}/.local/share/tmux/resurrect`, exists: 0 }, style),
    kv('saves', { count: 2, 'rdir.raw': '', 'rdir.source': 'server' }, style),
    kv(
      'saved',
      {
        role: 'home',
        dir: `${HOME}/.tmux/resurrect`,
        last: 1,
        ...Object.fromEntries(
          HOSTILE_DIRS.flatMap((d, i) => [
            [`dir.${i}`, d],
            [`dir.${i}.exists`, i === 0 ? 1 : 0],
            [`dir.${i}.vim`, i === 0 ? 1 : 0],
          ]),
        ),
        more: 1,
        count: HOSTILE_DIRS.length,
      },
      style,
    ),
    raw(
      'scripts.data',
      heads([
        [`${HOME}/scripts/tmux-wrapper.sh`, '#!/bin/sh\nexec tmux new-session -A -s cal-dev\n'],
        [`${HOME}/bin/${HOSTILE}`, `tmux ${HOSTILE}\n`], // grew since its ls
        [`${HOME}/.local/bin/big tmux`, 'z'.repeat(101)],
      ]),
      style,
    ),
    kv(
      'scripts',
      {
        count: 3,
        matched: 25,
        cap: 100,
        ls: [
          lsLine('-rwxr-xr-x', 46, `${HOME}/scripts/tmux-wrapper.sh`),
          lsLine('-rwxr-xr-x', 9, `${HOME}/bin/${HOSTILE}`),
          lsLine('-rwxr-xr-x', 70000, `${HOME}/.local/bin/big tmux`),
        ].join('\n'),
        0: `${HOME}/scripts/tmux-wrapper.sh`,
        1: `${HOME}/bin/${HOSTILE}`,
        2: `${HOME}/.local/bin/big tmux`,
      },
      style,
    ),
    raw('agents.data', heads([[`${HOME}/Library/LaunchAgents/Tmux.Start.plist`, PLIST]]), style),
    kv(
      'agents',
      {
        count: 1,
        matched: 1,
        cap: 100,
        ls: lsLine('-rw-r--r--', PLIST.length, `${HOME}/Library/LaunchAgents/Tmux.Start.plist`),
        0: `${HOME}/Library/LaunchAgents/Tmux.Start.plist`,
      },
      style,
    ),
    kv(
      'jobs',
      {
        'cron.ran': 1,
        'cron.rc': 0,
        'cron.out': '# m h dom mon dow command\n*/15 * * * * $HOME/scripts/tmux-wrapper.sh save',
        'cron.trunc': 0,
        launchd: 1,
        'launchctl.ran': 1,
        'launchctl.rc': 0,
        'launchctl.out': '-\t0\tTmux.Start\n512\t0\tcom.example.tmux-helper',
        'launchctl.trunc': 0,
        'lock.count': 5,
        'lock.0': '/tmp/tmux-continuum-4242-lock-17000000', // this generation
        'lock.1': '/tmp/tmux-continuum-4242-lock-16999998', // 200 s: not yet stale
        'lock.2': '/tmp/tmux-continuum-4242-lock-16999997', // 300 s: stale
        'lock.3': '/tmp/tmux-continuum-$(id)-lock-x`y`', // no generation
        'lock.4': '/tmp/tmux-continuum-1-lock-99999999999999999999', // not a safe integer
      },
      style,
    ),
    kv(
      'ps',
      {
        out:
          '  4242     1   501  1-02:03:04 tmux new-session -d -s cal-dev\n' +
          '   777   700   501       00:05 tmux attach -t "$(x)"\tTAB\n',
        trunc: 0,
      },
      style,
    ),
    kv('end', { ok: 1 }, style),
  ];
  return parts.join('');
}

// ---------------------------------------------------------------------------------

describe('parseProbeOutput on a full hand-built output', () => {
  for (const style of ['gnu', 'mac'] as const) {
    it(`parses every section (${style} base64)`, () => {
      const out = fullOutput(style);
      if (style === 'gnu') expect(out.split('\n').some((l) => l.length === 76)).toBe(true);
      const f = parseProbeOutput(Buffer.from(out));
      expect(f.probe.version).toBe(PROBE_VERSION);
      expect(f.probe.tmuxTimeoutSec).toBe(2);
      expect(f.host).toEqual({
        user: 'admin',
        uid: 501,
        home: HOME,
        shell: '/bin/zsh',
        hostname: 'cal-dev.local',
        os: 'Darwin',
        osVersion: '14.5',
        now: 1700000000,
        tzOffset: '+0100',
      });
      expect(f.env).toEqual({ path: '/usr/bin:/bin:/usr/sbin:/sbin', tmuxTmpdir: `/tmp/${HOSTILE}` });
      expect(f.execTmux).toBeUndefined();
      expect(f.login).toEqual({
        ok: true,
        timedOut: false,
        path: '/opt/homebrew/bin:/usr/bin:/bin',
        tmux: '/opt/homebrew/bin/tmux',
      });
      expect(f.tmuxBinaries).toEqual([
        { path: '/opt/homebrew/bin/tmux', version: 'tmux 3.5a', foundBy: ['login', 'known-location'] },
        { path: '/usr/local/bin/tmux', version: null, foundBy: ['known-location'] },
      ]);
      expect(f.noAutoRestore).toBe(true);

      const s = f.server!;
      expect(s).toMatchObject({
        socket: '/private/tmp/tmux-501/default',
        answers: true,
        timedOut: false,
        version: '3.5a',
        pid: 4242,
        startTime: 1699990000,
      });
      expect(s.sessions.map((x) => x.id)).toEqual(['$0', '$3', '$4', '$5']);
      expect(s.sessions[0]).toEqual({ id: '$0', name: 'cal-dev', windows: 3, attached: 1, created: 1699990001 });
      expect(s.sessions[1]!.name).toBe(`${HOSTILE}\nsecond line of the name`);
      expect(s.sessions[2]!.name).toBe(LONG_NAME);
      expect(s.sessions[3]!.name).toBe(`with${US}separator`);
      expect(s.clients).toEqual([
        { pid: 777, controlMode: false, tty: '/dev/ttys001', session: 'cal-dev' },
        { pid: 778, controlMode: true, tty: '', session: HOSTILE },
      ]);
      expect(s.globalEnv).toEqual({
        TMUX_PLUGIN_MANAGER_PATH: '/Users/ad min/.tmux/plugins/',
        WEIRD: 'a\nb=c "q" $x `y` \\z',
        GONE: null,
      });
      expect(s.options['@resurrect-dir']).toBe('~/rs-$HOSTNAME');
      expect(s.options['@continuum-save-last-timestamp']).toBe('1699999000');
      expect(s.options['status-right']).toBe(
        '#{?window_bigger,[#{window_offset_x}#,#{window_offset_y}] ,}"#{=21:pane_title}" %H:%M',
      );
      expect(s.options['default-command']).toBe('');
      expect(s.options['@single']).toBe('a b');
      expect(s.serverOptions).toEqual({ 'exit-empty': 'off', 'command-alias[0]': 'split-pane=split-window' });
      expect(s.hooks).toEqual(['session-closed[0] run-shell "save.sh quiet"']);
      expect(s.keyBindings).toEqual([
        'bind-key    -T prefix C-s     run-shell /Users/admin/.tmux/plugins/tmux-resurrect/scripts/save.sh',
        'bind-key -r -T prefix C-r     run-shell /x/restore.sh',
      ]);

      expect(f.socketDirs).toEqual(['/tmp/tmux-501']);
      expect(f.sockets).toEqual([
        { path: '/tmp/tmux-501/default', answers: true, timedOut: false },
        {
          path: '/tmp/tmux-501/stale',
          answers: false,
          timedOut: false,
          error: 'error connecting to /tmp/tmux-501/stale (Connection refused)',
        },
        { path: '/tmp/tmux-501/hung', answers: false, timedOut: true, error: 'no answer within 2s (hung or stopped?)' },
      ]);

      expect(f.configs).toEqual([
        {
          path: `${HOME}/.tmux.conf`,
          exists: true,
          content: `set -g @plugin 'tmux-plugins/tmux-resurrect'\n# ${HOSTILE}\n\0nul\n`,
          size: Buffer.byteLength(`set -g @plugin 'tmux-plugins/tmux-resurrect'\n# ${HOSTILE}\n\0nul\n`),
          truncated: false,
        },
        { path: `${HOME}/.config/tmux/tmux.conf`, exists: false, content: '', size: 0, truncated: false },
      ]);
      expect(f.dotfiles).toEqual([
        { path: `${HOME}/.zlogout`, exists: true, content: '', size: 0, truncated: false },
        { path: `${HOME}/.zprofile`, exists: true, content: 'x'.repeat(200), size: 5000, truncated: true },
      ]);

      expect(f.plugins.dir).toBe(`${HOME}/.tmux/plugins`);
      expect(f.plugins.entries).toEqual([
        {
          name: 'tmux-resurrect',
          mode: 'drwxr-xr-x',
          uid: 501,
          size: 160,
          type: 'dir',
          revision: 'cff343cf9e81983d3da0c8562b01616f12e8d548',
        },
        { name: 'tpm', mode: 'drwxr-xr-x', uid: 501, size: 160, type: 'dir' },
        { name: 'linked', mode: 'lrwxr-xr-x', uid: 501, size: 20, type: 'link', linkTarget: '/elsewhere/plugin' },
      ]);
      expect(f.plugins.resurrectScripts.map((e) => [e.name, e.mode])).toEqual([
        ['save.sh', '-rwxr-xr-x'],
        ['restore.sh', '-rw-r--r--'],
      ]);
      expect(f.plugins.continuumScripts).toEqual([]);
      expect(f.plugins.tpmScript).toEqual({ name: 'tpm', mode: '-rwxr-xr-x', uid: 501, size: 2000, type: 'file' });

      expect(f.saveDirs).toHaveLength(2);
      const d = f.saveDirs[0]!;
      expect(d).toMatchObject({
        role: 'home',
        path: `${HOME}/.tmux/resurrect`,
        exists: true,
        writable: true,
        listingTruncated: false,
      });
      expect(d.self).toMatchObject({ name: `${HOME}/.tmux/resurrect`, type: 'dir' });
      expect(d.files.map((e) => e.name)).toEqual([
        'last',
        'tmux_resurrect_20240101T000000.txt',
        'tmux_resurrect_20240102T000000.txt',
        'tmux_resurrect_20240103T000000.txt',
        'evil\nname -> with newline', // a regular file: no link split
        '  leading spaces',
        'pane_contents.tar.gz',
      ]);
      expect(d.last).toEqual({
        entry: {
          name: 'last',
          mode: 'lrwxr-xr-x',
          uid: 501,
          size: 34,
          type: 'link',
          linkTarget: 'tmux_resurrect_20240102T000000.txt',
        },
        target: 'tmux_resurrect_20240102T000000.txt',
        resolves: true,
        file: { name: 'tmux_resurrect_20240102T000000.txt', size: 8, content: 'state\t\t\n', truncated: false },
      });
      expect(d.recent.map((r) => [r.name, r.size, r.truncated])).toEqual([
        ['tmux_resurrect_20240103T000000.txt', 70000, true],
        ['tmux_resurrect_20240102T000000.txt', 8, false],
        ['tmux_resurrect_20240101T000000.txt', Buffer.byteLength(SAVE1), false],
      ]);
      expect(d.recent[0]!.content).toBe('y'.repeat(100));
      expect(f.saveDirs[1]).toEqual({
        role: 'xdg',
        path: `${HOME}/.local/share/tmux/resurrect`,
        exists: false,
        writable: false,
        files: [],
        listingTruncated: false,
        recent: [],
      });

      // pane archive: binary bytes intact, cut at the cap, its entry from the listing
      expect(d.paneArchive?.entry).toEqual({
        name: 'pane_contents.tar.gz',
        mode: '-rw-r--r--',
        uid: 501,
        size: 5000,
        type: 'file',
      });
      expect(d.paneArchive?.truncated).toBe(true);
      expect(Buffer.isBuffer(d.paneArchive?.data)).toBe(true);
      expect(d.paneArchive?.data.equals(ARCHIVE.subarray(0, 100))).toBe(true);
      expect(f.saveDirs[1]!.paneArchive).toBeUndefined();

      // pane dirs of `last`: hostile names verbatim
      expect(f.savedDirs).toEqual(HOSTILE_DIRS.map((dir, i) => ({ dir, exists: i === 0, sessionVim: i === 0 })));

      expect(f.scripts).toEqual([
        {
          path: `${HOME}/scripts/tmux-wrapper.sh`,
          exists: true,
          content: '#!/bin/sh\nexec tmux new-session -A -s cal-dev\n',
          size: 46,
          truncated: false,
        },
        {
          path: `${HOME}/bin/${HOSTILE}`,
          exists: true,
          content: `tmux ${HOSTILE}\n`,
          size: Buffer.byteLength(`tmux ${HOSTILE}\n`),
          truncated: false,
        },
        { path: `${HOME}/.local/bin/big tmux`, exists: true, content: 'z'.repeat(100), size: 70000, truncated: true },
      ]);
      expect(f.launchAgents).toEqual([
        {
          path: `${HOME}/Library/LaunchAgents/Tmux.Start.plist`,
          exists: true,
          content: PLIST,
          size: PLIST.length,
          truncated: false,
        },
      ]);
      expect(f.launchctl).toEqual(['-\t0\tTmux.Start', '512\t0\tcom.example.tmux-helper']);
      expect(f.crontab).toBe('# m h dom mon dow command\n*/15 * * * * $HOME/scripts/tmux-wrapper.sh save');
      expect(f.continuumLocks).toEqual([
        { path: '/tmp/tmux-continuum-4242-lock-17000000', stale: false },
        { path: '/tmp/tmux-continuum-4242-lock-16999998', stale: false },
        { path: '/tmp/tmux-continuum-4242-lock-16999997', stale: true },
        { path: '/tmp/tmux-continuum-$(id)-lock-x`y`', stale: false },
        { path: '/tmp/tmux-continuum-1-lock-99999999999999999999', stale: false },
      ]);

      expect(f.processes).toEqual([
        { pid: 4242, ppid: 1, uid: 501, etime: '1-02:03:04', command: 'tmux new-session -d -s cal-dev' },
        { pid: 777, ppid: 700, uid: 501, etime: '00:05', command: 'tmux attach -t "$(x)"\tTAB' },
      ]);

      // warnings: the timed-out binary, the hung socket, unreadable .zlogout, the cut .zprofile
      const w = f.probe.warnings.join('\n');
      expect(w).toMatch(/\/usr\/local\/bin\/tmux -V` timed out/);
      expect(w).toMatch(/hung did not answer within 2s/);
      expect(w).toMatch(/\.zlogout exists but cannot be read/);
      expect(w).toMatch(/\.zprofile is 5000 bytes; only the first 200 were read/);
      expect(w).toMatch(/pane_contents\.tar\.gz is 5000 bytes; only the first 100 were read/);
      expect(w).toMatch(/`last` in .* names more than 7 pane dirs; only the first 7 were checked/);
      expect(w).toMatch(/25 scripts mention tmux; only the first 3 were read/);
      expect(w).toMatch(/big tmux is 70000 bytes; only the first 100 were read/);
      expect(w).not.toMatch(/cut off/);
      expect(w).not.toMatch(/no \w+ record/);
    });
  }

  it('gives the same facts for wrapped and unwrapped base64', () => {
    expect(parseProbeOutput(fullOutput('gnu'))).toEqual(parseProbeOutput(fullOutput('mac')));
  });

  it('accepts CRLF line ends', () => {
    const f = parseProbeOutput(fullOutput('gnu').replace(/\n/g, '\r\n'));
    expect(f.host.user).toBe('admin');
    expect(f.probe.warnings.join('\n')).not.toMatch(/cut off/);
  });
});

describe('parseProbeOutput never throws', () => {
  const full = Buffer.from(fullOutput('gnu'));

  it('on output cut at every 97th byte', () => {
    for (let n = 0; n < full.length; n += 97) {
      const f = parseProbeOutput(full.subarray(0, n));
      expect(Array.isArray(f.probe.warnings)).toBe(true);
      if (n < full.length - 20) expect(f.probe.warnings.join('\n')).toMatch(/cut off|no records/);
    }
  });

  it('on a cut-off output: keeps what arrived, says it was cut', () => {
    const cut = full.subarray(0, full.indexOf('@@files'));
    const f = parseProbeOutput(cut);
    expect(f.host.user).toBe('admin');
    expect(f.server?.sessions).toHaveLength(4);
    expect(f.configs).toEqual([]);
    expect(f.saveDirs).toEqual([]);
    const w = f.probe.warnings.join('\n');
    expect(w).toMatch(/cut off/);
    expect(w).toMatch(/no files record/);
    expect(w).toMatch(/no ps record/);
    expect(w).toMatch(/no saved record/);
    expect(w).toMatch(/no scripts record/);
    expect(w).toMatch(/no jobs record/);
    expect(f.scripts).toEqual([]);
    expect(f.savedDirs).toEqual([]);
    expect(f.continuumLocks).toEqual([]);
    expect(f.crontab).toBeUndefined();
    expect(probeOutputComplete(cut)).toBe(false);
    expect(probeOutputComplete(full)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['text', 'Welcome to macOS!\nLast login: yesterday\n'],
    ['binary', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    ['headers only', '@@meta\n@@server\n@@end\n'],
    ['bad base64', '@@meta\n!!!not base64!!!\n@@end\n'],
    ['kv without =', `${raw('meta', 'novalue\0=\0\0')}@@end\n`],
    [
      'numbers that are not',
      `${kv('meta', { 'host.uid': 'abc', 'host.now': '1e99', 'bin.0.path': '/x', 'bin.0.rc': 'x' })}@@end\n`,
    ],
    ['server without display', `${kv('server', { 'server.called': 1 })}@@end\n`],
    ['save with unknown role', `${kv('save.0', { role: 'nope', path: '/x', exists: 1 })}@@end\n`],
    ['hostile keys', '@@$(touch /tmp/x)\nAAAA\n@@\n@@@@\n@@end\n'],
  ])('on %s', (_name, input) => {
    const f = parseProbeOutput(input as string | Buffer);
    expect(f.probe.warnings.length).toBeGreaterThan(0);
    expect(f.host.uid === -1 || Number.isInteger(f.host.uid)).toBe(true);
    expect(f.processes).toEqual([]);
  });

  it('reports garbage around records and a missing probe', () => {
    const f = parseProbeOutput(`motd line\n${fullOutput('gnu')}`);
    expect(f.host.user).toBe('admin');
    expect(f.probe.warnings.join('\n')).toMatch(/ignored 1 line/);
    expect(parseProbeOutput('@@nobase64\n@@end\n').probe.warnings.join('\n')).toMatch(/no base64/);
  });

  it('defaults: a probe with only @@end', () => {
    const f = parseProbeOutput(kv('end', { ok: 1 }));
    expect(f.server).toBeNull();
    expect(f.login).toEqual({ ok: false, timedOut: false });
    expect(f.plugins).toEqual({ dir: '', exists: false, entries: [], resurrectScripts: [], continuumScripts: [] });
    expect(f.probe.tmuxTimeoutSec).toBe(0);
    expect(f.scripts).toEqual([]);
    expect(f.launchAgents).toEqual([]);
    expect(f.launchctl).toBeUndefined();
    expect(f.crontab).toBeUndefined();
    expect(f.savedDirs).toEqual([]);
    expect(f.continuumLocks).toEqual([]);
  });
});

describe('server and login outcomes', () => {
  const meta = (extra: Record<string, string | number>) =>
    kv('meta', {
      'probe.version': PROBE_VERSION,
      'probe.timeout': 3,
      'probe.logintimeout': 3,
      'host.uid': 501,
      'host.home': '/h',
      ...extra,
    });

  it('a server that timed out on the first call', () => {
    const f = parseProbeOutput(
      meta({}) +
        kv('server', {
          'server.socket': '/tmp/tmux-501/default',
          'server.exists': 1,
          'server.called': 1,
          'srv.display.rc': 137,
          'srv.display.timedout': 1,
          'srv.display.out': '',
        }) +
        kv('sockets', {
          'sockdir.0.path': '/tmp/tmux-501',
          'sockdir.0.exists': 1,
          'sock.0.path': '/tmp/tmux-501/default',
          'sock.0.default': 1,
        }) +
        kv('end', { ok: 1 }),
    );
    expect(f.server).toMatchObject({ answers: false, timedOut: true, sessions: [] });
    expect(f.server!.error).toMatch(/did not answer within 3s/);
    expect(f.sockets[0]).toMatchObject({ answers: false, timedOut: true });
  });

  it('a server that stopped answering half way', () => {
    const f = parseProbeOutput(
      meta({}) +
        kv('server', {
          'server.socket': '/s/default',
          'server.called': 1,
          'srv.display.rc': 0,
          'srv.display.out': `3.3a${US}1${US}2${US}/s/default`,
          'srv.rdir.rc': 0,
          'srv.rdir.out': '',
          'srv.sessions.rc': 137,
          'srv.sessions.timedout': 1,
          'srv.clients.skipped': 1,
          'srv.env.skipped': 1,
        }) +
        kv('end', { ok: 1 }),
    );
    expect(f.server).toMatchObject({ answers: true, timedOut: true, version: '3.3a', sessions: [] });
    expect(f.probe.warnings.join('\n')).toMatch(/list-sessions` timed out after 3s/);
  });

  it('no socket: no server running', () => {
    const f = parseProbeOutput(
      meta({}) +
        kv('server', { 'server.socket': '/s/default', 'server.exists': 0, 'server.called': 0 }) +
        kv('end', { ok: 1 }),
    );
    expect(f.server).toMatchObject({ answers: false, timedOut: false });
    expect(f.server!.error).toMatch(/no server running on \/s\/default/);
  });

  it('tmux error message is kept', () => {
    const f = parseProbeOutput(
      meta({}) +
        kv('server', {
          'server.socket': '/s/default',
          'server.exists': 1,
          'server.called': 1,
          'srv.display.rc': 1,
          'srv.display.out': 'no server running on /s/default\n',
        }) +
        kv('end', { ok: 1 }),
    );
    expect(f.server!.error).toBe('no server running on /s/default');
  });

  it('login shell: timed out, no markers, not run', () => {
    const to = parseProbeOutput(
      `${meta({
        'login.shell': '/bin/zsh',
        'login.ran': 1,
        'login.rc': 137,
        'login.timedout': 1,
        'login.markers': 0,
        'login.out': '',
      })}@@end\n`,
    );
    expect(to.login).toMatchObject({ ok: false, timedOut: true });
    expect(to.login.error).toMatch(/did not finish within 3s/);
    const nm = parseProbeOutput(
      `${meta({
        'login.shell': '/bin/tcsh',
        'login.ran': 1,
        'login.rc': 1,
        'login.markers': 0,
        'login.out': "\n  Unknown option: `-l'\n",
      })}@@end\n`,
    );
    expect(nm.login).toEqual({ ok: false, timedOut: false, error: "Unknown option: `-l'" });
    const nr = parseProbeOutput(`${meta({ 'login.shell': '', 'login.ran': 0 })}@@end\n`);
    expect(nr.login).toEqual({ ok: false, timedOut: false, error: 'SHELL is not set' });
  });

  it('warns when the script and parser versions differ', () => {
    const f = parseProbeOutput(`${kv('meta', { 'probe.version': '0.9' })}@@end\n`);
    expect(f.probe.warnings.join('\n')).toMatch(/version 0\.9 differs/);
  });
});

describe('forensics records', () => {
  const meta = (extra: Record<string, string | number> = {}) =>
    kv('meta', {
      'probe.version': PROBE_VERSION,
      'probe.timeout': 4,
      'host.uid': 501,
      'host.home': '/h',
      'host.os': 'Linux',
      'host.now': 1700000250,
      ...extra,
    });
  const saveDir = (
    extra: Record<string, string | number>,
    ls = '',
    files: Array<[string, Buffer | string]> = [],
    style: Style = 'gnu',
  ) =>
    raw('save.0.data', heads([...files, ['.', ls]]), style) +
    kv('save.0', { role: 'home', path: '/h/.tmux/resurrect', exists: 1, lscap: 20000, ...extra });
  const jobs = (extra: Record<string, string | number>) =>
    kv('jobs', { 'cron.ran': 0, launchd: 0, 'launchctl.ran': 0, 'lock.count': 0, ...extra });

  it('probe.tmuxTimeoutSec is the CAL_TMUX_TIMEOUT the probe ran with', () => {
    expect(parseProbeOutput(`${meta()}@@end\n`).probe.tmuxTimeoutSec).toBe(4);
    expect(parseProbeOutput(`${kv('meta', { 'probe.timeout': 'x' })}@@end\n`).probe.tmuxTimeoutSec).toBe(0);
  });

  it('pane archive: every byte value survives, gnu and mac base64', () => {
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    for (const style of ['gnu', 'mac'] as const) {
      const f = parseProbeOutput(
        meta() +
          saveDir(
            { 'archive.exists': 1, 'archive.cap': 8388608, 'archive.regular': 1, 'archive.readable': 1 },
            `${lsLine('-rw-r--r--', 3000, 'pane_contents.tar.gz')}\n`,
            [['./pane_contents.tar.gz', bytes]],
            style,
          ) +
          '@@end\n',
      );
      const a = f.saveDirs[0]!.paneArchive!;
      expect(a.truncated).toBe(false);
      expect(a.data.equals(bytes)).toBe(true);
      expect(a.entry).toEqual({ name: 'pane_contents.tar.gz', mode: '-rw-r--r--', uid: 501, size: 3000, type: 'file' });
    }
  });

  it('save listing: `./NAME` entries read as NAME, older saves counted in savesNotListed', () => {
    const ls = `${[
      lsLine('-rw-r--r--', 900, './tmux_resurrect_20240102T000000.txt'),
      lsLine('-rw-r--r--', 8, './tmux_resurrect_20240103T000000.txt'),
      lsLine('lrwxr-xr-x', 34, './last -> tmux_resurrect_20240103T000000.txt'),
      lsLine('-rw-r--r--', 1, './evil\nname -> x'),
      lsLine('-rw-r--r--', 2, './-rf'),
    ].join('\n')}\n`;
    const f = parseProbeOutput(
      `${meta() + saveDir({}, ls) + kv('save.0.listing', { total: 1500, listed: 2, max: 500 })}@@end\n`,
    );
    const d = f.saveDirs[0]!;
    expect(d.files.map((e) => [e.name, e.type, e.size])).toEqual([
      ['tmux_resurrect_20240102T000000.txt', 'file', 900],
      ['tmux_resurrect_20240103T000000.txt', 'file', 8],
      ['last', 'link', 34],
      ['evil\nname -> x', 'file', 1],
      ['-rf', 'file', 2],
    ]);
    expect(d.files[2]!.linkTarget).toBe('tmux_resurrect_20240103T000000.txt');
    expect(d.savesNotListed).toBe(1498);
    expect(d.listingTruncated).toBe(false);
    // an older probe: bare names, no count
    const old = parseProbeOutput(
      `${meta() + saveDir({}, `${lsLine('-rw-r--r--', 8, 'tmux_resurrect_20240103T000000.txt')}\n`)}@@end\n`,
    );
    expect(old.saveDirs[0]!.files.map((e) => e.name)).toEqual(['tmux_resurrect_20240103T000000.txt']);
    expect(old.saveDirs[0]!.savesNotListed).toBeUndefined();
    // all listed; a garbled count is no count
    expect(
      parseProbeOutput(`${meta() + saveDir({}) + kv('save.0.listing', { total: 3, listed: 3 })}@@end\n`).saveDirs[0]!
        .savesNotListed,
    ).toBe(0);
    expect(
      parseProbeOutput(`${meta() + saveDir({}) + kv('save.0.listing', { total: 'x', listed: 3 })}@@end\n`).saveDirs[0]!
        .savesNotListed,
    ).toBeUndefined();
  });

  it("`last`'s size: its target's line in the listing (no ls -L), `last`'s own line, or ls -L's", () => {
    const lastOf = (extra: Record<string, string | number>, ls: string, body: string) =>
      parseProbeOutput(
        `${
          meta() +
          saveDir(
            { 'last.exists': 1, 'last.resolves': 1, 'last.regular': 1, 'last.readable': 1, 'last.cap': 10, ...extra },
            ls,
            [['./last', body]],
          )
        }@@end\n`,
      ).saveDirs[0]!.last!;
    const link = { 'last.islink': 1, 'last.target': 'tmux_resurrect_20240103T000000.txt' };
    const listing = `${lsLine('-rw-r--r--', 5000, './tmux_resurrect_20240103T000000.txt')}\n`;
    expect(lastOf(link, listing, 'x'.repeat(11)).file).toMatchObject({ size: 5000, truncated: true });
    // a file `last`: its own line
    const own = { 'last.ls': lsLine('-rw-r--r--', 7000, '/h/.tmux/resurrect/last') };
    expect(lastOf(own, '', 'y'.repeat(11)).file).toMatchObject({ name: 'last', size: 7000, truncated: true });
    // a target elsewhere: ls -L's line
    const away = { 'last.islink': 1, 'last.target': '/x/s.txt', 'last.lsL': lsLine('-rw-r--r--', 9000, 'last') };
    expect(lastOf(away, '', 'z'.repeat(11)).file).toMatchObject({ name: 's.txt', size: 9000, truncated: true });
    // not truncated: the bytes read are the size
    expect(lastOf(link, listing, 'short\n').file).toMatchObject({ size: 6, truncated: false, content: 'short\n' });
  });

  it('pane archive: an empty file, cut, unreadable, content missing, a dir, not in the listing', () => {
    const one = (extra: Record<string, string | number>, files: Array<[string, string]> = []) =>
      parseProbeOutput(`${meta() + saveDir({ 'archive.exists': 1, 'archive.cap': 10, ...extra }, '', files)}@@end\n`);
    const empty = one({ 'archive.regular': 1, 'archive.readable': 1 }, [['./pane_contents.tar.gz', '']]);
    expect(empty.saveDirs[0]!.paneArchive).toEqual({
      entry: { name: 'pane_contents.tar.gz', mode: '', uid: -1, size: 0, type: 'file' },
      data: Buffer.alloc(0),
      truncated: false,
    });
    expect(empty.probe.warnings.join('\n')).not.toMatch(/pane_contents/);
    const cut = one({ 'archive.regular': 1, 'archive.readable': 1 }, [['./pane_contents.tar.gz', 'x'.repeat(11)]]);
    expect(cut.saveDirs[0]!.paneArchive).toMatchObject({ truncated: true, entry: { size: 11 } });
    expect(cut.saveDirs[0]!.paneArchive!.data.toString()).toBe('x'.repeat(10));
    // bytes that did not arrive are no archive (empty data would read as a corrupt one)
    const unreadable = one({ 'archive.regular': 1 });
    expect(unreadable.saveDirs[0]!.paneArchive).toBeUndefined();
    expect(unreadable.probe.warnings.join('\n')).toMatch(/pane_contents\.tar\.gz cannot be read/);
    const missing = one({ 'archive.regular': 1, 'archive.readable': 1 });
    expect(missing.saveDirs[0]!.paneArchive).toBeUndefined();
    expect(missing.probe.warnings.join('\n')).toMatch(
      /content of \/h\/\.tmux\/resurrect\/pane_contents\.tar\.gz is missing/,
    );
    // a dir in its place: the entry says so
    const notFile = parseProbeOutput(
      meta() +
        saveDir({ 'archive.exists': 1, 'archive.cap': 10 }, `${lsLine('drwxr-xr-x', 64, 'pane_contents.tar.gz')}\n`) +
        '@@end\n',
    );
    expect(notFile.saveDirs[0]!.paneArchive).toEqual({
      entry: { name: 'pane_contents.tar.gz', mode: 'drwxr-xr-x', uid: 501, size: 64, type: 'dir' },
      data: Buffer.alloc(0),
      truncated: false,
    });
    expect(notFile.probe.warnings.join('\n')).toMatch(/pane_contents\.tar\.gz exists but is not a regular file/);
    expect(one({}).saveDirs[0]!.paneArchive!.entry.type).toBe('other'); // not in the listing either
    // no archive.exists: no paneArchive
    expect(parseProbeOutput(`${meta() + saveDir({})}@@end\n`).saveDirs[0]!.paneArchive).toBeUndefined();
  });

  it('saved dirs: no `last`, and hostile dirs kept verbatim, never interpreted', () => {
    expect(
      parseProbeOutput(
        `${meta() + kv('saved', { role: 'xdg', dir: '/h/.local/share/tmux/resurrect', last: 0 })}@@end\n`,
      ).savedDirs,
    ).toEqual([]);
    const items: Record<string, string | number> = {
      role: 'option',
      dir: '/h/saves',
      last: 1,
      count: HOSTILE_DIRS.length,
    };
    HOSTILE_DIRS.forEach((d, i) => {
      items[`dir.${i}`] = d;
      items[`dir.${i}.exists`] = i % 2;
      items[`dir.${i}.vim`] = i === 1 ? 1 : 0;
    });
    const f = parseProbeOutput(`${meta() + kv('saved', items, 'mac')}@@end\n`);
    expect(f.savedDirs).toEqual(HOSTILE_DIRS.map((dir, i) => ({ dir, exists: i % 2 === 1, sessionVim: i === 1 })));
    expect(f.probe.warnings.join('\n')).not.toMatch(/pane dirs/);
  });

  it('scripts: none found, content missing', () => {
    const none = parseProbeOutput(`${meta() + kv('scripts', { count: 0, matched: 0, cap: 65536, ls: '' })}@@end\n`);
    expect(none.scripts).toEqual([]);
    const missing = parseProbeOutput(
      `${meta() + kv('scripts', { count: 1, matched: 1, cap: 65536, ls: '', 0: '/h/bin/t' })}@@end\n`,
    );
    expect(missing.scripts).toEqual([{ path: '/h/bin/t', exists: true, content: '', size: 0, truncated: false }]);
    expect(missing.probe.warnings.join('\n')).toMatch(/content of \/h\/bin\/t is missing/);
  });

  it('jobs on Linux: no launchd, no LaunchAgents looked for', () => {
    const f = parseProbeOutput(`${meta() + jobs({})}@@end\n`);
    expect(f.launchAgents).toEqual([]);
    expect(f.launchctl).toBeUndefined();
    expect(f.crontab).toBeUndefined();
    expect(f.probe.warnings.join('\n')).not.toMatch(/agents|launchctl|launchd|crontab|jobs/i);
  });

  it('crontab: none (the usual exit 1), failing, timed out, empty, cut', () => {
    const cron = (extra: Record<string, string | number>) =>
      parseProbeOutput(`${meta() + jobs({ 'cron.ran': 1, ...extra })}@@end\n`);
    const none = cron({ 'cron.rc': 1, 'cron.out': 'crontab: no crontab for admin' });
    expect(none.crontab).toBeUndefined();
    expect(none.probe.warnings.join('\n')).not.toMatch(/crontab/);
    const denied = cron({ 'cron.rc': 1, 'cron.out': 'crontab: you (admin) are not allowed to use this program\n' });
    expect(denied.crontab).toBeUndefined();
    expect(denied.probe.warnings.join('\n')).toMatch(/`crontab -l` failed: crontab: you \(admin\) are not allowed/);
    const hung = cron({ 'cron.rc': 137, 'cron.timedout': 1, 'cron.out': '' });
    expect(hung.crontab).toBeUndefined();
    expect(hung.probe.warnings.join('\n')).toMatch(/`crontab -l` did not finish within 4s/);
    expect(cron({ 'cron.rc': 0, 'cron.out': '' }).crontab).toBe('');
    const cut = cron({ 'cron.rc': 0, 'cron.out': 'x', 'cron.trunc': 1 });
    expect(cut.crontab).toBe('x');
    expect(cut.probe.warnings.join('\n')).toMatch(/output of `crontab -l` was cut/);
  });

  it('launchd on macOS: launchctl missing, timed out, failing; no tmux lines', () => {
    const mac = (extra: Record<string, string | number>) =>
      parseProbeOutput(
        meta({ 'host.os': 'Darwin' }) +
          kv('agents', { count: 0, matched: 0, cap: 65536, ls: '' }) +
          jobs({ launchd: 1, ...extra }) +
          '@@end\n',
      );
    const absent = mac({});
    expect(absent.launchctl).toBeUndefined();
    expect(absent.probe.warnings.join('\n')).toMatch(/launchctl not found/);
    const hung = mac({ 'launchctl.ran': 1, 'launchctl.rc': 137, 'launchctl.timedout': 1 });
    expect(hung.launchctl).toBeUndefined();
    expect(hung.probe.warnings.join('\n')).toMatch(/`launchctl print gui\/\d+` did not finish within 4s/);
    const failed = mac({ 'launchctl.ran': 1, 'launchctl.rc': 3, 'launchctl.out': '' });
    expect(failed.probe.warnings.join('\n')).toMatch(/`launchctl print gui\/\d+` failed: exit 3/);
    expect(failed.launchctlFailure).toBe('exit 3');
    // no desktop login: both lines of the message are the reason
    const noGui = mac({
      'launchctl.ran': 1,
      'launchctl.rc': 112,
      'launchctl.out': 'Bad request.\nCould not find domain for user gui: 501\n',
    });
    expect(noGui.launchctl).toBeUndefined();
    expect(noGui.launchctlFailure).toBe('Bad request. Could not find domain for user gui: 501');
    expect(noGui.probe.warnings.join('\n')).toMatch(/failed: Bad request\. Could not find domain for user gui: 501/);
    const quiet = mac({ 'launchctl.ran': 1, 'launchctl.rc': 0, 'launchctl.out': '' });
    expect(quiet.launchctl).toEqual([]);
    expect(quiet.launchAgents).toEqual([]);
    // the agents record lost: said so
    const lost = parseProbeOutput(`${meta({ 'host.os': 'Darwin' }) + jobs({ launchd: 1 })}@@end\n`);
    expect(lost.probe.warnings.join('\n')).toMatch(
      /no agents record: LaunchAgents that mention tmux were not looked for/,
    );
  });

  it('continuum locks: stale past 200 s; an unknown clock makes none stale; a capped list says so', () => {
    const locks = {
      'lock.count': 3,
      'lock.0': '/tmp/tmux-continuum-9-lock-17000000',
      'lock.1': '/tmp/tmux-continuum-9-lock-16999999',
      'lock.2': '/tmp/tmux-continuum-9-lock-17000001',
    };
    // now 1700000250: 250 s, 350 s and 150 s after the generations' start
    expect(parseProbeOutput(`${meta() + jobs(locks)}@@end\n`).continuumLocks.map((l) => l.stale)).toEqual([
      true,
      true,
      false,
    ]);
    expect(
      parseProbeOutput(`${meta({ 'host.now': '' }) + jobs(locks)}@@end\n`).continuumLocks.map((l) => l.stale),
    ).toEqual([false, false, false]);
    const capped = parseProbeOutput(`${meta() + jobs({ ...locks, 'lock.more': 1 })}@@end\n`);
    expect(capped.probe.warnings.join('\n')).toMatch(/more than 3 continuum lock dirs/);
  });
});

describe('ls parsing', () => {
  it('GNU and BSD lines, symlinks, odd names', () => {
    const listing = [
      'total 16',
      'drwx------  2 501  20   64 Nov 24 12:45 .',
      '-rw-r--r--@ 1 501  20  123 Nov 24  2023 mac xattr',
      '-rw-r--r--+ 1 0 0 5 Jan  1 00:00 acl',
      '-rw-r--r--. 1 0 0 5 Jan  1 00:00 selinux',
      'srwxrwx--- 1 501 0 0 Nov 24 12:45 default',
      'crw-rw-rw- 1 0 0 1, 3 Nov 24 12:45 null',
      'lrwxrwxrwx 1 0 0 10 Nov 24 12:45 link -> target -> odd',
      '-rw-r--r-- 1 0 0 7 2024-11-24 12:45 gnu long-iso',
      '-rw-r--r-- 1 0 0 8 Nov 24 12:45  one leading space',
      '-rw-r--r-- 1 0 0 9 Nov 24 12:45 tab\tin name',
      `-rw-r--r-- 1 0 0 9 Nov 24 12:45 ${LONG_NAME}`,
    ].join('\n');
    const e = parseLsListing(listing);
    expect(e.map((x) => [x.name, x.type, x.size])).toEqual([
      ['mac xattr', 'file', 123],
      ['acl', 'file', 5],
      ['selinux', 'file', 5],
      ['default', 'other', 0],
      ['null', 'other', 0],
      ['link', 'link', 10],
      ['gnu long-iso', 'file', 7],
      [' one leading space', 'file', 8],
      ['tab\tin name', 'file', 9],
      [LONG_NAME, 'file', 9],
    ]);
    expect(e[0]!.mode).toBe('-rw-r--r--');
    expect(e[5]!.linkTarget).toBe('target -> odd');
    expect(parseLsListing(listing, { keepDots: true })[0]!.name).toBe('.');
  });

  it('prefers the readlink target it was given', () => {
    const e = parseLsEntry('lrwxr-xr-x 1 501 20 9 Nov 24 12:45 /d/a -> b -> c', 'c');
    expect(e).toMatchObject({ name: '/d/a -> b', linkTarget: 'c', type: 'link' });
    expect(parseLsEntry('ls: /x: No such file or directory')).toBeUndefined();
    expect(parseLsEntry(undefined)).toBeUndefined();
  });
});

describe('tmux output parsers', () => {
  it.each([
    ['plain', 'plain'],
    ["''", ''],
    ['"a\\\\b c"', 'a\\b c'],
    ['a\\\\b', 'a\\b'],
    ['\\~', '~'],
    ['\\~/x', '~/x'],
    ['"it\'s"', "it's"],
    ['"say \\"hi\\""', 'say "hi"'],
    ['tab\\there', 'tab\there'],
    ['nl\\nx', 'nl\nx'],
    ['"héllo wörld"', 'héllo wörld'],
    ['"\\$HOME/x"', '$HOME/x'],
    ['\\001', '\x01'],
    ['"\\303\\251"', 'é'],
    ["'a b'", 'a b'],
    ['"#(echo \\"x\\") \\\\\\" $(y) `z`"', '#(echo "x") \\" $(y) `z`'],
  ])('unquotes %s', (input, want) => {
    expect(unquoteTmuxValue(input)).toBe(want);
  });

  it('show-options lines', () => {
    expect(parseShowOptions('a 1\nb "x y"\nc\n\n@d \'\'\n')).toEqual({ a: '1', b: 'x y', c: '', '@d': '' });
    expect(parseShowOptions(undefined)).toEqual({});
  });

  it('show-environment, -s and plain', () => {
    expect(parseShowEnvironment('A="1"; export A;\nunset B;\nC=""; export C;\n')).toEqual({ A: '1', B: null, C: '' });
    expect(parseShowEnvironment('A=1\n-B\nC=x=y\ncontinued\n')).toEqual({ A: '1', B: null, C: 'x=y\ncontinued' });
  });

  it('sessions and clients ignore junk before the first record', () => {
    expect(parseSessions(`junk\n$1${US}2${US}0${US}5${US}n`)).toEqual([
      { id: '$1', windows: 2, attached: 0, created: 5, name: 'n' },
    ]);
    expect(parseClients(`junk\n12${US}0${US}/dev/pts/1${US}s`)).toEqual([
      { pid: 12, controlMode: false, tty: '/dev/pts/1', session: 's' },
    ]);
  });

  it('processes', () => {
    expect(parseProcesses('garbage\n 1 0 0 01:02 /sbin/launchd\n')).toEqual([
      { pid: 1, ppid: 0, uid: 0, etime: '01:02', command: '/sbin/launchd' },
    ]);
  });

  it('splitRecords keeps the last of a repeated key and warns', () => {
    const r = splitRecords(raw('x', 'one') + raw('x', 'two'));
    expect(r.records.get('x')!.toString()).toBe('two');
    expect(r.warnings.join('\n')).toMatch(/repeats record x/);
  });
});

// ---------------------------------------------------------------------------------

function fakeTarget(result: Partial<RunResult>, seen: string[] = []): Target {
  return {
    kind: 'ssh',
    label: 'admin@vm:22',
    async runScript(script) {
      seen.push(script);
      return { stdout: Buffer.alloc(0), stderr: '', code: 0, ...result };
    },
    async close() {},
  };
}

describe('gatherFacts', () => {
  it('prepends the timeout and parses a complete output', async () => {
    const seen: string[] = [];
    const f = await gatherFacts(fakeTarget({ stdout: Buffer.from(fullOutput('gnu')) }, seen), {
      tmuxTimeoutSec: 3,
      timeoutMs: 1000,
    });
    expect(seen[0]!.startsWith('CAL_TMUX_TIMEOUT=3\n')).toBe(true);
    expect(seen[0]).toContain('main </dev/null');
    expect(f.host.user).toBe('admin');
    expect(f.probe.warnings.join('\n')).not.toMatch(/probe shell/);
  });

  it('throws TargetError when the output was cut off', async () => {
    const cut = Buffer.from(fullOutput('gnu')).subarray(0, 500);
    const p = gatherFacts(
      fakeTarget({ stdout: cut, stderr: 'Connection reset by peer\nmore', code: null, signal: 'SIGKILL' }),
      {
        tmuxTimeoutSec: 2,
        timeoutMs: 1000,
      },
    );
    await expect(p).rejects.toBeInstanceOf(TargetError);
    await expect(p).rejects.toThrow(
      /^probe was cut off: killed by SIGKILL, 500 bytes of output: Connection reset by peer$/,
    );
    await expect(
      gatherFacts(fakeTarget({ code: 127, stderr: 'sh: 1: base64: not found\n' }), { tmuxTimeoutSec: 2, timeoutMs: 1 }),
    ).rejects.toThrow('probe was cut off: exit 127, no output: sh: 1: base64: not found');
  });

  it('throws TargetError when the target has no base64', async () => {
    await expect(
      gatherFacts(fakeTarget({ stdout: Buffer.from('@@nobase64\n@@end\n') }), { tmuxTimeoutSec: 2, timeoutMs: 1 }),
    ).rejects.toThrow(/no base64/);
  });

  it('keeps a non-zero exit of a complete probe as a warning', async () => {
    const f = await gatherFacts(fakeTarget({ stdout: Buffer.from(fullOutput('mac')), code: 1, stderr: 'oops' }), {
      tmuxTimeoutSec: 2,
      timeoutMs: 1,
    });
    expect(f.probe.warnings.join('\n')).toMatch(/probe shell ended with exit 1.*oops/);
  });

  it('knows the timeout it sent when the output has no meta record', async () => {
    const f = await gatherFacts(fakeTarget({ stdout: Buffer.from(kv('end', { ok: 1 })) }), {
      tmuxTimeoutSec: 7,
      timeoutMs: 1,
    });
    expect(f.probe.tmuxTimeoutSec).toBe(7);
    const g = await gatherFacts(fakeTarget({ stdout: Buffer.from(fullOutput('gnu')) }), {
      tmuxTimeoutSec: 7,
      timeoutMs: 1,
    });
    expect(g.probe.tmuxTimeoutSec).toBe(2); // what the probe says it ran with
  });

  it('validates the timeout', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 1e9]) expect(() => probeScript(bad)).toThrow(RangeError);
    expect(probeScript(5).split('\n')[0]).toBe('CAL_TMUX_TIMEOUT=5');
  });

  it('PROBE_VERSION matches the script', () => {
    const sh = remoteSource('probe.sh');
    expect(/^CAL_PROBE_VERSION=(\S+)$/m.exec(sh)?.[1]).toBe(PROBE_VERSION);
  });
});

describe('config tree record', () => {
  const tree = (items: Record<string, string | number>, extra = '') =>
    parseProbeOutput(`${kv('cfgtree', items)}${extra}@@end\n`).configTree!;

  it('sourced files (cut at the cap), globs, formats, tmux parse errors and extra plugin dirs', () => {
    const t = tree(
      {
        'f.0.path': `${HOME}/.tmux.d/a.conf`,
        'f.0.exists': 1,
        'f.0.content': `set -g @x '${HOSTILE}'\n`,
        'f.1.path': `${HOME}/big.conf`,
        'f.1.exists': 1,
        'f.1.content': 'x'.repeat(101),
        'f.2.path': `${HOME}/gone.conf`,
        'f.2.exists': 0,
        'glob.0.pattern': `${HOME}/.tmux.d/*.conf`,
        'glob.0.match': `${HOME}/.tmux.d/a.conf`,
        'fmt.1.in': '#{@root}/x.tmux',
        'fmt.1.out': '/r/x.tmux',
        'parse.rc': 1,
        'parse.out': `${HOME}/.tmux.conf:5: command bind-key: unknown flag -t\n`,
        cap: 100,
      },
      kv('pdir.0', { dir: '/r', exists: 1, ls: 'drwxr-xr-x 3 501 20 96 Jun  1 10:00 tmux-resurrect' }),
    );
    expect(t.files.map((f) => [f.path, f.exists, f.truncated])).toEqual([
      [`${HOME}/.tmux.d/a.conf`, true, false],
      [`${HOME}/big.conf`, true, true],
      [`${HOME}/gone.conf`, false, false],
    ]);
    expect(t.files[0]!.content).toBe(`set -g @x '${HOSTILE}'\n`);
    expect(t.files[1]!.content).toBe('x'.repeat(100));
    expect(t.globs).toEqual({ [`${HOME}/.tmux.d/*.conf`]: [`${HOME}/.tmux.d/a.conf`] });
    expect(t.formats).toEqual({ '#{@root}/x.tmux': '/r/x.tmux' });
    expect(t.parseErrors).toEqual([`${HOME}/.tmux.conf:5: command bind-key: unknown flag -t`]);
    expect(t.pluginDirs.map((d) => [d.dir, d.entries.map((e) => e.name)])).toEqual([['/r', ['tmux-resurrect']]]);
  });

  it('no parse verdict from a tmux that cannot parse without running (< 3.2), or without a server', () => {
    expect(tree({ 'parse.rc': 1, 'parse.out': 'command source-file: unknown flag -n' }).parseErrors).toBeUndefined();
    expect(tree({ count: 0 }).parseErrors).toBeUndefined();
  });
});
