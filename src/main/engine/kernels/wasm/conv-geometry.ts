/**
 * Shared geometry for the conv gradient kernels: resolves tfjs's padding modes ('same', 'valid',
 * explicit) into concrete top/left padding exactly as the forward Conv2D did, so the gradients
 * match whatever forward pass produced `dy`.
 */
import { tf } from '../../tf'

/** The resolved shape and padding of a forward NHWC conv with no dilation. */
export interface ConvGeometry {
  batch: number
  inHeight: number
  inWidth: number
  inChannels: number
  outHeight: number
  outWidth: number
  outChannels: number
  filterHeight: number
  filterWidth: number
  strideHeight: number
  strideWidth: number
  padTop: number
  padLeft: number
}

/** The attrs both conv gradient kernels share. */
export interface ConvGradAttrs {
  strides: [number, number] | number
  pad: 'valid' | 'same' | number | backendExplicitPadding
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}
type backendExplicitPadding = tf.backend_util.ExplicitPadding

/**
 * Computes the geometry of the forward conv `x (xShape) * filter (filterShape)`. Throws a clear
 * error for layouts these kernels do not implement, so callers see why instead of wrong numbers.
 */
export function convGeometry(
  kernelName: string,
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: ConvGradAttrs
): ConvGeometry {
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(
      `${kernelName} (wasm, GAN Studio) supports dataFormat 'NHWC' only, but got '${attrs.dataFormat}'`
    )
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast'
  )
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left
  }
}
