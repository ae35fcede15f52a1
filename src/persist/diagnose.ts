// Why the marker did not come back, from what persist saw around the restart (pure).
import { type ParsedSave, parseSave } from '../domain/resurrect/savefile.js';
import type { CheckOutcome } from '../engine/run.js';
import type { ServerState } from './layout.js';

/** The checks of the two tests continuum makes before it restores: no other tmux server, loaded in time. */
const CONTINUUM_START_CHECKS = ['continuum.server-count', 'continuum.restore-window'];

/** `last` in the save dir at one moment: a file, dangling, missing or other; its target and content. */
export interface LastState {
  state: string;
  link?: string;
  content?: string;
}

/** `2 session(s), 3 window(s), 4 pane(s), 1 state line(s)` */
export function parsedLine(p: ParsedSave): string {
  return `${p.counts.sessions} session(s), ${p.counts.windows} window(s), ${p.counts.panes} pane(s), ${p.counts.stateLines} state line(s)`;
}

export interface Diagnosis {
  summary: string;
  details: string[];
  fix: string[];
  /** short name of the cause: `logout-hook`, `start-command`, `no-restore`, … */
  cause: string;
}

/** Why the marker did not come back, from what persist saw around the restart (pure). */
export function diagnose(input: {
  session: string;
  savedName?: string;
  savedContent?: string;
  lastAfterShutdown?: LastState;
  markerBeforeRestore: boolean;
  settleKinds: string[];
  settleTimedOut: boolean;
  after: ServerState;
  halt: boolean;
  logoutHooks: string[];
  mismatches: string[];
  startCommand: string;
  /** `pid command` of the user's processes continuum counts as tmux (besides the server), seen after the restore window */
  otherTmux?: string[];
  /** the doctor's checks run on the restarted server (see explain.ts) */
  checks?: CheckOutcome[];
}): Diagnosis {
  const { session } = input;
  const s = input.lastAfterShutdown;
  const lastChanged =
    s &&
    (s.state !== 'file' ||
      s.link !== input.savedName ||
      (input.savedContent !== undefined && s.content !== input.savedContent));
  if (lastChanged) {
    const what =
      s.state === 'dangling'
        ? `dangling (→ ${s.link}, which does not exist)`
        : s.state === 'missing'
          ? 'gone'
          : s.state !== 'file'
            ? `not a file (${s.state})`
            : `→ ${s.link ?? 'last'}: ${(() => {
                const p = parseSave(s.content ?? '');
                return `${p.classification}, ${parsedLine(p)}`;
              })()}`;
    const hooks = input.logoutHooks;
    return {
      cause: hooks.length ? 'logout-hook' : 'save-during-shutdown',
      summary: hooks.length
        ? `a logout hook saved while the server shut down and broke \`last\`: before the restart it was ${input.savedName} (with ${session}); after, ${what} — restore had nothing to rebuild`
        : `a save ran while the server shut down and replaced \`last\` (was ${input.savedName} with ${session}; after the shutdown ${what}): restore had nothing to rebuild`,
      details: [
        ...hooks.map((h) => `logout hook: ${h}`),
        ...(hooks.length
          ? [
              "tmux panes run login shells: a logout file runs in every pane as the panes' shells get SIGHUP at shutdown; the saves race each other (one file name per second), see a dying server with no sessions, and leave `last` state-only, empty or dangling",
            ]
          : ['something saved (continuum, a hook, a script) after the server had lost its sessions']),
      ],
      fix: hooks.length
        ? [
            'remove the save.sh line from the logout file(s) above',
            "save while the sessions exist instead: prefix C-s, continuum's auto-save, or `tmux run-shell <save.sh>` before `tart stop`",
            'then relink `last` to the newest good save (see resurrect.last)',
          ]
        : ['see resurrect.save-triggers for what saves on this target'],
    };
  }
  if (input.markerBeforeRestore) {
    return {
      cause: 'start-command',
      summary: `the start command created ${session} before continuum's restore ran: restore leaves an existing session as it is, so the start command blocks the restore`,
      details: [
        `start command: ${input.startCommand}`,
        `${session} already existed when the start command returned; continuum restores a second after the plugins load`,
        'resurrect only replaces the first pane when it is the only pane on the server ("restore from scratch"); anything more that exists is kept, and restored sessions, windows and panes with those names are skipped',
        ...input.mismatches.map((m) => `restored layout: ${m}`),
      ],
      fix: [
        'start the server without creating the saved session: `tmux new-session -d` (restore replaces that lone session), wait for the restore, then `tmux attach -t NAME || tmux new-session -s NAME`',
        'or let continuum start the server at boot (@continuum-boot on) and only attach after login',
      ],
    };
  }
  const sawRestore = input.settleKinds.includes('restore');
  const sawContinuum = input.settleKinds.includes('continuum_restore');
  const a = input.after;
  if (!a.answers) {
    return {
      cause: 'no-server',
      summary: `no tmux server answered after the start command (${a.error ?? 'no answer'})`,
      details: [],
      fix: [],
    };
  }
  if (!sawRestore && !sawContinuum) {
    const seenBy = input.checks?.find(
      (c) => CONTINUUM_START_CHECKS.includes(c.id) && (c.status === 'fail' || c.status === 'warn'),
    );
    const why: string[] = [];
    const fix: string[] = [];
    if (!a.tpmLoaded) {
      why.push(
        'TPM did not run in the restarted server (no TMUX_PLUGIN_MANAGER_PATH): no plugin loaded, so continuum never ran',
      );
      fix.push(
        'start the server from a login shell (so tmux is on the PATH TPM sees), see tmux.server and plugins.tpm',
      );
    } else if (!a.restoreScript) {
      why.push('tmux-resurrect is not loaded in the restarted server: continuum has no restore script to run');
    } else if (a.continuumRestore !== 'on') {
      why.push(
        `@continuum-restore is ${a.continuumRestore === undefined ? 'not set (default off)' : JSON.stringify(a.continuumRestore)}: continuum does not restore at server start`,
      );
      fix.push("set -g @continuum-restore 'on'   # in ~/.tmux.conf, before the `run ...tpm` line");
    } else if (input.halt) {
      why.push("~/tmux_no_auto_restore exists: continuum's halt file switches auto-restore off");
      fix.push('rm ~/tmux_no_auto_restore');
    } else if (input.otherTmux?.length) {
      why.push(
        `other tmux processes of this user run (continuum counts \`ps\` lines starting with \`tmux\` and skips the restore when it sees another server): ${input.otherTmux.join('; ')}`,
      );
      fix.push(
        'end the other tmux server(s) of this user before tmux starts (tmux -S SOCKET kill-server), or run them as another user',
      );
    } else if (seenBy) {
      // the doctor's own checks of continuum's start-up tests, on the restarted server
      why.push(`continuum did not start a restore: ${seenBy.summary} (${seenBy.id})`, ...seenBy.details);
      fix.push(...seenBy.fix);
    } else {
      why.push(
        'continuum did not start a restore: at plugin load it saw another tmux server of this user (it counts `ps` lines starting with `tmux`: another server, or several tmux clients of a wrapper at once), or the plugins loaded later than @continuum-restore-max-delay after the server started',
      );
      if (/(^|[;&|(\s'"])tmux(\s|$)/.test(input.startCommand)) {
        why.push(
          "the start command runs plain `tmux`: its client is one such `ps` line while the plugins load, and one of continuum's own `tmux` calls running at the moment continuum_restore.sh looks makes two — the restore is skipped now and then (tmux-continuum #90)",
        );
        fix.push(
          'run tmux by its full path in the start command (e.g. /opt/homebrew/bin/tmux new-session -d): continuum does not count it',
        );
      }
      fix.push(
        'make sure no other tmux server runs as this user when tmux starts, and that the start command runs one tmux client at a time',
      );
    }
    return { cause: 'no-restore', summary: `continuum did not restore: ${why[0]}`, details: why.slice(1), fix };
  }
  if (input.settleTimedOut) {
    return {
      cause: 'restore-slow',
      summary: `the restore was still running when the restore window closed`,
      details: input.mismatches,
      fix: ['raise the restore grace time, or look for a hung restore.sh'],
    };
  }
  return {
    cause: 'restore-incomplete',
    summary: `continuum ran the restore, but ${session} did not come back as saved`,
    details: input.mismatches.map((m) => `restored layout: ${m}`),
    fix: ['see resurrect.last: restore reads the save `last` points to'],
  };
}
