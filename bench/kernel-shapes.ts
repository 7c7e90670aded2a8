/**
 * `npm run bench -- --child shapes`: times the project's conv gradient kernels alone on the W1
 * shapes (process CPU time, best of 3), to see which shape is slow.
 */
import { tf } from '../src/main/engine/tf'
import { setupOursBackend } from './ours-side'

interface Shape {
  label: string
  kernel: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput' | 'Conv2D'
  x: number[]
  dy: number[]
  filter: number[]
  stride: number
  macs: number
}

const B = 64
const SHAPES: Shape[] = [
  {
    label: 'D1 dW',
    kernel: 'Conv2DBackpropFilter',
    x: [B, 28, 28, 1],
    dy: [B, 14, 14, 64],
    filter: [5, 5, 1, 64],
    stride: 2,
    macs: B * 196 * 25 * 64
  },
  {
    label: 'D2 dW / G2 dW',
    kernel: 'Conv2DBackpropFilter',
    x: [B, 14, 14, 64],
    dy: [B, 7, 7, 128],
    filter: [5, 5, 64, 128],
    stride: 2,
    macs: B * 49 * 25 * 64 * 128
  },
  {
    label: 'G1 dW',
    kernel: 'Conv2DBackpropFilter',
    x: [B, 7, 7, 128],
    dy: [B, 7, 7, 256],
    filter: [5, 5, 128, 256],
    stride: 1,
    macs: B * 49 * 25 * 128 * 256
  },
  {
    label: 'G1 fwd',
    kernel: 'Conv2DBackpropInput',
    x: [B, 7, 7, 128],
    dy: [B, 7, 7, 256],
    filter: [5, 5, 128, 256],
    stride: 1,
    macs: B * 49 * 25 * 128 * 256
  },
  {
    label: 'G2 fwd / D2 dx',
    kernel: 'Conv2DBackpropInput',
    x: [B, 14, 14, 64],
    dy: [B, 7, 7, 128],
    filter: [5, 5, 64, 128],
    stride: 2,
    macs: B * 49 * 25 * 64 * 128
  },
  {
    label: 'G3 fwd / D1 dx',
    kernel: 'Conv2DBackpropInput',
    x: [B, 28, 28, 1],
    dy: [B, 14, 14, 64],
    filter: [5, 5, 1, 64],
    stride: 2,
    macs: B * 196 * 25 * 64
  },
  {
    label: 'D2 fwd (stock)',
    kernel: 'Conv2D',
    x: [B, 14, 14, 64],
    dy: [B, 7, 7, 128],
    filter: [5, 5, 64, 128],
    stride: 2,
    macs: B * 49 * 25 * 64 * 128
  },
  {
    label: 'G1 dx (stock)',
    kernel: 'Conv2D',
    x: [B, 7, 7, 256],
    dy: [B, 7, 7, 128],
    filter: [5, 5, 256, 128],
    stride: 1,
    macs: B * 49 * 25 * 128 * 256
  }
]

function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Times each shape; returns rows for printing. */
export async function kernelShapes(): Promise<
  Array<{ label: string; kernel: string; ms: number; gflops: number }>
> {
  await setupOursBackend('wasm')
  const rows: Array<{ label: string; kernel: string; ms: number; gflops: number }> = []
  for (const s of SHAPES) {
    const x = tf.randomNormal(s.x)
    const dy = tf.randomNormal(s.dy)
    const f = tf.randomNormal(s.filter)
    const attrs = {
      strides: [s.stride, s.stride],
      pad: 'same',
      dataFormat: 'NHWC',
      dilations: [1, 1],
      filterShape: s.filter,
      inputShape: s.x
    } as unknown as tf.NamedAttrMap
    const inputs =
      s.kernel === 'Conv2DBackpropFilter'
        ? { x, dy }
        : s.kernel === 'Conv2DBackpropInput'
          ? { dy, filter: f }
          : { x, filter: f }
    let best = Number.POSITIVE_INFINITY
    for (let i = 0; i < 3; i++) {
      const t0 = cpuMs()
      const out = tf.engine().runKernel(s.kernel, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor
      await out.data()
      best = Math.min(best, cpuMs() - t0)
      out.dispose()
    }
    rows.push({
      label: s.label,
      kernel: s.kernel,
      ms: Math.round(best * 10) / 10,
      gflops: Math.round(((2 * s.macs) / 1e6 / best) * 10) / 10
    })
    tf.dispose([x, dy, f])
  }
  return rows
}
