/**
 * The contract round trip over a real WebSocket, with the renderer's own client, against a real
 * StudioService and a real trainer worker process: start an mlp run on a tiny dataset, receive
 * progress, pause, resume, update, rename, stop, delete. (The crash test is serve-crash.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKEND_NAMES } from '../../src/shared/hyperparams'
import { EventLog, LIVE_RUN_CONFIG, rawGet, startHarness, type Harness } from './helpers'

let h: Harness
const progress = new EventLog<'training:progress'>()
const status = new EventLog<'training:status'>()
const runEvents = new EventLog<'run:event'>()
const samples = new EventLog<'training:sample'>()

beforeAll(async () => {
  h = await startHarness()
  h.studio.on.progress(progress.push)
  h.studio.on.status(status.push)
  h.studio.on.runEvent(runEvents.push)
  h.studio.on.sample(samples.push)
})
afterAll(async () => {
  await h?.close()
})

const config = LIVE_RUN_CONFIG

describe('training over the WebSocket contract', () => {
  it('starts, streams progress, pauses, resumes, updates and stops', async () => {
    const info = await h.studio.app.info()
    expect(info.transport).toBe('serve')
    expect(BACKEND_NAMES).toContain(info.backend?.active)

    const record = await h.studio.training.start({ config, name: 'round trip' })
    expect(record.name).toBe('round trip')
    expect((await h.studio.runs.list()).find((r) => r.id === record.id)?.live).toBe(true)

    // Progress arrives in order, each logged step once (batching itself is unit-tested with a fake clock).
    await progress.waitFor((p) => p.runId === record.id && p.metrics.some((m) => m.step >= 4))
    const mine = progress.items.filter((p) => p.runId === record.id)
    const steps = mine.flatMap((p) => p.metrics.map((m) => m.step))
    expect(steps).toEqual([...steps].sort((a, b) => a - b))
    expect(new Set(steps).size).toBe(steps.length)

    const sample = await samples.waitFor((s) => s.runId === record.id)
    const png = await fetch(h.studio.fileUrl(sample.path))
    expect(png.status).toBe(200)
    expect(png.headers.get('content-type')).toBe('image/png')

    await h.studio.training.pause({ runId: record.id })
    expect((await h.studio.runs.get({ runId: record.id })).record.status).toBe('paused')
    await status.waitFor((s) => s.runId === record.id && s.status === 'paused')
    const ckpts = await h.studio.checkpoints.list({ runId: record.id })
    expect(ckpts.length).toBeGreaterThan(0)
    expect(ckpts[0]?.latest).toBe(true)

    const pinned = await h.studio.checkpoints.pin({
      runId: record.id,
      checkpoint: ckpts[0]!.name,
      pinned: true
    })
    expect(pinned.find((c) => c.name === ckpts[0]!.name)?.pinned).toBe(true)

    await h.studio.training.resume({ runId: record.id })
    await h.studio.training.update({ runId: record.id, live: { lrG: 1e-3 } })
    await runEvents.waitFor((e) => e.runId === record.id && e.event.kind === 'hyperparams')
    await h.studio.runs.rename({ runId: record.id, name: 'renamed live' })

    await h.studio.training.stop({ runId: record.id })
    await status.waitFor((s) => s.runId === record.id && s.status === 'stopped')
    const detail = await h.studio.runs.get({ runId: record.id })
    expect(detail.live).toBe(false)
    expect(detail.record.status).toBe('stopped')
    expect(detail.record.name).toBe('renamed live')
    expect(detail.samples.length).toBeGreaterThan(0)

    const kinds = (await h.studio.runs.events({ runId: record.id })).map((e) => e.kind)
    expect(kinds).toEqual(expect.arrayContaining(['start', 'pause', 'resume', 'hyperparams', 'stop']))
    // History is complete on disk even though the UI got batches.
    const metrics = await h.studio.runs.metrics({ runId: record.id })
    expect(metrics.length).toBeGreaterThanOrEqual(steps.length)
    const since = await h.studio.runs.metrics({ runId: record.id, sinceStep: 2 })
    expect(since.every((m) => m.step > 2)).toBe(true)

    // Errors cross as { code, message }.
    await expect(h.studio.training.pause({ runId: record.id })).rejects.toMatchObject({ code: 'conflict' })
    await expect(h.studio.runs.get({ runId: 'no-such-run' })).rejects.toMatchObject({ code: 'not-found' })
    await expect(
      h.studio.explorer.generate({ runId: record.id, source: { seeds: [1] } })
    ).rejects.toMatchObject({ code: 'unavailable' })
  })

  it('deletes a stopped run and refuses its files afterwards', async () => {
    const runs = await h.studio.runs.list()
    const id = runs[0]!.id
    await h.studio.runs.delete({ runId: id })
    expect((await h.studio.runs.list()).some((r) => r.id === id)).toBe(false)
    expect((await rawGet(h.server.port, `/files/runs/${id}/run.json?token=${h.server.token}`)).status).toBe(
      404
    )
  })
})
