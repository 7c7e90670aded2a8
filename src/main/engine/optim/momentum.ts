/**
 * SGD with (heavy-ball) momentum as tf.train.momentum computes it: a ← μa + g, w ← w - lr·a.
 * The velocity is keyed by weight name.
 */
import { tf } from '../tf'
import type { ApplyOptions, Optimizer } from './optimizer'
import { gatedAssign, zeroSlots } from './slots'

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
    tf.tidy(() => {
      for (const [name, w] of weights) {
        const g0 = grads[name]
        if (!g0) continue
        const g = opts.scale ? tf.mul(g0, opts.scale) : g0
        const a = this.velocity.get(name) as tf.Variable
        const a1 = tf.add(tf.mul(a, momentum), g)
        const w1 = tf.sub(w, tf.mul(a1, lr))
        gatedAssign(a, a1, opts.ok)
        gatedAssign(w, w1, opts.ok)
      }
    })
  }

  /** Slot tensors by `<weight>/velocity`, for checkpoints. */
  slots(): Map<string, tf.Variable> {
    return new Map([...this.velocity].map(([name, t]) => [`${name}/velocity`, t]))
  }

  reset(): void {
    this.t = 0
    tf.tidy(() => {
      for (const t of this.velocity.values()) t.assign(tf.zerosLike(t))
    })
  }

  dispose(): void {
    for (const t of this.velocity.values()) t.dispose()
  }
}
