/**
 * Gradient norms logged with the losses. Independent check: with plain SGD (momentum 0) one
 * update moves the weights by exactly lr·g, so |Δw| / lr must equal the logged norm, globally and
 * per layer, for both networks.
 */
import { promises as fs } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadBackend } from '../../../../src/main/engine/backend'
import type { Network } from '../../../../src/main/engine/models/network'
import { layerOf } from '../../../../src/main/engine/trainer'
import { tf } from '../../../../src/main/engine/tf'
import { tinyData, tinyTrainer } from './variants/helpers'

async function snapshot(net: Network): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>()
  for (const [k, v] of net.weights) out.set(k, new Float32Array(await v.data()))
  return out
}

async function moved(
  net: Network,
  before: Map<string, Float32Array>,
  lr: number
): Promise<Record<string, number>> {
  const sq: Record<string, number> = {}
  for (const [k, v] of net.weights) {
    const a = before.get(k) as Float32Array
    const b = await v.data()
    let s = 0
    for (let i = 0; i < a.length; i++) s += (((b[i] as number) - (a[i] as number)) / lr) ** 2
    const layer = layerOf(k)
    sq[layer] = (sq[layer] ?? 0) + s
  }
  return Object.fromEntries(Object.entries(sq).map(([k, v]) => [k, Math.sqrt(v)]))
}

describe('gradient norms', () => {
  let dataDir: string
  let data: Awaited<ReturnType<typeof tinyData>>['data']
  beforeAll(async () => {
    await loadBackend('cpu')
    ;({ dataDir, data } = await tinyData(64))
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('equal |Δw| / lr of a plain SGD step, globally and per layer', async () => {
    const lr = 0.01
    const t = await tinyTrainer(data, {
      optimizerG: 'sgd-momentum',
      optimizerD: 'sgd-momentum',
      momentum: 0,
      lrG: lr,
      lrD: lr,
      ema: 0
    })
    const g0 = await snapshot(t.G)
    const d0 = await snapshot(t.D)
    t.trainStep()
    const avg = await t.readAverages()
    const norms = avg.gradNorm
    expect(norms).toBeDefined()
    const gMoved = await moved(t.G, g0, lr)
    const dMoved = await moved(t.D, d0, lr)
    expect(Object.keys(norms!.gLayers).sort()).toEqual(Object.keys(gMoved).sort())
    expect(Object.keys(norms!.dLayers).sort()).toEqual(Object.keys(dMoved).sort())
    for (const [layer, n] of Object.entries(gMoved)) expect(norms!.gLayers[layer]).toBeCloseTo(n, 3)
    for (const [layer, n] of Object.entries(dMoved)) expect(norms!.dLayers[layer]).toBeCloseTo(n, 3)
    const total = (r: Record<string, number>): number => Math.hypot(...Object.values(r))
    expect(norms!.g).toBeCloseTo(total(gMoved), 3)
    expect(norms!.d).toBeCloseTo(total(dMoved), 3)
    expect(norms!.g).toBeGreaterThan(1e-4)
    t.dispose()
  })

  it('average over the interval, leak no tensors, and are absent when tracking is off', async () => {
    const t = await tinyTrainer(data)
    t.trainStep()
    await t.readAverages()
    const before = tf.memory().numTensors
    for (let i = 0; i < 3; i++) t.trainStep()
    const avg = await t.readAverages()
    expect(tf.memory().numTensors).toBe(before)
    expect(avg.steps).toBe(3)
    expect(Number.isFinite(avg.gradNorm?.g)).toBe(true)
    t.trackGradients = false
    t.trainStep()
    expect((await t.readAverages()).gradNorm).toBeUndefined()
    t.dispose()
  })
})
