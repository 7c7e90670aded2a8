/**
 * The session logs GAN Studio FD at each sample interval on a built-in dataset: a 256-image
 * subset stored under the id `mnist` (so the shipped classifier applies) trains 40 steps and the
 * metric records at the sample steps carry `quality`; the tensor count stays flat.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readJsonl } from '../../../../../src/main/engine/runs/jsonl'
import { openSession } from '../../../../../src/main/engine/session'
import { tf } from '../../../../../src/main/engine/tf'
import type { StepMetrics } from '../../../../../src/shared/domain'
import { makeTinyDataset, tempDir } from '../../../../helpers/engine'

describe('quality in the session', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
    await makeTinyDataset(dataDir, 256, 'mnist')
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('attaches quality to the records at sample steps', async () => {
    const runDir = path.join(dataDir, 'run')
    const config = {
      dataset: 'mnist',
      model: 'mlp' as const,
      width: 0.125,
      latentDim: 8,
      batchSize: 8,
      steps: 40,
      logEvery: 10,
      sampleEvery: 20,
      checkpointEvery: 40
    }
    const s = await openSession({ dataDir, runDir, backend: 'cpu', mode: { kind: 'new', config } })
    const before = tf.memory().numTensors
    expect(await s.run()).toBe('finished')
    const metrics = await readJsonl<StepMetrics>(path.join(runDir, 'metrics.jsonl'))
    const withQ = metrics.filter((m) => m.quality)
    expect(withQ.map((m) => m.step)).toEqual([20, 40])
    for (const m of withQ) {
      expect(m.quality?.step).toBe(m.step)
      expect(m.quality?.samples).toBe(256)
      expect(Number.isFinite(m.quality?.fd)).toBe(true)
      // Covered classes out of 10: 256 images always land in at least one class.
      const covered = (m.quality?.classCoverage ?? Number.NaN) * 10
      expect(covered).toBeCloseTo(Math.round(covered), 9)
      expect(Math.round(covered)).toBeGreaterThanOrEqual(1)
      expect(Math.round(covered)).toBeLessThanOrEqual(10)
    }
    s.dispose()
    // The classifier's weights are freed with the session; nothing else stays behind.
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before)
  })
})
