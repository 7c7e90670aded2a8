/** Slot helpers shared by the optimizers. */
import { tf } from '../tf'
import type { ApplyOptions } from './optimizer'

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

/**
 * Runs `update` inside one tidy for every weight that has a gradient, with the gradient scaled by
 * `opts.scale` (clipping): the loop every optimizer's update shares.
 */
export function forEachGradient(
  weights: ReadonlyMap<string, tf.Variable>,
  grads: Readonly<Record<string, tf.Tensor>>,
  opts: ApplyOptions,
  update: (name: string, w: tf.Variable, g: tf.Tensor) => void
): void {
  tf.tidy(() => {
    for (const [name, w] of weights) {
      const g0 = grads[name]
      if (!g0) continue
      update(name, w, opts.scale ? tf.mul(g0, opts.scale) : g0)
    }
  })
}

/** Sets slot variables back to zero (a fresh optimizer). */
export function zeroAll(slots: Iterable<tf.Variable>): void {
  tf.tidy(() => {
    for (const t of slots) t.assign(tf.zerosLike(t))
  })
}
