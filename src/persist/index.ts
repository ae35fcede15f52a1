// `cal-doctor persist`: does a tmux layout survive a restart? See persist.ts.
export { MARKER_SESSION, type PersistOptions, runPersist } from './persist.js';
export { type RestartContext, type RestartStrategy, serverRestart, tartRestart } from './restart.js';
export { StepFailure } from './step.js';
export type { PersistReport } from './step-runner.js';
