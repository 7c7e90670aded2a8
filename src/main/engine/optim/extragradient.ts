/**
 * The extragradient step with Adam as the base method ("Extra-Adam", Gidel et al. 2019, "A
 * Variational Inequality Perspective on Generative Adversarial Networks", Algorithm 4):
 *
 *   1. extrapolate: from w, take an Adam step with the gradient g(w) to w' (moments updated);
 *   2. update: from the ORIGINAL w, take an Adam step with the gradient g(w') (moments updated).
 *
 * Looking one step ahead lets the update anticipate how the loss turns, which is what tames the
 * rotation of two-player games. The trainer evaluates g(w') on the same batch (the deterministic
 * variant), with the other network held fixed. Each half step counts in `t`, as in the paper.
 * The state is Adam's (m, v by weight name), so checkpoints hold the same slots as Adam.
 */
import { tf } from '../tf'
import { Adam } from './adam'
import type { ApplyOptions, Optimizer } from './optimizer'
import { forEachGradient } from './slots'

export class ExtraAdam extends Adam {
  override readonly kind: Optimizer['kind'] = 'extragradient'

  extrapolate(
    weights: ReadonlyMap<string, tf.Variable>,
    grads: Readonly<Record<string, tf.Tensor>>,
    opts: ApplyOptions = {}
  ): () => void {
    this.t += 1
    const stepSize = this.stepSize(this.t)
    const saved = new Map<string, tf.Tensor>()
    forEachGradient(weights, grads, opts, (name, w, g) => {
      saved.set(name, tf.keep(w.clone()))
      this.step(name, w, g, stepSize, opts.ok)
    })
    return () => {
      for (const [name, t] of saved) (weights.get(name) as tf.Variable).assign(t)
      tf.dispose([...saved.values()])
    }
  }
}
