/**
 * The forward pass of an architecture over named tensors, shared by training (Network.apply, with
 * batch-statistics BatchNorm) and inference (the explorer's GeneratorModel, eval-mode BatchNorm).
 * How BatchNorm behaves and where tensors come from are the caller's; the layers are the same.
 */
import { tf } from '../tf'
import type { ArchSpec, LayerSpec } from './arch'

export interface ForwardContext {
  /** A named weight or buffer (`dense0/kernel`, `bn2/movingMean`, `conv0/snU`). */
  tensor(name: string): tf.Tensor
  /** BatchNorm of layer `name` (e.g. `bn2`). */
  batchNorm(h: tf.Tensor, name: string, layer: Extract<LayerSpec, { kind: 'bn' }>): tf.Tensor
  /** One-hot class labels, for a projection discriminator. */
  labels?: tf.Tensor
}

/** Applies the layers of `arch` to `x` (the concatenation of a conditional G's label is the caller's). Call inside tf.tidy. */
export function forward(arch: ArchSpec, x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
  const w = ctx.tensor
  const cond = arch.conditioning
  // A kernel as used by the forward pass: divided by its spectral norm when SN is on.
  const kernel = (layer: string): tf.Tensor => {
    const k = w(`${layer}/kernel`)
    if (!arch.spectralNorm) return k
    return tf.div(k, spectralSigma(k, w(`${layer}/snU`)))
  }
  let h = x
  const lastDense = arch.layers.map((l) => l.kind).lastIndexOf('dense')
  arch.layers.forEach((l: LayerSpec, i) => {
    const n = `${l.kind}${i}`
    switch (l.kind) {
      case 'dense': {
        const features = h
        h = tf.matMul(h as tf.Tensor2D, kernel(n) as tf.Tensor2D)
        if (l.bias) h = tf.add(h, w(`${n}/bias`))
        if (cond?.mode === 'projection' && i === lastDense) {
          // ⟨embed(y), φ(x)⟩ added to every output unit (D has one).
          const e = tf.matMul(ctx.labels as tf.Tensor2D, kernel('embed') as tf.Tensor2D)
          h = tf.add(h, tf.sum(tf.mul(e, features), 1, true))
        }
        break
      }
      case 'reshape':
        h = tf.reshape(h, [-1, ...l.shape])
        break
      case 'flatten':
        h = tf.reshape(h, [h.shape[0] ?? -1, -1])
        break
      case 'conv':
        h = tf.conv2d(h as tf.Tensor4D, kernel(n) as tf.Tensor4D, l.stride, 'same')
        if (l.bias) h = tf.add(h, w(`${n}/bias`))
        break
      case 'convT': {
        const [b, hh, ww] = h.shape as [number, number, number, number]
        h = tf.conv2dTranspose(
          h as tf.Tensor4D,
          kernel(n) as tf.Tensor4D,
          [b, hh * l.stride, ww * l.stride, l.filters],
          l.stride,
          'same'
        )
        if (l.bias) h = tf.add(h, w(`${n}/bias`))
        break
      }
      case 'bn':
        h = ctx.batchNorm(h, n, l)
        break
      case 'relu':
        h = tf.relu(h)
        break
      case 'lrelu':
        h = tf.leakyRelu(h, l.alpha)
        break
      case 'tanh':
        h = tf.tanh(h)
        break
    }
  })
  return h
}

/** Eval-mode BatchNorm from a layer's running statistics. */
export function batchNormEval(
  h: tf.Tensor,
  name: string,
  epsilon: number,
  tensor: (name: string) => tf.Tensor
): tf.Tensor {
  return tf.batchNorm(
    h,
    tensor(`${name}/movingMean`),
    tensor(`${name}/movingVariance`),
    tensor(`${name}/beta`),
    tensor(`${name}/gamma`),
    epsilon
  )
}

/** A kernel as the matrix SN works on: [fan-in, units], with units the last dimension. */
export function kernelMatrix(k: tf.Tensor): tf.Tensor2D {
  const units = k.shape[k.shape.length - 1] ?? 1
  return tf.reshape(k, [-1, units])
}

export function normalise(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.add(tf.norm(x), 1e-12))
}

/** σ(W) ≈ |W û| / |û| for the persistent vector û (the division keeps it right before any iteration). */
export function spectralSigma(k: tf.Tensor, u: tf.Tensor): tf.Scalar {
  const m = kernelMatrix(k)
  const wu = tf.matMul(m, tf.reshape(u, [-1, 1]))
  return tf.div(tf.norm(wu), tf.add(tf.norm(u), 1e-12)) as tf.Scalar
}
