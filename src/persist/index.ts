// `cal-doctor persist`: does a tmux layout survive a restart? See persist.ts.
export {
  DEFAULT_START_COMMAND,
  DEFAULT_TIMEOUTS,
  diagnose,
  logoutHooks,
  MARKER_SESSION,
  type PersistOptions,
  type PersistReport,
  type PersistSummary,
  type PersistTimeouts,
  runPersist,
  STEPS,
  type StepId,
} from './persist.js';
export {
  type RestartContext,
  type RestartResult,
  type RestartStrategy,
  StepFailure,
  serverRestart,
  tartRestart,
} from './restart.js';
export { Aborted, backoffDelays, pause, retry, WaitTimeout, waitFor } from './wait.js';
