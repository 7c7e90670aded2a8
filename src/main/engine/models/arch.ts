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
  /**
   * Class conditioning. `concat` (generator): a one-hot label is appended to the latent before the
   * first layer. `projection` (discriminator, Miyato & Koyama 2018): the output gains
   * ⟨embed(y), φ(x)⟩ where φ(x) is the input of the last dense layer.
   */
  conditioning?: { classes: number; mode: 'concat' | 'projection' }
  /**
   * Spectral normalisation (Miyato et al. 2018) of every dense and conv kernel: the forward pass
   * uses W/σ(W), with σ estimated by one power-iteration step per D update from a persistent
   * vector saved as the buffer `<layer>/snU`.
   */
  spectralNorm?: boolean
}

/** Validates a positive integer argument the tfjs-layers way. */
export function expectPositiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`Expected ${name} to be a positive integer, but got ${String(value)}`)
  }
  return value
}
