// `cal-doctor persist`: does a tmux layout survive a restart? See persist.ts.
export {
  runPersist,
  diagnose,
  logoutHooks,
  MARKER_SESSION,
  DEFAULT_START_COMMAND,
  DEFAULT_TIMEOUTS,
  STEPS,
  type PersistOptions,
  type PersistReport,
  type PersistSummary,
  type PersistTimeouts,
  type StepId,
} from './persist.js';
export { serverRestart, tartRestart, StepFailure, type RestartStrategy, type RestartContext, type RestartResult } from './restart.js';
export { retry, waitFor, pause, backoffDelays, WaitTimeout, Aborted } from './wait.js';
