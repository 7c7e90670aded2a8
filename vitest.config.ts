import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { resolve } from 'node:path'

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@renderer': resolve(__dirname, 'src/renderer/src') } },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // Two test files run at once on CI's 2 cores: one wasm thread each fills them, where the
    // default (one per physical core) would put 4 busy threads on 2 cores, and a thread pool's
    // barrier waits on a descheduled thread. Tests of threading pass their counts explicitly;
    // the e2e suite (one file at a time) runs the product default.
    env: { GAN_STUDIO_THREADS: '1' },
    reporters: ['default']
  }
})
