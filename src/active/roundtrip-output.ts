// Reads what the round-trip script printed into one record per environment and step (the
// verdict is roundtrip-verdict.ts). Total: any output, however cut off, is read.
//
// Records (src/remote/roundtrip-runner.sh and roundtrip-env.sh): `<env>.step.<n>` (kv: name, status ok|warn|fail, ms, and
// the step's own items), `<env>.savefile` (raw: the bytes of the save's `last`),
// `<env>.cleanup` (kv), `rt` (kv: the runner: tmp, clock, budget, shell, <env>.ran,
// <env>.rc, <env>.log, reaped, removed, ms, or error), `nobase64`, `end`.

import { decodeKv, splitRecords } from '../remote/records.js';
import { ENV_LABELS, type EnvLabel } from './roundtrip.js';

/** `<env>.savefile` is read up to this many bytes (plus one, to tell it was longer). */
export const SAVEFILE_CAP = 1048576;
export const US = '\x1f';

export interface StepRecord {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  ms: number | null;
  items: Record<string, string>;
}

export interface EnvRun {
  label: EnvLabel;
  /** the runner started it (login: only with an executable $SHELL) */
  ran: boolean;
  /** the run's exit status as the runner saw it; 137: killed at the budget */
  rc: number | null;
  /** what its shell printed outside the records (login files, errors), capped */
  shellLog: string;
  steps: StepRecord[];
  /** the save's `last`, when the save step found one */
  saveFile?: { bytes: Buffer; truncated: boolean };
  cleanupMs?: number | null;
}

export interface RoundtripOutput {
  /** the closing @@end was seen */
  complete: boolean;
  /** the script could not do its work at all (no base64, mktemp failed) */
  error?: string;
  tmpDir?: string;
  /** how steps were timed: ns (GNU date), perl, sec (whole seconds) */
  clock?: string;
  budgetSec?: number;
  shell?: string;
  totalMs?: number;
  /** servers the runner killed itself because a run was cut off before its own cleanup */
  reaped?: number;
  /** the temp dir is gone */
  removed?: boolean;
  runs: Partial<Record<EnvLabel, EnvRun>>;
  warnings: string[];
}

export function int(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d{1,15}$/.test(v.trim())) return null;
  return Number(v.trim());
}

export function parseRoundtripOutput(stdout: Buffer | string): RoundtripOutput {
  const { records, ended, warnings } = splitRecords(stdout);
  const out: RoundtripOutput = { complete: ended, runs: {}, warnings: [...warnings] };
  if (records.has('nobase64')) {
    out.error = 'the target has no base64 command';
    return out;
  }
  const rt = decodeKv(records.get('rt'));
  if (rt.has('error')) out.error = rt.get('error');
  out.tmpDir = rt.get('tmp');
  out.clock = rt.get('clock');
  const budget = Number(rt.get('budget'));
  if (Number.isFinite(budget) && budget > 0) out.budgetSec = budget;
  out.shell = rt.get('shell');
  out.totalMs = int(rt.get('ms')) ?? undefined;
  out.reaped = int(rt.get('reaped')) ?? undefined;
  if (rt.has('removed')) out.removed = rt.get('removed') === '1';
  for (const label of ENV_LABELS) {
    const steps: StepRecord[] = [];
    for (let n = 0; records.has(`${label}.step.${n}`); n++) {
      const kv = decodeKv(records.get(`${label}.step.${n}`));
      const status = kv.get('status');
      const items: Record<string, string> = {};
      for (const [k, v] of kv) if (k !== 'name' && k !== 'status' && k !== 'ms') items[k] = v;
      steps.push({
        name: kv.get('name') ?? `step ${n}`,
        status: status === 'ok' || status === 'warn' ? status : 'fail',
        ms: int(kv.get('ms')),
        items,
      });
    }
    const ran = rt.get(`${label}.ran`) === '1' || steps.length > 0;
    if (!ran && !rt.has(`${label}.ran`)) continue; // not asked for
    const run: EnvRun = { label, ran, rc: int(rt.get(`${label}.rc`)), shellLog: rt.get(`${label}.log`) ?? '', steps };
    const save = records.get(`${label}.savefile`);
    if (save)
      run.saveFile = {
        bytes: save.length > SAVEFILE_CAP ? save.subarray(0, SAVEFILE_CAP) : save,
        truncated: save.length > SAVEFILE_CAP,
      };
    if (records.has(`${label}.cleanup`)) run.cleanupMs = int(decodeKv(records.get(`${label}.cleanup`)).get('ms'));
    out.runs[label] = run;
  }
  return out;
}
