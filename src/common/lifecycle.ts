// Ctrl-C and SIGTERM: whatever holds something outside this process (an SSH connection, a
// probe still running on the target, an `--active` sandbox, a `tart` child) registers a
// cleanup with onShutdown(). On SIGINT/SIGTERM the cleanups run newest first — so a sandbox
// registered after its connection is removed while the connection is still open — within
// one shared deadline, then the process exits 130 (SIGINT) or 143 (SIGTERM). A second
// signal while cleaning up exits at once.
//
// A command that must undo changes on the target before it may exit (persist) takes the
// signals over with takeOverSignals(): they are handed to it instead, and it decides.

export type Cleanup = () => void | Promise<void>;

/** How long all cleanups together may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 3_000;

export const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type ShutdownSignal = keyof typeof EXIT_CODES;

const cleanups: Cleanup[] = [];
/** the handlers are on the process */
let listening = false;
/** installShutdownHandlers() was called: keep them even with nothing to clean up */
let permanent = false;
let shuttingDown = false;
const handlers = new Map<ShutdownSignal, () => void>();
/** takeOverSignals() handlers, newest last */
const takeovers: Array<(sig: ShutdownSignal) => void> = [];

/**
 * Registers `cleanup` to run on SIGINT/SIGTERM. Returns a function that unregisters it:
 * call that once the resource is released normally. While anything is registered the
 * handlers are on; when the last cleanup is released they come off again (unless
 * installShutdownHandlers() made them permanent), so a library user such as a test runner
 * keeps its own signal behaviour whenever the doctor holds nothing.
 */
export function onShutdown(cleanup: Cleanup): () => void {
  listen();
  cleanups.push(cleanup);
  return () => {
    const i = cleanups.lastIndexOf(cleanup);
    if (i >= 0) cleanups.splice(i, 1);
    if (cleanups.length === 0 && takeovers.length === 0 && !permanent && !shuttingDown) unlisten();
  };
}

/** Keeps the SIGINT/SIGTERM handlers on for the life of the process (the CLI calls this once at start). */
export function installShutdownHandlers(): void {
  permanent = true;
  listen();
}

function listen(): void {
  if (listening) return;
  listening = true;
  for (const sig of Object.keys(EXIT_CODES) as ShutdownSignal[]) {
    const h = () => {
      const takeover = takeovers.at(-1);
      if (takeover) takeover(sig);
      else void shutdown(sig);
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
}

function unlisten(): void {
  if (!listening) return;
  listening = false;
  for (const [sig, h] of handlers) process.off(sig, h);
  handlers.clear();
}

/**
 * Until the returned function is called, SIGINT/SIGTERM go to `onSignal` (every time one
 * arrives) instead of running the cleanups and exiting: the caller stops its work, undoes
 * what it changed, and exits with EXIT_CODES[sig] itself. The registered cleanups stay
 * registered, so the connections the caller still needs for that stay open.
 */
export function takeOverSignals(onSignal: (sig: ShutdownSignal) => void): () => void {
  listen();
  takeovers.push(onSignal);
  return () => {
    const i = takeovers.lastIndexOf(onSignal);
    if (i >= 0) takeovers.splice(i, 1);
    if (cleanups.length === 0 && takeovers.length === 0 && !permanent && !shuttingDown) unlisten();
  };
}

/** The handlers are on the process now (for tests and diagnostics). */
export function shutdownHandlersInstalled(): boolean {
  return listening;
}

/** Cleanups registered and not yet released (for tests and diagnostics). */
export function pendingCleanups(): number {
  return cleanups.length;
}

/**
 * Runs every registered cleanup, newest first, bounded by `deadlineMs` in total; never throws.
 * Exported for tests and for callers that end early on their own (no exit here).
 */
export async function runCleanups(deadlineMs = SHUTDOWN_DEADLINE_MS): Promise<void> {
  const todo = cleanups.splice(0).reverse();
  if (!permanent && !shuttingDown && takeovers.length === 0) unlisten();
  const deadline = Date.now() + deadlineMs;
  for (const c of todo) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.resolve()
        .then(c)
        .catch(() => undefined),
      new Promise<void>((r) => {
        timer = setTimeout(r, left);
      }),
    ]);
    clearTimeout(timer);
  }
}

async function shutdown(sig: ShutdownSignal): Promise<void> {
  const code = EXIT_CODES[sig];
  if (shuttingDown) process.exit(code);
  shuttingDown = true;
  process.exitCode = code;
  try {
    process.stderr.write(`cal-doctor: interrupted (${sig}), cleaning up\n`);
  } catch {
    /* stderr closed */
  }
  // belt and braces: exit even if a cleanup's promise machinery misbehaves
  setTimeout(() => process.exit(code), SHUTDOWN_DEADLINE_MS + 500).unref();
  await runCleanups(SHUTDOWN_DEADLINE_MS);
  process.exit(code);
}
