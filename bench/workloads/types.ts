/** What every benchmark workload implementation provides, ours and the peer alike. */

/** One GAN training setup ready to step. */
export interface BenchWorkload {
  /** Workload id: w1, seed, default. */
  name: string
  /** Real images per step. */
  batch: number
  /** Analytic FLOPs of one step (see flops.ts). */
  flopsPerStep: number
  /** One D update and one G update; resolves after one host read of the two losses. */
  step(): Promise<[number, number]>
  /** Frees variables, optimiser slots and data. */
  dispose(): void
}

/** Options shared by workload factories. */
export interface WorkloadOptions {
  batch?: number
  seed?: number
  /**
   * Use tf.fused conv/matMul (bias + activation in one kernel). Off by default: tfjs implements
   * their gradients with customGrad, which computes every input's gradient (dW of D's frozen copy
   * included), costing more than the separate bias add saves.
   */
  fused?: boolean
  /**
   * Separate forward passes for the D and the G update (tfjs's one-loss-per-tape style) instead
   * of one shared forward pass as in the TensorFlow tutorial.
   */
  twoPass?: boolean
}
