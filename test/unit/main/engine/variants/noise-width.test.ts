/**
 * The learning-rate decay reaches the optimizers and ends with frozen weights. Instance noise reaches D (same real batch and latents, different D scores) and trains with a
 * flat tensor count; the discriminator's own width multiplier changes D and only D, and a
 * checkpoint of another D width is refused on resume, while one written before the field existed
 * reads as "same as G".
 */
import { describe, expect, it } from 'vitest'
import { resumeMismatches } from '../../../../../src/main/engine/checkpoint/trainer-io'
import { buildArchs } from '../../../../../src/main/engine/models'
import { tf } from '../../../../../src/main/engine/tf'
import { hyperparamsSchema } from '../../../../../src/shared/hyperparams'
import { tensorCountsOver, tinyTrainer, useTinyCpuData } from './helpers'

const convFilters = (layers: Array<{ kind: string; filters?: number }>): number[] =>
  layers.filter((l) => l.kind === 'conv' || l.kind === 'convT').map((l) => l.filters as number)

describe('instance noise and D width', () => {
  const tiny = useTinyCpuData()

  it("instance noise changes D's scores of the same batch at step 1, and trains 30 steps with a flat tensor count", async () => {
    const before = tf.memory().numTensors
    const firstStep = async (instanceNoise: number): Promise<number[]> => {
      const t = await tinyTrainer(tiny(), { instanceNoise, instanceNoiseSteps: 100 })
      t.trainStep()
      const a = await t.readAverages()
      t.dispose()
      return [a.dReal, a.dFake]
    }
    const clean = await firstStep(0)
    const again = await firstStep(0)
    const noisy = await firstStep(0.5)
    expect(again).toEqual(clean)
    // Training is deterministic (clean twice is equal bit for bit), so any difference is the noise.
    expect(noisy[0]).not.toBe(clean[0])
    expect(noisy[1]).not.toBe(clean[1])

    const t = await tinyTrainer(tiny(), { instanceNoise: 0.3, instanceNoiseSteps: 20 })
    const counts = tensorCountsOver(t, 30)
    const a = await t.readAverages()
    expect(a.nonFinite).toBe(0)
    for (const v of [a.lossD, a.lossG]) expect(Number.isFinite(v)).toBe(true)
    // Noise on (steps 1–20) and faded out (21–30) allocate the same: nothing leaks either way.
    expect(counts[29]).toBe(counts[2])
    t.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('lrDecay linear: the rates fall to 0 at the last step, after which no weight moves', async () => {
    const weights = async (t: Awaited<ReturnType<typeof tinyTrainer>>): Promise<number[]> => {
      const out: number[] = []
      for (const v of [...t.G.weights.values(), ...t.D.weights.values()]) out.push(...(await v.data()))
      return out
    }
    const t = await tinyTrainer(tiny(), { lrDecay: 'linear', steps: 4 })
    const factors: number[] = []
    for (let i = 0; i < 4; i++) {
      factors.push(t.lrFactor())
      t.trainStep()
    }
    expect(factors).toEqual([1, 0.75, 0.5, 0.25])
    expect(t.lrFactor()).toBe(0)
    const atDecayEnd = await weights(t)
    t.trainStep()
    t.trainStep()
    expect(await weights(t)).toEqual(atDecayEnd)
    t.dispose()
    // Without the decay the same two steps do move the weights.
    const c = await tinyTrainer(tiny(), {})
    for (let i = 0; i < 4; i++) c.trainStep()
    const before = await weights(c)
    c.trainStep()
    expect(await weights(c)).not.toEqual(before)
    c.dispose()
  })

  it('widthD sets D’s channels alone; 0 is the same as width', () => {
    const shape: [number, number, number] = [28, 28, 1]
    const same = buildArchs(hyperparamsSchema.parse({ width: 0.5 }), shape)
    const wide = buildArchs(hyperparamsSchema.parse({ width: 0.5, widthD: 1 }), shape)
    expect(convFilters(same.discriminator.layers)).toEqual([32, 64])
    expect(convFilters(wide.discriminator.layers)).toEqual([64, 128])
    expect(wide.generator).toEqual(same.generator)
  })

  it('resume refuses another D width and reads a checkpoint without widthD as the same as G', () => {
    const shape: [number, number, number] = [28, 28, 1]
    const ds = { id: 'tiny', fingerprint: 'f' }
    const cfg = hyperparamsSchema.parse({ dataset: 'tiny' })
    const archs = buildArchs(cfg, shape)
    const old = { ...cfg } as Record<string, unknown>
    delete old['widthD']
    expect(resumeMismatches({ config: old as typeof cfg, archs, dataset: ds }, cfg, archs, ds)).toEqual([])
    const wider = { ...cfg, widthD: 1 }
    expect(
      resumeMismatches({ config: cfg, archs, dataset: ds }, wider, buildArchs(wider, shape), ds)
    ).toEqual(['widthD: the checkpoint has 0, this run asks for 1'])
  })
})
