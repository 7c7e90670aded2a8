/**
 * Adam (Kingma & Ba) whose slots are keyed by weight name, not by position: tfjs's own
 * AdamOptimizer matches its moments to variables by order, which a checkpoint must never rely on.
 * The step count and both moments are saved and restored exactly.
 */
import { tf } from '../tf'
import type { ApplyOptions, Optimizer } from './optimizer'
import { forEachGradient, gatedAssign, zeroAll, zeroSlots } from './slots'

export interface AdamConfig {
  lr: number
  beta1: number
  beta2: number
  epsilon: number
}

export class Adam implements Optimizer {
  readonly kind: Optimizer['kind'] = 'adam'
  /** First and second moments by weight name. */
  readonly m: Map<string, tf.Variable>
  readonly v: Map<string, tf.Variable>
  /** Number of updates applied so far (drives bias correction). */
  t = 0

  constructor(
    public config: AdamConfig,
    weights: ReadonlyMap<string, tf.Variable>
  ) {
    this.m = zeroSlots(weights)
    this.v = zeroSlots(weights)
  }

  /** Bias-corrected step size of update number `t`, as in the paper's efficient form. */
  protected stepSize(t: number): number {
    const { lr, beta1, beta2 } = this.config
    return (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t)
  }

  /** New moments for gradient `g` (not assigned). */
  protected moments(name: string, g: tf.Tensor): { m1: tf.Tensor; v1: tf.Tensor } {
    const { beta1, beta2 } = this.config
    const m = this.m.get(name) as tf.Variable
    const v = this.v.get(name) as tf.Variable
    return {
      m1: tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)),
      v1: tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2))
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
    opts: ApplyOptions = {}
  ): void {
    this.t += 1
    const stepSize = this.stepSize(this.t)
    forEachGradient(weights, grads, opts, (name, w, g) => this.step(name, w, g, stepSize, opts.ok))
  }

  /** Adam's update of one weight and its moments (call inside tf.tidy). */
  protected step(
    name: string,
    w: tf.Variable,
    g: tf.Tensor,
    stepSize: number,
    ok: tf.Tensor | undefined
  ): void {
    const { m1, v1 } = this.moments(name, g)
    const w1 = tf.sub(w, tf.mul(tf.div(m1, tf.add(tf.sqrt(v1), this.config.epsilon)), stepSize))
    gatedAssign(this.m.get(name) as tf.Variable, m1, ok)
    gatedAssign(this.v.get(name) as tf.Variable, v1, ok)
    gatedAssign(w, w1, ok)
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
    zeroAll([...this.m.values(), ...this.v.values()])
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose()
  }
}
