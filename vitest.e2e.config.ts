import { defineConfig } from 'vitest/config'

/** Browser and Electron end-to-end tests: one file at a time, real processes, generous timeouts. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    // Chromium shares CI's 2 cores with the serve process: a 2-thread pool there waits on
    // descheduled threads (seen 3x slower under load). Threads are tested in test/integration.
    env: { GAN_STUDIO_THREADS: '1' },
    passWithNoTests: true
  }
})
