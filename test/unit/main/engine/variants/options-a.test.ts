/** Options train 30 steps on tiny data with finite losses and a flat tensor count (split in files to stay < 90 s each). */
import { describe, expect, it } from 'vitest'
import { tf } from '../../../../../src/main/engine/tf'
import type { HyperparamsInput } from '../../../../../src/shared/hyperparams'
import { tensorCountsOver, tinyTrainer, useTinyCpuData } from './helpers'

describe('training options (a)', () => {
  const tiny = useTinyCpuData()

  const cases: Array<[string, HyperparamsInput]> = [
    ['spectral norm', { spectralNorm: true }],
    ['DiffAugment', { diffAugment: ['translation', 'cutout', 'color'] }],
    ['conditional', { conditional: true }]
  ]
  for (const [name, extra] of cases) {
    it(`${name}: 30 steps, finite losses, flat tensor count`, async () => {
      const before = tf.memory().numTensors
      const t = await tinyTrainer(tiny(), extra)
      const counts = tensorCountsOver(t, 30)
      const a = await t.readAverages()
      expect(a.nonFinite).toBe(0)
      for (const v of [a.lossD, a.lossG, a.dReal, a.dFake]) expect(Number.isFinite(v)).toBe(true)
      expect(counts[29]).toBe(counts[2])
      const px = await t.renderSamples()
      expect(px.length).toBe(64 * 784)
      t.dispose()
      expect(tf.memory().numTensors).toBe(before)
    })
  }
})
