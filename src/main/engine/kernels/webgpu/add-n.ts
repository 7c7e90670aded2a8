/**
 * AddN for the webgpu backend that works for any number of inputs. The stock kernel binds every
 * input as one storage buffer of a single shader; WebGPU devices allow 8 to 16 per stage, and
 * gradient code sums more than that (a weight used by several layers, a long tape). Past the
 * limit the stock pipeline is invalid and the sum silently comes back wrong. This splits the
 * inputs into groups the device can bind and sums the partial sums the same way.
 */
import type { tf } from '../../tf'

interface DeviceBackend {
  device?: { limits?: { maxStorageBuffersPerShaderStage?: number } }
  disposeData?: (dataId: tf.TensorInfo['dataId']) => boolean
}

/** Inputs per dispatch: the storage-buffer limit less one for the output. */
export function addNGroupSize(backend: unknown): number {
  const limit = (backend as DeviceBackend).device?.limits?.maxStorageBuffersPerShaderStage ?? 8
  return Math.max(2, limit - 1)
}

/** Builds the AddN kernelFunc around the stock one. */
export function makeAddNWebGpu(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const group = addNGroupSize(args.backend)
    let inputs = args.inputs as unknown as tf.TensorInfo[]
    if (inputs.length <= group) return stock(args)
    const backend = args.backend as unknown as DeviceBackend
    const made: tf.TensorInfo[] = []
    while (inputs.length > group) {
      const next: tf.TensorInfo[] = []
      for (let i = 0; i < inputs.length; i += group) {
        const part = inputs.slice(i, i + group)
        if (part.length === 1) {
          next.push(part[0] as tf.TensorInfo)
          continue
        }
        const sum = stock({ ...args, inputs: part as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo
        made.push(sum)
        next.push(sum)
      }
      inputs = next
    }
    const out = stock({ ...args, inputs: inputs as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo
    // Partial sums are ours (not tracked by the engine): free them once the final sum is queued.
    for (const t of made) backend.disposeData?.(t.dataId)
    return out
  }
}
