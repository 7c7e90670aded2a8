/**
 * The project's training kernels for the wasm backend. Stock tfjs-backend-wasm has no
 * Conv2DBackpropFilter (training a conv layer throws) and a slow, naive Conv2DBackpropInput
 * (also the forward pass of conv2dTranspose). Both are replaced by compositions of XNNPACK's
 * fast Conv2D with cheap layout work; Tile and Identity are replaced by copy-light versions
 * because gradient code calls them a lot, and BatchMatMul keeps transposed operands (every matMul
 * gradient) off the stock naive loop.
 */
import { tf } from '../../tf'
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter'
import { conv2dBackpropInputWasm } from './conv2d-backprop-input'
import { makeBatchMatMulWasm } from './batch-mat-mul'
import { makeIdentityWasm } from './identity'
import { makeTileWasm } from './tile'

export { conv2dBackpropFilterWasm } from './conv2d-backprop-filter'
export { conv2dBackpropInputWasm } from './conv2d-backprop-input'

/** A replacement kernel; `make` receives the stock kernelFunc (if any) for cases it hands back. */
interface Replacement {
  kernelName: string
  make: (stock: tf.KernelFunc | undefined) => tf.KernelFunc
}

function needStock(name: string, stock: tf.KernelFunc | undefined): tf.KernelFunc {
  if (stock === undefined)
    throw new Error(`Expected the stock wasm ${name} kernel to be registered, but it is not`)
  return stock
}

const REPLACEMENTS: readonly Replacement[] = [
  { kernelName: 'Conv2DBackpropFilter', make: () => conv2dBackpropFilterWasm as unknown as tf.KernelFunc },
  { kernelName: 'Conv2DBackpropInput', make: () => conv2dBackpropInputWasm as unknown as tf.KernelFunc },
  { kernelName: 'Tile', make: (stock) => makeTileWasm(needStock('Tile', stock)) },
  { kernelName: 'Identity', make: (stock) => makeIdentityWasm(needStock('Identity', stock)) },
  { kernelName: 'BatchMatMul', make: (stock) => makeBatchMatMulWasm(needStock('BatchMatMul', stock)) }
]

/** The kernelFuncs we registered, so a second call can tell ours from stock ones. */
const ours = new Set<tf.KernelFunc>()

/**
 * Registers the project's wasm kernels, replacing stock ones of the same name. Idempotent: a
 * kernel already ours is left alone. Call after `@tensorflow/tfjs-backend-wasm` has been imported
 * (its import registers the stock kernels and would overwrite ours).
 */
export function registerWasmTrainingKernels(): void {
  for (const r of REPLACEMENTS) {
    const existing = tf.getKernel(r.kernelName, 'wasm')
    if (existing !== undefined && ours.has(existing.kernelFunc)) continue
    const kernelFunc = r.make(existing?.kernelFunc)
    if (existing !== undefined) tf.unregisterKernel(r.kernelName, 'wasm')
    // Keep the stock kernel's setupFunc: it binds the C function our wrapper calls through the stock
    // kernelFunc to the module of the backend being set up. Without it, a backend started again
    // (another thread count) would call into the previous, disposed module and abort.
    tf.registerKernel({
      kernelName: r.kernelName,
      backendName: 'wasm',
      kernelFunc,
      ...(existing?.setupFunc ? { setupFunc: existing.setupFunc } : {}),
      ...(existing?.disposeFunc ? { disposeFunc: existing.disposeFunc } : {})
    })
    ours.add(kernelFunc)
  }
}

/** Whether the project's kernels are the ones registered for wasm right now. */
export function wasmTrainingKernelsRegistered(): boolean {
  return REPLACEMENTS.every((r) => {
    const k = tf.getKernel(r.kernelName, 'wasm')
    return k !== undefined && ours.has(k.kernelFunc)
  })
}
