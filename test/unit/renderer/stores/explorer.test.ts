// @vitest-environment happy-dom
/**
 * The explorer store under replies that arrive out of order: a slow reply to an older request
 * must never overwrite the reply to a newer one (grid, picks, edits, run and checkpoint
 * selection). And every request carries the one model reference the explorer shows.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeStudio, type FakeStudio } from '../helpers/fake-studio'
import { runRecord } from '../helpers/fixtures'

const fake: FakeStudio = vi.hoisted(() => ({}) as FakeStudio)
vi.mock('../../../../src/renderer/src/api', () => ({
  get studio() {
    return fake.api
  },
  onConnection: (cb: (up: boolean) => void) => fake.onConnection(cb)
}))

import { useExplorerStore } from '../../../../src/renderer/src/stores/explorer'

interface Call<P, R> {
  payload: P
  resolve: (r: R) => void
}

/** Makes a request mock answer only when the test says so; returns the calls in order. */
function held<P, R>(domain: string, verb: string): Array<Call<P, R>> {
  const calls: Array<Call<P, R>> = []
  fake
    .fn(domain, verb)
    .mockImplementation((payload: P) => new Promise<R>((resolve) => calls.push({ payload, resolve })))
  return calls
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

type GenPayload = {
  model: { runId: string; checkpoint?: string; ema?: boolean; label?: number }
  source: { seeds?: number[]; latents?: number[][] }
  truncation?: number
}

function info(
  runId: string,
  checkpoint: string,
  extra: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    runId,
    checkpoint,
    step: 100,
    latentDim: 4,
    imageShape: [28, 28, 1],
    ema: true,
    conditional: false,
    datasetId: 'mnist',
    model: 'mlp',
    ...extra
  }
}

/** Images named after what produced them, so a test sees which reply was applied. */
function imagesFor(p: GenPayload, tag: string): { images: string[] } {
  const n = p.source.seeds?.length ?? p.source.latents?.length ?? 0
  return { images: Array.from({ length: n }, (_, i) => `${tag}:${i}`) }
}

beforeEach(() => {
  Object.assign(fake, createFakeStudio())
  setActivePinia(createPinia())
  fake.fn('runs', 'list').mockResolvedValue([runRecord('r1', { step: 100 }), runRecord('r2', { step: 100 })])
  fake.fn('explorer', 'bookmarks').mockResolvedValue([])
  fake
    .fn('checkpoints', 'list')
    .mockImplementation(async ({ runId }: { runId: string }) => [
      { name: `${runId}-ck`, step: 100, latest: true, pinned: false, time: '', bytes: 0 }
    ])
  fake
    .fn('explorer', 'info')
    .mockImplementation(async ({ model }: { model: { runId: string; checkpoint: string } }) =>
      info(model.runId, model.checkpoint)
    )
  fake.fn('explorer', 'latents').mockImplementation(async ({ seeds }: { seeds: number[] }) => ({
    latents: seeds.map((s) => [s, 0, 0, 0])
  }))
})

describe('explorer store: replies out of order', () => {
  test('a slow grid reply does not replace the newer grid', async () => {
    const gen = held<GenPayload, { images: string[] }>('explorer', 'generate')
    const ex = useExplorerStore()
    const opening = ex.open('r1')
    await flush()
    gen[0]!.resolve(imagesFor(gen[0]!.payload, 'first'))
    await opening
    ex.setFirstSeed(100)
    ex.setFirstSeed(200)
    await flush()
    const [older, newer] = gen.slice(1)
    newer!.resolve(imagesFor(newer!.payload, 'seed200'))
    await flush()
    older!.resolve(imagesFor(older!.payload, 'seed100'))
    await flush()
    expect(ex.grid[0]).toBe('seed200:0')
    expect(ex.loadingGrid).toBe(false)
  })

  test('a slow reply for the run opened first does not replace the run opened last', async () => {
    type Ck = Array<{
      name: string
      step: number
      latest: boolean
      pinned: boolean
      time: string
      bytes: number
    }>
    const lists = held<{ runId: string }, Ck>('checkpoints', 'list')
    const ck = (runId: string): Ck => [
      { name: `${runId}-ck`, step: 100, latest: true, pinned: false, time: '', bytes: 0 }
    ]
    fake.fn('explorer', 'generate').mockImplementation(async (p: GenPayload) => imagesFor(p, p.model.runId))
    const ex = useExplorerStore()
    const first = ex.selectRun('r1')
    const second = ex.selectRun('r2')
    await flush()
    lists[1]!.resolve(ck('r2'))
    await second
    lists[0]!.resolve(ck('r1'))
    await first
    await flush()
    expect(ex.runId).toBe('r2')
    expect(ex.checkpoint).toBe('r2-ck')
    expect(ex.checkpoints.map((c) => c.name)).toEqual(['r2-ck'])
    expect(ex.info?.runId).toBe('r2')
    expect(ex.grid[0]).toBe('r2:0')
  })

  test('picks and edits keep the newest render when replies cross', async () => {
    fake
      .fn('explorer', 'info')
      .mockResolvedValue(info('r1', 'r1-ck', { conditional: true, labels: ['zero', 'one', 'two'] }))
    const gen = held<GenPayload, { images: string[] }>('explorer', 'generate')
    const ex = useExplorerStore()
    const opening = ex.open('r1')
    await flush()
    gen[0]!.resolve(imagesFor(gen[0]!.payload, 'grid'))
    await opening
    await ex.pickCell(0)
    expect(ex.a?.seed).toBe(1)

    // Two class changes: each renders the grid and A again; the first class's replies come last.
    void ex.setLabel(1)
    void ex.setLabel(2)
    await flush()
    const forLabel = (l: number): Array<Call<GenPayload, { images: string[] }>> =>
      gen.filter((c) => c.payload.model.label === l)
    for (const c of forLabel(2)) c.resolve(imagesFor(c.payload, 'label2'))
    await flush()
    for (const c of forLabel(1)) c.resolve(imagesFor(c.payload, 'label1'))
    await flush()
    expect(ex.grid[0]).toBe('label2:0')
    expect(ex.a?.image).toBe('label2:0')
    expect(ex.edited).toBe('label2:0')

    // Two slider moves, each rendering A's edit after the debounce; the first reply comes last.
    vi.useFakeTimers()
    try {
      ex.setDimension(0, 0.5)
      vi.advanceTimersByTime(100)
      ex.setDimension(0, 1)
      vi.advanceTimersByTime(100)
    } finally {
      vi.useRealTimers()
    }
    await flush()
    const edits = gen.filter((c) => c.payload.source.latents)
    expect(edits).toHaveLength(2)
    edits[1]!.resolve({ images: ['edit-1'] })
    await flush()
    edits[0]!.resolve({ images: ['edit-0.5'] })
    await flush()
    expect(ex.edited).toBe('edit-1')
  })

  test('two quick clicks pick A then B, whichever latent reply comes first', async () => {
    fake.fn('explorer', 'generate').mockImplementation(async (p: GenPayload) => imagesFor(p, 'g'))
    const lat = held<{ seeds: number[] }, { latents: number[][] }>('explorer', 'latents')
    const ex = useExplorerStore()
    await ex.open('r1')
    const one = ex.pickCell(0)
    const two = ex.pickCell(1)
    await flush()
    lat[1]!.resolve({ latents: [[2, 0, 0, 0]] })
    lat[0]!.resolve({ latents: [[1, 0, 0, 0]] })
    await Promise.all([one, two])
    expect(ex.a?.seed).toBe(1)
    expect(ex.b?.seed).toBe(2)
    expect(ex.nextPick).toBe('a')
  })
})

describe('explorer store: one model reference', () => {
  test('EMA off and a class reach every explorer and export request', async () => {
    fake
      .fn('explorer', 'info')
      .mockResolvedValue(info('r1', 'r1-ck', { conditional: true, labels: ['zero', 'one', 'two'] }))
    fake.fn('explorer', 'generate').mockImplementation(async (p: GenPayload) => imagesFor(p, 'g'))
    fake.fn('explorer', 'interpolate').mockResolvedValue({ frames: ['f'] })
    const file = { path: 'exports/x.png', bytes: 10 }
    for (const verb of ['png', 'gif', 'strip', 'model']) fake.fn('export', verb).mockResolvedValue(file)
    const ex = useExplorerStore()
    await ex.open('r1')
    await ex.setEma(false)
    await ex.setLabel(2)
    await ex.pickCell(3)
    await ex.pickCell(4)
    ex.mode = 'linear'
    await ex.interpolate()
    await ex.exportPng()
    await ex.exportStrip()
    await ex.exportGif()
    const want = { runId: 'r1', checkpoint: 'r1-ck', ema: false, label: 2 }
    expect(fake.fn('explorer', 'generate').mock.lastCall?.[0].model).toEqual(want)
    expect(fake.fn('explorer', 'interpolate').mock.lastCall?.[0]).toMatchObject({
      model: want,
      mode: 'linear'
    })
    expect(fake.fn('export', 'png').mock.lastCall?.[0]).toMatchObject({ model: want, source: { seeds: [4] } })
    expect(fake.fn('export', 'strip').mock.lastCall?.[0]).toMatchObject({ model: want, mode: 'linear' })
    expect(fake.fn('export', 'gif').mock.lastCall?.[0]).toMatchObject({ model: want, mode: 'linear' })
  })

  test('"explore the current weights" opens the checkpoint the trainer just wrote', async () => {
    fake
      .fn('runs', 'list')
      .mockResolvedValue([runRecord('r1', { step: 100 })].map((r) => ({ ...r, live: true })))
    fake.fn('explorer', 'generate').mockImplementation(async (p: GenPayload) => imagesFor(p, 'g'))
    const ex = useExplorerStore()
    await ex.open('r1')
    expect(ex.live).toBe(true)
    fake.fn('training', 'snapshot').mockResolvedValue({ checkpoint: 'ckpt-000137', step: 137 })
    fake.fn('checkpoints', 'list').mockResolvedValue([
      { name: 'ckpt-000137', step: 137, latest: true, pinned: false, time: '', bytes: 0 },
      { name: 'r1-ck', step: 100, latest: false, pinned: false, time: '', bytes: 0 }
    ])
    await ex.exploreCurrentWeights()
    expect(fake.fn('training', 'snapshot')).toHaveBeenCalledWith({ runId: 'r1' })
    expect(ex.checkpoint).toBe('ckpt-000137')
    expect(fake.fn('explorer', 'generate').mock.lastCall?.[0].model.checkpoint).toBe('ckpt-000137')
  })
})
