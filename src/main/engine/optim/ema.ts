/**
 * Exponential moving average of the generator's weights (and a copy of its BatchNorm statistics).
 * Samples and the explorer use it: it is much less noisy than the raw generator.
 */
import { tf } from '../tf'
import type { Network } from '../models/network'

export class Ema {
  readonly shadow = new Map<string, tf.Variable>()
  /** Updates applied; the warm-up decay min(decay, (1+n)/(10+n)) keeps early averages useful. */
  updates = 0

  constructor(
    public decay: number,
    net: Network
  ) {
    for (const [name, t] of net.allTensors())
      this.shadow.set(
        name,
        tf.tidy(() => tf.variable(t.clone(), false))
      )
  }

  update(net: Network): void {
    this.updates += 1
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates))
    tf.tidy(() => {
      for (const [name, w] of net.weights) {
        const s = this.shadow.get(name) as tf.Variable
        s.assign(tf.add(tf.mul(s, d), tf.mul(w, 1 - d)))
      }
      // BatchNorm statistics are already averages: copy them.
      for (const [name, b] of net.buffers) (this.shadow.get(name) as tf.Variable).assign(b)
    })
  }

  dispose(): void {
    for (const t of this.shadow.values()) t.dispose()
  }
}
