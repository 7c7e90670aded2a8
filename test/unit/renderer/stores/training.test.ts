// @vitest-environment happy-dom
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeStudio, type FakeStudio } from '../helpers/fake-studio'
import { metric, runRecord } from '../helpers/fixtures'

const fake: FakeStudio = vi.hoisted(() => ({}) as FakeStudio)
vi.mock('../../../../src/renderer/src/api', () => ({
  get studio() {
    return fake.api
  }
}))

import { appendMetrics, describeState, useTrainingStore } from '../../../../src/renderer/src/stores/training'
import { useNotifyStore } from '../../../../src/renderer/src/stores/notify'

beforeEach(() => {
  Object.assign(fake, createFakeStudio())
  setActivePinia(createPinia())
})

describe('describeState', () => {
  test('names every state in plain words with the step', () => {
    expect(describeState('idle', 0, 0)).toMatch(/^Idle/)
    expect(describeState('running', 12, 300)).toBe('Running: step 12 of 300')
    expect(describeState('paused', 40, 300)).toBe('Paused at step 40 of 300')
    expect(describeState('stopped', 40, 0)).toBe('Stopped at step 40')
    expect(describeState('finished', 300, 300)).toBe('Finished at step 300 of 300')
    expect(describeState('crashed', 7, 300, 'out of memory')).toBe('Crashed at step 7 of 300: out of memory')
  })
})

describe('appendMetrics', () => {
  test('appends in order and restarts the timeline on a rollback', () => {
    const all = [metric(0), metric(5), metric(10), metric(15)]
    appendMetrics(all, [metric(10, { lossD: 9 }), metric(15)])
    expect(all.map((m) => m.step)).toEqual([0, 5, 10, 15])
    expect(all[2]?.lossD).toBe(9)
    appendMetrics(all, [metric(20)])
    expect(all.map((m) => m.step)).toEqual([0, 5, 10, 15, 20])
  })
})

describe('useTrainingStore', () => {
  test('open() rebuilds chart data, events and samples from disk', async () => {
    fake.fn('runs', 'get').mockResolvedValue({
      record: runRecord('r1', { status: 'paused', step: 40 }),
      live: true,
      checkpoints: [],
      samples: [{ step: 0, path: 'runs/r1/samples/step-000000.png' }]
    })
    fake.fn('runs', 'metrics').mockResolvedValue([metric(0), metric(20), metric(40)])
    fake.fn('runs', 'events').mockResolvedValue([{ kind: 'pause', step: 40, time: 1 }])
    const store = useTrainingStore()
    expect(await store.open('r1')).toBe(true)
    expect(store.state).toBe('paused')
    expect(store.description).toBe('Paused at step 40 of 300')
    expect(store.metrics.map((m) => m.step)).toEqual([0, 20, 40])
    expect(store.events).toHaveLength(1)
    expect(store.samples).toHaveLength(1)
    expect(store.fileUrl('runs/r1/samples/step-000000.png')).toBe('/files/runs/r1/samples/step-000000.png')
  })

  test('progress events append batches for the open run only', async () => {
    fake.fn('training', 'start').mockResolvedValue(runRecord('r2'))
    const store = useTrainingStore()
    await store.start(runRecord('r2').config)
    const v = store.metricsVersion
    fake.emit('training:progress', { runId: 'other', metrics: [metric(5)], totalSteps: 300, etaSeconds: 9 })
    expect(store.metrics).toHaveLength(0)
    fake.emit('training:progress', {
      runId: 'r2',
      metrics: [metric(5), metric(10)],
      totalSteps: 300,
      etaSeconds: 30
    })
    fake.emit('training:progress', { runId: 'r2', metrics: [metric(15)], totalSteps: 300, etaSeconds: 28 })
    expect(store.metrics.map((m) => m.step)).toEqual([5, 10, 15])
    expect(store.metricsVersion).toBeGreaterThan(v)
    expect(store.step).toBe(15)
    expect(store.etaSeconds).toBe(28)
    expect(store.imagesPerSec).toBe(640)
    expect(store.description).toBe('Running: step 15 of 300')
  })

  test('status, sample and run events update the open run', async () => {
    fake.fn('training', 'start').mockResolvedValue(runRecord('r3'))
    const store = useTrainingStore()
    await store.start(runRecord('r3').config)
    fake.emit('training:status', { runId: 'r3', status: 'paused', step: 50 })
    expect(store.description).toBe('Paused at step 50 of 300')
    fake.emit('training:sample', { runId: 'r3', step: 50, path: 'runs/r3/samples/step-000050.png' })
    fake.emit('training:sample', { runId: 'r3', step: 50, path: 'runs/r3/samples/step-000050.png' })
    expect(store.samples).toHaveLength(1)
    fake.emit('run:event', {
      runId: 'r3',
      event: { kind: 'hyperparams', step: 50, time: 2, data: { before: { lrG: 2e-4 }, after: { lrG: 1e-4 } } }
    })
    expect(store.events[0]?.kind).toBe('hyperparams')
    expect(store.record?.config.lrG).toBe(1e-4)
    // The NaN guard halves both rates on its own: the open run shows what the trainer now uses.
    fake.emit('run:event', {
      runId: 'r3',
      event: {
        kind: 'rollback',
        step: 40,
        time: 3,
        data: { before: { lrG: 1e-4, lrD: 2e-4 }, after: { lrG: 5e-5, lrD: 1e-4 } }
      }
    })
    expect(store.record?.config).toMatchObject({ lrG: 5e-5, lrD: 1e-4 })
    fake.emit('training:status', { runId: 'r3', status: 'crashed', step: 51, message: 'worker died' })
    expect(store.description).toBe('Crashed at step 51 of 300: worker died')
    expect(useNotifyStore().history.at(-1)?.message).toBe('worker died')
  })

  test('progress that arrives while a run loads from disk is merged, not lost', async () => {
    let release: (v: unknown) => void = () => undefined
    fake
      .fn('runs', 'get')
      .mockResolvedValue({ record: runRecord('r4', { step: 20 }), live: true, checkpoints: [], samples: [] })
    fake.fn('runs', 'metrics').mockReturnValue(new Promise((r) => (release = r)))
    fake.fn('runs', 'events').mockResolvedValue([])
    const store = useTrainingStore()
    const opening = store.open('r4')
    fake.emit('training:progress', {
      runId: 'r4',
      metrics: [metric(20), metric(25)],
      totalSteps: 300,
      etaSeconds: 5
    })
    release([metric(10), metric(15), metric(20)])
    await opening
    expect(store.metrics.map((m) => m.step)).toEqual([10, 15, 20, 25])
  })

  test('events of the new run that arrive before the start reply are not lost', async () => {
    let reply: (v: unknown) => void = () => undefined
    fake.fn('training', 'start').mockReturnValue(new Promise((r) => (reply = r)))
    const store = useTrainingStore()
    const starting = store.start(runRecord('r6').config)
    fake.emit('training:status', { runId: 'r6', status: 'running', step: 0 })
    fake.emit('training:sample', { runId: 'r6', step: 0, path: 'runs/r6/samples/step-000000.png' })
    fake.emit('training:progress', { runId: 'r6', metrics: [metric(5)], totalSteps: 300, etaSeconds: 9 })
    fake.emit('training:progress', {
      runId: 'someone-else',
      metrics: [metric(7)],
      totalSteps: 300,
      etaSeconds: 9
    })
    // The record is written (status paused) before the first step.
    reply(runRecord('r6', { status: 'paused' }))
    await starting
    expect(store.state).toBe('running')
    expect(store.samples).toHaveLength(1)
    expect(store.metrics.map((m) => m.step)).toEqual([5])
    expect(store.description).toBe('Running: step 5 of 300')
  })

  test('a failed request becomes a notification with the service message', async () => {
    fake.fn('training', 'start').mockRejectedValue(new Error('Dataset cats is 64 px; the model is 28 px'))
    const store = useTrainingStore()
    expect(await store.start(runRecord('x').config)).toBeNull()
    const n = useNotifyStore().history.at(-1)
    expect(n?.level).toBe('error')
    expect(n?.message).toBe('Dataset cats is 64 px; the model is 28 px')
    expect(store.state).toBe('idle')
  })

  test('restore() opens the live run after a reload', async () => {
    fake.fn('runs', 'list').mockResolvedValue([
      { ...runRecord('new', { status: 'stopped' }), live: false },
      { ...runRecord('live', { status: 'paused', step: 30 }), live: true }
    ])
    fake.fn('runs', 'get').mockResolvedValue({
      record: runRecord('live', { status: 'paused', step: 30 }),
      live: true,
      checkpoints: [],
      samples: []
    })
    fake.fn('runs', 'metrics').mockResolvedValue([metric(30)])
    fake.fn('runs', 'events').mockResolvedValue([])
    const store = useTrainingStore()
    await store.restore()
    expect(store.runId).toBe('live')
    expect(store.state).toBe('paused')
  })

  test('pause, resume and stop call the service for the open run; dispose unsubscribes', async () => {
    fake.fn('training', 'start').mockResolvedValue(runRecord('r5'))
    for (const v of ['pause', 'resume', 'stop']) fake.fn('training', v).mockResolvedValue(undefined)
    const store = useTrainingStore()
    await store.start(runRecord('r5').config)
    await store.pause()
    await store.resume()
    await store.stop()
    expect(fake.fn('training', 'pause')).toHaveBeenCalledWith({ runId: 'r5' })
    expect(fake.fn('training', 'resume')).toHaveBeenCalledWith({ runId: 'r5' })
    expect(fake.fn('training', 'stop')).toHaveBeenCalledWith({ runId: 'r5' })
    expect(fake.listenerCount()).toBeGreaterThan(0)
    store.dispose()
    expect(fake.listenerCount()).toBe(0)
  })
})
