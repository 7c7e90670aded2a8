/**
 * RMSProp (Tieleman & Hinton 2012) as tf.train.rmsprop computes it without momentum or centring:
 * s ← ρs + (1-ρ)g², w ← w - lr·g/√(s+ε). The mean square is keyed by weight name.
 */
import { tf } from '../tf'
import type { ApplyOptions, Optimizer } from './optimizer'
import { forEachGradient, gatedAssign, zeroAll, zeroSlots } from './slots'

export interface RmsPropConfig {
  lr: number
  /** Decay ρ of the running mean square. */
  decay: number
  epsilon: number
}

export class RmsProp implements Optimizer {
  readonly kind: Optimizer['kind'] = 'rmsprop'
  /** Running mean of squared gradients by weight name. */
  readonly ms: Map<string, tf.Variable>
  t = 0

  constructor(
    public config: RmsPropConfig,
    weights: ReadonlyMap<string, tf.Variable>
  ) {
    this.ms = zeroSlots(weights)
  }

  apply(
    weights: ReadonlyMap<string, tf.Variable>,
    grads: Readonly<Record<string, tf.Tensor>>,
    opts: ApplyOptions = {}
  ): void {
    this.t += 1
    const { lr, decay, epsilon } = this.config
    forEachGradient(weights, grads, opts, (name, w, g) => {
      const s = this.ms.get(name) as tf.Variable
      const s1 = tf.add(tf.mul(s, decay), tf.mul(tf.square(g), 1 - decay))
      const w1 = tf.sub(w, tf.div(tf.mul(g, lr), tf.sqrt(tf.add(s1, epsilon))))
      gatedAssign(s, s1, opts.ok)
      gatedAssign(w, w1, opts.ok)
    })
  }

  /** Slot tensors by `<weight>/ms`, for checkpoints. */
  slots(): Map<string, tf.Variable> {
    return new Map([...this.ms].map(([name, t]) => [`${name}/ms`, t]))
  }

  reset(): void {
    this.t = 0
    zeroAll(this.ms.values())
  }

  dispose(): void {
    for (const t of this.ms.values()) t.dispose()
  }
}
