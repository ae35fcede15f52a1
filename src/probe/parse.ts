// Turns the probe's output (probe.sh) into Facts. Total: any input, however cut off or
// garbled, gives a Facts with safe defaults and a line in probe.warnings per problem.
// This file keeps the order of the sections; each is read by a module of src/probe/parse/.
//
// Records as every target-side script writes them: src/remote/records.ts.

import { decodeKv, splitRecords } from '../remote/records.js';
import type { Facts } from './facts.js';
import { buildCfgTree } from './parse/config.js';
import { buildFiles, buildPlugins } from './parse/files.js';
import { buildJobs, buildMentions, buildProcesses } from './parse/jobs.js';
import { buildMeta } from './parse/meta.js';
import { buildSavedDirs, buildSaves } from './parse/saves.js';
import { buildServer, buildServerSockets, buildSockets } from './parse/server.js';
import { toInt } from './parse/values.js';

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
  buildProcesses(records, facts, warn);
  buildServerSockets(records, facts, timeout);
}
