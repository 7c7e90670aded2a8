/**
 * The ceiling for a workload: XNNPACK's own forward Conv2D (the stock wasm kernel, no gradients,
 * no layout work) on the same GEMM shapes as the workload's conv layers, at the same thread count.
 * A transposed conv (G) is timed as the stride-1 conv with the same multiply-adds on its
 * low-resolution side, which is how flops.ts counts it. The workload's GFLOP/s divided by this is
 * the fraction of the ceiling it reaches. Dense layers are left out of both, as in flops.ts.
 */
import { tf } from '../src/main/engine/tf'
import type { ArchSpec } from '../src/main/engine/models/arch'
import type { GanArchs } from '../src/main/engine/models'
import { quantile, round } from './stats'

/** One conv shape, timed. */
export interface CeilingShape {
  label: string
  x: number[]
  filter: number[]
  stride: number
  gflop: number
  medianMs: number
  gflops: number
}

/** The ceiling at one thread count. */
export interface CeilingResult {
  threads: number
  /** Total forward-conv GFLOP of the shapes / total median time. */
  gflops: number
  shapes: CeilingShape[]
}

/** The forward conv shapes of an architecture at `batch`. */
export function convShapes(
  arch: ArchSpec,
  batch: number,
  prefix: string
): Array<Pick<CeilingShape, 'label' | 'x' | 'filter' | 'stride'>> {
  let shape = [...arch.input]
  const out: Array<Pick<CeilingShape, 'label' | 'x' | 'filter' | 'stride'>> = []
  arch.layers.forEach((l, i) => {
    const [h = 1, w = 1, c = 1] = shape
    if (l.kind === 'dense') shape = [l.units]
    else if (l.kind === 'reshape') shape = [...l.shape]
    else if (l.kind === 'flatten') shape = [shape.reduce((a, b) => a * b, 1)]
    else if (l.kind === 'conv') {
      out.push({
        label: `${prefix}.${i}.conv`,
        x: [batch, h, w, c],
        filter: [l.kernel, l.kernel, c, l.filters],
        stride: l.stride
      })
      shape = [Math.ceil(h / l.stride), Math.ceil(w / l.stride), l.filters]
    } else if (l.kind === 'convT') {
      out.push({
        label: `${prefix}.${i}.convT`,
        x: [batch, h, w, c],
        filter: [l.kernel, l.kernel, c, l.filters],
        stride: 1
      })
      shape = [h * l.stride, w * l.stride, l.filters]
    }
  })
  return out
}

/** Times every conv shape of `archs` with the stock forward Conv2D on the active backend. */
export async function measureCeiling(
  archs: GanArchs,
  batch: number,
  threads: number
): Promise<CeilingResult> {
  const shapes = [...convShapes(archs.generator, batch, 'g'), ...convShapes(archs.discriminator, batch, 'd')]
  const timed: CeilingShape[] = []
  for (const s of shapes) {
    const x = tf.randomNormal<tf.Rank>(s.x, 0, 1, 'float32', 1) as tf.Tensor4D
    const f = tf.randomNormal<tf.Rank>(s.filter, 0, 0.1, 'float32', 2) as tf.Tensor4D
    const run = async (): Promise<number> => {
      const t0 = performance.now()
      const y = tf.conv2d(x, f, s.stride, 'same')
      await y.data()
      const ms = performance.now() - t0
      y.dispose()
      return ms
    }
    await run()
    await run()
    const times: number[] = []
    let spent = 0
    while (times.length < 5 || (spent < 400 && times.length < 20)) {
      const ms = await run()
      times.push(ms)
      spent += ms
    }
    tf.dispose([x, f])
    const oh = Math.ceil((s.x[1] ?? 1) / s.stride)
    const ow = Math.ceil((s.x[2] ?? 1) / s.stride)
    const [k = 1, , cin = 1, cout = 1] = s.filter
    const flop = 2 * (s.x[0] ?? 1) * oh * ow * k * k * cin * cout
    const median = quantile(times, 0.5)
    timed.push({
      ...s,
      gflop: round(flop / 1e9, 4),
      medianMs: round(median, 2),
      gflops: round(flop / 1e6 / median, 2)
    })
  }
  const totalGflop = timed.reduce((a, s) => a + s.gflop, 0)
  const totalMs = timed.reduce((a, s) => a + s.medianMs, 0)
  return { threads, gflops: round((totalGflop * 1000) / totalMs, 2), shapes: timed }
}
