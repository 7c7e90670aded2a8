/** Every loss trains 30 steps on tiny data with finite losses and a flat tensor count. */
import { describe, expect, it } from 'vitest'
import { tf } from '../../../../../src/main/engine/tf'
import { LOSS_KINDS } from '../../../../../src/shared/hyperparams'
import { tinyTrainer, useTinyCpuData } from './helpers'

describe('losses', () => {
  const tiny = useTinyCpuData()

  for (const loss of LOSS_KINDS) {
    it(`${loss}: 30 steps, finite losses, flat tensor count`, async () => {
      const before = tf.memory().numTensors
      const t = await tinyTrainer(tiny(), { loss })
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
