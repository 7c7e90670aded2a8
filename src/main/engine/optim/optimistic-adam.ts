/**
 * Optimistic Adam (Daskalakis, Ilyas, Syrgkanis & Zeng 2018, "Training GANs with Optimism",
 * Algorithm 1): w ← w - 2η·d_t + η·d_{t-1}, where d_t = m̂_t/(√v̂_t+ε) is Adam's direction. The
 * extra "-d_{t-1}" term is the optimistic correction that damps the rotation of simultaneous
 * gradient play. d_{t-1} is kept by weight name (slot `prev`, zero before the first update) and
 * saved with the moments. Bias correction uses the same efficient form as Adam.
 */
import { tf } from '../tf'
import { Adam, type AdamConfig } from './adam'
import type { ApplyOptions, Optimizer } from './optimizer'
import { forEachGradient, gatedAssign, zeroAll, zeroSlots } from './slots'

export class OptimisticAdam extends Adam {
  override readonly kind: Optimizer['kind'] = 'optimistic-adam'
  /** The previous update's direction d_{t-1} by weight name (without the learning rate). */
  readonly prev: Map<string, tf.Variable>

  constructor(config: AdamConfig, weights: ReadonlyMap<string, tf.Variable>) {
    super(config, weights)
    this.prev = zeroSlots(weights)
  }

  override apply(
    weights: ReadonlyMap<string, tf.Variable>,
    grads: Readonly<Record<string, tf.Tensor>>,
    opts: ApplyOptions = {}
  ): void {
    this.t += 1
    const { lr, epsilon } = this.config
    const correction = this.stepSize(this.t) / lr
    forEachGradient(weights, grads, opts, (name, w, g) => {
      const { m1, v1 } = this.moments(name, g)
      const d = tf.mul(tf.div(m1, tf.add(tf.sqrt(v1), epsilon)), correction)
      const p = this.prev.get(name) as tf.Variable
      const w1 = tf.sub(w, tf.mul(tf.sub(tf.mul(d, 2), p), lr))
      gatedAssign(this.m.get(name) as tf.Variable, m1, opts.ok)
      gatedAssign(this.v.get(name) as tf.Variable, v1, opts.ok)
      gatedAssign(p, d, opts.ok)
      gatedAssign(w, w1, opts.ok)
    })
  }

  /** Adam's slots plus `<weight>/prev`. */
  override slots(): Map<string, tf.Variable> {
    const out = super.slots()
    for (const [name, t] of this.prev) out.set(`${name}/prev`, t)
    return out
  }

  override reset(): void {
    super.reset()
    zeroAll(this.prev.values())
  }

  override dispose(): void {
    super.dispose()
    for (const t of this.prev.values()) t.dispose()
  }
}
