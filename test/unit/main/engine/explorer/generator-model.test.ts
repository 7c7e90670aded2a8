import { beforeAll, describe, expect, test } from 'vitest'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { tf } from '../../../../../src/main/engine/tf'
import { readCheckpoint } from '../../../../../src/main/engine/checkpoint/reader'
import { GeneratorModel } from '../../../../../src/main/engine/explorer/generator-model'
import { resolveCheckpoint } from '../../../../../src/main/engine/explorer/checkpoint-source'
import { latentsForSeeds } from '../../../../../src/main/engine/explorer/latent'
import { InferenceWorkerClient } from '../../../../../src/main/services/explorer/inference-client'
import { ForkWorkerLauncher } from '../../../../../src/main/services/worker-launcher'
import { makeFixtureRun } from './fixture'

const ROOT = path.resolve(__dirname, '../../../../..')

function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex')
}

describe('GeneratorModel', () => {
  let mlp: { runDir: string; checkpointDir: string }
  let dcgan: { runDir: string; checkpointDir: string }
  beforeAll(async () => {
    await tf.setBackend('cpu')
    mlp = await makeFixtureRun({ model: 'mlp' })
    dcgan = await makeFixtureRun({ model: 'dcgan', latentDim: 8, width: 0.125 })
  })

  test('same seed → same image across calls; different seeds → different images', async () => {
    const g = GeneratorModel.fromCheckpoint(await readCheckpoint(mlp.checkpointDir))
    const [z1, z2] = latentsForSeeds([1, 2], g.latentDim) as [Float32Array, Float32Array]
    const a = await g.generate([z1])
    const b = await g.generate([z1])
    const c = await g.generate([z2])
    expect(a.pixels).toEqual(b.pixels)
    expect(sha(a.pixels)).not.toBe(sha(c.pixels))
    expect([a.n, a.height, a.width, a.channels]).toEqual([1, 28, 28, 1])
    g.dispose()
  })

  test('uses the EMA weights when present, the raw generator when asked', async () => {
    const ck = await readCheckpoint(mlp.checkpointDir)
    const ema = GeneratorModel.fromCheckpoint(ck)
    const raw = GeneratorModel.fromCheckpoint(ck, { ema: false })
    expect(ema.source).toBe('ema')
    expect(raw.source).toBe('generator')
    const z = latentsForSeeds([3], ema.latentDim)
    expect(sha((await ema.generate(z)).pixels)).not.toBe(sha((await raw.generate(z)).pixels))
    ema.dispose()
    raw.dispose()
    const noEma = await makeFixtureRun({ model: 'mlp', ema: false, runId: 'no-ema' })
    const g = GeneratorModel.fromCheckpoint(await readCheckpoint(noEma.checkpointDir))
    expect(g.source).toBe('generator')
    g.dispose()
  })

  test('BatchNorm runs in eval mode: an image does not depend on the rest of the batch', async () => {
    const g = GeneratorModel.fromCheckpoint(await readCheckpoint(dcgan.checkpointDir))
    const zs = latentsForSeeds([5, 6, 7, 8], g.latentDim)
    const batch = await g.generateFloat(zs)
    const single = await g.generateFloat([zs[2] as Float32Array])
    const size = 28 * 28
    const fromBatch = batch.subarray(2 * size, 3 * size)
    let maxDiff = 0
    for (let i = 0; i < size; i++)
      maxDiff = Math.max(maxDiff, Math.abs((fromBatch[i] as number) - (single[i] as number)))
    expect(maxDiff).toBeLessThan(1e-5)
    g.dispose()
  })

  test('truncation 0 gives the same image for every seed; no tensors leak', async () => {
    const g = GeneratorModel.fromCheckpoint(await readCheckpoint(dcgan.checkpointDir))
    const before = tf.memory().numTensors
    const zs = latentsForSeeds([1, 2], g.latentDim)
    const t0 = await g.generate(zs, 0)
    expect(t0.pixels.subarray(0, 784)).toEqual(t0.pixels.subarray(784))
    for (let i = 0; i < 3; i++) await g.generate(zs, 0.7)
    await g.activations(zs, 1)
    expect(tf.memory().numTensors).toBe(before)
    g.dispose()
  })

  test('a run folder resolves to its newest complete checkpoint; a wrong folder says so', async () => {
    const r = await resolveCheckpoint(mlp.runDir)
    expect(r.checkpoint.name).toBe('ckpt-000100')
    expect(r.runDir).toBe(mlp.runDir)
    await expect(resolveCheckpoint(path.join(mlp.runDir, 'nope'))).rejects.toThrow('does not exist')
    await expect(resolveCheckpoint(ROOT + '/src')).rejects.toThrow('neither a checkpoint folder')
  })

  test('same seed → same image in another process (the inference worker)', async () => {
    const g = GeneratorModel.fromCheckpoint(await readCheckpoint(dcgan.checkpointDir))
    const z = latentsForSeeds([42, 43], g.latentDim)
    const here = (await g.generate(z)).pixels
    g.dispose()
    const client = new InferenceWorkerClient({
      launcher: new ForkWorkerLauncher({
        script: path.join(ROOT, 'src/main/worker/inference-worker.ts'),
        execArgv: ['--import', 'tsx']
      }),
      backend: 'cpu'
    })
    try {
      const api = client.api()
      const there = await api.generate({ checkpointDir: dcgan.runDir }, z)
      expect(there.pixels).toEqual(here)
      const info = await api.info({ checkpointDir: dcgan.runDir })
      expect(info).toMatchObject({
        checkpoint: 'ckpt-000100',
        latentDim: 8,
        imageShape: [28, 28, 1],
        ema: true
      })
      await expect(api.info({ checkpointDir: path.join(dcgan.runDir, 'missing') })).rejects.toThrow(
        'does not exist'
      )
    } finally {
      client.close()
    }
  })
})
