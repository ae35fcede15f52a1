// Turns the probe's output (probe.sh) into Facts. Total: any input, however cut off or
// garbled, gives a Facts with safe defaults and a line in probe.warnings per problem.
//
// Records as every target-side script writes them: src/remote/records.ts.

import { decodeKv, type HeadPart, splitHeads, splitRecords } from '../remote/records.js';
import type {
  ClientFact,
  ConfigTreeFact,
  Facts,
  FileEntry,
  ListenFact,
  PluginEntry,
  PluginsFact,
  ProcessFact,
  SaveDirFact,
  SaveFileContent,
  ServerFact,
  ServerSocketsFact,
  SessionFact,
  SocketFact,
  TextFile,
  TmuxBinary,
} from './facts.js';

/** Version of the probe script this parser understands (CAL_PROBE_VERSION in src/remote/probe.sh). */
export const PROBE_VERSION = '1.1.0';

/** Status a bounded call reports when its watchdog had to SIGKILL it (128 + 9). */
const KILLED = 137;
const US = '\x1f';

// ---------------------------------------------------------------------------------
// small value helpers

function toInt(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** A short message's lines as one (`Bad request.` / `Could not find domain…` both matter), capped. */
function allLines(s: string | undefined, max = 300): string {
  const line = (s ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function firstLine(s: string | undefined, max = 300): string {
  const line = (s ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (line === undefined) return '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Lines of a command's output without the empty trailing one. */
function outputLines(s: string | undefined): string[] {
  if (!s) return [];
  const lines = s.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// ---------------------------------------------------------------------------------
// `ls -l` parsing (GNU and BSD)

const MODE = /^[-bcdlpsDwn?][-rwxsStTlL]{9}[.@+]?$/;

interface Token {
  text: string;
  end: number;
}

function tokens(line: string, max: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (out.length < max && i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= line.length) break;
    const start = i;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
    out.push({ text: line.slice(start, i), end: i });
  }
  return out;
}

function entryType(mode: string): FileEntry['type'] {
  switch (mode[0]) {
    case '-':
      return 'file';
    case 'd':
      return 'dir';
    case 'l':
      return 'link';
    default:
      return 'other';
  }
}

interface LsHead {
  mode: string;
  uid: number;
  size: number;
  /** everything after the date: the name, and ` -> target` for symlinks */
  rest: string;
}

/** Parses one `ls -ln` line up to the name; null when the line is not an entry. */
function parseLsHead(line: string): LsHead | null {
  const t = tokens(line, 11);
  if (t.length < 8 || !MODE.test(t[0]!.text)) return null;
  if (!/^\d+$/.test(t[1]!.text)) return null;
  let i = 4; // size
  let size = toInt(t[i]!.text);
  if (t[i]!.text.endsWith(',')) {
    // device: `major, minor`
    i++;
    size = 0;
  }
  i++; // first date token
  const d0 = t[i]?.text ?? '';
  let dateTokens = 3; // `Nov 24 12:45` (LC_ALL=C, GNU and BSD)
  if (/^\d{4}-\d\d-\d\d$/.test(d0)) {
    // GNU long-iso / full-iso
    dateTokens = /^[+-]\d{4}$/.test(t[i + 2]?.text ?? '') ? 3 : 2;
  } else if (/^\d\d-\d\d$/.test(d0)) {
    dateTokens = 2; // GNU iso: `11-24 12:45`
  }
  const last = t[i + dateTokens - 1];
  if (!last) return null;
  // exactly one space separates the date from the name (which may start with spaces)
  const rest = line.slice(last.end + 1);
  if (line[last.end] === undefined) return null;
  return { mode: t[0]!.text.slice(0, 10), uid: toInt(t[2]!.text) ?? -1, size: size ?? 0, rest };
}

function entryFrom(head: LsHead, knownTarget?: string): FileEntry {
  const type = entryType(head.mode);
  let name = head.rest;
  let linkTarget: string | undefined;
  if (type === 'link') {
    if (knownTarget !== undefined && name.endsWith(` -> ${knownTarget}`)) {
      name = name.slice(0, name.length - knownTarget.length - 4);
      linkTarget = knownTarget;
    } else {
      const arrow = name.indexOf(' -> ');
      if (arrow >= 0) {
        linkTarget = name.slice(arrow + 4);
        name = name.slice(0, arrow);
      }
      if (knownTarget !== undefined) linkTarget = knownTarget;
    }
  }
  const entry: FileEntry = { name, mode: head.mode, uid: head.uid, size: head.size, type };
  if (linkTarget !== undefined) entry.linkTarget = linkTarget;
  return entry;
}

/**
 * Parses an `ls -ln`/`ls -lan` listing. Skips `total`, `.` and `..`; a line that is
 * not an entry continues the previous entry's name (a file name with a newline).
 */
export function parseLsListing(text: string | undefined, opts: { keepDots?: boolean } = {}): FileEntry[] {
  const heads: LsHead[] = [];
  for (const line of outputLines(text)) {
    const head = parseLsHead(line);
    if (head) heads.push(head);
    else if (heads.length > 0) heads[heads.length - 1]!.rest += `\n${line}`;
  }
  const entries = heads.map((h) => entryFrom(h));
  return opts.keepDots ? entries : entries.filter((e) => e.name !== '.' && e.name !== '..');
}

/** Parses the one entry of `ls -lnd PATH`; the name is what ls printed (the path). */
export function parseLsEntry(text: string | undefined, knownTarget?: string): FileEntry | undefined {
  const lines = outputLines(text);
  const first = lines.findIndex((l) => parseLsHead(l) !== null);
  if (first < 0) return undefined;
  const head = parseLsHead(lines[first]!)!;
  for (const more of lines.slice(first + 1)) head.rest += `\n${more}`;
  return entryFrom(head, knownTarget);
}

// ---------------------------------------------------------------------------------
// tmux output parsing

/**
 * Undoes tmux's quoting of an option value in `show-options` output: `"..."`, `'...'`
 * or bare, with vis(3) escapes (`\"`, `\\`, `\$`, `\~`, `\t`, `\n`, `\ooo` octal, ...).
 */
export function unquoteTmuxValue(raw: string): string {
  let s = raw;
  if (s.length >= 2 && ((s[0] === '"' && s.endsWith('"')) || (s[0] === "'" && s.endsWith("'")))) {
    s = s.slice(1, -1);
  }
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  const pushText = (t: string): void => {
    for (const b of Buffer.from(t, 'utf8')) bytes.push(b);
  };
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, v: 11, f: 12, e: 27, s: 32 };
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      // copy a whole code point
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushText(ch);
      i += ch.length;
      continue;
    }
    const n = s[i + 1]!;
    const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
    if (oct) {
      bytes.push(parseInt(oct[0], 8) & 0xff);
      i += 1 + oct[0].length;
    } else if (n in simple) {
      bytes.push(simple[n]!);
      i += 2;
    } else if (n === 'M' && s[i + 2] === '-' && i + 3 < s.length) {
      bytes.push((s.charCodeAt(i + 3) | 0x80) & 0xff);
      i += 4;
    } else if (n === '^' && i + 2 < s.length) {
      const k = s[i + 2]!;
      bytes.push(k === '?' ? 0x7f : s.charCodeAt(i + 2) & 0x1f);
      i += 3;
    } else {
      pushText(String.fromCodePoint(s.codePointAt(i + 1)!));
      i += 1 + String.fromCodePoint(s.codePointAt(i + 1)!).length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `show-options` output → name → unquoted value (array options keep `name[i]`). */
export function parseShowOptions(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of outputLines(text)) {
    if (line.trim() === '') continue;
    const sp = line.indexOf(' ');
    if (sp < 0) out[line] = '';
    else out[line.slice(0, sp)] = unquoteTmuxValue(line.slice(sp + 1));
  }
  return out;
}

/**
 * `show-environment -g -s` output (`NAME="value"; export NAME;` with `$ \` " \\` escaped
 * and newlines raw, `unset NAME;` for a removed variable → null). Plain `NAME=value` /
 * `-NAME` lines (no -s) are accepted too; there a value's newline is ambiguous.
 */
export function parseShowEnvironment(text: string | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const s = text ?? '';
  const quoted = /([^\s="]+)="((?:[^"\\]|\\[\s\S])*)"; export \1;(?:\n|$)/y;
  const unset = /unset ([^\s=;]+);(?:\n|$)/y;
  let last: string | null = null;
  let i = 0;
  while (i < s.length) {
    quoted.lastIndex = i;
    let m = quoted.exec(s);
    if (m) {
      out[m[1]!] = m[2]!.replace(/\\([\s\S])/g, '$1');
      last = null;
      i = quoted.lastIndex;
      continue;
    }
    unset.lastIndex = i;
    m = unset.exec(s);
    if (m) {
      out[m[1]!] = null;
      last = null;
      i = unset.lastIndex;
      continue;
    }
    let end = s.indexOf('\n', i);
    if (end < 0) end = s.length;
    const line = s.slice(i, end);
    i = end + 1;
    const removed = /^-([^\s=]+)$/.exec(line);
    const set = /^([^\s=-][^\s=]*)=/.exec(line);
    if (removed) {
      out[removed[1]!] = null;
      last = null;
    } else if (set) {
      out[set[1]!] = line.slice(set[0].length);
      last = set[1]!;
    } else if (last !== null && line !== '') {
      // plain format: a value with a newline in it
      out[last] = `${out[last]}\n${line}`;
    }
  }
  return out;
}

/** Groups output lines into records that start with `start`; other lines continue the previous one. */
function groupRecords(text: string | undefined, start: RegExp): string[] {
  const recs: string[] = [];
  for (const line of outputLines(text)) {
    if (start.test(line) || recs.length === 0) recs.push(line);
    else recs[recs.length - 1] += `\n${line}`;
  }
  return recs.filter((r) => start.test(r));
}

export function parseSessions(text: string | undefined): SessionFact[] {
  return groupRecords(text, /^\$\d+\x1f/).map((rec) => {
    const parts = rec.split(US);
    return {
      id: parts[0]!,
      windows: toInt(parts[1]) ?? 0,
      attached: toInt(parts[2]) ?? 0,
      created: toInt(parts[3]) ?? 0,
      name: parts.slice(4).join(US),
    };
  });
}

export function parseClients(text: string | undefined): ClientFact[] {
  return groupRecords(text, /^\d+\x1f[01]?\x1f/).map((rec) => {
    const parts = rec.split(US);
    return {
      pid: toInt(parts[0]) ?? 0,
      controlMode: parts[1] === '1',
      tty: parts[2] ?? '',
      session: parts.slice(3).join(US),
    };
  });
}

/** `list-keys -T prefix` lines binding C-s or C-r. */
export function filterKeyBindings(text: string | undefined): string[] {
  return outputLines(text).filter((l) => /(^|\s)-T\s+prefix\s+C-[sr](\s|$)/.test(l));
}

/** `ps -o pid= -o ppid= -o uid= -o etime= -o command=` lines. */
export function parseProcesses(text: string | undefined): ProcessFact[] {
  const out: ProcessFact[] = [];
  for (const line of outputLines(text)) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s(.*)$/.exec(line);
    if (!m) continue;
    out.push({ pid: Number(m[1]), ppid: Number(m[2]), uid: Number(m[3]), etime: m[4]!, command: m[5]!.trimStart() });
  }
  return out;
}

// ---------------------------------------------------------------------------------
// where a server listens, as the OS says

/**
 * The unix socket paths a process listens on, from the `socket:[INODE]` lines of
 * `ls -l /proc/PID/fd` and the lines of /proc/net/unix (`Num RefCount Protocol Flags Type
 * St Inode Path`): the named sockets with those inodes whose flags say listening (00010000).
 */
export function parseProcListens(fdLines: string | undefined, unixLines: string | undefined): string[] {
  const inodes = new Set<string>();
  for (const l of outputLines(fdLines)) {
    const m = / -> socket:\[(\d+)\]$/.exec(l);
    if (m) inodes.add(m[1]!);
  }
  const out: string[] = [];
  for (const l of outputLines(unixLines)) {
    const m = /^\S+:\s+\S+\s+\S+\s+(\S+)\s+\S+\s+\S+\s+(\d+) (\/.*)$/.exec(l);
    if (m && m[1] === '00010000' && inodes.has(m[2]!) && !out.includes(m[3]!)) out.push(m[3]!);
  }
  return out;
}

/**
 * The unix socket paths in `lsof -a -U -p PID -F fn` output: its `n` lines that name a path
 * (Linux's lsof adds ` type=STREAM …`; a socket without a name shows its peer, `->0x…`).
 * Null when the output lists no process (lsof found nothing or was refused).
 */
export function parseLsofListens(out: string | undefined): string[] | null {
  const lines = outputLines(out);
  if (!lines.some((l) => /^p\d+$/.test(l))) return null;
  const paths: string[] = [];
  for (const l of lines) {
    if (!l.startsWith('n/')) continue;
    const path = l.slice(1).replace(/ type=\S+( \(\w+\))?$/, '');
    if (!paths.includes(path)) paths.push(path);
  }
  return paths;
}

function buildServerSockets(records: Map<string, Buffer>, facts: Facts, timeout: number): void {
  if (!records.has('unreached')) return;
  const kv = decodeKv(records.get('unreached'));
  const processes: ServerSocketsFact[] = [];
  const count = Math.min(toInt(kv.get('count')) ?? 0, 100);
  for (let n = 0; n < count; n++) {
    const p = decodeKv(records.get(`unreached.${n}`));
    const pid = toInt(p.get('pid'));
    if (pid === null) continue;
    const how = p.get('how');
    const fact: ServerSocketsFact = { pid, how: how === 'proc' || how === 'lsof' ? how : 'none', unreadable: [] };
    // the sockets the probe looked at, by path
    const looked = new Map<string, ListenFact>();
    for (let m = 0; p.has(`sock.${m}.path`); m++) {
      const path = p.get(`sock.${m}.path`)!;
      const rc = toInt(p.get(`sock.${m}.rc`));
      const l: ListenFact = {
        path,
        exists: p.get(`sock.${m}.exists`) === '1',
        answers: rc === 0,
        timedOut: rc === KILLED,
        pid: rc === 0 ? toInt(firstLine(p.get(`sock.${m}.pid`))) : null,
        asked: rc !== null,
      };
      if (rc === KILLED) l.error = `no answer within ${timeout}s (hung or stopped?)`;
      else if (rc !== null && rc !== 0) l.error = firstLine(p.get(`sock.${m}.out`)) || `tmux exited with status ${rc}`;
      looked.set(path, l);
    }
    let paths: string[] | null = null;
    if (fact.how === 'proc') {
      if (p.get('environ.rc') === '0') {
        fact.tmuxTmpdir = p.get('env.tmux_tmpdir') ?? null;
        fact.tmux = p.get('env.tmux') ?? null;
      } else fact.unreadable.push(`/proc/${pid}/environ: ${firstLine(p.get('environ.err')) || 'not read'}`);
      const unixRc = toInt(p.get('unix.rc'));
      if (p.get('fd.rc') !== '0') fact.unreadable.push(`/proc/${pid}/fd: ${firstLine(p.get('fd.err')) || 'not read'}`);
      // grep: 1 = no line matched (no named socket), more = it could not read
      else if (unixRc !== null && unixRc > 1)
        fact.unreadable.push(`/proc/net/unix: ${firstLine(p.get('unix.out')) || `grep exited with status ${unixRc}`}`);
      else paths = parseProcListens(p.get('fd.sockets'), unixRc === 0 ? p.get('unix.out') : '');
    } else if (fact.how === 'lsof') {
      const rc = toInt(p.get('lsof.rc'));
      paths = rc === KILLED ? null : parseLsofListens(p.get('lsof.out'));
      if (rc === KILLED) fact.unreadable.push(`lsof -a -U -p ${pid}: no answer within ${timeout}s`);
      else if (paths === null)
        fact.unreadable.push(
          `lsof -a -U -p ${pid}: ${firstLine(p.get('lsof.out')) || `listed nothing (exit status ${rc ?? '?'})`}`,
        );
    } else fact.unreadable.push(`its sockets: this host has neither /proc nor lsof`);
    if (paths) {
      fact.listens = [];
      for (const path of paths) {
        const l = looked.get(path);
        if (l) fact.listens.push(l);
        else fact.unreadable.push(`${path}: not looked at by the probe`);
      }
    }
    processes.push(fact);
  }
  facts.serverSockets = {
    servers: toInt(kv.get('servers')) ?? 0,
    answering: toInt(kv.get('answering')) ?? 0,
    processes,
  };
}

// ---------------------------------------------------------------------------------
// Facts

function emptyFacts(): Facts {
  return {
    probe: { version: '', tmuxTimeoutSec: 0, warnings: [] },
    host: { user: '', uid: -1, home: '', shell: '', hostname: '', os: '', osVersion: '', now: 0, tzOffset: '' },
    env: { path: '' },
    login: { ok: false, timedOut: false },
    tmuxBinaries: [],
    socketDirs: [],
    sockets: [],
    server: null,
    configs: [],
    plugins: { dir: '', exists: false, entries: [], resurrectScripts: [], continuumScripts: [] },
    saveDirs: [],
    dotfiles: [],
    noAutoRestore: false,
    processes: [],
    scripts: [],
    launchAgents: [],
    savedDirs: [],
    continuumLocks: [],
  };
}

/** Parses the probe's output into Facts. Never throws. */
export function parseProbeOutput(out: Buffer | string): Facts {
  const facts = emptyFacts();
  const warn = (w: string): void => {
    facts.probe.warnings.push(w);
  };
  try {
    build(out, facts, warn);
  } catch (err) {
    // build() is written not to throw; this is the last line of defence
    warn(`could not fully parse the probe output: ${err instanceof Error ? err.message : String(err)}`);
  }
  return facts;
}

function build(out: Buffer | string, facts: Facts, warn: (w: string) => void): void {
  const { records, ended, warnings } = splitRecords(out);
  warnings.forEach(warn);
  if (records.size === 0) {
    warn('the probe printed no records (not a cal-doctor probe output)');
    return;
  }
  if (records.has('nobase64')) {
    warn('the target has no base64 command: the probe could not report anything');
    return;
  }
  if (!ended) warn('probe output was cut off (no @@end record): facts are incomplete');

  const meta = decodeKv(records.get('meta'));
  if (!records.has('meta')) warn('probe output has no meta record: host, login and tmux binary facts are missing');
  buildMeta(meta, facts, warn);
  const timeout = toInt(meta.get('probe.timeout')) ?? 0;
  facts.probe.tmuxTimeoutSec = timeout;

  buildServer(records, facts, warn, timeout);
  buildSockets(records, facts, warn, timeout);
  buildFiles(records, facts, warn);
  buildPlugins(records, facts, warn);
  buildCfgTree(records, facts, warn);
  buildSaves(records, facts, warn);
  buildSavedDirs(records, facts, warn);
  facts.scripts = buildMentions(records, 'scripts', 'scripts', warn);
  buildJobs(records, facts, warn, timeout);

  if (records.has('ps')) {
    const ps = decodeKv(records.get('ps'));
    facts.processes = parseProcesses(ps.get('out'));
    if (ps.get('trunc') === '1') warn('process list was cut at the probe cap');
  } else {
    warn('probe output has no ps record: process list missing');
  }
  buildServerSockets(records, facts, timeout);
}

function buildMeta(meta: Map<string, string>, facts: Facts, warn: (w: string) => void): void {
  facts.probe.version = meta.get('probe.version') ?? '';
  if (facts.probe.version && facts.probe.version !== PROBE_VERSION) {
    warn(`probe script version ${facts.probe.version} differs from the parser's ${PROBE_VERSION}`);
  }
  const h = facts.host;
  h.user = meta.get('host.user') ?? '';
  h.uid = toInt(meta.get('host.uid')) ?? -1;
  h.home = meta.get('host.home') ?? '';
  h.shell = meta.get('host.shell') ?? '';
  h.hostname = meta.get('host.hostname') ?? '';
  h.os = meta.get('host.os') ?? '';
  h.osVersion = meta.get('host.osversion') ?? '';
  h.now = toInt(meta.get('host.now')) ?? 0;
  h.tzOffset = meta.get('host.tz') ?? '';
  if (meta.size > 0) {
    if (h.uid < 0) warn('could not tell the target user id');
    if (h.home === '') warn('HOME is not set on the target');
  }

  facts.env.path = meta.get('env.path') ?? '';
  const opt: Array<[keyof Facts['env'], string]> = [
    ['tmux', 'env.tmux'],
    ['tmuxPane', 'env.tmux_pane'],
    ['tmuxTmpdir', 'env.tmux_tmpdir'],
    ['xdgDataHome', 'env.xdg_data_home'],
    ['xdgConfigHome', 'env.xdg_config_home'],
  ];
  for (const [field, key] of opt) {
    const v = meta.get(key);
    if (v !== undefined) facts.env[field] = v;
  }
  const execTmux = meta.get('exec.tmux');
  if (execTmux) facts.execTmux = execTmux;

  const login = facts.login;
  const shell = meta.get('login.shell') ?? '';
  if (meta.get('login.ran') === '1') {
    const rc = toInt(meta.get('login.rc'));
    login.timedOut = meta.get('login.timedout') === '1' || rc === KILLED;
    if (meta.get('login.markers') === '1') {
      login.ok = true;
      login.path = meta.get('login.path') ?? '';
      const lt = meta.get('login.tmux') ?? '';
      if (lt !== '') login.tmux = lt;
    }
    if (login.timedOut) {
      login.ok = false;
      const t = toInt(meta.get('probe.logintimeout')) ?? toInt(meta.get('probe.timeout'));
      login.error = `\`${shell} -l\` did not finish within ${t ?? '?'}s (a login file that hangs?)`;
      warn(`login shell timed out: ${login.error}`);
    } else if (!login.ok) {
      const msg = firstLine(meta.get('login.out'));
      login.error = msg !== '' ? msg : `\`${shell} -l -c\` exited with status ${rc ?? '?'} and printed nothing useful`;
      warn(`login shell check failed: ${login.error}`);
    }
  } else if (meta.size > 0) {
    login.error = shell === '' ? 'SHELL is not set' : `SHELL ${shell} is not an executable file`;
    warn(`login shell not run: ${login.error}`);
  }

  const bins: TmuxBinary[] = [];
  for (let i = 0; meta.has(`bin.${i}.path`); i++) {
    const rc = toInt(meta.get(`bin.${i}.rc`));
    const outText = meta.get(`bin.${i}.out`) ?? '';
    const foundBy = (meta.get(`bin.${i}.foundby`) ?? '')
      .split(/\s+/)
      .filter((f): f is TmuxBinary['foundBy'][number] => f === 'exec' || f === 'login' || f === 'known-location');
    const path = meta.get(`bin.${i}.path`)!;
    const version = rc === 0 ? firstLine(outText) || null : null;
    if (rc === KILLED || meta.get(`bin.${i}.timedout`) === '1') warn(`\`${path} -V\` timed out`);
    else if (rc !== 0) warn(`\`${path} -V\` failed: ${firstLine(outText) || `exit ${rc ?? '?'}`}`);
    bins.push({ path, version, foundBy });
  }
  facts.tmuxBinaries = bins;
  facts.noAutoRestore = meta.get('misc.noautorestore') === '1';
}

function buildServer(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void, timeout: number): void {
  if (!records.has('server')) {
    warn('probe output has no server record: default tmux server not examined');
    return;
  }
  const kv = decodeKv(records.get('server'));
  const socket = kv.get('server.socket') ?? '';
  const server: ServerFact = {
    socket,
    answers: false,
    timedOut: false,
    version: null,
    pid: null,
    startTime: null,
    sessions: [],
    clients: [],
    globalEnv: {},
    options: {},
    serverOptions: {},
    hooks: [],
    keyBindings: [],
  };
  facts.server = server;
  if (kv.get('server.called') !== '1') {
    if (kv.get('server.exists') !== '1') server.error = `no server running on ${socket} (no socket)`;
    else server.error = 'no tmux binary found to ask the server';
    return;
  }
  const rc = toInt(kv.get('srv.display.rc'));
  const display = kv.get('srv.display.out') ?? '';
  if (rc === KILLED || kv.get('srv.display.timedout') === '1') {
    server.timedOut = true;
    server.error = `the server on ${socket} did not answer within ${timeout}s (hung or stopped?)`;
    warn(server.error);
    return;
  }
  if (rc !== 0) {
    server.error = firstLine(display) || `tmux exited with status ${rc ?? '?'}`;
    return;
  }
  server.answers = true;
  const parts = outputLines(display)[0]?.split(US) ?? [];
  server.version = parts[0] ? parts[0] : null;
  server.pid = toInt(parts[1]);
  server.startTime = toInt(parts[2]);

  const call = (name: string, what: string): string | undefined => {
    if (kv.get(`srv.${name}.skipped`) === '1') {
      warn(`\`tmux ${what}\` skipped: the server stopped answering`);
      return undefined;
    }
    const crc = toInt(kv.get(`srv.${name}.rc`));
    const o = kv.get(`srv.${name}.out`);
    if (crc === KILLED || kv.get(`srv.${name}.timedout`) === '1') {
      server.timedOut = true;
      warn(`\`tmux ${what}\` timed out after ${timeout}s`);
      return undefined;
    }
    if (crc === null) {
      warn(`no result for \`tmux ${what}\``);
      return undefined;
    }
    if (crc !== 0) {
      warn(`\`tmux ${what}\` failed: ${firstLine(o) || `exit ${crc}`}`);
      return undefined;
    }
    if (kv.get(`srv.${name}.trunc`) === '1') warn(`output of \`tmux ${what}\` was cut at the probe cap`);
    return o ?? '';
  };
  call('rdir', 'show-options -gqv @resurrect-dir');
  server.sessions = parseSessions(call('sessions', 'list-sessions'));
  server.clients = parseClients(call('clients', 'list-clients'));
  server.globalEnv = parseShowEnvironment(call('env', 'show-environment -g'));
  server.options = parseShowOptions(call('opts', 'show-options -g'));
  server.serverOptions = parseShowOptions(call('sopts', 'show-options -s'));
  // 3.x lists every hook name; only lines with a command are hooks that are set
  server.hooks = outputLines(call('hooks', 'show-hooks -g')).filter((l) => /\S\s+\S/.test(l));
  server.keyBindings = filterKeyBindings(call('keys', 'list-keys -T prefix'));
}

function buildSockets(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void, timeout: number): void {
  if (!records.has('sockets')) {
    warn('probe output has no sockets record: socket dirs not examined');
    return;
  }
  const kv = decodeKv(records.get('sockets'));
  for (let i = 0; kv.has(`sockdir.${i}.path`); i++) facts.socketDirs.push(kv.get(`sockdir.${i}.path`)!);
  const sockets: SocketFact[] = [];
  for (let i = 0; kv.has(`sock.${i}.path`); i++) {
    const path = kv.get(`sock.${i}.path`)!;
    const s: SocketFact = { path, answers: false, timedOut: false };
    if (kv.get(`sock.${i}.default`) === '1') {
      const srv = facts.server;
      if (srv) {
        s.answers = srv.answers;
        // a later call timing out does not mean the first one did
        s.timedOut = !srv.answers && srv.timedOut;
        if (srv.error !== undefined) s.error = srv.error;
      }
    } else if (kv.get(`sock.${i}.skipped`) === '1') {
      s.error = 'not asked (no tmux binary, or too many sockets)';
    } else {
      const rc = toInt(kv.get(`sock.${i}.rc`));
      const o = kv.get(`sock.${i}.out`);
      if (rc === 0) s.answers = true;
      else if (rc === KILLED || kv.get(`sock.${i}.timedout`) === '1') {
        s.timedOut = true;
        s.error = `no answer within ${timeout}s (hung or stopped?)`;
        warn(`the tmux server on ${path} did not answer within ${timeout}s`);
      } else s.error = firstLine(o) || `tmux exited with status ${rc ?? '?'}`;
    }
    sockets.push(s);
  }
  facts.sockets = sockets;
}

function textFile(
  path: string,
  exists: boolean,
  raw: Buffer | undefined,
  cap: number,
  size: number | undefined,
): TextFile {
  if (!raw) return { path, exists, content: '', size: size ?? 0, truncated: false };
  const truncated = cap > 0 && raw.length > cap;
  const bytes = truncated ? raw.subarray(0, cap) : raw;
  return {
    path,
    exists,
    content: bytes.toString('utf8'),
    // untruncated, the bytes read are the file; cut, ls's size is the better figure
    size: truncated ? Math.max(size ?? 0, raw.length) : raw.length,
    truncated,
  };
}

/** A file of a head record: its path and the bytes head prints of it (cap + 1 at most) when its size is known. */
function headPart(path: string, size: number | undefined, cap: number): HeadPart {
  return { path, size: size === undefined || cap <= 0 ? size : Math.min(size, cap + 1) };
}

function buildFiles(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('files')) {
    warn('probe output has no files record: config files and dotfiles not read');
    return;
  }
  const kv = decodeKv(records.get('files'));
  const cap = toInt(kv.get('cap')) ?? 0;
  const sizes = new Map<string, number>();
  for (const e of parseLsListing(kv.get('ls'), { keepDots: true })) sizes.set(e.name, e.size);
  // the regular, readable files came on one head, in their order
  const read: number[] = [];
  for (let i = 0; kv.has(`file.${i}.path`); i++)
    if (['exists', 'regular', 'readable'].every((f) => kv.get(`file.${i}.${f}`) === '1')) read.push(i);
  const bodies = splitHeads(
    records.get('files.data') ?? Buffer.alloc(0),
    read.map((i) => headPart(kv.get(`file.${i}.path`)!, sizes.get(kv.get(`file.${i}.path`)!), cap)),
  );
  for (let i = 0; kv.has(`file.${i}.path`); i++) {
    const path = kv.get(`file.${i}.path`)!;
    const exists = kv.get(`file.${i}.exists`) === '1';
    const regular = kv.get(`file.${i}.regular`) === '1';
    const readable = kv.get(`file.${i}.readable`) === '1';
    const at = read.indexOf(i);
    const raw = at === -1 ? undefined : bodies[at];
    if (exists && !regular) warn(`${path} exists but is not a regular file`);
    else if (exists && !readable) warn(`${path} exists but cannot be read`);
    else if (exists && !raw) warn(`the content of ${path} is missing from the probe output`);
    const tf = textFile(path, exists, exists && regular ? raw : undefined, cap, sizes.get(path));
    if (tf.truncated) warn(`${path} is ${tf.size} bytes; only the first ${cap} were read`);
    if (kv.get(`file.${i}.kind`) === 'cfg') facts.configs.push(tf);
    else facts.dotfiles.push(tf);
  }
}

const REV = /^[0-9a-f]{7,64}$/i;

function buildPlugins(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('plugins')) {
    warn('probe output has no plugins record: plugins not examined');
    return;
  }
  facts.plugins = pluginsFrom(decodeKv(records.get('plugins')));
}

function pluginsFrom(kv: Map<string, string>): PluginsFact {
  const revs = new Map<string, string>();
  for (let i = 0; kv.has(`plugin.${i}.name`); i++) {
    const rev = (kv.get(`plugin.${i}.rev`) ?? '').trim();
    if (REV.test(rev)) revs.set(kv.get(`plugin.${i}.name`)!, rev);
  }
  const entries: PluginEntry[] = parseLsListing(kv.get('ls')).map((e) => {
    const rev = revs.get(e.name);
    return rev !== undefined ? { ...e, revision: rev } : e;
  });
  const plugins: PluginsFact = {
    dir: kv.get('dir') ?? '',
    exists: kv.get('exists') === '1',
    entries,
    resurrectScripts: parseLsListing(kv.get('resurrect.ls')),
    continuumScripts: parseLsListing(kv.get('continuum.ls')),
  };
  const tpm = parseLsEntry(kv.get('tpm.ls'));
  if (tpm) plugins.tpmScript = { ...tpm, name: 'tpm' };
  return plugins;
}

/** @@cfgtree: sourced files, formats the server expanded, its parse of the files, and @@pdir.N plugin dirs. */
function buildCfgTree(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('cfgtree')) return;
  const kv = decodeKv(records.get('cfgtree'));
  const tree: ConfigTreeFact = { files: [], globs: {}, formats: {}, pluginDirs: [] };
  const cap = toInt(kv.get('cap')) ?? 0;
  for (let i = 0; kv.has(`f.${i}.path`); i++) {
    const path = kv.get(`f.${i}.path`)!;
    const exists = kv.get(`f.${i}.exists`) === '1';
    const raw = Buffer.from(kv.get(`f.${i}.content`) ?? '', 'utf8');
    const truncated = cap > 0 && raw.length > cap;
    if (truncated) warn(`${path} (sourced by the config) is over ${cap} bytes; only the start was read`);
    const content = (truncated ? raw.subarray(0, cap) : raw).toString('utf8');
    tree.files.push({ path, exists, content, size: raw.length, truncated });
  }
  for (let i = 0; kv.has(`fmt.${i}.in`) || kv.has(`glob.${i}.pattern`); i++) {
    if (kv.has(`fmt.${i}.in`)) tree.formats[kv.get(`fmt.${i}.in`)!] = kv.get(`fmt.${i}.out`) ?? '';
    if (kv.has(`glob.${i}.pattern`))
      tree.globs[kv.get(`glob.${i}.pattern`)!] = (kv.get(`glob.${i}.match`) ?? '').split('\n').filter(Boolean);
  }
  const rc = toInt(kv.get('parse.rc'));
  const out = kv.get('parse.out') ?? '';
  if (rc !== null && rc !== 137 && !/unknown flag -n|usage: source/.test(out))
    tree.parseErrors = outputLines(out).filter((l) => /^.+:\d+: /.test(l));
  const skipped = (kv.get('parse.skipped') ?? '').split('\n').filter(Boolean);
  if (skipped.length) warn(`not parsed by tmux (a %if there could run a command while parsing): ${skipped.join(', ')}`);
  for (let i = 0; records.has(`pdir.${i}`); i++) tree.pluginDirs.push(pluginsFrom(decodeKv(records.get(`pdir.${i}`))));
  facts.configTree = tree;
}

function buildSaves(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('saves')) {
    warn('probe output has no saves record: resurrect save dirs may be incomplete');
  }
  for (let i = 0; records.has(`save.${i}`); i++) {
    const kv = decodeKv(records.get(`save.${i}`));
    const role = kv.get('role');
    if (role !== 'option' && role !== 'home' && role !== 'xdg') continue;
    const path = kv.get('path') ?? '';
    const dir: SaveDirFact = {
      role,
      path,
      exists: kv.get('exists') === '1',
      writable: kv.get('writable') === '1',
      files: [],
      listingTruncated: false,
      recent: [],
    };
    const self = parseLsEntry(kv.get('self'));
    if (self) dir.self = self;
    if (kv.get('notdir') === '1') warn(`resurrect dir ${path} exists but is not a directory`);
    if (dir.exists) {
      const lscap = toInt(kv.get('lscap')) ?? 0;
      const rkv = decodeKv(records.get(`save.${i}.recent`));
      const rcap = toInt(rkv.get('cap')) ?? 0;
      const recentNames: string[] = [];
      for (let j = 0; rkv.has(String(j)); j++) recentNames.push(rkv.get(String(j))!);
      // one head record: `last`, the archive, the newest saves (each when read), then the
      // listing, whose sizes check where the files before it end: split once without them,
      // then with them
      const data = records.get(`save.${i}.data`);
      if (!data) warn(`the listing of ${path} is missing from the probe output`);
      const lastRead = kv.get('last.regular') === '1' && kv.get('last.readable') === '1';
      const archiveRead = kv.get('archive.regular') === '1' && kv.get('archive.readable') === '1';
      // the size of the file `last` reads: ls -L's (a target elsewhere), `last`'s own (a
      // file), else its target's line in the listing
      const lastTarget = kv.get('last.islink') === '1' ? (kv.get('last.target') ?? '') : undefined;
      const lastSize = (sizes: Map<string, number>): number | undefined =>
        parseLsEntry(kv.get('last.lsL'))?.size ??
        (lastTarget === undefined ? parseLsEntry(kv.get('last.ls'))?.size : sizes.get(lastTarget));
      const split = (sizes: Map<string, number>): Array<Buffer | undefined> =>
        splitHeads(data ?? Buffer.alloc(0), [
          ...(lastRead ? [headPart('./last', lastSize(sizes), toInt(kv.get('last.cap')) ?? 0)] : []),
          ...(archiveRead ? [headPart(`./${ARCHIVE}`, sizes.get(ARCHIVE), toInt(kv.get('archive.cap')) ?? 0)] : []),
          ...recentNames.map((n) => headPart(`./${n}`, sizes.get(n), rcap)),
          { path: '.' },
        ]);
      // entries come as `./NAME` (a name cannot hold a `/`), bare when the dir could not be entered
      const listingOf = (parts: Array<Buffer | undefined>): FileEntry[] =>
        parseLsListing(parts.at(-1)?.toString('utf8')).map((e) =>
          e.name.startsWith('./') ? { ...e, name: e.name.slice(2) } : e,
        );
      let parts = split(new Map());
      parts = split(new Map(listingOf(parts).map((f) => [f.name, f.size] as const)));
      if (data && !parts.at(-1)) warn(`the listing of ${path} is missing from the probe output`);
      let files = listingOf(parts);
      const bodies = parts.slice(0, -1);
      const lastRaw = lastRead ? bodies.shift() : undefined;
      const archiveRaw = archiveRead ? bodies.shift() : undefined;
      if (lscap > 0 && files.length > lscap) {
        files = files.slice(0, lscap);
        dir.listingTruncated = true;
        warn(`${path} has more than ${lscap} entries; the listing was cut`);
      }
      dir.files = files;
      // the newest saves are listed, older ones only counted
      const listing = decodeKv(records.get(`save.${i}.listing`));
      const total = toInt(listing.get('total'));
      const listed = toInt(listing.get('listed'));
      if (total !== null && listed !== null) dir.savesNotListed = Math.max(0, total - listed);
      const bySize = new Map(files.map((f) => [f.name, f.size] as const));

      if (kv.get('last.exists') === '1') {
        const target = kv.get('last.islink') === '1' ? (kv.get('last.target') ?? '') : undefined;
        const entry = parseLsEntry(kv.get('last.ls'), target) ?? {
          name: 'last',
          mode: '',
          uid: -1,
          size: 0,
          type: target !== undefined ? 'link' : 'other',
        };
        entry.name = 'last';
        if (target !== undefined) entry.linkTarget = target;
        const last: NonNullable<SaveDirFact['last']> = { entry, resolves: kv.get('last.resolves') === '1' };
        if (target !== undefined) last.target = target;
        if (kv.get('last.regular') === '1') {
          const cap = toInt(kv.get('last.cap')) ?? 0;
          const realSize = lastSize(bySize);
          const raw = lastRaw;
          const name = target !== undefined ? target.split('/').pop() || target : 'last';
          if (kv.get('last.readable') !== '1') warn(`${path}/last cannot be read`);
          else if (!raw) warn(`the content of ${path}/last is missing from the probe output`);
          if (raw) {
            const tf = textFile(name, true, raw, cap, realSize);
            last.file = { name, size: tf.size, content: tf.content, truncated: tf.truncated };
            if (tf.truncated) warn(`${path}/last is ${tf.size} bytes; only the first ${cap} were read`);
          }
        }
        dir.last = last;
      }

      if (kv.get('archive.exists') === '1') {
        const archive = buildArchive(kv, archiveRaw, files, path, warn);
        if (archive) dir.paneArchive = archive;
      }

      const recent: SaveFileContent[] = [];
      for (const [j, name] of recentNames.entries()) {
        const raw = bodies[j];
        if (!raw) {
          warn(`could not read save file ${path}/${name}`);
          recent.push({ name, size: bySize.get(name) ?? 0, content: '', truncated: false });
          continue;
        }
        const tf = textFile(name, true, raw, rcap, bySize.get(name));
        recent.push({ name, size: tf.size, content: tf.content, truncated: tf.truncated });
      }
      recent.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      dir.recent = recent;
    }
    facts.saveDirs.push(dir);
  }
}

const ARCHIVE = 'pane_contents.tar.gz';

/**
 * `pane_contents.tar.gz` of a save dir: its entry (from the dir's listing) and its bytes,
 * cut at the probe's cap. Not a regular file: the entry with no bytes. A file whose bytes
 * did not arrive (unreadable, output lost): undefined, with a warning; the listing still
 * shows it, and empty data would read as a corrupt archive.
 */
function buildArchive(
  kv: Map<string, string>,
  raw: Buffer | undefined,
  files: FileEntry[],
  dir: string,
  warn: (w: string) => void,
): SaveDirFact['paneArchive'] {
  const where = `${dir}/${ARCHIVE}`;
  const regular = kv.get('archive.regular') === '1';
  // the listing is cut after CAL_CAP_LSLINES entries (newest first): it may lack the entry
  const listed = files.find((f) => f.name === ARCHIVE);
  const entry: FileEntry = listed
    ? { ...listed }
    : { name: ARCHIVE, mode: '', uid: -1, size: raw?.length ?? 0, type: regular ? 'file' : 'other' };
  if (!regular) {
    warn(`${where} exists but is not a regular file`);
    return { entry, data: Buffer.alloc(0), truncated: false };
  }
  if (kv.get('archive.readable') !== '1') {
    warn(`${where} cannot be read`);
    return undefined;
  }
  if (!raw) {
    warn(`the content of ${where} is missing from the probe output`);
    return undefined;
  }
  const cap = toInt(kv.get('archive.cap')) ?? 0;
  const truncated = cap > 0 && raw.length > cap;
  if (truncated) warn(`${where} is ${Math.max(entry.size, raw.length)} bytes; only the first ${cap} were read`);
  return { entry, data: truncated ? raw.subarray(0, cap) : raw, truncated };
}

/** `last`'s pane dirs, checked on the target (@@saved). */
function buildSavedDirs(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (!records.has('saved')) {
    warn('probe output has no saved record: the pane dirs of `last` were not checked');
    return;
  }
  const kv = decodeKv(records.get('saved'));
  const dirs: Facts['savedDirs'] = [];
  for (let i = 0; kv.has(`dir.${i}`); i++) {
    dirs.push({
      dir: kv.get(`dir.${i}`)!,
      exists: kv.get(`dir.${i}.exists`) === '1',
      sessionVim: kv.get(`dir.${i}.vim`) === '1',
    });
  }
  if (kv.get('more') === '1') {
    warn(
      `\`last\` in ${kv.get('dir') ?? '?'} names more than ${dirs.length} pane dirs; only the first ${dirs.length} were checked`,
    );
  }
  facts.savedDirs = dirs;
}

/**
 * A @@scripts/@@agents record: the files that mention tmux, read on one head (record
 * `<key>.data`, each capped), sizes from the record's `ls -lnLd`.
 */
function buildMentions(
  records: Map<string, Buffer>,
  key: 'scripts' | 'agents',
  what: string,
  warn: (w: string) => void,
): TextFile[] {
  if (!records.has(key)) {
    warn(`probe output has no ${key} record: ${what} that mention tmux were not looked for`);
    return [];
  }
  const kv = decodeKv(records.get(key));
  const cap = toInt(kv.get('cap')) ?? 0;
  const sizes = new Map<string, number>();
  for (const e of parseLsListing(kv.get('ls'), { keepDots: true })) sizes.set(e.name, e.size);
  const paths: string[] = [];
  for (let i = 0; kv.has(String(i)); i++) paths.push(kv.get(String(i))!);
  const bodies = splitHeads(
    records.get(`${key}.data`) ?? Buffer.alloc(0),
    paths.map((p) => headPart(p, sizes.get(p), cap)),
  );
  const out: TextFile[] = [];
  for (const [i, path] of paths.entries()) {
    const raw = bodies[i];
    if (!raw) warn(`the content of ${path} is missing from the probe output`);
    const tf = textFile(path, true, raw, cap, sizes.get(path));
    if (tf.truncated) warn(`${path} is ${tf.size} bytes; only the first ${cap} were read`);
    out.push(tf);
  }
  const matched = toInt(kv.get('matched')) ?? out.length;
  if (matched > out.length) {
    warn(`${matched} ${what} mention tmux; only the first ${out.length} were read`);
  }
  return out;
}

/** @@jobs: crontab, launchd (LaunchAgents come in @@agents), continuum's lock dirs. */
function buildJobs(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void, timeout: number): void {
  if (!records.has('jobs')) {
    warn("probe output has no jobs record: crontab, launchd jobs and continuum's lock dirs were not looked at");
    return;
  }
  const kv = decodeKv(records.get('jobs'));
  /** output of a bounded call `what` whose items are `name.*`; undefined when it did not answer */
  const bounded = (name: string, what: string, normalFailure?: RegExp): string | undefined => {
    if (kv.get(`${name}.ran`) !== '1') return undefined;
    const rc = toInt(kv.get(`${name}.rc`));
    const o = kv.get(`${name}.out`) ?? '';
    if (rc === KILLED || kv.get(`${name}.timedout`) === '1') {
      warn(`\`${what}\` did not finish within ${timeout}s`);
      return undefined;
    }
    if (rc !== 0) {
      if (!normalFailure?.test(o)) warn(`\`${what}\` failed: ${allLines(o) || `exit ${rc ?? '?'}`}`);
      return undefined;
    }
    if (kv.get(`${name}.trunc`) === '1') warn(`the output of \`${what}\` was cut at the probe cap`);
    return o;
  };
  // `crontab: no crontab for admin` (exit 1) is the usual, healthy answer
  const cron = bounded('cron', 'crontab -l', /no crontab/i);
  if (cron !== undefined) facts.crontab = cron;
  if (kv.get('launchd') === '1') {
    facts.launchAgents = buildMentions(records, 'agents', 'LaunchAgents', warn);
    if (kv.get('launchctl.ran') !== '1') warn('launchctl not found: launchd jobs were not listed');
    const lines = bounded('launchctl', `launchctl print gui/${facts.host.uid}`);
    if (lines !== undefined) facts.launchctl = outputLines(lines);
    else if (kv.get('launchctl.ran') === '1' && toInt(kv.get('launchctl.rc')) !== KILLED)
      facts.launchctlFailure = allLines(kv.get('launchctl.out')) || `exit ${kv.get('launchctl.rc') ?? '?'}`;
  }
  buildLocks(kv, facts, warn);
}

/** continuum names a lock `…-lock-<epoch/100>`; it expires 100 to 200 s after that. */
const LOCK_GENERATION = /-lock-(\d+)$/;
const LOCK_LIFETIME_SEC = 200;

function buildLocks(kv: Map<string, string>, facts: Facts, warn: (w: string) => void): void {
  const now = facts.host.now;
  for (let i = 0; kv.has(`lock.${i}`); i++) {
    const path = kv.get(`lock.${i}`)!;
    const gen = toInt(LOCK_GENERATION.exec(path)?.[1]);
    const stale = gen !== null && now > 0 && now - gen * 100 > LOCK_LIFETIME_SEC;
    facts.continuumLocks.push({ path, stale });
  }
  if (kv.get('lock.more') === '1')
    warn(
      `more than ${facts.continuumLocks.length} continuum lock dirs; only the first ${facts.continuumLocks.length} are listed`,
    );
}
