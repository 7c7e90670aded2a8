/**
 * The optimizer interface the trainer drives (create.ts builds one per network). Every optimizer keys its state by weight name (never by position), so a
 * checkpoint restores it exactly whatever order the tensors were saved in.
 */
import type { OptimizerKind } from '../../../shared/hyperparams'
import type { tf } from '../tf'

/** Options of one update, both on the device. */
export interface ApplyOptions {
  /** Boolean scalar: when false the update is skipped (weights and slots keep their values). */
  ok?: tf.Tensor
  /** Scalar multiplied into every gradient first (global-norm clipping). */
  scale?: tf.Tensor
}

export interface Optimizer {
  readonly kind: OptimizerKind
  /** Live-changeable settings; `lr` is the learning rate the Train view edits. */
  readonly config: { lr: number }
  /** Updates applied so far (saved in the checkpoint cursor). */
  t: number
  /** Applies one update from gradients keyed by weight name. Disposes nothing it was given. */
  apply(
    weights: ReadonlyMap<string, tf.Variable>,
    grads: Readonly<Record<string, tf.Tensor>>,
    opts?: ApplyOptions
  ): void
  /**
   * Extragradient only: moves the weights to the extrapolated point and returns the function
   * that moves them back. The trainer evaluates the gradient there, undoes, then calls apply().
   */
  extrapolate?(
    weights: ReadonlyMap<string, tf.Variable>,
    grads: Readonly<Record<string, tf.Tensor>>,
    opts?: ApplyOptions
  ): () => void
  /** Slot tensors by `<weight>/<slot>`, for checkpoints. */
  slots(): Map<string, tf.Variable>
  /** Forgets all state (a "fresh" optimizer); used by tests that prove state matters. */
  reset(): void
  dispose(): void
}
