/**
 * Models are data: a list of layer specs (an "architecture") interpreted by network.ts. The same
 * JSON goes into checkpoints (to refuse resuming into a different model), drives the web export
 * and names every weight.
 */

export type LayerSpec =
  | { kind: 'dense'; units: number; bias: boolean }
  | { kind: 'reshape'; shape: number[] }
  | { kind: 'flatten' }
  | { kind: 'conv'; filters: number; kernel: number; stride: number; bias: boolean }
  | { kind: 'convT'; filters: number; kernel: number; stride: number; bias: boolean }
  | { kind: 'bn'; momentum: number; epsilon: number }
  | { kind: 'relu' }
  | { kind: 'lrelu'; alpha: number }
  | { kind: 'tanh' }

export interface ArchSpec {
  /** Shape of one input sample, without the batch dimension. */
  input: number[]
  layers: LayerSpec[]
}

/** Validates a positive integer argument the tfjs-layers way. */
export function expectPositiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`Expected ${name} to be a positive integer, but got ${String(value)}`)
  }
  return value
}
