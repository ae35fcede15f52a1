// Process starts cost several times more on a Mac in a VM than on Linux: a probe of a healthy
// target starts at most MAX_EXECS programs, with every fact and every bound kept. It started
// 64 to 75 before the server's queries shared one tmux client and one watchdog, 61 before the
// kv records went out in three batches of one base64 each, 41 (47 in the macOS pass, whose
// home has three more dotfiles) before the files read went out on one head per cap and one
// base64 per phase (splitHeads takes head's multi-file output apart) and the server's ping
// went. Left: id, uname, date; the login shell, tmux -V, the queries and tmux's parse of the
// configs, with a watchdog sleep each; four ls; five head (the dotfiles, last, the archive,
// the newest saves, last's pane dirs) and five base64 (two records of files, three kv
// batches); awk, sed and ps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeScript } from '../../src/probe/gather.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { type Home, makeHome } from '../harness/home.js';
import { killServer, type Server, save, startServerLogin, tmuxAvailable } from '../harness/tmux.js';
import { countExecs, STRACE } from '../helpers/execs.js';

// the same in both passes (the macOS pass's extra dotfiles share the head); the most a run
// starts (a watchdog stopped before its sleep started starts none)
const MAX_EXECS = 28;

describe.skipIf(!tmuxAvailable() || !STRACE)('probe process starts (needs tmux, the plugins and strace)', () => {
  let home: Home;
  let server: Server;
  beforeAll(async () => {
    home = makeHome();
    server = await startServerLogin(home);
    await save(home);
  });
  afterAll(async () => {
    if (home) await killServer(home);
    home?.cleanup();
  });

  it(`a healthy target: every fact gathered with at most ${MAX_EXECS} programs started`, async () => {
    const r = await countExecs(probeScript(2), home.env(), home.dir);
    expect(r.code).toBe(0);
    const facts = parseProbeOutput(r.stdout);
    expect(facts.server?.sessions.length).toBe(2);
    expect(facts.saveDirs.some((d) => d.last?.resolves && d.last.file)).toBe(true);
    expect(facts.processes.some((p) => p.pid === server.pid)).toBe(true);
    expect(facts.plugins.resurrectScripts.length).toBeGreaterThan(0);
    expect(facts.plugins.continuumScripts.length).toBeGreaterThan(0);
    expect(r.total, `programs started: ${JSON.stringify(r.byProgram)}`).toBeLessThanOrEqual(MAX_EXECS);
    // every call to the server says -N (start no server): the queries hold list-keys, which
    // would start one (loading the user's config and continuum's auto-restore) on a stale socket
    const calls = r.lines.filter((l) => /^execve\("[^"]*\/tmux"/.test(l) && !l.includes('"-V"'));
    expect(calls.length).toBeGreaterThan(0);
    for (const l of calls) expect(l).toMatch(/^execve\("[^"]*\/tmux", \["[^"]*", "-N", /);
  });
});
