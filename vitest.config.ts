import { defineConfig } from 'vitest/config';
import { enterMacosNamespace } from './test/harness/macos.js';

// CAL_DOCTOR_TARGET=macos: the whole run moves into the macOS-like target's mount namespace
enterMacosNamespace();

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration files start real tmux servers; continuum counts every tmux process of the
    // user, so two files at once would make each other's servers look unhealthy.
    fileParallelism: false,
    reporters: ['default'],
  },
});
