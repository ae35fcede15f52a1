// @@scripts, @@agents, @@jobs and @@ps: files that mention tmux, crontab, launchd, continuum's locks, processes.

import { decodeKv, splitHeads } from '../../remote/records.js';
import type { Facts, ProcessFact, TextFile } from '../facts.js';
import { headPart, textFile } from './files.js';
import { parseLsListing } from './ls.js';
import { allLines, KILLED, outputLines, toInt } from './values.js';

/**
 * A @@scripts/@@agents record: the files that mention tmux, read on one head (record
 * `<key>.data`, each capped), sizes from the record's `ls -lnLd`.
 */
export function buildMentions(
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
export function buildJobs(
  records: Map<string, Buffer>,
  facts: Facts,
  warn: (w: string) => void,
  timeout: number,
): void {
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

/** @@ps: the process list. */
export function buildProcesses(records: Map<string, Buffer>, facts: Facts, warn: (w: string) => void): void {
  if (records.has('ps')) {
    const ps = decodeKv(records.get('ps'));
    facts.processes = parseProcesses(ps.get('out'));
    if (ps.get('trunc') === '1') warn('process list was cut at the probe cap');
  } else {
    warn('probe output has no ps record: process list missing');
  }
}
