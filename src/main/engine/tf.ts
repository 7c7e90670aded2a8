/**
 * The single TensorFlow.js instance the engine uses. Everything in the engine imports tf from
 * here, so tfjs-node, the wasm backend and our own kernels all register into the same core.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import '@tensorflow/tfjs-backend-cpu'

export { tf }
export type Tensor = tf.Tensor
