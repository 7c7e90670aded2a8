/**
 * The R1 penalty (Mescheder et al. 2018) against closed forms: for D(x) = x·w the input gradient
 * is w for every sample, so R1 = |w|² and dR1/dw = 2w; with a LeakyReLU in between the input
 * gradient is w scaled by 1 or α per unit. In the trainer it changes D's update (and only that).
 */
import { promises as fs } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadBackend } from '../../../../../src/main/engine/backend'
import { r1Penalty } from '../../../../../src/main/engine/gp'
import { tf } from '../../../../../src/main/engine/tf'
import { tinyData, tinyTrainer } from './helpers'

describe('R1 penalty', () => {
  let dataDir: string
  let data: Awaited<ReturnType<typeof tinyData>>['data']
  beforeAll(async () => {
    await loadBackend('cpu')
    ;({ dataDir, data } = await tinyData(64))
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('is |w|² with gradient 2w for a linear D', () => {
    const w = tf.variable(tf.tensor2d([0.5, -2, 1.5], [3, 1]))
    const x = tf.tensor2d([1, 2, 3, -1, 0, 4], [2, 3])
    const { value, grads } = tf.variableGrads(() => r1Penalty((v) => tf.matMul(v, w), x), [w])
    expect(value.dataSync()[0]).toBeCloseTo(0.25 + 4 + 2.25, 5)
    expect(Array.from(grads[w.name]!.dataSync())).toEqual([1, -4, 3])
    tf.dispose([w, x, value, ...Object.values(grads)])
  })

  it('follows the LeakyReLU slope per sample', () => {
    const a = [2, -1]
    const x = tf.tensor2d([1, -3, -2, 5], [2, 2])
    const d = (v: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.leakyRelu(v, 0.2), tf.tensor1d(a)), 1)
    const p = r1Penalty(d, x)
    // Sample 1: slopes (1, 0.2) → (2, -0.2); sample 2: (0.2, 1) → (0.4, -1).
    expect(p.dataSync()[0]).toBeCloseTo((4 + 0.04 + 0.16 + 1) / 2, 5)
    tf.dispose([x, p])
  })

  it('changes only D’s update in the trainer, and draws nothing from the run’s PRNG', async () => {
    const plain = await tinyTrainer(data)
    const r1 = await tinyTrainer(data, { r1Gamma: 10 })
    plain.trainStep()
    r1.trainStep()
    const first = (m: Map<string, tf.Variable>): number[] => Array.from([...m.values()][0]!.dataSync())
    expect(first(r1.D.weights)).not.toEqual(first(plain.D.weights))
    expect(r1.cursor()).toEqual(plain.cursor())
    const a = await plain.readAverages()
    const b = await r1.readAverages()
    expect(b.lossD).toBeGreaterThan(a.lossD)
    plain.dispose()
    r1.dispose()
  })
})
