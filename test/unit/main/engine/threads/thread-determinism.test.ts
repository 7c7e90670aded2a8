/**
 * The wasm thread pool must not change the numbers: a few dcgan training steps (convolutions,
 * transposed convolutions, their gradients, batch norm, Adam) give bit-identical weights on 1
 * thread (the package's own single-threaded SIMD build) and on 2 and 3 threads (our threaded
 * loader). XNNPACK splits work across threads by output tiles, and each output element is still
 * summed in the same order by one thread, so no tolerance is needed.
 */
import { promises as fs } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hyperparamsSchema } from '../../../../../src/shared/hyperparams'
import { loadBackend } from '../../../../../src/main/engine/backend'
import { loadDataset } from '../../../../../src/main/engine/data/datasets'
import { buildArchs } from '../../../../../src/main/engine/models'
import { GanTrainer } from '../../../../../src/main/engine/trainer'
import { makeTinyDataset, tempDir } from '../../../../helpers/engine'

/** Every weight of G and D after `steps` steps, concatenated in name order. */
async function weightsAfter(dataDir: string, threads: number, steps: number): Promise<Float32Array> {
  const report = await loadBackend('wasm', undefined, threads)
  expect(report.wasmThreads).toBe(threads)
  const config = hyperparamsSchema.parse({
    dataset: 'tiny',
    model: 'dcgan',
    width: 0.25,
    latentDim: 16,
    batchSize: 8,
    seed: 5,
    steps
  })
  const data = await loadDataset(dataDir, 'tiny')
  const t = new GanTrainer(config, data, buildArchs(config, data.index.shape))
  for (let i = 0; i < steps; i++) t.trainStep()
  const parts: Float32Array[] = []
  for (const net of [t.G, t.D]) {
    for (const name of [...net.weights.keys()].sort()) {
      parts.push((await net.weights.get(name)!.data()) as Float32Array)
    }
  }
  t.dispose()
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

describe('wasm thread count and results', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
    await makeTinyDataset(dataDir, 32)
  })
  afterAll(async () => {
    await loadBackend('wasm', undefined, 1)
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('3 training steps give bit-identical weights on 1, 2 and 3 threads', async () => {
    const one = await weightsAfter(dataDir, 1, 3)
    const two = await weightsAfter(dataDir, 2, 3)
    const three = await weightsAfter(dataDir, 3, 3)
    expect(one.length).toBeGreaterThan(1000)
    // Index of the first difference (-1 = none), so a failure says where.
    expect(two.findIndex((v, i) => !Object.is(v, one[i]))).toBe(-1)
    expect(three.findIndex((v, i) => !Object.is(v, one[i]))).toBe(-1)
  }, 120_000)
})
