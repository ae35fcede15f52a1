// `cal-doctor persist`: does a tmux layout survive a restart? See persist.ts.
export { diagnose } from './diagnose.js';
export { DEFAULT_START_COMMAND, MARKER_SESSION, type PersistOptions, runPersist } from './persist.js';
export {
  type RestartContext,
  type RestartResult,
  type RestartStrategy,
  serverRestart,
  tartRestart,
} from './restart.js';
export { DEFAULT_TIMEOUTS, type PersistTimeouts, StepFailure, type StepId } from './step.js';
export { type PersistReport, type PersistSummary, STEPS } from './step-runner.js';
