/**
 * The app's default model and batch (defaultHyperparams(): 28 px MNIST-shaped DCGAN), trained by
 * the engine's own GanTrainer: its Network layers, its Adam, EMA, non-finite guard and metric
 * accumulator, so this is what a user's run costs per step. The dataset is synthetic uint8 data
 * of MNIST's shape (the benchmark measures training, not the dataset cache).
 */
import { defaultHyperparams, type Hyperparams } from '../../src/shared/hyperparams'
import type { CachedDataset } from '../../src/main/engine/data/cache'
import { buildArchs, type GanArchs } from '../../src/main/engine/models'
import type { ArchSpec } from '../../src/main/engine/models/arch'
import { GanTrainer } from '../../src/main/engine/trainer'
import { convCost, denseCost, ganStepFlops, type LayerCost } from '../flops'
import type { BenchWorkload, WorkloadOptions } from './types'

/** Null when the default workload can run, else why not. */
export function defaultWorkloadProblem(): string | null {
  return typeof GanTrainer === 'function' && typeof buildArchs === 'function'
    ? null
    : "the engine's trainer API is missing"
}

/** Dense/conv costs of an architecture, following the activation shape through its layers. */
export function archCosts(arch: ArchSpec, prefix: string): LayerCost[] {
  let shape = [...arch.input]
  const out: LayerCost[] = []
  arch.layers.forEach((l, i) => {
    const name = `${prefix}.${i}.${l.kind}`
    if (l.kind === 'dense') {
      const inUnits = shape.reduce((a, b) => a * b, 1)
      out.push(denseCost(name, inUnits, l.units))
      shape = [l.units]
    } else if (l.kind === 'reshape') {
      shape = [...l.shape]
    } else if (l.kind === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)]
    } else if (l.kind === 'conv') {
      const [h = 1, w = 1, c = 1] = shape
      const oh = Math.ceil(h / l.stride)
      const ow = Math.ceil(w / l.stride)
      out.push(convCost(name, oh * ow, c, l.kernel, l.filters))
      shape = [oh, ow, l.filters]
    } else if (l.kind === 'convT') {
      const [h = 1, w = 1, c = 1] = shape
      out.push(convCost(name, h * w, c, l.kernel, l.filters))
      shape = [h * l.stride, w * l.stride, l.filters]
    }
  })
  return out
}

/** Synthetic uint8 images of `shape` (the benchmark measures training, not the dataset cache). */
function syntheticDataset(shape: [number, number, number], count: number): CachedDataset {
  const images = new Uint8Array(count * shape[0] * shape[1] * shape[2])
  let s = 12345
  for (let i = 0; i < images.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    images[i] = s >>> 24
  }
  return {
    index: {
      formatVersion: 1,
      id: 'bench-synthetic',
      name: 'bench-synthetic',
      builtin: false,
      source: 'bench',
      created: new Date(0).toISOString(),
      count,
      shape,
      labelNames: [],
      fingerprint: 'bench',
      bytes: images.length
    },
    images
  }
}

/** A workload that is the product's own step: GanTrainer.trainStep() + one host read of the metrics. */
export function trainerWorkload(name: string, config: Hyperparams, archs: GanArchs): BenchWorkload {
  const shape = archs.discriminator.input as [number, number, number]
  const data = syntheticDataset(shape, Math.max(1024, config.batchSize * 4))
  const trainer = new GanTrainer(config, data, archs)
  const g = archCosts(archs.generator, 'g')
  const d = archCosts(archs.discriminator, 'd')
  return {
    name,
    batch: config.batchSize,
    // The trainer runs dSteps D updates then one G update, each with its own forward pass.
    flopsPerStep: ganStepFlops(g, d, config.batchSize),
    async step(): Promise<[number, number]> {
      trainer.trainStep()
      const avg = await trainer.readAverages()
      return [avg.lossD, avg.lossG]
    },
    dispose(): void {
      trainer.dispose()
    }
  }
}

/** The default workload: the app's default hyperparameters (defaultHyperparams()) on 28 px MNIST shapes. */
export function defaultSetup(opts: WorkloadOptions): { config: Hyperparams; archs: GanArchs } {
  const config = { ...defaultHyperparams(), ...(opts.batch !== undefined ? { batchSize: opts.batch } : {}) }
  const size = config.imageSize
  return { config, archs: buildArchs(config, [size, size, 1]) }
}

/** The default workload, trained by GanTrainer. */
export async function oursDefault(opts: WorkloadOptions): Promise<BenchWorkload> {
  const { config, archs } = defaultSetup(opts)
  return trainerWorkload('default', config, archs)
}
