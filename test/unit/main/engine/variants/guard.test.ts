/**
 * The non-finite guard end to end: a poisoned batch (test hook) makes one D update non-finite;
 * the update is skipped on the device, the session rolls back to the last checkpoint, halves both
 * learning rates, records exactly one `rollback` event and finishes. Repeated failures stop the
 * run after 3 rollbacks with a message saying what to try.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSession } from '../../../../../src/main/engine/session'
import { readJsonl } from '../../../../../src/main/engine/runs/jsonl'
import { readRunRecord } from '../../../../../src/main/engine/runs/store'
import { tf } from '../../../../../src/main/engine/tf'
import type { RunEvent, StepMetrics } from '../../../../../src/shared/domain'
import { liveChangeOf } from '../../../../../src/shared/live-change'
import { makeTinyDataset, tempDir } from '../../../../helpers/engine'

const config = {
  dataset: 'tiny',
  model: 'mlp' as const,
  width: 0.125,
  latentDim: 8,
  batchSize: 8,
  steps: 40,
  logEvery: 5,
  checkpointEvery: 10,
  sampleEvery: 20,
  // Constant rates, so the optimizers' effective rate is the halved one (not decayed by the step).
  lrDecay: 'none' as const
}

describe('non-finite guard', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
    await makeTinyDataset(dataDir, 256)
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('a poisoned batch triggers exactly one rollback, halves the learning rates and training finishes', async () => {
    const runDir = path.join(dataDir, 'run-poison')
    const s = await openSession({ dataDir, runDir, backend: 'cpu', mode: { kind: 'new', config } })
    const before = tf.memory().numTensors
    s.engine.poisonBatchAtStep = 22
    const events: RunEvent[] = []
    const status = await s.run({ event: (e) => events.push(e) })
    expect(tf.memory().numTensors).toBe(before)
    expect(status).toBe('finished')
    const rollbacks = events.filter((e) => e.kind === 'rollback')
    expect(rollbacks).toHaveLength(1)
    const rb = rollbacks[0] as RunEvent
    expect(rb.step).toBe(20)
    expect(rb.message).toMatch(
      /Non-finite loss or gradient: 1 update was skipped before step 25; rolled back to ckpt-0+20 \(step 20\)/
    )
    expect(rb.data).toMatchObject({
      code: 'non-finite',
      fromStep: 25,
      toStep: 20,
      skippedUpdates: 1,
      after: { lrG: 1e-4, lrD: 2e-4 }
    })
    expect(s.config.lrG).toBe(1e-4)
    expect(s.config.lrD).toBe(2e-4)
    // One source of truth: the optimizers, the record and run.json all have the halved rates.
    expect([s.engine.optG.config.lr, s.engine.optD.config.lr]).toEqual([1e-4, 2e-4])
    expect(s.record.config).toMatchObject({ lrG: 1e-4, lrD: 2e-4 })
    const onDiskRecord = await readRunRecord(runDir)
    expect(onDiskRecord?.config).toMatchObject({ lrG: 1e-4, lrD: 2e-4 })
    expect(liveChangeOf(rb)).toEqual({ lrG: 1e-4, lrD: 2e-4 })
    expect(s.engine.step).toBe(40)
    // The history has no NaN and no duplicate steps: the window with the bad update was not logged.
    const metrics = await readJsonl<StepMetrics>(path.join(runDir, 'metrics.jsonl'))
    expect(metrics.map((m) => m.step)).toEqual([5, 10, 15, 20, 25, 30, 35, 40])
    for (const m of metrics) expect(Number.isFinite(m.lossD) && Number.isFinite(m.lossG)).toBe(true)
    const onDisk = await readJsonl<RunEvent>(path.join(runDir, 'events.jsonl'))
    expect(onDisk.filter((e) => e.kind === 'rollback')).toHaveLength(1)
    s.dispose()
  })

  it('stops after 3 rollbacks with a message that says what happened and what to try', async () => {
    const runDir = path.join(dataDir, 'run-repeat')
    const s = await openSession({ dataDir, runDir, backend: 'cpu', mode: { kind: 'new', config } })
    s.engine.poisonBatchAtStep = 12
    const events: RunEvent[] = []
    const status = await s.run({
      event: (e) => {
        events.push(e)
        // Every rollback re-arms the poison, so the failure repeats.
        if (e.kind === 'rollback') s.engine.poisonBatchAtStep = e.step + 2
      }
    })
    expect(status).toBe('stopped')
    expect(events.filter((e) => e.kind === 'rollback')).toHaveLength(3)
    const err = events.find((e) => e.kind === 'error')
    expect(err?.message).toMatch(
      /Training stopped at step 15: losses or gradients became NaN or infinite again .* after 3 rollbacks/
    )
    expect(err?.message).toMatch(/Try: .*lower learning rates, gradient clipping/)
    expect(s.record.status).toBe('stopped')
    expect(s.config.lrG).toBeCloseTo(2e-4 / 8, 12)
    s.dispose()
  })
})
