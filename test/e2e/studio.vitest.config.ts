import { defineConfig } from 'vitest/config'

/**
 * Vitest config of the studio e2e (test/e2e/*.e2e.test.ts): real serve process + Chromium,
 * one file at a time, long timeouts. The unit config does not include test/e2e.
 */
export default defineConfig({
  test: {
    root: `${__dirname}/../..`,
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false
  }
})
