/** Shared setup for the variant tests: a 256-image MNIST subset and a tiny trainer factory. */
import { promises as fs } from 'node:fs'
import { afterAll, beforeAll } from 'vitest'
import { loadBackend } from '../../../../../src/main/engine/backend'
import { loadDataset } from '../../../../../src/main/engine/data/datasets'
import type { CachedDataset } from '../../../../../src/main/engine/data/cache'
import { buildArchs } from '../../../../../src/main/engine/models'
import { GanTrainer } from '../../../../../src/main/engine/trainer'
import { tf } from '../../../../../src/main/engine/tf'
import { hyperparamsSchema, type HyperparamsInput } from '../../../../../src/shared/hyperparams'
import { makeTinyDataset, tempDir } from '../../../../helpers/engine'

export async function tinyData(count = 256): Promise<{ dataDir: string; data: CachedDataset }> {
  const dataDir = await tempDir()
  await makeTinyDataset(dataDir, count)
  return { dataDir, data: await loadDataset(dataDir, 'tiny') }
}

/** A small mlp (or tiny dcgan) trainer with batch 8 (async: wgan-gp runs its gradient check first). */
export function tinyTrainer(data: CachedDataset, extra: HyperparamsInput = {}): Promise<GanTrainer> {
  const config = hyperparamsSchema.parse({
    dataset: 'tiny',
    model: 'mlp',
    width: 0.125,
    latentDim: 8,
    batchSize: 8,
    seed: 5,
    ...extra
  })
  return GanTrainer.create(
    config,
    data,
    buildArchs(config, data.index.shape, data.labels ? data.index.labelNames.length : 0)
  )
}

/**
 * Registers the usual setup of a variant suite (cpu backend, the tiny dataset, removed after the
 * suite) and returns the dataset's getter, valid inside tests.
 */
export function useTinyCpuData(): () => CachedDataset {
  let dataDir = ''
  let data: CachedDataset | undefined
  beforeAll(async () => {
    await loadBackend('cpu')
    ;({ dataDir, data } = await tinyData())
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })
  return () => {
    if (!data) throw new Error('useTinyCpuData: the dataset is read inside tests only')
    return data
  }
}

/** Trains `steps` steps; the live tensor count after each (a flat count means nothing leaks). */
export function tensorCountsOver(trainer: GanTrainer, steps: number): number[] {
  const counts: number[] = []
  for (let i = 0; i < steps; i++) {
    trainer.trainStep()
    counts.push(tf.memory().numTensors)
  }
  return counts
}
