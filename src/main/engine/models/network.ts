/**
 * A network built from an ArchSpec: named weights (trainable tf.Variables), named buffers
 * (BatchNorm running statistics) and a forward pass. Weight names are stable (`dense0/kernel`,
 * `bn2/gamma`, ...) and key everything that is saved: checkpoints, optimizer slots, EMA, export.
 */
import { tf } from '../tf'
import type { Rng } from '../rng'
import { expectPositiveInt, type ArchSpec } from './arch'
import { forward, kernelMatrix, normalise } from './forward'

export { spectralSigma } from './forward'

export interface ApplyOptions {
  /** Training mode: BatchNorm uses batch statistics and updates its running ones. */
  training: boolean
  /** Weights to use instead of the network's own (e.g. the EMA copy), by name. */
  weights?: ReadonlyMap<string, tf.Tensor>
  /** One-hot class labels [B, classes]; required when the architecture is conditional. */
  labels?: tf.Tensor
}

/** Shapes of every named tensor of an architecture, in creation order. */
export interface TensorSpec {
  name: string
  shape: number[]
  trainable: boolean
  init: 'normal' | 'zeros' | 'ones' | 'gamma' | 'unit'
}

/** Walks an architecture and lists its tensors; also checks the shapes fit together. */
export function tensorSpecs(arch: ArchSpec): TensorSpec[] {
  const out: TensorSpec[] = []
  const cond = arch.conditioning
  if (cond) expectPositiveInt('conditioning.classes', cond.classes)
  let shape = cond?.mode === 'concat' ? [(arch.input[0] ?? 0) + cond.classes] : [...arch.input]
  const lastDense = arch.layers.map((l) => l.kind).lastIndexOf('dense')
  const sn = (name: string, units: number): void => {
    if (arch.spectralNorm) out.push({ name: `${name}/snU`, shape: [units], trainable: false, init: 'unit' })
  }
  arch.layers.forEach((l, i) => {
    const name = `${l.kind}${i}`
    const last = shape[shape.length - 1] ?? 0
    switch (l.kind) {
      case 'dense':
        if (shape.length !== 1)
          throw new Error(`Expected a flat input to ${name}, but got shape [${shape.join(', ')}]`)
        out.push({ name: `${name}/kernel`, shape: [last, l.units], trainable: true, init: 'normal' })
        if (l.bias) out.push({ name: `${name}/bias`, shape: [l.units], trainable: true, init: 'zeros' })
        sn(name, l.units)
        if (cond?.mode === 'projection' && i === lastDense) {
          out.push({ name: 'embed/kernel', shape: [cond.classes, last], trainable: true, init: 'normal' })
          sn('embed', last)
        }
        shape = [l.units]
        break
      case 'reshape': {
        const n = shape.reduce((a, b) => a * b, 1)
        const m = l.shape.reduce((a, b) => a * b, 1)
        if (n !== m)
          throw new Error(
            `Expected ${name} to keep ${n} values, but its shape [${l.shape.join(', ')}] holds ${m}`
          )
        shape = [...l.shape]
        break
      }
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)]
        break
      case 'conv':
      case 'convT': {
        if (shape.length !== 3)
          throw new Error(`Expected an HxWxC input to ${name}, but got shape [${shape.join(', ')}]`)
        const [h, w] = shape as [number, number, number]
        const fshape =
          l.kind === 'conv' ? [l.kernel, l.kernel, last, l.filters] : [l.kernel, l.kernel, l.filters, last]
        out.push({ name: `${name}/kernel`, shape: fshape, trainable: true, init: 'normal' })
        if (l.bias) out.push({ name: `${name}/bias`, shape: [l.filters], trainable: true, init: 'zeros' })
        sn(name, fshape[3] as number)
        shape =
          l.kind === 'conv'
            ? [Math.ceil(h / l.stride), Math.ceil(w / l.stride), l.filters]
            : [h * l.stride, w * l.stride, l.filters]
        break
      }
      case 'bn':
        out.push({ name: `${name}/gamma`, shape: [last], trainable: true, init: 'gamma' })
        out.push({ name: `${name}/beta`, shape: [last], trainable: true, init: 'zeros' })
        out.push({ name: `${name}/movingMean`, shape: [last], trainable: false, init: 'zeros' })
        out.push({ name: `${name}/movingVariance`, shape: [last], trainable: false, init: 'ones' })
        break
      default:
        break
    }
  })
  return out
}

/** Output shape of one sample (no batch dimension). */
export function outputShape(arch: ArchSpec): number[] {
  let shape = [...arch.input]
  for (const l of arch.layers) {
    if (l.kind === 'dense') shape = [l.units]
    else if (l.kind === 'reshape') shape = [...l.shape]
    else if (l.kind === 'flatten') shape = [shape.reduce((a, b) => a * b, 1)]
    else if (l.kind === 'conv')
      shape = [Math.ceil((shape[0] ?? 0) / l.stride), Math.ceil((shape[1] ?? 0) / l.stride), l.filters]
    else if (l.kind === 'convT') shape = [(shape[0] ?? 0) * l.stride, (shape[1] ?? 0) * l.stride, l.filters]
  }
  return shape
}

export class Network {
  /** Trainable weights by name, in a fixed order. */
  readonly weights = new Map<string, tf.Variable>()
  /** Non-trainable state (BatchNorm running statistics) by name. */
  readonly buffers = new Map<string, tf.Variable>()

  constructor(
    readonly name: 'generator' | 'discriminator',
    readonly arch: ArchSpec,
    rng: Rng
  ) {
    for (const s of tensorSpecs(arch)) {
      const size = s.shape.reduce((a, b) => a * b, 1)
      let values: Float32Array
      if (s.init === 'normal') values = rng.normalArray(size, 0.02)
      else if (s.init === 'gamma') values = rng.normalArray(size, 0.02).map((v) => 1 + v)
      else if (s.init === 'unit') {
        values = rng.normalArray(size)
        const norm = Math.hypot(...values) || 1
        values = values.map((v) => v / norm)
      } else values = new Float32Array(size).fill(s.init === 'ones' ? 1 : 0)
      const v = tf.tidy(() => tf.variable(tf.tensor(values, s.shape), s.trainable))
      ;(s.trainable ? this.weights : this.buffers).set(s.name, v)
    }
  }

  /** Every saved tensor (weights then buffers) by name. */
  allTensors(): Map<string, tf.Variable> {
    return new Map([...this.weights, ...this.buffers])
  }

  /** Forward pass for a batch. Call inside tf.tidy. */
  apply(x: tf.Tensor, opts: ApplyOptions): tf.Tensor {
    const tensor = (name: string): tf.Tensor => {
      const t = opts.weights?.get(name) ?? this.weights.get(name) ?? this.buffers.get(name)
      if (!t) throw new Error(`${this.name} has no tensor named ${name}`)
      return t
    }
    const cond = this.arch.conditioning
    if (cond && !opts.labels)
      throw new Error(`Expected class labels for the conditional ${this.name}, but got none`)
    const input = cond?.mode === 'concat' ? tf.concat([x, opts.labels as tf.Tensor], 1) : x
    return forward(this.arch, input, {
      tensor,
      labels: opts.labels,
      batchNorm: (h, n, l) => this.batchNorm(h, n, l.momentum, l.epsilon, opts, tensor)
    })
  }

  private batchNorm(
    h: tf.Tensor,
    n: string,
    momentum: number,
    epsilon: number,
    opts: ApplyOptions,
    w: (name: string) => tf.Tensor
  ): tf.Tensor {
    const gamma = w(`${n}/gamma`)
    const beta = w(`${n}/beta`)
    const movingMean = this.buffers.get(`${n}/movingMean`) as tf.Variable
    const movingVar = this.buffers.get(`${n}/movingVariance`) as tf.Variable
    if (!opts.training) {
      return tf.batchNorm(
        h,
        opts.weights?.get(`${n}/movingMean`) ?? movingMean,
        opts.weights?.get(`${n}/movingVariance`) ?? movingVar,
        beta,
        gamma,
        epsilon
      )
    }
    const axes = h.rank === 4 ? [0, 1, 2] : [0]
    const { mean, variance } = tf.moments(h, axes)
    // Running statistics for inference. These ops do not lead to the loss, so the tape prunes them.
    const m = momentum
    movingMean.assign(tf.tidy(() => tf.add(tf.mul(movingMean, m), tf.mul(mean, 1 - m))))
    movingVar.assign(tf.tidy(() => tf.add(tf.mul(movingVar, m), tf.mul(variance, 1 - m))))
    return tf.batchNorm(h, mean, variance, beta, gamma, epsilon)
  }

  /**
   * One power-iteration step for every spectrally normalised kernel: u ← Wᵀv/|Wᵀv| with
   * v = Wu/|Wu| (W reshaped to [fan-in, out]). Runs outside any gradient tape, so u is a constant
   * for the backward pass; σ = |Wu| is then differentiated exactly as in Miyato et al.
   */
  powerIterate(): void {
    if (!this.arch.spectralNorm) return
    tf.tidy(() => {
      for (const [name, u] of this.buffers) {
        if (!name.endsWith('/snU')) continue
        const k = this.weights.get(name.replace(/snU$/, 'kernel'))
        if (!k) continue
        const m = kernelMatrix(k)
        const v = normalise(tf.matMul(m, tf.reshape(u, [-1, 1])))
        u.assign(tf.reshape(normalise(tf.matMul(m, v, true, false)), u.shape))
      }
    })
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose()
    for (const v of this.buffers.values()) v.dispose()
  }
}
