// One doctor run: resolve the target, gather facts in one probe pass, run the checks.
import type { CheckContext } from './engine/check.js';
import { loadChecks, selectChecks } from './engine/discover.js';
import { summarize, type Report } from './engine/report.js';
import { runChecks, type CheckOutcome } from './engine/run.js';
import { gatherFacts } from './probe/gather.js';
import type { TartFact } from './probe/facts.js';
import type { HostKeyPolicy } from './target/known-hosts.js';
import { LocalTarget } from './target/local.js';
import { SshTarget } from './target/ssh.js';
import { locateVm } from './target/tart.js';
import { TargetError, type Target } from './target/target.js';
import { VERSION } from './version.js';

export type TargetSpec = { kind: 'local' } | { kind: 'ssh'; host: string } | { kind: 'vm'; name: string };

/** Progress for live displays; the plain report needs none of it. */
export type DoctorEvent =
  | { type: 'phase'; phase: 'connecting' | 'probing' | 'checking'; label: string }
  | { type: 'checks'; checks: Array<Pick<CheckOutcome, 'id' | 'category' | 'title'>> }
  | { type: 'result'; outcome: CheckOutcome };

export interface DoctorOptions {
  target: TargetSpec;
  user?: string;
  port?: number;
  identity?: string;
  password?: string;
  hostKeyPolicy?: HostKeyPolicy;
  knownHostsFile?: string;
  sshConfigFile?: string;
  only?: string[];
  skip?: string[];
  checksDirs?: string[];
  /** bound for each tmux call on the target, seconds */
  tmuxTimeoutSec?: number;
  /** bound for the whole probe, ms */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** run the active checks (they get the live target) */
  active?: boolean;
  onEvent?: (e: DoctorEvent) => void;
}

export async function connect(opts: DoctorOptions): Promise<{ target: Target; tart?: TartFact }> {
  const t = opts.target;
  if (t.kind === 'local') return { target: new LocalTarget() };
  const ssh = {
    user: opts.user,
    port: opts.port,
    identity: opts.identity,
    password: opts.password,
    hostKeyPolicy: opts.hostKeyPolicy ?? 'strict',
    knownHostsFile: opts.knownHostsFile,
    sshConfigFile: opts.sshConfigFile,
    connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
  };
  if (t.kind === 'ssh') return { target: await SshTarget.connect({ ...ssh, host: t.host }) };
  const tart = await locateVm(t.name);
  const target = await SshTarget.connect({ ...ssh, host: tart.ip, kind: 'vm', labelPrefix: `vm ${t.name}`, defaultUser: 'admin' });
  return { target, tart };
}

function labelOf(spec: TargetSpec): string {
  return spec.kind === 'local' ? 'local' : spec.kind === 'ssh' ? spec.host : `vm ${spec.name}`;
}

export async function runDoctor(opts: DoctorOptions): Promise<Report> {
  const started = Date.now();
  const report: Report = {
    tool: 'cal-doctor',
    version: VERSION,
    target: { kind: opts.target.kind, label: labelOf(opts.target) },
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    summary: summarize([]),
    checks: [],
  };
  // Loading checks overlaps with connecting: neither needs the other.
  const loading = loadChecks(opts.checksDirs ?? []);
  const emit = opts.onEvent ?? (() => {});
  let target: Target | undefined;
  try {
    emit({ type: 'phase', phase: 'connecting', label: report.target.label });
    const selecting = loading.then(({ checks, problems }) => {
      if (problems.length) report.loadProblems = problems;
      const { selected, unknown } = selectChecks(checks, opts.only ?? [], opts.skip ?? []);
      if (unknown.length) throw new TargetError(`unknown check id or category: ${unknown.join(', ')}`, 'see `cal-doctor list`');
      emit({ type: 'checks', checks: selected.map(({ id, category, title }) => ({ id, category, title })) });
      return selected;
    });
    const [selected, conn] = await Promise.all([selecting, connect(opts)]);
    target = conn.target;
    emit({ type: 'phase', phase: 'probing', label: target.label });
    const facts = await gatherFacts(target, { tmuxTimeoutSec: opts.tmuxTimeoutSec ?? 2, timeoutMs: opts.timeoutMs ?? 30_000 });
    report.target = { kind: target.kind, label: target.label, os: `${facts.host.os} ${facts.host.osVersion}`.trim(), user: facts.host.user, hostname: facts.host.hostname };
    if (facts.probe.warnings.length) report.probeWarnings = facts.probe.warnings;
    const ctx: CheckContext = { facts, tart: conn.tart, targetKind: target.kind, target: opts.active ? target : undefined };
    emit({ type: 'phase', phase: 'checking', label: target.label });
    report.checks = await runChecks(selected, ctx, 5000, (outcome) => emit({ type: 'result', outcome }));
    report.summary = summarize(report.checks);
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    report.error = { message: e.message, hint: e.hint };
    await loading.catch(() => undefined);
  } finally {
    await target?.close();
    report.durationMs = Date.now() - started;
  }
  return report;
}
