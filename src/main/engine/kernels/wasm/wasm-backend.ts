/**
 * The small slice of tfjs-backend-wasm's `BackendWasm` our kernels use, and helpers to call other
 * wasm kernels at the backend level. Kernels compose other kernels through their kernelFuncs (not
 * through tf ops) so nothing they do is recorded on the gradient tape or counted as a tensor.
 */
import { tf } from '../../tf'

/** The backend methods our kernels rely on (a structural subset of tfjs-backend-wasm's BackendWasm). */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
  disposeData(dataId: tf.TensorInfo['dataId'], force?: boolean): boolean
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array
}

/** Narrows the opaque backend a kernelFunc receives; throws if it is not the wasm backend. */
export function asWasmBackend(backend: unknown): WasmBackendLike {
  const b = backend as Partial<WasmBackendLike> | null
  if (
    b == null ||
    typeof b.makeOutput !== 'function' ||
    typeof b.typedArrayFromHeap !== 'function' ||
    typeof b.disposeData !== 'function'
  ) {
    throw new Error('Expected the wasm backend in a wasm training kernel, but got another backend')
  }
  return b as WasmBackendLike
}

/** Runs the kernel registered for `kernelName` on wasm directly, returning its single output. */
export function runWasmKernel(
  kernelName: string,
  backend: WasmBackendLike,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {}
): tf.TensorInfo {
  const config = tf.getKernel(kernelName, 'wasm')
  if (config === undefined)
    throw new Error(`Expected a wasm kernel named ${kernelName}, but none is registered`)
  const out = config.kernelFunc({ inputs, backend: backend as unknown as object, attrs })
  if (Array.isArray(out))
    throw new Error(`Expected one output from wasm kernel ${kernelName}, but got ${out.length}`)
  return out
}

/** Frees intermediates made inside a kernel (each was created with refCount 1 by makeOutput or incRef). */
export function disposeAll(backend: WasmBackendLike, infos: readonly tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId)
}

/** Transpose through the wasm kernel. */
export function transposeInfo(backend: WasmBackendLike, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runWasmKernel('Transpose', backend, { x }, { perm })
}

/** Slice through the wasm kernel (begin/size per dimension). */
export function sliceInfo(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  begin: number[],
  size: number[]
): tf.TensorInfo {
  return runWasmKernel('Slice', backend, { x }, { begin, size })
}

/** Whether `size` starting at the origin covers all of `shape` (so a slice would be a plain copy). */
export function coversShape(shape: readonly number[], size: readonly number[]): boolean {
  return shape.every((d, i) => d === size[i])
}
