/**
 * SGD with (heavy-ball) momentum as tf.train.momentum computes it: a ← μa + g, w ← w - lr·a.
 * The velocity is keyed by weight name.
 */
import { tf } from '../tf'
import type { ApplyOptions, Optimizer } from './optimizer'
import { forEachGradient, gatedAssign, zeroAll, zeroSlots } from './slots'

export interface MomentumConfig {
  lr: number
  /** Momentum μ (0 = plain SGD). */
  momentum: number
}

export class Momentum implements Optimizer {
  readonly kind: Optimizer['kind'] = 'sgd-momentum'
  /** Velocity by weight name. */
  readonly velocity: Map<string, tf.Variable>
  t = 0

  constructor(
    public config: MomentumConfig,
    weights: ReadonlyMap<string, tf.Variable>
  ) {
    this.velocity = zeroSlots(weights)
  }

  apply(
    weights: ReadonlyMap<string, tf.Variable>,
    grads: Readonly<Record<string, tf.Tensor>>,
    opts: ApplyOptions = {}
  ): void {
    this.t += 1
    const { lr, momentum } = this.config
    forEachGradient(weights, grads, opts, (name, w, g) => {
      const a = this.velocity.get(name) as tf.Variable
      const a1 = tf.add(tf.mul(a, momentum), g)
      const w1 = tf.sub(w, tf.mul(a1, lr))
      gatedAssign(a, a1, opts.ok)
      gatedAssign(w, w1, opts.ok)
    })
  }

  /** Slot tensors by `<weight>/velocity`, for checkpoints. */
  slots(): Map<string, tf.Variable> {
    return new Map([...this.velocity].map(([name, t]) => [`${name}/velocity`, t]))
  }

  reset(): void {
    this.t = 0
    zeroAll(this.velocity.values())
  }

  dispose(): void {
    for (const t of this.velocity.values()) t.dispose()
  }
}
