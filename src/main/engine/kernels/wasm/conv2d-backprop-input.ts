/**
 * Conv2DBackpropInput for the wasm backend: the input gradient of Conv2D and the forward pass of
 * conv2dTranspose. Stock tfjs-backend-wasm runs a naive loop here (~4 GFLOP/s).
 *
 * For stride s, the s*s output phases are stride-1 XNNPACK convolutions of the undilated dy with
 * the phase sub-kernels (see phase-plan.ts): no multiplication by an inserted zero. Two layouts:
 * - grouped: one conv whose output channels are all phases at once, over a common window (a few
 *   zero taps when the kernel size is not a multiple of the stride). Best when Cin is small: a
 *   conv with Cin = 1 output channel would waste XNNPACK's vector width.
 * - per phase: one conv per phase with its exact sub-kernel. Best for wide layers.
 * The phases are then interleaved (and cropped to the input size) by a strided copy in JS straight
 * into the output's wasm memory, replacing DepthToSpace + Slice.
 */
import { tf } from '../../tf'
import { convGeometry, type ConvGradAttrs } from './conv-geometry'
import { combinedWaste, phaseWindow, planAxis, type AxisPlan, type PhaseWindow } from './phase-plan'
import { asWasmBackend, disposeAll, runWasmKernel, type WasmBackendLike } from './wasm-backend'

interface BackpropInputAttrs extends ConvGradAttrs {
  inputShape: [number, number, number, number]
}

/** Cin from which per-phase convs beat one grouped conv with zero taps. */
const PER_PHASE_MIN_CHANNELS = 16
/** Grouped-conv overhead (zero taps) above which per-phase convs are used for wide layers. */
const PER_PHASE_MIN_WASTE = 1.1

/** A phase (a, c) of both axes and where its channels sit in a conv output. */
interface PhaseSlot {
  a: number
  c: number
  /** Channel offset of this phase in its conv output. */
  channel: number
}

/**
 * Builds a conv filter [wh.size, ww.size, Cout, slots * Cin] on the wasm heap: channel
 * k*Cin + ci of window tap (th, tw) holds w[kh, kw, ci, :] for slot k. A gather of a small weight
 * tensor, written straight into heap memory (cheaper than several transpose/pad/concat kernels).
 */
function buildFilter(
  backend: WasmBackendLike,
  filter: tf.TensorInfo,
  wh: PhaseWindow,
  ww: PhaseWindow,
  rowIndex: readonly number[],
  colIndex: readonly number[],
  cin: number,
  cout: number
): tf.TensorInfo {
  const kw = filter.shape[1] as number
  const slots = rowIndex.length
  const channels = slots * cin
  const out = backend.makeOutput([wh.size, ww.size, cout, channels], 'float32')
  // Views are taken after allocation: growing the heap detaches older views.
  const dst = backend.typedArrayFromHeap(out) as Float32Array
  const src = backend.typedArrayFromHeap(filter) as Float32Array
  dst.fill(0)
  for (let th = 0; th < wh.size; th++) {
    for (let tw = 0; tw < ww.size; tw++) {
      const tapBase = (th * ww.size + tw) * cout * channels
      for (let k = 0; k < slots; k++) {
        const kh = wh.tapOf[rowIndex[k] as number]?.[th] ?? -1
        const kwTap = ww.tapOf[colIndex[k] as number]?.[tw] ?? -1
        if (kh < 0 || kwTap < 0) continue
        const srcBase = (kh * kw + kwTap) * cin * cout
        for (let ci = 0; ci < cin; ci++) {
          const s0 = srcBase + ci * cout
          let d = tapBase + k * cin + ci
          for (let co = 0; co < cout; co++) {
            dst[d] = src[s0 + co] as number
            d += channels
          }
        }
      }
    }
  }
  return out
}

/** Runs a stride-1 conv of dy with `filter` and the window's padding. */
function phaseConv(
  backend: WasmBackendLike,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  wh: PhaseWindow,
  ww: PhaseWindow
): tf.TensorInfo {
  return runWasmKernel('Conv2D', backend, { x: dy, filter }, {
    strides: [1, 1],
    pad: [
      [0, 0],
      [wh.padBefore, wh.padAfter],
      [ww.padBefore, ww.padAfter],
      [0, 0]
    ],
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: 'floor'
  } as unknown as tf.NamedAttrMap)
}

/**
 * Copies phase (a, c) from `src` (a conv output [B, h, w, C], channels from `channel`) into its
 * strided positions of `dst` [B, IH, IW, Cin], skipping rows/columns beyond the input size.
 */
function scatterPhase(
  dst: Float32Array,
  dstShape: readonly number[],
  src: Float32Array,
  srcShape: readonly number[],
  slot: PhaseSlot,
  ph: AxisPlan,
  pw: AxisPlan
): void {
  const [batch, ih, iw, cin] = dstShape as [number, number, number, number]
  const [, h, w, cs] = srcShape as [number, number, number, number]
  const rows = Math.min(h, ph.phases[slot.a]?.rows ?? 0)
  const cols = Math.min(w, pw.phases[slot.c]?.rows ?? 0)
  const sh = ph.stride
  const sw = pw.stride
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < rows; y++) {
      let s = (b * h + y) * w * cs + slot.channel
      let d = ((b * ih + y * sh + slot.a) * iw + slot.c) * cin
      const dStep = sw * cin
      if (cin >= 8) {
        for (let x = 0; x < cols; x++) {
          dst.set(src.subarray(s, s + cin), d)
          s += cs
          d += dStep
        }
      } else {
        for (let x = 0; x < cols; x++) {
          for (let ci = 0; ci < cin; ci++) dst[d + ci] = src[s + ci] as number
          s += cs
          d += dStep
        }
      }
    }
  }
}

/** kernelFunc computing the input gradient of an NHWC, undilated Conv2D. */
export function conv2dBackpropInputWasm(args: {
  inputs: tf.NamedTensorInfoMap
  backend: unknown
  attrs?: tf.NamedAttrMap
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend)
  const dy = args.inputs['dy']
  const filter = args.inputs['filter']
  if (dy === undefined || filter === undefined)
    throw new Error('Conv2DBackpropInput expects inputs dy and filter')
  const attrs = args.attrs as unknown as BackpropInputAttrs
  const g = convGeometry(
    'Conv2DBackpropInput',
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs
  )
  const ph = planAxis(g.filterHeight, g.strideHeight, g.padTop, g.inHeight, g.outHeight)
  const pw = planAxis(g.filterWidth, g.strideWidth, g.padLeft, g.inWidth, g.outWidth)
  const outShape = [g.batch, g.inHeight, g.inWidth, g.inChannels]

  // Every (a, c) pair of phases, row-major, with its taps.
  const all: Array<{ a: number; c: number }> = []
  for (let a = 0; a < ph.stride; a++) for (let c = 0; c < pw.stride; c++) all.push({ a, c })
  const perPhase = g.inChannels >= PER_PHASE_MIN_CHANNELS && combinedWaste(ph, pw) > PER_PHASE_MIN_WASTE
  const groups = perPhase ? all.map((p) => [p]) : [all]

  // Conv outputs, each with the phase slots it holds.
  const parts: Array<{ info: tf.TensorInfo; slots: PhaseSlot[] }> = []
  let anyPhaseEmpty = false
  for (const group of groups) {
    const live = group.filter((p) => (ph.phases[p.a]?.taps ?? 0) > 0 && (pw.phases[p.c]?.taps ?? 0) > 0)
    if (live.length < group.length) anyPhaseEmpty = true
    if (live.length === 0) continue
    const rowsUsed = [...new Set(live.map((p) => p.a))]
    const colsUsed = [...new Set(live.map((p) => p.c))]
    const wh = phaseWindow(ph, rowsUsed)
    const ww = phaseWindow(pw, colsUsed)
    const f = buildFilter(
      backend,
      filter,
      wh,
      ww,
      live.map((p) => rowsUsed.indexOf(p.a)),
      live.map((p) => colsUsed.indexOf(p.c)),
      g.inChannels,
      g.outChannels
    )
    const conv = phaseConv(backend, dy, f, wh, ww)
    disposeAll(backend, [f])
    parts.push({ info: conv, slots: live.map((p, k) => ({ a: p.a, c: p.c, channel: k * g.inChannels })) })
  }

  // Stride 1 with an exact-size output needs no interleave at all.
  const only = parts[0]
  if (
    parts.length === 1 &&
    only !== undefined &&
    ph.stride === 1 &&
    pw.stride === 1 &&
    only.info.shape.every((d, i) => d === outShape[i])
  ) {
    return only.info
  }

  const out = backend.makeOutput(outShape, 'float32')
  const dst = backend.typedArrayFromHeap(out) as Float32Array
  if (anyPhaseEmpty) dst.fill(0)
  for (const part of parts) {
    const src = backend.typedArrayFromHeap(part.info) as Float32Array
    for (const slot of part.slots) scatterPhase(dst, outShape, src, part.info.shape, slot, ph, pw)
  }
  disposeAll(
    backend,
    parts.map((p) => p.info)
  )
  return out
}
