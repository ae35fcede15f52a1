// Reports to render in the format tests: every status, hostile evidence, an environment
// digest made from the healthy macOS facts, and a target the doctor could not reach.

import { describeEnvironment } from '../../../src/engine/environment.js';
import { type RepairEntry, type Report, summarize } from '../../../src/engine/report.js';
import type { CheckOutcome } from '../../../src/engine/run.js';
import { healthyFacts } from '../../helpers/facts.js';

export const HOSTILE = 'name with ]]> and <tag> & "quotes" `tick` ```fence``` \x07bell';

function check(
  id: string,
  status: CheckOutcome['status'],
  summary: string,
  details: string[] = [],
  fix: string[] = [],
): CheckOutcome {
  return { id, category: id.split('.')[0]!, title: `title of ${id}`, status, summary, details, fix, durationMs: 3 };
}

export const CHECKS: CheckOutcome[] = [
  check(
    'tmux.path',
    'fail',
    'tmux is not on the PATH of non-login shells',
    ['PATH=/usr/bin:/bin', 'tmux found at /opt/homebrew/bin/tmux (login only)'],
    ['add to ~/.zshenv: eval "$(/opt/homebrew/bin/brew shellenv)"'],
  ),
  check('tmux.version', 'pass', 'tmux 3.5a (>= 1.9)', ['tmux -V: tmux 3.5a']),
  check(
    'tmux.server',
    'warn',
    'no tmux server running',
    ['default socket: /private/tmp/tmux-501/default'],
    ['start one from a login shell'],
  ),
  check('tmux.env', 'info', '$TMUX is unset'),
  check('tart.vm', 'skip', 'only with --vm'),
  check('resurrect.last', 'error', 'the check itself failed: boom', [], ['report this as a cal-doctor bug']),
  check(
    'resurrect.dir',
    'fail',
    `save dir holds a ${HOSTILE}`,
    [`file: ${HOSTILE}`, '/Users/admin/.local/share/tmux/resurrect'],
    ['cd /Users/admin && ls'],
  ),
];

export function report(extra: Partial<Report> = {}): Report {
  const facts = healthyFacts();
  facts.host.hostname = 'cal-dev-mac.local';
  return {
    tool: 'cal-doctor',
    version: '0.1.0',
    target: {
      kind: 'vm',
      label: 'vm cal-dev (admin@192.168.64.3)',
      os: 'Darwin 15.3',
      user: 'admin',
      hostname: 'cal-dev-mac.local',
    },
    startedAt: '2025-06-02T09:30:00.000Z',
    durationMs: 812,
    summary: summarize(CHECKS),
    checks: CHECKS.map((c) => ({ ...c })),
    environment: describeEnvironment(facts, {
      vm: 'cal-dev',
      tartPath: '/opt/homebrew/bin/tart',
      state: 'running',
      ip: '192.168.64.3',
    }),
    ...extra,
  };
}

export function unreachable(label = 'admin@10.9.9.9:2222'): Report {
  return {
    tool: 'cal-doctor',
    version: '0.1.0',
    target: { kind: 'ssh', label },
    startedAt: '2025-06-02T09:30:00.000Z',
    durationMs: 5,
    summary: summarize([]),
    checks: [],
    error: {
      message: `connection refused by ${label}: nothing listens there`,
      hint: 'enable Remote Login (sshd) on the target, or check --port',
    },
  };
}

export const REPAIRS: RepairEntry[] = [
  {
    id: 'relink-last',
    title: 'point `last` at the newest good save',
    automatic: true,
    script: 'cd ~/.local/share/tmux/resurrect\nln -sf tmux_resurrect_20250602T111000.txt last\n',
    undo: 'ln -sf tmux_resurrect_20250602T112500.txt last',
    status: 'planned',
  },
  {
    id: 'login-path',
    title: 'put tmux on the non-login PATH',
    automatic: false,
    advice: ['add eval "$(/opt/homebrew/bin/brew shellenv)" to ~/.zshenv'],
    status: 'planned',
  },
];
