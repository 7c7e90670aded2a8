// @vitest-environment happy-dom
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeStudio, type FakeStudio } from '../helpers/fake-studio'
import { metric, runRecord } from '../helpers/fixtures'

const fake: FakeStudio = vi.hoisted(() => ({}) as FakeStudio)
vi.mock('../../../../src/renderer/src/api', () => ({
  get studio() {
    return fake.api
  },
  onConnection: (cb: (up: boolean) => void) => fake.onConnection(cb)
}))

import { metricsToCsv, useRunsStore } from '../../../../src/renderer/src/stores/runs'
import { useNotifyStore } from '../../../../src/renderer/src/stores/notify'

beforeEach(() => {
  Object.assign(fake, createFakeStudio())
  setActivePinia(createPinia())
})

describe('useRunsStore', () => {
  test('metrics CSV has a header and one row per record', () => {
    const csv = metricsToCsv([metric(0), metric(10)])
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe(
      'step,epoch,lossD,lossG,dReal,dFake,msPerStep,imagesPerSec,time,fd,fdStep,classCoverage,gradNormG,gradNormD'
    )
    expect(lines).toHaveLength(3)
    expect(lines[2]?.startsWith('10,0,1.01,1.99,')).toBe(true)
    // Records without a score or norms leave those cells empty.
    expect(lines[1]?.endsWith(',,,,,')).toBe(true)
  })

  test('metrics CSV carries FD, coverage and gradient norms where the record has them', () => {
    const m = {
      ...metric(100),
      quality: { step: 100, fd: 12.5, classCoverage: 0.9, classEvenness: 0.95, samples: 256 },
      gradNorm: { g: 0.25, d: 1.5, gLayers: {}, dLayers: {} }
    }
    const row = metricsToCsv([m]).trim().split('\n')[1] ?? ''
    expect(row.split(',').slice(-5)).toEqual(['12.5', '100', '0.9', '0.25', '1.5'])
  })

  test('lists runs and follows status events', async () => {
    fake.fn('runs', 'list').mockResolvedValue([{ ...runRecord('a'), live: true }])
    const runs = useRunsStore()
    await runs.refresh()
    fake.emit('training:status', { runId: 'a', status: 'stopped', step: 120 })
    expect(runs.items[0]).toMatchObject({ status: 'stopped', step: 120 })
  })

  test('branch starts a run from the checkpoint with the parent config', async () => {
    fake.fn('runs', 'list').mockResolvedValue([{ ...runRecord('a', { status: 'stopped' }), live: false }])
    fake.fn('training', 'start').mockResolvedValue(runRecord('b'))
    const runs = useRunsStore()
    await runs.refresh()
    await runs.branch('a', 'ckpt-000100', 'fork')
    expect(fake.fn('training', 'start')).toHaveBeenCalledWith({
      config: runRecord('a').config,
      from: { runId: 'a', checkpoint: 'ckpt-000100', force: false },
      name: 'fork'
    })
  })

  test('resume of a finished run asks for more steps; errors are notified', async () => {
    fake
      .fn('runs', 'list')
      .mockResolvedValue([{ ...runRecord('f', { status: 'finished', step: 300 }), live: false }])
    fake.fn('training', 'resume').mockRejectedValue(new Error('1 run(s) already training (the limit is 1)'))
    const runs = useRunsStore()
    await runs.refresh()
    expect(await runs.resume('f')).toBe(false)
    expect(fake.fn('training', 'resume')).toHaveBeenCalledWith({ runId: 'f', steps: 600 })
    expect(useNotifyStore().history.at(-1)?.message).toBe('1 run(s) already training (the limit is 1)')
  })

  test('compare loads metrics of the selected runs only', async () => {
    fake
      .fn('runs', 'metrics')
      .mockImplementation(async ({ runId }: { runId: string }) => [metric(runId === 'a' ? 1 : 2)])
    const runs = useRunsStore()
    await runs.compare(['a', 'b'])
    expect(Object.keys(runs.compared).sort()).toEqual(['a', 'b'])
    await runs.compare(['b'])
    expect(Object.keys(runs.compared)).toEqual(['b'])
  })
})
