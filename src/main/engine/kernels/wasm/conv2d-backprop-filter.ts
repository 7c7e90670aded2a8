/**
 * Conv2DBackpropFilter for the wasm backend (stock tfjs-backend-wasm has none, so training any
 * conv layer throws there).
 *
 * dW[kh,kw,ci,co] = sum over b,oh,ow of x[b, oh*s - pt + kh, ow*s - pl + kw, ci] * dy[b,oh,ow,co].
 * That is itself one convolution: take x as a batch of Cin single images [Cin, H, W, B] (batch
 * becomes the channel axis) and dy as a filter [OH, OW, B, Cout] dilated by the stride. One
 * XNNPACK Conv2D produces [Cin, KH, KW, Cout]; a transpose gives [KH, KW, Cin, Cout]. No slice
 * per kernel tap, no im2col in JS.
 */
import { tf } from '../../tf'
import { convGeometry, type ConvGradAttrs } from './conv-geometry'
import {
  asWasmBackend,
  coversShape,
  disposeAll,
  runWasmKernel,
  sliceInfo,
  transposeInfo
} from './wasm-backend'

interface BackpropFilterAttrs extends ConvGradAttrs {
  filterShape: [number, number, number, number]
}

/** kernelFunc computing the filter gradient of an NHWC, undilated Conv2D. */
export function conv2dBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap
  backend: unknown
  attrs?: tf.NamedAttrMap
}): tf.TensorInfo {
  const backend = asWasmBackend(args.backend)
  const x = args.inputs['x']
  const dy = args.inputs['dy']
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter expects inputs x and dy')
  const attrs = args.attrs as unknown as BackpropFilterAttrs
  const g = convGeometry(
    'Conv2DBackpropFilter',
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs
  )
  if (dy.shape[1] !== g.outHeight || dy.shape[2] !== g.outWidth) {
    throw new Error(
      `Expected dy of spatial size ${g.outHeight}x${g.outWidth}, but got ${dy.shape[1]}x${dy.shape[2]}`
    )
  }

  // Bottom/right padding so the "conv" output is at least KH x KW; if the forward pass left
  // input rows unused (valid padding with a remainder), the extra output rows are sliced off.
  const dilatedH = (g.outHeight - 1) * g.strideHeight + 1
  const dilatedW = (g.outWidth - 1) * g.strideWidth + 1
  const padBottom = Math.max(0, g.filterHeight - 1 + dilatedH - g.inHeight - g.padTop)
  const padRight = Math.max(0, g.filterWidth - 1 + dilatedW - g.inWidth - g.padLeft)

  const xT = transposeInfo(backend, x, [3, 1, 2, 0]) // [Cin, H, W, B]
  const dyT = transposeInfo(backend, dy, [1, 2, 0, 3]) // [OH, OW, B, Cout]
  const conv = runWasmKernel('Conv2D', backend, { x: xT, filter: dyT }, {
    strides: [1, 1],
    pad: [
      [0, 0],
      [g.padTop, padBottom],
      [g.padLeft, padRight],
      [0, 0]
    ],
    dataFormat: 'NHWC',
    dilations: [g.strideHeight, g.strideWidth],
    dimRoundingMode: 'floor'
  } as unknown as tf.NamedAttrMap) // [Cin, KH', KW', Cout] with KH' >= KH
  disposeAll(backend, [xT, dyT])

  const want = [g.inChannels, g.filterHeight, g.filterWidth, g.outChannels]
  let cropped = conv
  if (!coversShape(conv.shape, want)) {
    cropped = sliceInfo(backend, conv, [0, 0, 0, 0], want)
    disposeAll(backend, [conv])
  }
  const out = transposeInfo(backend, cropped, [1, 2, 0, 3]) // [KH, KW, Cin, Cout]
  disposeAll(backend, [cropped])
  return out
}
