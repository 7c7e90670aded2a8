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
  /** Use tf.fused conv/matMul (bias + activation in one kernel) where the gradient allows. */
  fused?: boolean
}
