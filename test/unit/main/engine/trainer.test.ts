import { promises as fs } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hyperparamsSchema } from '../../../../src/shared/hyperparams'
import { loadBackend } from '../../../../src/main/engine/backend'
import { loadDataset } from '../../../../src/main/engine/data/datasets'
import { buildArchs } from '../../../../src/main/engine/models'
import { GanTrainer } from '../../../../src/main/engine/trainer'
import { tf } from '../../../../src/main/engine/tf'
import { makeTinyDataset, tempDir } from '../../../helpers/engine'

async function trainLosses(
  dataDir: string,
  steps: number,
  model: 'dcgan' | 'mlp'
): Promise<{ losses: number[]; tensors: number[] }> {
  const config = hyperparamsSchema.parse({
    dataset: 'tiny',
    model,
    width: 0.25,
    latentDim: 16,
    batchSize: 8,
    seed: 11,
    steps
  })
  const data = await loadDataset(dataDir, 'tiny')
  const t = new GanTrainer(config, data, buildArchs(config, data.index.shape))
  const losses: number[] = []
  const tensors: number[] = []
  for (let i = 0; i < steps; i++) {
    t.trainStep()
    const a = await t.readAverages()
    losses.push(a.lossD, a.lossG)
    tensors.push(tf.memory().numTensors)
  }
  t.dispose()
  return { losses, tensors }
}

describe('GAN trainer', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
    await makeTinyDataset(dataDir, 64)
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  for (const backend of ['wasm', 'cpu'] as const) {
    describe(`on ${backend}`, () => {
      beforeAll(async () => {
        await loadBackend(backend)
      })
      const model = backend === 'wasm' ? 'dcgan' : 'mlp'

      it(`trains ${model} 20 steps with finite losses and a flat tensor count`, async () => {
        const before = tf.memory().numTensors
        const { losses, tensors } = await trainLosses(dataDir, 20, model)
        for (const l of losses) expect(Number.isFinite(l)).toBe(true)
        expect(tensors[19]).toBe(tensors[4])
        expect(tf.memory().numTensors).toBe(before)
      })

      it('gives the same losses for the same seed', async () => {
        const a = await trainLosses(dataDir, 6, model)
        const b = await trainLosses(dataDir, 6, model)
        expect(b.losses).toEqual(a.losses)
      })
    })
  }

  it('refuses a batch larger than the dataset', async () => {
    await loadBackend('cpu')
    const config = hyperparamsSchema.parse({ dataset: 'tiny', model: 'mlp', batchSize: 500 })
    const data = await loadDataset(dataDir, 'tiny')
    expect(() => new GanTrainer(config, data, buildArchs(config, data.index.shape))).toThrow(
      /Batch size 500 is larger than the dataset \(64 images\)/
    )
  })
})
