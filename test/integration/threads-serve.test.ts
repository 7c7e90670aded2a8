/**
 * The `threads` setting reaches the trainer worker process (child_process.fork, as under serve):
 * the run trains on that many wasm threads, run.json records it and app:info (the status bar's
 * source) reports it.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventLog, LIVE_RUN_CONFIG, startHarness, type Harness } from './helpers'

let h: Harness
const status = new EventLog<'training:status'>()

beforeAll(async () => {
  h = await startHarness()
  h.studio.on.status(status.push)
})
afterAll(async () => {
  await h?.close()
})

describe('threads setting', () => {
  it('a run started with threads = 2 trains on 2 wasm threads and says so', async () => {
    await h.studio.settings.update({ threads: 2, backend: 'wasm' })
    const record = await h.studio.training.start({
      config: { ...LIVE_RUN_CONFIG, model: 'dcgan', width: 0.25, steps: 2, checkpointEvery: 2 },
      name: 'two threads'
    })
    await status.waitFor((s) => s.runId === record.id && s.status === 'finished')
    const runJson = JSON.parse(readFileSync(path.join(h.dataDir, 'runs', record.id, 'run.json'), 'utf8')) as {
      backend: string
      threads?: number
    }
    expect(runJson).toMatchObject({ backend: 'wasm', threads: 2 })
    const info = await h.studio.app.info()
    expect(info.backend?.wasmThreads).toBe(2)
    // A new thread count in the settings makes app:info probe again instead of repeating the old one.
    await h.studio.settings.update({ threads: 1 })
    expect((await h.studio.app.info()).backend?.wasmThreads).toBe(1)
  })
})
