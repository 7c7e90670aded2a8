import { defineConfig } from 'vitest/config'

/**
 * The desktop app through the stand-in Electron runtime (test/desktop/runtime): the built main,
 * preload and renderer in Debian's Chromium. One file at a time: each file runs one app.
 */
export default defineConfig({
  test: {
    include: ['test/desktop/**/*.desktop.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false
  }
})
