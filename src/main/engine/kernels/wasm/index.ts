/**
 * The project's training kernels for the wasm backend. Stock tfjs-backend-wasm has no
 * Conv2DBackpropFilter (training a conv layer throws) and a slow, naive Conv2DBackpropInput
 * (also the forward pass of conv2dTranspose). Both are replaced by compositions of XNNPACK's
 * fast Conv2D with cheap layout kernels.
 */
import { tf } from '../../tf'
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter'
import { conv2dBackpropInputWasm } from './conv2d-backprop-input'

export { conv2dBackpropFilterWasm } from './conv2d-backprop-filter'
export { conv2dBackpropInputWasm } from './conv2d-backprop-input'

const KERNELS: ReadonlyArray<{ kernelName: string; kernelFunc: tf.KernelFunc }> = [
  { kernelName: 'Conv2DBackpropFilter', kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc },
  { kernelName: 'Conv2DBackpropInput', kernelFunc: conv2dBackpropInputWasm as unknown as tf.KernelFunc }
]

/**
 * Registers the project's wasm kernels, replacing stock ones of the same name. Idempotent: a
 * kernel already ours is left alone. Call after `@tensorflow/tfjs-backend-wasm` has been imported
 * (its import registers the stock kernels and would overwrite ours).
 */
export function registerWasmTrainingKernels(): void {
  for (const k of KERNELS) {
    const existing = tf.getKernel(k.kernelName, 'wasm')
    if (existing?.kernelFunc === k.kernelFunc) continue
    if (existing !== undefined) tf.unregisterKernel(k.kernelName, 'wasm')
    tf.registerKernel({ kernelName: k.kernelName, backendName: 'wasm', kernelFunc: k.kernelFunc })
  }
}

/** Whether the project's kernels are the ones registered for wasm right now. */
export function wasmTrainingKernelsRegistered(): boolean {
  return KERNELS.every((k) => tf.getKernel(k.kernelName, 'wasm')?.kernelFunc === k.kernelFunc)
}
