// Root-cause correlation for bad resurrect saves: the ways a save is triggered (find.ts) and
// the evidence the save dir holds (evidence.ts), joined by the causes docs/domain.md describes.
// Shared by resurrect.save-triggers (the verdict) and src/fix/repairs.ts (the advice).
//
// Verified causes (tmux 3.3a, resurrect cff343c):
// - logout hook (~/.zlogout running save.sh): panes run login shells, so it fires in every pane
//   as panes close (exit, kill-session, kill-server, SIGHUP). The saves run within one second,
//   share one file name and append to it: several `state` lines in one file, state-only saves
//   while the server has no session, 0-byte saves once the server is gone, and a `last` left
//   dangling when one racing save finds its file identical to `last` and deletes it.
// - a tmux hook that fires when sessions/panes close (`session-closed` running save.sh): the
//   save of the last session's close sees a server with no sessions → `state\t\t`. With
//   `exit-empty off` the server stays up and every later close saves state-only again; with
//   it on the hook still saves once before the server exits (both reproduced).
// - a server started without Homebrew's PATH: TPM never loads, `run-shell save.sh` cannot call
//   tmux → 0-byte saves that still become `last`.
// - several servers (sockets): a save that reaches a server other than the one holding the
//   sessions saves state-only or nothing.
import type { Facts, ServerFact } from '../../probe/facts.js';
import { configLines, configOptionValues, loadedConfigs, where } from '../config.js';
import type { SaveHistory } from '../resurrect/history.js';
import { saveScript } from '../saves.js';
import {
  dirname,
  liveServer,
  loadPluginsNowFix,
  nonLoginPathFix,
  pathHasDir,
  plural,
  primaryTmux,
  restartFromLoginShell,
  samePath,
  shq,
  tilde,
} from '../util.js';
import { collectEvidence, type Evidence, type EvidenceKind } from './evidence.js';
import { findTriggers, type SaveTrigger } from './find.js';

export type { SaveTrigger } from './find.js';

interface Cause {
  id: 'logout-hook' | 'close-hook' | 'server-without-path' | 'script-without-path' | 'wrong-server';
  /** one line, starts with what it is: `the ~/.zlogout hook (line 2) …` */
  summary: string;
  details: string[];
  fix: string[];
  /** the exact edits, for `--fix` (advice only: dotfiles and config are never edited) */
  advice: string[];
  explains: EvidenceKind[];
}

export interface Diagnosis {
  triggers: SaveTrigger[];
  evidence: Evidence[];
  causes: Cause[];
  /** evidence no named cause explains */
  unexplained: Evidence[];
  /** triggers that will produce bad saves even though none was seen yet */
  risky: SaveTrigger[];
}

function answeringSockets(f: Facts): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.some((q) => samePath(p, q))) out.push(p);
  };
  if (f.server?.answers && !f.server.timedOut) add(f.server.socket);
  for (const s of f.sockets ?? []) if (s.answers && !s.timedOut) add(s.path);
  return out;
}

function exitEmpty(f: Facts, server: ServerFact | null): { value: string; source: string } {
  const v = server?.serverOptions['exit-empty'];
  if (v !== undefined) return { value: v, source: 'the running server' };
  const c = configOptionValues(configLines(f, loadedConfigs(f))).get('exit-empty');
  if (c) return { value: c.value, source: where(c.at, f.host.home) };
  return { value: 'on', source: "tmux's default" };
}

/** The exact edit that removes a trigger line from its file. */
function removeLine(t: SaveTrigger, home: string): string {
  return `in ${tilde(t.file!, home)}, delete line ${t.lineNo}: ${t.fileText ?? t.line}`;
}

/** A safe way to save before stopping the VM: a login shell, so the server and save.sh find tmux, while sessions exist. */
function saveBeforeStop(f: Facts): string {
  const sh = f.host.shell || '/bin/zsh';
  const script = saveScript(f);
  // readable when nothing needs quoting (the usual case), exact otherwise
  const cmd = /^[A-Za-z0-9_/.,:+@%-]+$/.test(script + sh)
    ? `"${sh} -l -c 'tmux run-shell ${script}'"`
    : shq(`${sh} -l -c ${shq(`tmux run-shell ${shq(script)}`)}`);
  return `save while the sessions still exist instead, e.g. before \`tart stop\`: ssh ${f.host.user}@VM ${cmd}`;
}

export function diagnose(f: Facts, h: SaveHistory | undefined): Diagnosis {
  const home = f.host.home;
  const triggers = findTriggers(f);
  const evidence = h ? collectEvidence(h) : [];
  const has = (k: EvidenceKind) => evidence.find((e) => e.kind === k);
  const causes: Cause[] = [];
  const server = liveServer(f);

  // 1. logout hooks
  const logout = triggers.filter((t) => t.kind === 'logout-hook');
  const tpmLoaded = server ? !!server.globalEnv.TMUX_PLUGIN_MANAGER_PATH : undefined;
  if (logout.length) {
    const explains = (['dangling', 'racing', 'state-only'] as EvidenceKind[]).filter((k) => has(k));
    // a logout save after the server is gone writes 0 bytes; unless the server is known to lack plugins (cause 3)
    if (has('empty') && tpmLoaded !== false) explains.push('empty');
    if (explains.length) {
      const files = [...new Set(logout.map((t) => tilde(t.file!, home)))].join(', ');
      causes.push({
        id: 'logout-hook',
        summary: `cause: the logout hook in ${files} saves from every pane's login shell as panes close, so the saves race each other and save a server that has no sessions (or none at all)`,
        details: [
          ...logout.map((t) => `trigger: ${t.where}: ${t.line}`),
          ...explains.flatMap((k) => has(k)!.lines.map((l) => `evidence: ${l}`)),
          'how: tmux panes run login shells, so the logout file runs in each of them on exit, kill-session, kill-server and SIGHUP; those saves start within one second, share one file name (1-second resolution) and append to it; one that finds its file identical to `last` deletes it, leaving `last` dangling',
        ],
        fix: [
          ...logout.map((t) => removeLine(t, home)),
          saveBeforeStop(f),
          'then relink `last` to the newest valid save (see resurrect.history, or `cal-doctor --fix --yes`)',
        ],
        advice: [...logout.map((t) => removeLine(t, home)), saveBeforeStop(f)],
        explains,
      });
    }
  }

  // 2. tmux hooks that fire when sessions or panes close
  const closeHooks = triggers.filter((t) => t.kind === 'tmux-hook' && t.firesOnClose);
  if (closeHooks.length) {
    const explains = (['state-only', 'racing', 'dangling'] as EvidenceKind[]).filter((k) => has(k));
    if (explains.length) {
      const ee = exitEmpty(f, server);
      const names = [...new Set(closeHooks.map((t) => t.hook!))];
      const unset = names.map((n) => `tmux set-hook -gu ${n}`);
      const edits = closeHooks.filter((t) => t.file).map((t) => removeLine(t, home));
      causes.push({
        id: 'close-hook',
        summary: `cause: the tmux ${names.join('/')} hook runs save.sh when a session closes; when the last one closes it saves a server with no sessions (\`state\` only), which becomes \`last\``,
        details: [
          ...closeHooks.map(
            (t) => `trigger: ${t.where}: ${t.line}${t.file ? ` (set in ${tilde(t.file, home)}:${t.lineNo})` : ''}`,
          ),
          `exit-empty ${ee.value} (${ee.source})${ee.value === 'off' ? ': the server stays up with no sessions, so every later close saves `state` only again' : ': the server exits after the last session, but the hook still saves once before it goes'}`,
          ...explains.flatMap((k) => has(k)!.lines.map((l) => `evidence: ${l}`)),
        ],
        fix: [
          ...unset.map((u) => `${u}   # now, in the running server`),
          ...(edits.length
            ? edits
            : [
                `remove the set-hook line for ${names.join('/')} from the tmux config (it is not in the files the probe read: look in sourced files or scripts that run tmux set-hook)`,
              ]),
          'rely on continuum and prefix C-s while sessions exist; then relink `last` to the newest valid save (resurrect.history, or `cal-doctor --fix --yes`)',
        ],
        advice: [...unset, ...edits],
        explains,
      });
    }
  }

  // 3. a server without tmux on its PATH (Homebrew): TPM not loaded, 0-byte saves
  if (has('empty') && server) {
    const tmux = primaryTmux(f);
    const serverPath = server.globalEnv.PATH;
    const pathLacks = !!tmux && tmux.includes('/') && !pathHasDir(serverPath ?? '', dirname(tmux));
    if (pathLacks) {
      causes.push({
        id: 'server-without-path',
        summary: `cause: the tmux server was started without Homebrew's PATH (its PATH lacks ${dirname(tmux!)}), so \`run-shell save.sh\` cannot call tmux and writes a 0-byte save that still becomes \`last\``,
        details: [
          `server global PATH: ${serverPath ?? '(not set)'}`,
          `TMUX_PLUGIN_MANAGER_PATH: ${server.globalEnv.TMUX_PLUGIN_MANAGER_PATH ?? '(not set: TPM did not load)'}`,
          `server started ${server.startTime ? new Date(server.startTime * 1000).toISOString() : 'at an unknown time'}${server.pid ? ` (pid ${server.pid})` : ''}`,
          ...has('empty')!.lines.map((l) => `evidence: ${l}`),
          'how: on macOS /opt/homebrew/bin is added by ~/.zprofile (login shells only); a server started by `ssh vm /opt/homebrew/bin/tmux …` keeps that PATH, and run-shell (TPM, save.sh) uses it',
        ],
        fix: [
          ...(tmux ? nonLoginPathFix(f, dirname(tmux)) : []),
          ...loadPluginsNowFix(f, tmux),
          `or: tmux kill-server, then ${restartFromLoginShell(f)}`,
        ],
        advice: [...(tmux ? nonLoginPathFix(f, dirname(tmux)) : []), ...loadPluginsNowFix(f, tmux)],
        explains: ['empty'],
      });
    }
  }

  // 3b. a script that runs save.sh itself from a shell where tmux is not on PATH
  const direct = triggers.filter((t) => (t.kind === 'script' || t.kind === 'crontab') && t.direct);
  if (has('empty') && direct.length && !f.execTmux && !causes.some((c) => c.explains.includes('empty'))) {
    const tmux = primaryTmux(f);
    causes.push({
      id: 'script-without-path',
      summary: `cause: ${direct.map((t) => t.where).join(', ')} run${direct.length === 1 ? 's' : ''} save.sh directly from a non-login shell, where tmux is not on PATH: every tmux call in it fails and the save is 0 bytes`,
      details: [
        ...direct.map((t) => `trigger: ${t.where}: ${t.line}`),
        `non-login PATH: ${f.env.path || '(empty)'} (no tmux)`,
        ...has('empty')!.lines.map((l) => `evidence: ${l}`),
      ],
      fix: [
        `call it through the server instead: tmux run-shell ${shq(saveScript(f))} (from a login shell: ${f.host.shell || 'zsh'} -l -c '…')`,
        ...(tmux ? nonLoginPathFix(f, dirname(tmux)) : []),
      ],
      advice: [
        ...direct
          .filter((t) => t.file)
          .map(
            (t) =>
              `in ${tilde(t.file!, home)}, line ${t.lineNo}: run \`tmux run-shell ${shq(saveScript(f))}\` from a login shell instead of \`${t.fileText ?? t.line}\``,
          ),
        ...(tmux ? nonLoginPathFix(f, dirname(tmux)) : []),
      ],
      explains: ['empty'],
    });
  }

  // 4. several servers
  const sockets = answeringSockets(f);
  if (sockets.length > 1 && (has('state-only') || has('empty'))) {
    const explains = (['state-only', 'empty'] as EvidenceKind[]).filter(
      (k) => has(k) && !causes.some((c) => c.explains.includes(k)),
    );
    if (explains.length) {
      causes.push({
        id: 'wrong-server',
        summary: `cause: ${sockets.length} tmux servers answer (${sockets.join(', ')}); a save that reaches a server other than the one holding the sessions saves nothing or \`state\` only`,
        details: [
          ...sockets.map(
            (s) =>
              `server socket: ${s}${server && samePath(s, server.socket) ? ` (default; ${plural(server.sessions.length, 'session')})` : ''}`,
          ),
          ...explains.flatMap((k) => has(k)!.lines.map((l) => `evidence: ${l}`)),
        ],
        fix: [
          ...sockets
            .filter((s) => !server || !samePath(s, server.socket))
            .map(
              (s) =>
                `see what it holds: tmux -S ${shq(s)} list-sessions   # cal-doctor cannot tell whether you still need it`,
            ),
          'work in the default server only (no `tmux -L`/`-S`, one TMUX_TMPDIR), so saves, continuum and restores all reach the same server',
        ],
        advice: ['keep one tmux server: no `tmux -L`/`-S` in scripts or aliases, the same TMUX_TMPDIR for every shell'],
        explains,
      });
    }
  }

  const explained = new Set(causes.flatMap((c) => c.explains));
  const unexplained = evidence.filter((e) => !explained.has(e.kind));
  const named = new Set(
    causes.flatMap((c) => (c.id === 'logout-hook' ? logout : c.id === 'close-hook' ? closeHooks : [])),
  );
  const risky = triggers.filter((t) => t.firesOnClose && !named.has(t));
  return { triggers, evidence, causes, unexplained, risky };
}
