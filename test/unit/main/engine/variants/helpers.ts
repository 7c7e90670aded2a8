/** Shared setup for the variant tests: a 256-image MNIST subset and a tiny trainer factory. */
import { loadDataset } from '../../../../../src/main/engine/data/datasets'
import type { CachedDataset } from '../../../../../src/main/engine/data/cache'
import { buildArchs } from '../../../../../src/main/engine/models'
import { GanTrainer } from '../../../../../src/main/engine/trainer'
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
