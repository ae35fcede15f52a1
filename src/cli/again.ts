// The command that runs the doctor again the way the user did, for the report's last line:
// the same target, reached the same way, the same checks — without the output flags.
import { shWord } from '../common/quote.js';
import type { TargetSpec } from '../targets/connect.js';
import type { ParsedArgs } from './args.js';
import { selfCommand } from './completion.js';
import { OPTIONS } from './options.js';

/** `--name value` when the value is not the option's default. */
function unlessDefault(name: string, value: number): string[] {
  return value === OPTIONS[name]?.default ? [] : [`--${name}`, String(value)];
}

/**
 * `SELF [target] [SSH flags] [check flags]` for one target of the run. The target flag is
 * left out when the user named none (the default VM), so the command reads as they typed it.
 */
export function againCommand(self: string, a: ParsedArgs, t: TargetSpec): string {
  const named = a.vm.length > 0 || a.host.length > 0 || a.local || a.targetsFile !== undefined;
  const w: string[] = [self];
  if (named)
    w.push(
      ...(t.kind === 'local' ? ['--local'] : t.kind === 'vm' ? ['--vm', shWord(t.name)] : ['--host', shWord(t.host)]),
    );
  if (t.kind !== 'local') {
    if (a.user !== undefined) w.push('--user', shWord(a.user));
    if (a.port !== undefined) w.push('--port', String(a.port));
    if (a.identity !== undefined) w.push('--identity', shWord(a.identity));
    if (a.passwordEnv !== undefined) w.push('--password-env', shWord(a.passwordEnv));
    if (a.hostKeyPolicy === 'accept-new') w.push('--accept-new-host-key');
    if (a.hostKeyPolicy === 'insecure') w.push('--insecure-host-key');
    if (a.knownHosts !== undefined) w.push('--known-hosts', shWord(a.knownHosts));
    if (a.sshConfig !== undefined) w.push('--ssh-config', shWord(a.sshConfig));
    w.push(...unlessDefault('connect-timeout', a.connectTimeout));
  }
  if (a.only.length) w.push('--only', shWord(a.only.join(',')));
  if (a.skip.length) w.push('--skip', shWord(a.skip.join(',')));
  for (const d of a.checksDir) w.push('--checks-dir', shWord(d));
  if (a.active) w.push('--active');
  w.push(...unlessDefault('timeout', a.timeout), ...unlessDefault('tmux-timeout', a.tmuxTimeout));
  return w.join(' ');
}

/**
 * How the user calls the doctor, for a command they paste into their shell: `cal-doctor` when
 * their PATH has this bin; under npx (which puts node_modules/.bin on the PATH only for the
 * run) `npx cal-doctor`; else node and the bin's absolute path.
 */
export function selfForUser(bin: string, env: NodeJS.ProcessEnv = process.env): string {
  const self = selfCommand(bin, env);
  return self === 'cal-doctor' && env.npm_command === 'exec' ? 'npx cal-doctor' : self;
}
