/**
 * The app's default MNIST model and batch, trained by the engine's own trainer. Filled in once
 * the engine's model factory and trainer step API exist.
 */
import type { BenchWorkload, WorkloadOptions } from './types'

/** Null when the default workload can run, else why not. */
export function defaultWorkloadProblem(): string | null {
  return "not wired yet: the engine's trainer API is being written"
}

/** The default workload (throws until wired). */
export function oursDefault(_opts: WorkloadOptions): Promise<BenchWorkload> {
  return Promise.reject(new Error(defaultWorkloadProblem() ?? 'unavailable'))
}
