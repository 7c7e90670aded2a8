/**
 * Options: spectral norm, DiffAugment, conditional, clipping, EMA off. Each trains 30 steps with
 * finite losses and a flat tensor count; SN gives a largest singular value ≈ 1; conditional
 * refuses an unlabelled dataset; clipping bounds the update.
 */
import { describe, expect, it } from 'vitest'
import { buildArchs } from '../../../../../src/main/engine/models'
import { spectralSigma } from '../../../../../src/main/engine/models/network'
import { symmetricEigen } from '../../../../../src/main/engine/quality'
import { tf } from '../../../../../src/main/engine/tf'
import { hyperparamsSchema } from '../../../../../src/shared/hyperparams'
import { tinyTrainer, useTinyCpuData } from './helpers'

/** Largest singular value of a kernel reshaped to [fan-in, units]. */
function largestSingularValue(values: Float32Array, units: number): number {
  const rows = values.length / units
  const g = new Float64Array(units * units)
  for (let a = 0; a < units; a++) {
    for (let b = 0; b < units; b++) {
      let s = 0
      for (let r = 0; r < rows; r++)
        s += (values[r * units + a] as number) * (values[r * units + b] as number)
      g[a * units + b] = s
    }
  }
  return Math.sqrt(Math.max(...symmetricEigen(g, units).values))
}

describe('training option checks', () => {
  const tiny = useTinyCpuData()

  it('EMA decay 0 has no EMA; samples come from the raw generator', async () => {
    const t = await tinyTrainer(tiny(), { ema: 0 })
    expect(t.ema).toBeUndefined()
    expect(t.tensorGroups().ema.size).toBe(0)
    t.dispose()
  })

  it('spectral norm: every D kernel divided by σ has largest singular value ≈ 1', async () => {
    const t = await tinyTrainer(tiny(), { spectralNorm: true })
    for (let i = 0; i < 30; i++) t.trainStep()
    // A few more power iterations (each D update does one) tighten the estimate.
    for (let i = 0; i < 20; i++) t.D.powerIterate()
    let checked = 0
    for (const [name, u] of t.D.buffers) {
      if (!name.endsWith('/snU')) continue
      const k = t.D.weights.get(name.replace(/snU$/, 'kernel')) as tf.Variable
      const sigma = tf.tidy(() => spectralSigma(k, u))
      const s = (await sigma.data())[0] as number
      sigma.dispose()
      const units = k.shape[k.shape.length - 1] as number
      const top = largestSingularValue((await k.data()) as Float32Array, units)
      expect(top / s).toBeGreaterThan(0.97)
      expect(top / s).toBeLessThan(1.03)
      checked += 1
    }
    expect(checked).toBe(3)
    expect(t.tensorGroups().discriminator.has('dense1/snU')).toBe(true)
    t.dispose()
  })

  it('conditional: the projection D and the concat G take labels; the grid shows a class per row', async () => {
    const t = await tinyTrainer(tiny(), { conditional: true })
    expect(t.archs.generator.conditioning).toEqual({ classes: 10, mode: 'concat' })
    expect(t.archs.discriminator.conditioning).toEqual({ classes: 10, mode: 'projection' })
    expect(t.D.weights.has('embed/kernel')).toBe(true)
    const rows = t.gridLabels()
    expect(Array.from(rows ?? []).filter((_, i) => i % 8 === 0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    t.dispose()
  })

  it('conditional: refuses an unlabelled dataset with a clear message', () => {
    const config = hyperparamsSchema.parse({ dataset: 'tiny', model: 'mlp', conditional: true })
    expect(() => buildArchs(config, [28, 28, 1], 0)).toThrow(
      /Conditional training needs a labelled dataset.*'tiny' has no labels/
    )
  })

  it('clipping: a tiny clipNorm scales gradients below Adam epsilon, so the first D step shrinks', async () => {
    const delta = async (clipNorm: number): Promise<number> => {
      const t = await tinyTrainer(tiny(), { clipNorm })
      const w = t.D.weights.get('dense1/kernel') as tf.Variable
      const before = (await w.data()).slice()
      t.trainStep()
      const after = await w.data()
      let m = 0
      for (let i = 0; i < before.length; i++)
        m = Math.max(m, Math.abs((after[i] as number) - (before[i] as number)))
      t.dispose()
      return m
    }
    // Adam is scale-invariant, except that epsilon (1e-8) dominates once |g| is far below it.
    const clipped = await delta(1e-9)
    const free = await delta(0)
    expect(free).toBeGreaterThan(0)
    expect(clipped).toBeLessThan(free / 10)
  })
})
