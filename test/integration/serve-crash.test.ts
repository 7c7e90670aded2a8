/**
 * Killing a trainer worker (SIGKILL) marks its run crashed in run.json and events.jsonl, the UI
 * gets a training:status event over the WebSocket, and training:resume continues from the last
 * checkpoint in a new worker.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventLog, LIVE_RUN_CONFIG, startHarness, type Harness } from './helpers'

let h: Harness
const progress = new EventLog<'training:progress'>()
const status = new EventLog<'training:status'>()
const runEvents = new EventLog<'run:event'>()

beforeAll(async () => {
  h = await startHarness()
  h.studio.on.progress(progress.push)
  h.studio.on.status(status.push)
  h.studio.on.runEvent(runEvents.push)
})
afterAll(async () => {
  await h?.close()
})

const config = LIVE_RUN_CONFIG

describe('a crashed trainer', () => {
  it('marks a SIGKILLed worker crashed and resumes from the last checkpoint in a new worker', async () => {
    const record = await h.studio.training.start({ config, name: 'crashy' })
    await runEvents.waitFor((e) => e.runId === record.id && e.event.kind === 'checkpoint')
    const pid = h.service.workerPid(record.id)
    expect(pid).toBeTypeOf('number')
    process.kill(pid!, 'SIGKILL')

    const crashed = await status.waitFor((s) => s.runId === record.id && s.status === 'crashed')
    expect(crashed.message).toMatch(/SIGKILL/)
    const runDir = path.join(h.dataDir, 'runs', record.id)
    expect(JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')).status).toBe('crashed')
    expect(readFileSync(path.join(runDir, 'events.jsonl'), 'utf8')).toContain('"kind":"crash"')
    expect((await h.studio.runs.list()).find((r) => r.id === record.id)?.live).toBe(false)

    const ckpt = (await h.studio.checkpoints.list({ runId: record.id }))[0]!
    await h.studio.training.resume({ runId: record.id })
    const resumed = await runEvents.waitFor((e) => e.runId === record.id && e.event.kind === 'resume')
    expect(resumed.event.message).toContain(ckpt.name)
    expect(resumed.event.step).toBe(ckpt.step)
    expect(h.service.workerPid(record.id)).not.toBe(pid)
    await progress.waitFor((p) => p.runId === record.id && p.metrics.some((m) => m.step > ckpt.step))
    await h.studio.training.stop({ runId: record.id })
    expect((await h.studio.runs.get({ runId: record.id })).record.status).toBe('stopped')
  })
})
