/**
 * StudioService with a fake trainer (no processes): progress batching, status/crash handling,
 * routing of not-yet-implemented domains, validation at the boundary.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { StudioService } from '../../../../src/main/services/studio-service'
import { MemorySettingsStore } from '../../../../src/main/services/settings'
import type { WorkerHandle, WorkerLauncher } from '../../../../src/main/services/worker-launcher'
import type { FromWorker, ToWorker } from '../../../../src/main/worker/protocol'
import { writeRunRecord } from '../../../../src/main/engine/runs/store'
import type { EventMap, EventName } from '../../../../src/shared/contract'
import type { RunRecord } from '../../../../src/shared/domain'
import { defaultHyperparams } from '../../../../src/shared/hyperparams'

/** A scripted worker: records what it is sent; the test pushes messages and exits. */
class FakeWorker implements WorkerHandle {
  readonly pid = 4242
  sent: ToWorker[] = []
  private onMsg: (m: FromWorker) => void = () => undefined
  private onEx: (code: number | null, signal: string | null) => void = () => undefined
  constructor(private readonly dataDir: string) {}
  send(msg: ToWorker): void {
    this.sent.push(msg)
    if (msg.type === 'start') {
      const id = path.basename(msg.runDir)
      const record = makeRecord(id)
      queueMicrotask(() => {
        void mkdir(msg.runDir, { recursive: true })
          .then(() => writeRunRecord(msg.runDir, record))
          .then(() => this.push({ type: 'ready', record, backend: null, pid: this.pid }))
      })
    }
    if (msg.type === 'pause') queueMicrotask(() => this.push({ type: 'status', status: 'paused', step: 10 }))
    if (msg.type === 'snapshot')
      queueMicrotask(() => this.push({ type: 'snapshot', id: msg.id, checkpoint: 'ckpt-000017', step: 17 }))
    if (msg.type === 'probe') {
      const active = msg.backend === 'auto' || !msg.backend ? 'wasm' : msg.backend
      queueMicrotask(() =>
        this.push({
          type: 'backend',
          report: {
            active,
            variant: active,
            attempts: [],
            tfjsVersion: '4',
            cpuThreads: 2,
            platform: 'test',
            nodeVersion: '20'
          }
        })
      )
    }
  }
  onMessage(cb: (m: FromWorker) => void): void {
    this.onMsg = cb
  }
  onExit(cb: (code: number | null, signal: string | null) => void): void {
    this.onEx = cb
  }
  stderrTail(): string {
    return 'Segmentation fault'
  }
  kill(): void {
    this.exit(null, 'SIGKILL')
  }
  push(m: FromWorker): void {
    this.onMsg(m)
  }
  exit(code: number | null, signal: string | null): void {
    this.onEx(code, signal)
  }
}

function makeRecord(id: string): RunRecord {
  return {
    id,
    name: 'fake',
    created: new Date(0).toISOString(),
    updated: new Date(0).toISOString(),
    config: defaultHyperparams(),
    dataset: { id: 'mnist', fingerprint: 'f', count: 1, shape: [28, 28, 1] },
    backend: 'cpu',
    status: 'running',
    step: 0,
    appVersion: 'test'
  }
}

let dataDir: string
let workers: FakeWorker[]
let svc: StudioService
let events: Array<{ name: EventName; data: unknown }>

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gs-svc-'))
  workers = []
  const launcher: WorkerLauncher = {
    launch: () => {
      const w = new FakeWorker(dataDir)
      workers.push(w)
      return w
    }
  }
  svc = new StudioService({
    dataDir,
    settings: new MemorySettingsStore({ maxConcurrentRuns: 2 }),
    launcher,
    transport: 'serve'
  })
  events = []
  svc.subscribe((name, data) => events.push({ name, data }))
})
afterEach(() => {
  vi.useRealTimers()
  rmSync(dataDir, { recursive: true, force: true })
})

const of = <E extends EventName>(name: E): Array<EventMap[E]> =>
  events.filter((e) => e.name === name).map((e) => e.data as EventMap[E])
const metric = (step: number): FromWorker => ({
  type: 'progress',
  items: [
    {
      step,
      epoch: 0,
      lossD: 1,
      lossG: 1,
      dReal: 0.5,
      dFake: 0.5,
      msPerStep: 1,
      imagesPerSec: 1,
      time: 0,
      totalSteps: 100,
      etaSeconds: 1
    }
  ]
})

describe('StudioService with a fake trainer', () => {
  it('batches progress to at most one message per 250 ms per run, in order, nothing lost', async () => {
    const rec = await svc.call('training:start', { config: { model: 'mlp' } })
    vi.useFakeTimers()
    const w = workers[0]!
    // 1000 logged steps over 2 s of fake time: one every 2 ms.
    for (let s = 1; s <= 1000; s++) {
      w.push(metric(s))
      vi.advanceTimersByTime(2)
    }
    vi.advanceTimersByTime(1000)
    const msgs = of('training:progress').filter((p) => p.runId === rec.id)
    expect(msgs.length).toBeLessThanOrEqual(2000 / 250 + 2)
    expect(msgs.flatMap((m) => m.metrics.map((x) => x.step))).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 1)
    )
  })

  it('flushes pending progress before a status event', async () => {
    const rec = await svc.call('training:start', { config: { model: 'mlp' } })
    const w = workers[0]!
    w.push(metric(1))
    w.push(metric(2))
    w.push({ type: 'status', status: 'paused', step: 2 })
    const names = events
      .map((e) => e.name)
      .filter((n) => n === 'training:progress' || n === 'training:status')
    expect(names).toEqual(['training:progress', 'training:status'])
    expect(of('training:status')[0]).toMatchObject({ runId: rec.id, status: 'paused' })
  })

  it('marks a run crashed when its worker dies, with the reason, and frees the slot', async () => {
    const rec = await svc.call('training:start', { config: { model: 'mlp' } })
    workers[0]!.push({ type: 'status', status: 'running', step: 0 })
    workers[0]!.exit(null, 'SIGKILL')
    await vi.waitFor(() => expect(of('training:status').some((s) => s.status === 'crashed')).toBe(true))
    const runDir = path.join(dataDir, 'runs', rec.id)
    const saved = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as RunRecord
    expect(saved.status).toBe('crashed')
    expect(saved.message).toContain('SIGKILL')
    expect(readFileSync(path.join(runDir, 'events.jsonl'), 'utf8')).toContain('"crash"')
    expect(of('run:event').some((e) => e.event.kind === 'crash')).toBe(true)
    expect((await svc.call('runs:list'))[0]?.live).toBe(false)
    // Resume launches a new worker in resume mode.
    void svc.dispatch('training:resume', { runId: rec.id })
    await vi.waitFor(() => expect(workers).toHaveLength(2))
    expect(workers[1]!.sent[0]).toMatchObject({ type: 'start', mode: { kind: 'resume' } })
  })

  it('a clean stop is not a crash', async () => {
    const rec = await svc.call('training:start', { config: { model: 'mlp' } })
    const stopping = svc.call('training:stop', { runId: rec.id })
    await vi.waitFor(() => expect(workers[0]!.sent.at(-1)).toEqual({ type: 'stop' }))
    workers[0]!.push({ type: 'status', status: 'stopped', step: 5 })
    workers[0]!.exit(0, null)
    await stopping
    expect(of('training:status').map((s) => s.status)).toEqual(['stopped'])
  })

  it('enforces the concurrent-run limit', async () => {
    await svc.call('training:start', { config: { model: 'mlp' } })
    await svc.call('training:start', { config: { model: 'mlp' } })
    await expect(svc.call('training:start', { config: { model: 'mlp' } })).rejects.toMatchObject({
      code: 'conflict'
    })
  })

  it('routes explorer and export to "unavailable" until they are implemented', async () => {
    const rec = await svc.call('training:start', { config: { model: 'mlp' } })
    for (const [name, payload] of [
      ['explorer:generate', { model: { runId: rec.id }, source: { seeds: [1] } }],
      ['explorer:interpolate', { model: { runId: rec.id }, from: { seeds: [1] }, to: { seeds: [2] } }],
      ['export:png', { model: { runId: rec.id }, source: { seeds: [1] } }],
      ['export:gif', { model: { runId: rec.id }, from: { seeds: [1] }, to: { seeds: [2] } }],
      ['export:model', { model: { runId: rec.id } }]
    ] as const) {
      const env = await svc.dispatch(name, payload)
      expect(env).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    }
  })

  it('never throws from dispatch, whatever it is given', async () => {
    for (const [n, p] of [
      [undefined, undefined],
      [null, null],
      ['runs:get', { runId: '../x' }],
      [{}, []],
      ['toString', {}]
    ] as const) {
      const env = await svc.dispatch(n, p)
      expect(env.ok).toBe(false)
    }
  })
})

describe('settings and live weights', () => {
  it('a new backend setting is probed again, so the status bar shows what new runs will use', async () => {
    expect((await svc.call('app:info', {})).backend?.active).toBe('wasm')
    await svc.call('settings:update', { backend: 'cpu' })
    expect((await svc.call('app:info', {})).backend?.active).toBe('cpu')
    await svc.call('training:start', { config: { model: 'mlp' } })
    expect(workers.at(-1)?.sent[0]).toMatchObject({ type: 'start', backend: 'cpu' })
    await svc.call('settings:update', { maxConcurrentRuns: 1 })
    await expect(svc.call('training:start', { config: { model: 'mlp' } })).rejects.toThrow(/the limit is 1/)
  })

  it('training:snapshot asks the live trainer for a checkpoint of its current weights', async () => {
    const rec = await svc.call('training:start', { config: { model: 'mlp' } })
    await vi.waitFor(() => expect(svc.workerPid(rec.id)).toBe(4242))
    expect(await svc.call('training:snapshot', { runId: rec.id })).toEqual({
      checkpoint: 'ckpt-000017',
      step: 17
    })
    expect(workers.at(-1)?.sent.some((m) => m.type === 'snapshot')).toBe(true)
  })
})
