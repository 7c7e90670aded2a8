/**
 * The workloads written the way the engine trains: raw tf ops from the engine's single tfjs-core
 * instance, tf.variableGrads and one Adam per network. On wasm they run on the project's kernels.
 */
import { tf } from '../../src/main/engine/tf'
import { ganStepFlops, sharedForwardStepFlops, SEED_LAYERS, W1_LAYERS, type LayerCost } from '../flops'
import type { BenchWorkload, WorkloadOptions } from './types'

type T4 = tf.Tensor4D

/** Glorot-uniform variable, seeded so runs are comparable. */
function glorot(shape: number[], fanIn: number, fanOut: number, seed: number, name: string): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut))
  return tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', seed), true, name)
}

function zerosVar(shape: number[], name: string): tf.Variable {
  return tf.variable(tf.zeros(shape), true, name)
}

function onesVar(shape: number[], name: string): tf.Variable {
  return tf.variable(tf.ones(shape), true, name)
}

/** Training-mode batch norm over all axes but the last (batch statistics, no moving averages). */
function batchNorm(x: tf.Tensor, gamma: tf.Variable, beta: tf.Variable): tf.Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i)
  const { mean, variance } = tf.moments(x, axes)
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3)
}

/** log(1 + e^-x) for label 1, log(1 + e^x) for label 0: binary cross-entropy on logits. */
function bceWithLogits(logits: tf.Tensor, label: 0 | 1): tf.Scalar {
  return tf.mean(tf.softplus(label === 1 ? tf.neg(logits) : logits))
}

interface Gan {
  gVars: tf.Variable[]
  dVars: tf.Variable[]
  latent: number
  generate(z: tf.Tensor2D): T4
  /** D's logits; `params` (same order as dVars) replaces the variables, e.g. by constants. */
  discriminate(x: T4, params?: readonly tf.Tensor[]): tf.Tensor
}

function pick(params: readonly tf.Tensor[], i: number): tf.Tensor {
  const t = params[i]
  if (t === undefined)
    throw new Error(`Expected discriminator parameter ${i}, but there are only ${params.length}`)
  return t
}

/** The TensorFlow DCGAN tutorial's MNIST models. */
function w1Gan(seed: number, fused: boolean): Gan {
  const v = {
    g0: glorot([100, 7 * 7 * 256], 100, 7 * 7 * 256, seed + 1, 'g0'),
    gG0: onesVar([7 * 7 * 256], 'gG0'),
    gB0: zerosVar([7 * 7 * 256], 'gB0'),
    // conv2dTranspose filters are [KH, KW, outChannels, inChannels].
    g1: glorot([5, 5, 128, 256], 25 * 256, 25 * 128, seed + 2, 'g1'),
    gG1: onesVar([128], 'gG1'),
    gB1: zerosVar([128], 'gB1'),
    g2: glorot([5, 5, 64, 128], 25 * 128, 25 * 64, seed + 3, 'g2'),
    gG2: onesVar([64], 'gG2'),
    gB2: zerosVar([64], 'gB2'),
    g3: glorot([5, 5, 1, 64], 25 * 64, 25, seed + 4, 'g3'),
    d1: glorot([5, 5, 1, 64], 25, 25 * 64, seed + 5, 'd1'),
    db1: zerosVar([64], 'db1'),
    d2: glorot([5, 5, 64, 128], 25 * 64, 25 * 128, seed + 6, 'd2'),
    db2: zerosVar([128], 'db2'),
    d3: glorot([7 * 7 * 128, 1], 7 * 7 * 128, 1, seed + 7, 'd3'),
    db3: zerosVar([1], 'db3')
  }
  const lrelu = (x: tf.Tensor): tf.Tensor => tf.leakyRelu(x, 0.3)
  const convBias = (x: T4, w: tf.Tensor, b: tf.Tensor): T4 =>
    fused
      ? tf.fused.conv2d({ x, filter: w as tf.Tensor4D, strides: 2, pad: 'same', bias: b })
      : (tf.add(tf.conv2d(x, w as tf.Tensor4D, 2, 'same'), b) as T4)
  const dVars = [v.d1, v.db1, v.d2, v.db2, v.d3, v.db3]
  return {
    latent: 100,
    gVars: [v.g0, v.gG0, v.gB0, v.g1, v.gG1, v.gB1, v.g2, v.gG2, v.gB2, v.g3],
    dVars,
    generate(z) {
      const n = z.shape[0]
      let h: tf.Tensor = lrelu(batchNorm(tf.matMul(z, v.g0), v.gG0, v.gB0))
      h = tf.reshape(h, [n, 7, 7, 256])
      h = lrelu(batchNorm(tf.conv2dTranspose(h as T4, v.g1 as T4, [n, 7, 7, 128], 1, 'same'), v.gG1, v.gB1))
      h = lrelu(batchNorm(tf.conv2dTranspose(h as T4, v.g2 as T4, [n, 14, 14, 64], 2, 'same'), v.gG2, v.gB2))
      return tf.tanh(tf.conv2dTranspose(h as T4, v.g3 as T4, [n, 28, 28, 1], 2, 'same'))
    },
    discriminate(x, params = dVars) {
      const n = x.shape[0]
      const p = (i: number): tf.Tensor => pick(params, i)
      let h: tf.Tensor = tf.dropout(lrelu(convBias(x, p(0), p(1))), 0.3)
      h = tf.dropout(lrelu(convBias(h as T4, p(2), p(3))), 0.3)
      const flat = tf.reshape(h, [n, 7 * 7 * 128]) as tf.Tensor2D
      return fused
        ? tf.fused.matMul({ a: flat, b: p(4) as tf.Tensor2D, bias: p(5) })
        : tf.add(tf.matMul(flat, p(4) as tf.Tensor2D), p(5))
    }
  }
}

/** The project's seed models: MLP generator, small conv discriminator. */
function seedGan(seed: number, fused: boolean): Gan {
  const v = {
    g1: glorot([100, 128], 100, 128, seed + 1, 'g1'),
    gb1: zerosVar([128], 'gb1'),
    g2: glorot([128, 128], 128, 128, seed + 2, 'g2'),
    gb2: zerosVar([128], 'gb2'),
    g3: glorot([128, 784], 128, 784, seed + 3, 'g3'),
    gb3: zerosVar([784], 'gb3'),
    d1: glorot([3, 3, 1, 64], 9, 9 * 64, seed + 4, 'd1'),
    db1: zerosVar([64], 'db1'),
    d2: glorot([3, 3, 64, 64], 9 * 64, 9 * 64, seed + 5, 'd2'),
    db2: zerosVar([64], 'db2'),
    d3: glorot([7 * 7 * 64, 128], 7 * 7 * 64, 128, seed + 6, 'd3'),
    db3: zerosVar([128], 'db3'),
    d4: glorot([128, 1], 128, 1, seed + 7, 'd4'),
    db4: zerosVar([1], 'db4')
  }
  const dense = (x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor, relu: boolean): tf.Tensor2D =>
    fused
      ? (tf.fused.matMul({
          a: x,
          b: w as tf.Tensor2D,
          bias: b,
          activation: relu ? 'relu' : 'linear'
        }) as tf.Tensor2D)
      : ((relu
          ? tf.relu(tf.add(tf.matMul(x, w as tf.Tensor2D), b))
          : tf.add(tf.matMul(x, w as tf.Tensor2D), b)) as tf.Tensor2D)
  const conv = (x: T4, w: tf.Tensor, b: tf.Tensor): T4 =>
    fused
      ? tf.fused.conv2d({ x, filter: w as T4, strides: 2, pad: 'same', bias: b, activation: 'relu' })
      : (tf.relu(tf.add(tf.conv2d(x, w as T4, 2, 'same'), b)) as T4)
  const seedD = [v.d1, v.db1, v.d2, v.db2, v.d3, v.db3, v.d4, v.db4]
  return {
    latent: 100,
    gVars: [v.g1, v.gb1, v.g2, v.gb2, v.g3, v.gb3],
    dVars: seedD,
    generate(z) {
      const h = dense(dense(z, v.g1, v.gb1, true), v.g2, v.gb2, true)
      return tf.reshape(dense(h, v.g3, v.gb3, false), [z.shape[0], 28, 28, 1])
    },
    discriminate(x, params = seedD) {
      const p = (i: number): tf.Tensor => pick(params, i)
      const h = conv(conv(x, p(0), p(1)), p(2), p(3))
      const flat = tf.reshape(h, [x.shape[0], 7 * 7 * 64]) as tf.Tensor2D
      return dense(dense(flat, p(4), p(5), true), p(6), p(7), false)
    }
  }
}

/** variableGrads' map as the list applyGradients takes. */
type NamedTensorList = Extract<Parameters<tf.Optimizer['applyGradients']>[0], readonly unknown[]>

function named(grads: tf.NamedTensorMap): NamedTensorList {
  return Object.entries(grads).map(([name, tensor]) => ({ name, tensor }))
}

/** Identity forward, zero gradient: the D loss must not train G through the fake images. */
const stopGradient = tf.customGrad((...inputs) => {
  const x = inputs[0] as tf.Tensor
  return { value: tf.clone(x), gradFunc: () => tf.zerosLike(x) }
})

/**
 * Wraps models into a benchmark step: one D update (real vs G(z)) and one G update
 * (non-saturating loss). Default: both gradients from ONE forward pass, as the TensorFlow tutorial
 * does with its two tapes: a single variableGrads over G and D of
 *   lossD(D(real), D(stopGradient(fake))) + lossG(D'(fake)),
 * where D' is D with its weights as constants, so D learns only from lossD and G only from lossG,
 * both at the same parameters. `twoPass` runs the classic two separate passes instead. Real images
 * are a fixed synthetic batch in [-1, 1]: the benchmark measures training, not data loading.
 */
export function ganWorkload(
  name: string,
  gan: Gan,
  batch: number,
  lr: number,
  beta1: number,
  layers: { g: LayerCost[]; d: LayerCost[] },
  seed: number,
  twoPass: boolean
): BenchWorkload {
  const real = tf.tidy(() =>
    tf.sub(tf.mul(tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', seed), 2), 1)
  ) as T4
  const optD = tf.train.adam(lr, beta1)
  const optG = tf.train.adam(lr, beta1)
  const dNames = new Set(gan.dVars.map((v) => v.name))
  let zSeed = seed * 7919

  const sharedStep = (): tf.Tensor => {
    const z = tf.randomNormal([batch, gan.latent], 0, 1, 'float32', zSeed++) as tf.Tensor2D
    // Constants with D's current values (zero-copy clones, made outside the tape).
    const dConst = gan.dVars.map((v) => tf.clone(v))
    let lossD: tf.Scalar | undefined
    let lossG: tf.Scalar | undefined
    const { grads } = tf.variableGrads(() => {
      const fake = gan.generate(z)
      lossD = tf.keep(
        tf.add(
          bceWithLogits(gan.discriminate(real), 1),
          bceWithLogits(gan.discriminate(stopGradient(fake) as T4), 0)
        ) as tf.Scalar
      )
      lossG = tf.keep(bceWithLogits(gan.discriminate(fake, dConst), 1))
      return tf.add(lossD, lossG) as tf.Scalar
    }, [...gan.gVars, ...gan.dVars])
    const dGrads: tf.NamedTensorMap = {}
    const gGrads: tf.NamedTensorMap = {}
    for (const [k, t] of Object.entries(grads)) (dNames.has(k) ? dGrads : gGrads)[k] = t
    optD.applyGradients(named(dGrads))
    optG.applyGradients(named(gGrads))
    if (lossD === undefined || lossG === undefined)
      throw new Error('Expected both losses from the shared forward pass')
    const both = tf.stack([lossD, lossG])
    // Kept tensors survive the enclosing tidy: free them here.
    tf.dispose([lossD, lossG, ...dConst])
    return both
  }

  const twoPassStep = (): tf.Tensor => {
    const z1 = tf.randomNormal([batch, gan.latent], 0, 1, 'float32', zSeed++) as tf.Tensor2D
    const d = tf.variableGrads(() => {
      const fake = gan.generate(z1)
      return tf.add(
        bceWithLogits(gan.discriminate(real), 1),
        bceWithLogits(gan.discriminate(fake), 0)
      ) as tf.Scalar
    }, gan.dVars)
    optD.applyGradients(named(d.grads))
    const z2 = tf.randomNormal([batch, gan.latent], 0, 1, 'float32', zSeed++) as tf.Tensor2D
    const g = tf.variableGrads(() => bceWithLogits(gan.discriminate(gan.generate(z2)), 1), gan.gVars)
    optG.applyGradients(named(g.grads))
    return tf.stack([d.value, g.value])
  }

  return {
    name,
    batch,
    flopsPerStep: twoPass
      ? ganStepFlops(layers.g, layers.d, batch)
      : sharedForwardStepFlops(layers.g, layers.d, batch),
    async step(): Promise<[number, number]> {
      const losses = tf.tidy(twoPass ? twoPassStep : sharedStep)
      const data = await losses.data()
      losses.dispose()
      return [data[0] as number, data[1] as number]
    },
    dispose(): void {
      tf.dispose([real, ...gan.gVars, ...gan.dVars])
      optD.dispose()
      optG.dispose()
    }
  }
}

/** W1: TensorFlow DCGAN tutorial, Adam 1e-4 on both, batch 64. */
export function oursW1(opts: WorkloadOptions = {}): BenchWorkload {
  const batch = opts.batch ?? 64
  const seed = opts.seed ?? 42
  return ganWorkload(
    'w1',
    w1Gan(seed, opts.fused ?? false),
    batch,
    1e-4,
    0.9,
    W1_LAYERS,
    seed,
    opts.twoPass ?? false
  )
}

/** seed: MLP G, small conv D, Adam 2e-4 (beta1 0.5), batch 128. */
export function oursSeed(opts: WorkloadOptions = {}): BenchWorkload {
  const batch = opts.batch ?? 128
  const seed = opts.seed ?? 42
  return ganWorkload(
    'seed',
    seedGan(seed, opts.fused ?? false),
    batch,
    2e-4,
    0.5,
    SEED_LAYERS,
    seed,
    opts.twoPass ?? false
  )
}
