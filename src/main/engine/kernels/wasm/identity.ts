/**
 * Identity for the wasm backend without a copy. The stock kernel allocates and copies; gradient
 * code calls Identity hundreds of times per GAN step. Tensor data is immutable in tfjs (variables
 * change by swapping their dataId), so sharing the buffer with a reference count is safe: it is
 * what the cpu backend's Identity and the wasm backend's own Reshape do.
 */
import type { tf } from '../../tf'

interface RefCountingBackend {
  incRef(dataId: tf.TensorInfo['dataId']): void
}

/** Builds the Identity kernelFunc; strings go to `stock`. */
export function makeIdentityWasm(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x']
    const backend = args.backend as Partial<RefCountingBackend>
    if (x === undefined || x.dtype === 'string' || typeof backend.incRef !== 'function') return stock(args)
    backend.incRef(x.dataId)
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
  }
}
