/** Slot helpers shared by the optimizers. */
import { tf } from '../tf'

/** Zero-initialised slot variables, one per weight, keyed by weight name. */
export function zeroSlots(weights: ReadonlyMap<string, tf.Variable>): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>()
  for (const [name, w] of weights)
    out.set(
      name,
      tf.tidy(() => tf.variable(tf.zerosLike(w), false))
    )
  return out
}

/** Assigns `next` to `v`, or keeps `v` where the device-side `ok` flag is false. */
export function gatedAssign(v: tf.Variable, next: tf.Tensor, ok: tf.Tensor | undefined): void {
  v.assign(ok ? tf.where(ok, next, v) : next)
}
