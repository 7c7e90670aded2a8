/**
 * The project's kernels for the webgpu backend. Every kernel training uses exists in stock
 * tfjs-backend-webgpu 4.22 (checked by test/unit/main/engine/kernels/webgpu/kernels.test.ts);
 * AddN is replaced because the stock one fails past the device's storage-buffer limit.
 */
import { tf } from '../../tf'
import { makeAddNWebGpu } from './add-n'

export { addNGroupSize } from './add-n'

const ours = new Set<tf.KernelFunc>()

/** Registers our webgpu kernels over the stock ones (idempotent). */
export function registerWebGpuTrainingKernels(): void {
  const stock = tf.getKernel('AddN', 'webgpu')
  if (!stock) throw new Error('Expected the stock webgpu AddN kernel to be registered, but it is not')
  if (ours.has(stock.kernelFunc)) return
  const func = makeAddNWebGpu(stock.kernelFunc)
  ours.add(func)
  tf.unregisterKernel('AddN', 'webgpu')
  tf.registerKernel({ ...stock, kernelFunc: func })
}
