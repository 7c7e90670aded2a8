/** Every loss trains 30 steps on tiny data with finite losses and a flat tensor count. */
import { promises as fs } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadBackend } from '../../../../../src/main/engine/backend'
import type { CachedDataset } from '../../../../../src/main/engine/data/cache'
import { tf } from '../../../../../src/main/engine/tf'
import { LOSS_KINDS } from '../../../../../src/shared/hyperparams'
import { tinyData, tinyTrainer } from './helpers'

describe('losses', () => {
  let dataDir: string
  let data: CachedDataset
  beforeAll(async () => {
    await loadBackend('cpu')
    ;({ dataDir, data } = await tinyData())
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  for (const loss of LOSS_KINDS) {
    it(`${loss}: 30 steps, finite losses, flat tensor count`, async () => {
      const before = tf.memory().numTensors
      const t = await tinyTrainer(data, { loss })
      const counts: number[] = []
      const losses: number[] = []
      for (let i = 0; i < 30; i++) {
        t.trainStep()
        counts.push(tf.memory().numTensors)
        if ((i + 1) % 10 === 0) {
          const a = await t.readAverages()
          expect(a.nonFinite).toBe(0)
          losses.push(a.lossD, a.lossG, a.dReal, a.dFake)
        }
      }
      for (const l of losses) expect(Number.isFinite(l)).toBe(true)
      expect(counts[29]).toBe(counts[2])
      t.dispose()
      expect(tf.memory().numTensors).toBe(before)
    })
  }
})
