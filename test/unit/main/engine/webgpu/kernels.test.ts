/**
 * Every kernel a training step dispatches, run on webgpu and on cpu with the same inputs. The
 * list of kernels is not typed by hand alone: a profiled training step of each model variant on
 * cpu must use no kernel missing from the table, so a new op in the trainer fails here first.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { tf } from '../../../../../src/main/engine/tf'
import { loadBackend } from '../../../../../src/main/engine/backend'
import { loadDataset } from '../../../../../src/main/engine/data/datasets'
import { buildArchs } from '../../../../../src/main/engine/models'
import { GanTrainer } from '../../../../../src/main/engine/trainer'
import { hyperparamsSchema, type HyperparamsInput } from '../../../../../src/shared/hyperparams'
import { makeTinyDataset, tempDir } from '../../../../helpers/engine'
import { printSkip, webgpuAvailability } from '../../../../helpers/webgpu'

/** mulberry32: the same inputs on both backends and in every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Random inputs drawn in call order from one seed. */
class Inputs {
  private next = rng(42)
  rand(shape: number[], lo = -1, hi = 1): tf.Tensor {
    const n = shape.reduce((a, b) => a * b, 1)
    const a = new Float32Array(n)
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * this.next()
    return tf.tensor(a, shape)
  }
}

type Case = (r: Inputs) => tf.Tensor

const conv = { strides: [2, 2] as [number, number], pad: 'same' as const }

/** One case per kernel, at the shapes the dcgan models use (batch 4, 28×28 and 7×7 maps). */
const CASES: Record<string, Case> = {
  Abs: (r) => tf.abs(r.rand([4, 64])),
  Add: (r) => tf.add(r.rand([4, 7, 7, 16]), r.rand([16])),
  // 20 inputs: past every device's storage-buffer limit, so our splitting AddN runs.
  AddN: (r) => tf.addN(Array.from({ length: 20 }, () => r.rand([33, 5]))),
  BatchMatMul: (r) => tf.matMul(r.rand([8, 96]), r.rand([64, 96]), false, true),
  Cast: (r) => tf.cast(tf.cast(r.rand([50], -5, 5), 'int32'), 'float32'),
  ClipByValue: (r) => tf.clipByValue(r.rand([100], -2, 2), -1, 1),
  Concat: (r) => tf.concat([r.rand([4, 7, 7, 16]), r.rand([4, 7, 7, 10])], 3),
  Conv2D: (r) =>
    tf.conv2d(r.rand([4, 14, 14, 8]) as tf.Tensor4D, r.rand([4, 4, 8, 16]) as tf.Tensor4D, 2, 'same'),
  Conv2DBackpropFilter: (r) =>
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x: r.rand([4, 14, 14, 8]), dy: r.rand([4, 7, 7, 16]) },
        { ...conv, dataFormat: 'NHWC', filterShape: [4, 4, 8, 16] }
      ) as tf.Tensor,
  Conv2DBackpropInput: (r) =>
    tf.conv2dTranspose(
      r.rand([4, 7, 7, 16]) as tf.Tensor4D,
      r.rand([4, 4, 8, 16]) as tf.Tensor4D,
      [4, 14, 14, 8],
      2,
      'same'
    ),
  Equal: (r) => tf.cast(tf.equal(tf.round(r.rand([64], -2, 2)), tf.scalar(1)), 'float32'),
  FusedBatchNorm: (r) =>
    tf.batchNorm(r.rand([4, 7, 7, 16]), r.rand([16]), r.rand([16], 0.5, 2), r.rand([16]), r.rand([16]), 1e-5),
  Greater: (r) => tf.cast(tf.greater(r.rand([64]), r.rand([64])), 'float32'),
  Identity: (r) => tf.clone(r.rand([4, 10])),
  LeakyRelu: (r) => tf.leakyRelu(r.rand([4, 7, 7, 16]), 0.2),
  LogicalNot: (r) => tf.cast(tf.logicalNot(tf.greater(r.rand([64]), 0)), 'float32'),
  Mean: (r) => tf.mean(r.rand([4, 7, 7, 16]), [0, 1, 2]),
  Minimum: (r) => tf.minimum(r.rand([64]), r.rand([64])),
  Multiply: (r) => tf.mul(r.rand([4, 7, 7, 16]), r.rand([1, 1, 1, 16])),
  Neg: (r) => tf.neg(r.rand([64])),
  OneHot: (r) => tf.cast(tf.oneHot(tf.cast(r.rand([8], 0, 9.99), 'int32') as tf.Tensor1D, 10), 'float32'),
  Pack: (r) => tf.stack([r.rand([3, 4]), r.rand([3, 4]), r.rand([3, 4])], 1),
  Pow: (r) => tf.pow(r.rand([64], 0.1, 3), tf.scalar(1.5)),
  RealDiv: (r) => tf.div(r.rand([64]), r.rand([64], 0.5, 2)),
  Relu: (r) => tf.relu(r.rand([4, 7, 7, 16])),
  Reshape: (r) => tf.reshape(r.rand([4, 7, 7, 16]), [4, 784]),
  Round: (r) => tf.round(r.rand([64], -3, 3)),
  Rsqrt: (r) => tf.rsqrt(r.rand([64], 0.01, 4)),
  Select: (r) => tf.where(tf.greater(r.rand([64]), 0), r.rand([64]), r.rand([64])),
  Sigmoid: (r) => tf.sigmoid(r.rand([64], -8, 8)),
  Slice: (r) => tf.slice(r.rand([4, 7, 7, 16]), [1, 0, 2, 3], [2, 7, 4, 10]),
  Softplus: (r) => tf.softplus(r.rand([64], -20, 20)),
  Sqrt: (r) => tf.sqrt(r.rand([64], 0, 4)),
  Square: (r) => tf.square(r.rand([64])),
  Step: (r) => tf.step(r.rand([64]), 0.2),
  Sub: (r) => tf.sub(r.rand([4, 64]), r.rand([64])),
  Sum: (r) => tf.sum(r.rand([4, 7, 7, 16]), [0, 1, 2]),
  Tanh: (r) => tf.tanh(r.rand([4, 28, 28, 1], -4, 4)),
  Tile: (r) => tf.tile(r.rand([1, 1, 1, 16]), [4, 7, 7, 1]),
  Transpose: (r) => tf.transpose(r.rand([4, 7, 7, 16]), [0, 3, 1, 2]),
  ZerosLike: (r) => tf.zerosLike(r.rand([4, 16]))
}

/** max|a-b| / max(1, max|ref|): relative to the reference's scale, absolute near zero. */
function relError(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0
  let scale = 1
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (ref[i] as number)))
    scale = Math.max(scale, Math.abs(ref[i] as number))
  }
  return diff / scale
}

async function runOn(backend: 'cpu' | 'webgpu', c: Case): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend)
  const out = tf.tidy(() => c(new Inputs()))
  const values = Float32Array.from(await out.data())
  const shape = out.shape
  out.dispose()
  return { shape, values }
}

const availability = await webgpuAvailability()
printSkip('webgpu kernels vs cpu', availability)

describe('webgpu training kernels', () => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('the table covers every kernel a training step dispatches (profiled on cpu)', async () => {
    await loadBackend('cpu')
    const dataDir = await tempDir()
    await makeTinyDataset(dataDir, 32)
    const data = await loadDataset(dataDir, 'tiny')
    const used = new Set<string>()
    const variants: HyperparamsInput[] = [
      {},
      { model: 'mlp', loss: 'wgan-gp' },
      { loss: 'hinge', spectralNorm: true, diffAugment: ['translation', 'cutout', 'color'] },
      { loss: 'lsgan', conditional: true, clipNorm: 1 }
    ]
    for (const extra of variants) {
      const config = hyperparamsSchema.parse({
        dataset: 'tiny',
        model: 'dcgan',
        width: 0.125,
        latentDim: 8,
        batchSize: 4,
        ...extra
      })
      const archs = buildArchs(config, data.index.shape, config.conditional ? 10 : 0)
      const t = await GanTrainer.create(config, data, archs)
      const profile = await tf.profile(async () => {
        t.trainStep()
        await t.readAverages()
        await t.renderSamples()
      })
      for (const k of profile.kernels) used.add(k.name)
      t.dispose()
    }
    const missing = [...used].filter((k) => !(k in CASES)).sort()
    expect(missing).toEqual([])
    expect(used.size).toBeGreaterThan(30)
  })

  for (const [kernel, c] of Object.entries(CASES)) {
    it.skipIf(!availability.ok)(`${kernel}: webgpu equals cpu`, async () => {
      expect(tf.getKernel(kernel, 'webgpu')).toBeDefined()
      const ref = await runOn('cpu', c)
      const before = tf.memory().numTensors
      const got = await runOn('webgpu', c)
      expect(got.shape).toEqual(ref.shape)
      expect(relError(got.values, ref.values)).toBeLessThan(1e-4)
      expect(tf.memory().numTensors).toBe(before)
    })
  }
})
