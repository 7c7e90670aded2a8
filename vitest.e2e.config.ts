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
    passWithNoTests: true
  }
})
