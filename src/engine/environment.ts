// The bug-report digest of the facts: versions, plugin revisions, the config lines that
// matter for persistence and the save history. Kept in the report (JSON `environment`)
// so every format, and a report read back later, has it.

import { resolveSaveDir, saveFilesIn } from '../domain/resurrect/savedir.js';
import { parseSave } from '../domain/resurrect/savefile.js';
import { tilde } from '../domain/util.js';
import type { Facts } from '../probe/facts.js';
import type { TartFact } from '../targets/tart.js';
import type { ReportEnvironment } from './report.js';

/** Lines of a tmux config that decide whether sessions are saved and restored. */
const RELEVANT =
  /@plugin|@resurrect|@continuum|tpm|\bsource(-file)?\b|\brun(-shell)?\b|default-(command|shell)|exit-empty|destroy-unattached|set-environment|update-environment|status-right/;
const MAX_CONFIG_LINES = 40;
const MAX_HISTORY = 12;

function configLines(f: Facts): string[] {
  const out: string[] = [];
  for (const file of f.configs ?? []) {
    if (!file.exists) continue;
    file.content.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line && !line.startsWith('#') && RELEVANT.test(line))
        out.push(`${tilde(file.path, f.host.home)}:${i + 1}: ${line}`);
    });
  }
  return out.length > MAX_CONFIG_LINES
    ? [...out.slice(0, MAX_CONFIG_LINES), `… ${out.length - MAX_CONFIG_LINES} more`]
    : out;
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

function saves(f: Facts): ReportEnvironment['saves'] {
  const resolved = resolveSaveDir(f);
  const dir = resolved.dir;
  const lastTarget = dir?.last?.target;
  const lastName = lastTarget?.split('/').pop();
  const contents = new Map<string, string>();
  for (const rc of dir?.recent ?? []) {
    const p = parseSave(rc.content, { truncated: rc.truncated });
    contents.set(
      rc.name,
      p.classification === 'valid'
        ? `${plural(p.counts.sessions, 'session')}, ${plural(p.counts.windows, 'window')}, ${plural(p.counts.panes, 'pane')}`
        : p.classification,
    );
  }
  const files = dir ? saveFilesIn(dir, f.host.tzOffset) : [];
  return {
    dir: resolved.path,
    reason: resolved.reason,
    ...(dir?.last ? { last: lastTarget ?? '' } : {}),
    history: files.slice(-MAX_HISTORY).map((s) => ({
      name: s.name,
      time: s.time.toISOString(),
      size: s.size,
      ...(contents.has(s.name) ? { contents: contents.get(s.name) } : {}),
      last: s.name === lastName,
    })),
  };
}

export function describeEnvironment(f: Facts, tart?: TartFact): ReportEnvironment {
  const server = f.server?.answers ? f.server : null;
  return {
    host: {
      os: f.host.os,
      osVersion: f.host.osVersion,
      hostname: f.host.hostname,
      user: f.host.user,
      home: f.host.home,
      shell: f.host.shell,
    },
    tmux: {
      binaries: (f.tmuxBinaries ?? []).map((b) => ({ path: b.path, version: b.version, foundBy: [...b.foundBy] })),
      serverVersion: server?.version ?? null,
      ...(f.execTmux ? { execPath: f.execTmux } : {}),
      ...(f.login?.tmux ? { loginPath: f.login.tmux } : {}),
    },
    plugins: {
      dir: f.plugins.dir,
      entries: (f.plugins.entries ?? [])
        .filter((e) => e.type === 'dir' || e.type === 'link')
        .map((e) => ({ name: e.name, ...(e.revision ? { revision: e.revision } : {}) })),
    },
    configLines: configLines(f),
    saves: saves(f),
    ...(tart ? { tart: { vm: tart.vm, state: tart.state, ip: tart.ip } } : {}),
  };
}
