/**
 * The project's wasm training kernels against the cpu backend's reference kernels: single kernel
 * calls over random shapes, then whole training steps of a small conv model.
 */
import { beforeAll, describe, expect, it } from 'vitest'
// tf.ts loads core without gradients; training needs them registered.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { tf } from '../../../../../src/main/engine/tf'
import { wasmDir } from '../../../../../src/main/engine/backend'
import {
  registerWasmTrainingKernels,
  wasmTrainingKernelsRegistered
} from '../../../../../src/main/engine/kernels/wasm'

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]]

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
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

function randomArray(n: number, next: () => number): Float32Array {
  const a = new Float32Array(n)
  for (let i = 0; i < n; i++) a[i] = next() * 2 - 1
  return a
}

/** max|a-b| / max(1, max|b|): relative to the reference's scale, absolute near zero. */
function relError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let diff = 0
  let scale = 1
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)))
    scale = Math.max(scale, Math.abs(b[i] as number))
  }
  return diff / scale
}

async function onBackend<T>(name: 'cpu' | 'wasm', fn: () => T): Promise<T> {
  await tf.setBackend(name)
  return fn()
}

function runKernelData(
  kernel: string,
  inputs: Record<string, { data: Float32Array; shape: number[] }>,
  attrs: Record<string, unknown>
): Float32Array {
  const tensors: Record<string, tf.Tensor> = {}
  for (const [k, v] of Object.entries(inputs)) tensors[k] = tf.tensor(v.data, v.shape)
  const out = tf
    .engine()
    .runKernel(
      kernel,
      tensors as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap
    ) as tf.Tensor
  const data = out.dataSync() as Float32Array
  tf.dispose([out, ...Object.values(tensors)])
  return data
}

interface Case {
  batch: number
  h: number
  w: number
  cin: number
  cout: number
  k: number
  stride: number
  pad: Pad
}

function outSize(size: number, k: number, s: number, pad: Pad, before: number, after: number): number {
  if (pad === 'same') return Math.ceil(size / s)
  if (pad === 'valid') return Math.ceil((size - k + 1) / s)
  return Math.floor((size + before + after - k) / s) + 1
}

function makeCases(): Case[] {
  const next = rng(1234)
  const cases: Case[] = []
  const pads: Pad[] = [
    'same',
    'valid',
    [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0]
    ]
  ]
  for (const stride of [1, 2]) {
    for (const k of [3, 4, 5]) {
      for (const pad of pads) {
        cases.push({
          batch: 1 + Math.floor(next() * 3),
          h: 7 + Math.floor(next() * 8),
          w: 7 + Math.floor(next() * 8),
          cin: 1 + Math.floor(next() * 9),
          cout: 1 + Math.floor(next() * 12),
          k,
          stride,
          pad
        })
      }
    }
  }
  // W1-like shapes (fewer channels: the cpu reference is slow), and wide layers (Cin >= 16),
  // which take the per-phase path of Conv2DBackpropInput, with odd sizes and explicit padding.
  cases.push({ batch: 2, h: 28, w: 28, cin: 1, cout: 64, k: 5, stride: 2, pad: 'same' })
  cases.push({ batch: 1, h: 14, w: 14, cin: 16, cout: 24, k: 5, stride: 2, pad: 'same' })
  cases.push({ batch: 2, h: 13, w: 11, cin: 16, cout: 8, k: 5, stride: 2, pad: 'valid' })
  cases.push({
    batch: 2,
    h: 12,
    w: 9,
    cin: 17,
    cout: 5,
    k: 3,
    stride: 2,
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0]
    ]
  })
  cases.push({ batch: 3, h: 9, w: 11, cin: 5, cout: 7, k: 1, stride: 2, pad: 'valid' })
  return cases
}

describe('wasm training kernels', () => {
  beforeAll(async () => {
    setWasmPaths(wasmDir())
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
    expect(await tf.setBackend('wasm')).toBe(true)
    registerWasmTrainingKernels()
    registerWasmTrainingKernels() // idempotent
    expect(wasmTrainingKernelsRegistered()).toBe(true)
  })

  const cases = makeCases()
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))(
    'Conv2DBackpropFilter/Input match cpu: %s',
    async (_name, c) => {
      const next = rng(c.h * 1000 + c.w * 10 + c.k)
      const pt: [number, number] = Array.isArray(c.pad) ? c.pad[1] : [0, 0]
      const pl: [number, number] = Array.isArray(c.pad) ? c.pad[2] : [0, 0]
      const oh = outSize(c.h, c.k, c.stride, c.pad, pt[0], pt[1])
      const ow = outSize(c.w, c.k, c.stride, c.pad, pl[0], pl[1])
      const x = { data: randomArray(c.batch * c.h * c.w * c.cin, next), shape: [c.batch, c.h, c.w, c.cin] }
      const dy = { data: randomArray(c.batch * oh * ow * c.cout, next), shape: [c.batch, oh, ow, c.cout] }
      const filter = { data: randomArray(c.k * c.k * c.cin * c.cout, next), shape: [c.k, c.k, c.cin, c.cout] }
      const common = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC' }
      const fAttrs = { ...common, filterShape: filter.shape }
      const iAttrs = { ...common, inputShape: x.shape }

      const ref = await onBackend('cpu', () => ({
        dw: runKernelData('Conv2DBackpropFilter', { x, dy }, fAttrs),
        dx: runKernelData('Conv2DBackpropInput', { dy, filter }, iAttrs)
      }))
      const before = tf.memory().numTensors
      const got = await onBackend('wasm', () => ({
        dw: runKernelData('Conv2DBackpropFilter', { x, dy }, fAttrs),
        dx: runKernelData('Conv2DBackpropInput', { dy, filter }, iAttrs)
      }))
      expect(tf.memory().numTensors).toBe(before)
      expect(relError(got.dw, ref.dw)).toBeLessThan(1e-4)
      expect(relError(got.dx, ref.dx)).toBeLessThan(1e-4)
    }
  )

  it.each([
    [[3], [4]],
    [
      [1, 1, 1, 5],
      [2, 3, 4, 1]
    ],
    [
      [2, 3],
      [3, 2]
    ],
    [
      [2, 1, 3],
      [1, 4, 2]
    ],
    [
      [4, 1],
      [1, 7]
    ],
    [
      [2, 2, 2],
      [1, 1, 1]
    ],
    [
      [0, 3],
      [2, 2]
    ]
  ])('Tile %j x %j matches cpu (float32, int32, bool)', async (shape, reps) => {
    const n = shape.reduce((a, b) => a * b, 1)
    const values = Array.from({ length: n }, (_, i) => (i * 7) % 5)
    const run = (): number[][] =>
      (['float32', 'int32', 'bool'] as const).map((dtype) =>
        tf.tidy(() => Array.from(tf.tile(tf.tensor(values, shape, dtype), reps).dataSync()))
      )
    const ref = await onBackend('cpu', run)
    const got = await onBackend('wasm', run)
    expect(got).toEqual(ref)
  })

  it.each([
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[2, 7, 5], [2, 3, 7], true, true],
    [[2, 4, 6], [1, 6, 3], false, false]
  ] as const)('BatchMatMul %j x %j (transposeA %s, transposeB %s) matches cpu', async (as, bs, ta, tb) => {
    const next = rng(as.length * 100 + bs[0])
    const size = (shape: readonly number[]): number => shape.reduce((x, y) => x * y, 1)
    const a = { data: randomArray(size(as), next), shape: [...as] }
    const b = { data: randomArray(size(bs), next), shape: [...bs] }
    const attrs = { transposeA: ta, transposeB: tb }
    const ref = await onBackend('cpu', () => runKernelData('BatchMatMul', { a, b }, attrs))
    const before = tf.memory().numTensors
    const got = await onBackend('wasm', () => runKernelData('BatchMatMul', { a, b }, attrs))
    expect(tf.memory().numTensors).toBe(before)
    expect(relError(got, ref)).toBeLessThan(1e-4)
  })

  it.each(['cpu', 'wasm'] as const)(
    'Identity shares data safely on %s: clones survive disposing the source, variables still update',
    async (name) => {
      await tf.setBackend(name)
      const a = tf.tensor([1, 2, 3])
      const b = tf.clone(a)
      a.dispose()
      expect(Array.from(b.dataSync())).toEqual([1, 2, 3])
      const v = tf.variable(b)
      v.assign(tf.tidy(() => tf.add(v, 1)))
      expect(Array.from(b.dataSync())).toEqual([1, 2, 3])
      expect(Array.from(v.dataSync())).toEqual([2, 3, 4])
      tf.dispose([b, v])
    }
  )

  it('frees every intermediate on the wasm heap', async () => {
    await tf.setBackend('wasm')
    const x = tf.randomNormal([2, 9, 9, 3])
    const f = tf.randomNormal([5, 5, 3, 4])
    const dy = tf.randomNormal([2, 5, 5, 4])
    const bytes0 = tf.memory().numBytes
    const run = (): void => {
      const a = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: [2, 2],
        pad: 'same',
        dataFormat: 'NHWC',
        filterShape: [5, 5, 3, 4]
      } as unknown as tf.NamedAttrMap) as tf.Tensor
      const b = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, {
        strides: [2, 2],
        pad: 'same',
        dataFormat: 'NHWC',
        inputShape: [2, 9, 9, 3]
      } as unknown as tf.NamedAttrMap) as tf.Tensor
      tf.dispose([a, b])
    }
    run()
    const dataIds = (
      tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }
    ).dataIdMap.numDataIds()
    for (let i = 0; i < 5; i++) run()
    expect((tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds()).toBe(
      dataIds
    )
    expect(tf.memory().numBytes).toBe(bytes0)
    tf.dispose([x, f, dy])
  })

  it('rejects NCHW with a clear message', async () => {
    await tf.setBackend('wasm')
    const x = tf.zeros([1, 3, 8, 8])
    const dy = tf.zeros([1, 4, 8, 8])
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NCHW',
        filterShape: [3, 3, 3, 4]
      } as unknown as tf.NamedAttrMap)
    ).toThrow(/NHWC/)
    tf.dispose([x, dy])
  })

  it('trains a small conv model to the same losses as cpu, with a flat tensor count', async () => {
    const next = rng(99)
    const init = {
      c1: randomArray(3 * 3 * 2 * 6, next).map((v) => v * 0.3),
      t1: randomArray(4 * 4 * 5 * 6, next).map((v) => v * 0.3),
      d1: randomArray(15 * 15 * 5 * 3, next).map((v) => v * 0.05),
      b1: new Float32Array(3)
    }
    const xData = randomArray(4 * 15 * 15 * 2, next)
    const yData = randomArray(4 * 3, next)

    const train = (opt: 'adam' | 'sgd'): { losses: number[]; counts: number[] } => {
      const v = {
        c1: tf.variable(tf.tensor4d(init.c1, [3, 3, 2, 6]), true, 'c1'),
        t1: tf.variable(tf.tensor4d(init.t1, [4, 4, 5, 6]), true, 't1'),
        d1: tf.variable(tf.tensor2d(init.d1, [15 * 15 * 5, 3]), true, 'd1'),
        b1: tf.variable(tf.tensor1d(init.b1), true, 'b1')
      }
      const x = tf.tensor4d(xData, [4, 15, 15, 2])
      const y = tf.tensor2d(yData, [4, 3])
      const optimizer = opt === 'adam' ? tf.train.adam(0.01) : tf.train.sgd(0.05)
      const losses: number[] = []
      const counts: number[] = []
      for (let step = 0; step < 5; step++) {
        const loss = optimizer.minimize(() => {
          const h = tf.leakyRelu(tf.conv2d(x, v.c1, 2, 'same'), 0.2) // [4, 8, 8, 6]
          const u = tf.relu(tf.conv2dTranspose(h, v.t1, [4, 15, 15, 5], 2, 'same')) // odd size: 8 -> 15
          const o = tf.add(tf.matMul(tf.reshape(u, [4, -1]), v.d1), v.b1)
          return tf.mean(tf.square(tf.sub(o, y)))
        }, true) as tf.Scalar
        losses.push(loss.dataSync()[0] as number)
        loss.dispose()
        counts.push(tf.memory().numTensors)
      }
      tf.dispose([x, y, ...Object.values(v)])
      optimizer.dispose()
      return { losses, counts }
    }
    for (const opt of ['adam', 'sgd'] as const) {
      const ref = await onBackend('cpu', () => train(opt))
      const got = await onBackend('wasm', () => train(opt))
      for (let i = 0; i < 5; i++) {
        const r = ref.losses[i] as number
        expect(Math.abs((got.losses[i] as number) - r) / Math.max(1, Math.abs(r))).toBeLessThan(1e-4)
      }
      // After the optimizer's slots exist (step 1), the count must not grow.
      expect(new Set(got.counts.slice(1)).size).toBe(1)
    }
  })

  it('gives the same gradients as cpu through conv2d, conv2dTranspose and dense', async () => {
    const next = rng(7)
    const xData = randomArray(3 * 12 * 12 * 3, next)
    const wData = randomArray(5 * 5 * 3 * 8, next)
    const tData = randomArray(5 * 5 * 4 * 8, next)
    const dData = randomArray(12 * 12 * 4 * 2, next)
    const grads = (): Float32Array[] =>
      tf.tidy(() => {
        const x = tf.tensor4d(xData, [3, 12, 12, 3])
        const f = (w: tf.Tensor, t: tf.Tensor, d: tf.Tensor): tf.Scalar => {
          const h = tf.conv2d(x, w as tf.Tensor4D, 2, 'same') // [3,6,6,8]
          const u = tf.tanh(tf.conv2dTranspose(h, t as tf.Tensor4D, [3, 12, 12, 4], 2, 'same'))
          return tf.sum(tf.square(tf.matMul(tf.reshape(u, [3, -1]), d as tf.Tensor2D)))
        }
        const g = tf.grads(f)([
          tf.tensor4d(wData, [5, 5, 3, 8]),
          tf.tensor4d(tData, [5, 5, 4, 8]),
          tf.tensor2d(dData, [12 * 12 * 4, 2])
        ])
        return g.map((t) => t.dataSync() as Float32Array)
      })
    const ref = await onBackend('cpu', grads)
    const got = await onBackend('wasm', grads)
    for (let i = 0; i < ref.length; i++)
      expect(relError(got[i] as Float32Array, ref[i] as Float32Array)).toBeLessThan(1e-4)
  })
})
