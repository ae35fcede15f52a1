// The evidence a save dir holds of bad saves (state-only, racing, dangling, empty, damaged),
// grouped by what each shows; built once per history.
import type { HistoryEntry, SaveHistory } from '../resurrect/history.js';
import { plural } from '../util.js';

export type EvidenceKind = 'state-only' | 'racing' | 'dangling' | 'empty' | 'damaged';

export interface Evidence {
  kind: EvidenceKind;
  /** one line each, with names and times */
  lines: string[];
  entries: HistoryEntry[];
}

/** collectEvidence's answer per history (historyOf builds one history per facts object). */
const evidenceOf = new WeakMap<SaveHistory, Evidence[]>();

/** The bad saves in the history, grouped by what they show. Built once per history and shared: read-only. */
export function collectEvidence(h: SaveHistory): Evidence[] {
  let ev = evidenceOf.get(h);
  if (!ev) {
    ev = buildEvidence(h);
    evidenceOf.set(h, ev);
  }
  return ev;
}

function buildEvidence(h: SaveHistory): Evidence[] {
  const out: Evidence[] = [];
  const list = (es: HistoryEntry[], what: (e: HistoryEntry) => string) =>
    es.map((e) => `${e.stamp}  ${e.name}: ${what(e)}`);
  const stateOnly = h.entries.filter((e) => e.classification === 'state-only');
  if (stateOnly.length)
    out.push({
      kind: 'state-only',
      entries: stateOnly,
      lines: list(
        stateOnly,
        (e) => `only ${plural(e.parsed?.counts.stateLines ?? 1, '`state` line')}: a save of a server with no sessions`,
      ),
    });
  const racing = h.entries.filter((e) => (e.parsed?.counts.stateLines ?? 0) > 1);
  if (racing.length)
    out.push({
      kind: 'racing',
      entries: racing,
      lines: list(
        racing,
        (e) =>
          `${e.parsed!.counts.stateLines} \`state\` lines in one file: ${e.parsed!.counts.stateLines} saves ran in the same second and appended to it`,
      ),
    });
  if (h.last.state === 'dangling') {
    const when = h.last.time
      ? ` (a save at ${h.last
          .target!.split('/')
          .pop()!
          .replace(/^tmux_resurrect_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.txt$/, '$1-$2-$3 $4:$5:$6')})`
      : '';
    out.push({
      kind: 'dangling',
      entries: [],
      lines: [
        `last → ${h.last.target ?? '?'}, which does not exist${when}: a second save in the same second found its file identical to \`last\` and deleted it`,
      ],
    });
  }
  const empty = h.entries.filter((e) => e.classification === 'empty');
  if (empty.length)
    out.push({
      kind: 'empty',
      entries: empty,
      lines: list(empty, (e) =>
        e.basis === 'size' ? '0 bytes (by size)' : '0 bytes: no tmux command in save.sh answered',
      ),
    });
  const damaged = h.entries.filter((e) => e.classification === 'truncated' || e.classification === 'malformed');
  if (damaged.length)
    out.push({
      kind: 'damaged',
      entries: damaged,
      lines: list(
        damaged,
        (e) =>
          `${e.classification}${e.parsed?.problems[0] ? `: line ${e.parsed.problems[0].line}: ${e.parsed.problems[0].reason}` : ''}`,
      ),
    });
  return out;
}
