/**
 * The peer: the same workloads as plain TensorFlow.js — tf.layers models from '@tensorflow/tfjs',
 * optimizer.minimize, stock kernels only. Runs in its own child process, which never registers
 * the project's kernels.
 */
import * as tfl from '@tensorflow/tfjs'
import { ganStepFlops, SEED_LAYERS, W1_LAYERS } from '../flops'
import type { BenchWorkload, WorkloadOptions } from './types'

interface LayersGan {
  G: tfl.LayersModel
  D: tfl.LayersModel
  latent: number
}

function w1Layers(): LayersGan {
  const G = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [100], units: 7 * 7 * 256, useBias: false }),
      tfl.layers.batchNormalization(),
      tfl.layers.leakyReLU(),
      tfl.layers.reshape({ targetShape: [7, 7, 256] }),
      tfl.layers.conv2dTranspose({
        filters: 128,
        kernelSize: 5,
        strides: 1,
        padding: 'same',
        useBias: false
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.leakyReLU(),
      tfl.layers.conv2dTranspose({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', useBias: false }),
      tfl.layers.batchNormalization(),
      tfl.layers.leakyReLU(),
      tfl.layers.conv2dTranspose({
        filters: 1,
        kernelSize: 5,
        strides: 2,
        padding: 'same',
        useBias: false,
        activation: 'tanh'
      })
    ]
  })
  const D = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 64, kernelSize: 5, strides: 2, padding: 'same' }),
      tfl.layers.leakyReLU(),
      tfl.layers.dropout({ rate: 0.3 }),
      tfl.layers.conv2d({ filters: 128, kernelSize: 5, strides: 2, padding: 'same' }),
      tfl.layers.leakyReLU(),
      tfl.layers.dropout({ rate: 0.3 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 1 })
    ]
  })
  return { G, D, latent: 100 }
}

function seedLayers(): LayersGan {
  const G = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [100], units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 784 }),
      tfl.layers.reshape({ targetShape: [28, 28, 1] })
    ]
  })
  const D = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 64,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu'
      }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 1 })
    ]
  })
  return { G, D, latent: 100 }
}

function bce(logits: tfl.Tensor, label: 0 | 1): tfl.Scalar {
  return tfl.mean(tfl.softplus(label === 1 ? tfl.neg(logits) : logits))
}

function layersWorkload(
  name: string,
  gan: LayersGan,
  batch: number,
  lr: number,
  beta1: number,
  flops: number
): BenchWorkload {
  const real = tfl.tidy(() =>
    tfl.sub(tfl.mul(tfl.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1), 2), 1)
  )
  const optD = tfl.train.adam(lr, beta1)
  const optG = tfl.train.adam(lr, beta1)
  const dVars = gan.D.trainableWeights.map((w) => w.read() as tfl.Variable)
  const gVars = gan.G.trainableWeights.map((w) => w.read() as tfl.Variable)
  return {
    name,
    batch,
    flopsPerStep: flops,
    async step(): Promise<[number, number]> {
      const dLoss = optD.minimize(
        () => {
          const z = tfl.randomNormal([batch, gan.latent])
          const fake = gan.G.apply(z, { training: true }) as tfl.Tensor
          const realLogits = gan.D.apply(real, { training: true }) as tfl.Tensor
          const fakeLogits = gan.D.apply(fake, { training: true }) as tfl.Tensor
          return tfl.add(bce(realLogits, 1), bce(fakeLogits, 0)) as tfl.Scalar
        },
        true,
        dVars
      )
      const gLoss = optG.minimize(
        () => {
          const z = tfl.randomNormal([batch, gan.latent])
          return bce(
            gan.D.apply(gan.G.apply(z, { training: true }) as tfl.Tensor, { training: true }) as tfl.Tensor,
            1
          )
        },
        true,
        gVars
      )
      const both = tfl.stack([dLoss as tfl.Scalar, gLoss as tfl.Scalar])
      const data = await both.data()
      tfl.dispose([dLoss as tfl.Scalar, gLoss as tfl.Scalar, both])
      return [data[0] as number, data[1] as number]
    },
    dispose(): void {
      real.dispose()
      gan.G.dispose()
      gan.D.dispose()
      optD.dispose()
      optG.dispose()
    }
  }
}

/** The peer's version of a workload by id (w1, seed). */
export function peerWorkload(name: string, opts: WorkloadOptions = {}): BenchWorkload {
  if (name === 'w1') {
    const batch = opts.batch ?? 64
    return layersWorkload('w1', w1Layers(), batch, 1e-4, 0.9, ganStepFlops(W1_LAYERS.g, W1_LAYERS.d, batch))
  }
  if (name === 'seed') {
    const batch = opts.batch ?? 128
    return layersWorkload(
      'seed',
      seedLayers(),
      batch,
      2e-4,
      0.5,
      ganStepFlops(SEED_LAYERS.g, SEED_LAYERS.d, batch)
    )
  }
  throw new Error(`The peer has no ${name} workload (expected w1 or seed)`)
}

export { tfl }
