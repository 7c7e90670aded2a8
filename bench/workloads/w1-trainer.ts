/**
 * W1, the TensorFlow DCGAN tutorial's MNIST models, trained by the product's own GanTrainer (the
 * headline W1 figure): the models written as ArchSpecs, Adam 1e-4 with beta1 0.9 (the tutorial's
 * Keras defaults, as the raw W1 step in ours.ts), batch 64, no EMA (the tutorial has none). Differences from the tutorial: no Dropout(0.3) in D (ArchSpec has no
 * dropout layer; it is an elementwise mask, a rounding error in the step's cost), and the step is
 * the trainer's two forward passes (one per update) where the tutorial shares one.
 */
import { hyperparamsSchema } from '../../src/shared/hyperparams'
import type { GanArchs } from '../../src/main/engine/models'
import { trainerWorkload } from './default'
import type { BenchWorkload, WorkloadOptions } from './types'

const LRELU = { kind: 'lrelu', alpha: 0.3 } as const
const BN = { kind: 'bn', momentum: 0.99, epsilon: 1e-3 } as const

/** The tutorial's generator and discriminator. */
export const W1_ARCHS: GanArchs = {
  generator: {
    input: [100],
    layers: [
      { kind: 'dense', units: 7 * 7 * 256, bias: false },
      BN,
      LRELU,
      { kind: 'reshape', shape: [7, 7, 256] },
      { kind: 'convT', filters: 128, kernel: 5, stride: 1, bias: false },
      BN,
      LRELU,
      { kind: 'convT', filters: 64, kernel: 5, stride: 2, bias: false },
      BN,
      LRELU,
      { kind: 'convT', filters: 1, kernel: 5, stride: 2, bias: false },
      { kind: 'tanh' }
    ]
  },
  discriminator: {
    input: [28, 28, 1],
    layers: [
      { kind: 'conv', filters: 64, kernel: 5, stride: 2, bias: true },
      LRELU,
      { kind: 'conv', filters: 128, kernel: 5, stride: 2, bias: true },
      LRELU,
      { kind: 'flatten' },
      { kind: 'dense', units: 1, bias: true }
    ]
  }
}

/** W1's hyperparameters and archs. */
export function w1Setup(opts: WorkloadOptions): {
  config: ReturnType<typeof hyperparamsSchema.parse>
  archs: GanArchs
} {
  const config = hyperparamsSchema.parse({
    batchSize: opts.batch ?? 64,
    latentDim: 100,
    lrG: 1e-4,
    lrD: 1e-4,
    beta1: 0.9,
    ema: 0,
    seed: opts.seed ?? 42
  })
  return { config, archs: W1_ARCHS }
}

/** W1 trained by GanTrainer. */
export function trainerW1(opts: WorkloadOptions): BenchWorkload {
  const { config, archs } = w1Setup(opts)
  return trainerWorkload('w1', config, archs)
}
