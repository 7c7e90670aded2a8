/**
 * Adam (Kingma & Ba) whose slots are keyed by weight name, not by position: tfjs's own
 * AdamOptimizer matches its moments to variables by order, which a checkpoint must never rely on.
 * The step count and both moments are saved and restored exactly.
 */
import { tf } from '../tf'

export interface AdamConfig {
  lr: number
  beta1: number
  beta2: number
  epsilon: number
}

/** Options of one update, both on the device. */
export interface AdamApplyOptions {
  /** Boolean scalar: when false the update is skipped (weights and moments keep their values). */
  ok?: tf.Tensor
  /** Scalar multiplied into every gradient first (global-norm clipping). */
  scale?: tf.Tensor
}

export class Adam {
  /** First and second moments by weight name. */
  readonly m = new Map<string, tf.Variable>()
  readonly v = new Map<string, tf.Variable>()
  /** Number of updates applied so far (drives bias correction). */
  t = 0

  constructor(
    public config: AdamConfig,
    weights: ReadonlyMap<string, tf.Variable>
  ) {
    for (const [name, w] of weights) {
      this.m.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(w), false))
      )
      this.v.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(w), false))
      )
    }
  }

  /**
   * Applies one update from gradients keyed by weight name. Disposes nothing it was given.
   * `opts.ok` gates the update on the device (tf.where), so a NaN gradient never reaches a weight
   * and no host read is needed; `opts.scale` scales the gradients (clipping).
   */
  apply(
    weights: ReadonlyMap<string, tf.Variable>,
    grads: Readonly<Record<string, tf.Tensor>>,
    opts: AdamApplyOptions = {}
  ): void {
    this.t += 1
    const { lr, beta1, beta2, epsilon } = this.config
    // Bias correction folded into the step size, as in the paper's efficient form.
    const stepSize = (lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t)
    tf.tidy(() => {
      for (const [name, w] of weights) {
        const g0 = grads[name]
        if (!g0) continue
        const g = opts.scale ? tf.mul(g0, opts.scale) : g0
        const m = this.m.get(name) as tf.Variable
        const v = this.v.get(name) as tf.Variable
        const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1))
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2))
        const w1 = tf.sub(w, tf.mul(tf.div(m1, tf.add(tf.sqrt(v1), epsilon)), stepSize))
        const ok = opts.ok
        if (ok) {
          m.assign(tf.where(ok, m1, m))
          v.assign(tf.where(ok, v1, v))
          w.assign(tf.where(ok, w1, w))
        } else {
          m.assign(m1)
          v.assign(v1)
          w.assign(w1)
        }
      }
    })
  }

  /** Slot tensors by `<weight>/m` and `<weight>/v`, for checkpoints. */
  slots(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>()
    for (const [name, t] of this.m) out.set(`${name}/m`, t)
    for (const [name, t] of this.v) out.set(`${name}/v`, t)
    return out
  }

  /** Forgets all moments (a "fresh" optimizer); used by tests that prove state matters. */
  reset(): void {
    this.t = 0
    tf.tidy(() => {
      for (const t of [...this.m.values(), ...this.v.values()]) t.assign(tf.zerosLike(t))
    })
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose()
  }
}
