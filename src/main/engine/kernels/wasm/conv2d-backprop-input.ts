/**
 * Conv2DBackpropInput for the wasm backend: the input gradient of Conv2D and the forward pass of
 * conv2dTranspose. Stock tfjs-backend-wasm runs a naive loop here (~4 GFLOP/s).
 *
 * For stride s this is one XNNPACK Conv2D of the undilated dy with a combined filter holding the
 * s*s phase sub-kernels as output channels (see phase-plan.ts), then DepthToSpace(s) interleaves
 * the phases into the full-resolution gradient. No zeros are inserted into dy.
 */
import { tf } from '../../tf'
import { convGeometry, type ConvGradAttrs } from './conv-geometry'
import { planAxis, type AxisPhasePlan } from './phase-plan'
import { asWasmBackend, coversShape, disposeAll, runWasmKernel, sliceInfo, type WasmBackendLike } from './wasm-backend'

interface BackpropInputAttrs extends ConvGradAttrs {
  inputShape: [number, number, number, number]
}

/**
 * Builds the combined filter [windowH, windowW, Cout, sh*sw*Cin] on the wasm heap. Channel
 * (a*sw + c)*Cin + ci of window tap (th, tw) holds w[kh, kw, ci, :] for the phase (a, c), in the
 * order DepthToSpace expects. Written straight into heap memory: it is a gather of a small weight
 * tensor, cheaper in JS than several transpose/pad/concat kernel calls.
 */
function buildPhaseFilter(
  backend: WasmBackendLike,
  filter: tf.TensorInfo,
  ph: AxisPhasePlan,
  pw: AxisPhasePlan,
  cin: number,
  cout: number
): tf.TensorInfo {
  const [, kw] = filter.shape as [number, number, number, number]
  const phases = ph.stride * pw.stride
  const channels = phases * cin
  const out = backend.makeOutput([ph.window, pw.window, cout, channels], 'float32')
  // Views are taken after allocation: growing the heap detaches older views.
  const dst = backend.typedArrayFromHeap(out) as Float32Array
  const src = backend.typedArrayFromHeap(filter) as Float32Array
  dst.fill(0)
  for (let th = 0; th < ph.window; th++) {
    for (let tw = 0; tw < pw.window; tw++) {
      const tapBase = (th * pw.window + tw) * cout * channels
      for (let a = 0; a < ph.stride; a++) {
        const khTap = ph.tapOf[a]?.[th] ?? -1
        if (khTap < 0) continue
        for (let c = 0; c < pw.stride; c++) {
          const kwTap = pw.tapOf[c]?.[tw] ?? -1
          if (kwTap < 0) continue
          const chBase = (a * pw.stride + c) * cin
          const srcBase = (khTap * kw + kwTap) * cin * cout
          for (let ci = 0; ci < cin; ci++) {
            const s0 = srcBase + ci * cout
            let d = tapBase + chBase + ci
            for (let co = 0; co < cout; co++) {
              dst[d] = src[s0 + co] as number
              d += channels
            }
          }
        }
      }
    }
  }
  return out
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
  if (dy === undefined || filter === undefined) throw new Error('Conv2DBackpropInput expects inputs dy and filter')
  const attrs = args.attrs as unknown as BackpropInputAttrs
  const g = convGeometry('Conv2DBackpropInput', attrs.inputShape, filter.shape as [number, number, number, number], attrs)
  if (g.strideHeight !== g.strideWidth) {
    throw new Error(
      `Conv2DBackpropInput (wasm, GAN Studio) supports equal strides only, but got ${g.strideHeight}x${g.strideWidth}`
    )
  }
  const ph = planAxis(g.filterHeight, g.strideHeight, g.padTop, g.inHeight, g.outHeight)
  const pw = planAxis(g.filterWidth, g.strideWidth, g.padLeft, g.inWidth, g.outWidth)

  const combined = buildPhaseFilter(backend, filter, ph, pw, g.inChannels, g.outChannels)
  const conv = runWasmKernel(
    'Conv2D',
    backend,
    { x: dy, filter: combined },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [-ph.dMin, ph.padAfter],
        [-pw.dMin, pw.padAfter],
        [0, 0]
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: 'floor'
    } as unknown as tf.NamedAttrMap
  ) // [B, >=perPhaseH, >=perPhaseW, s*s*Cin]
  disposeAll(backend, [combined])

  let spatial = conv
  if (ph.stride > 1) {
    spatial = runWasmKernel('DepthToSpace', backend, { x: conv }, { blockSize: ph.stride, dataFormat: 'NHWC' })
    disposeAll(backend, [conv])
  }
  const want = [g.batch, g.inHeight, g.inWidth, g.inChannels]
  if (coversShape(spatial.shape, want)) return spatial
  const out = sliceInfo(backend, spatial, [0, 0, 0, 0], want)
  disposeAll(backend, [spatial])
  return out
}
