/**
 * Checkpoint layout, `<runDir>/checkpoints/ckpt-<step>/`:
 *   manifest.json     format version + size and SHA-256 of every other file
 *   state.json        step, epoch, data cursor, PRNG state, config, architectures, dataset
 *                     fingerprint, backend, app and tfjs versions
 *   generator/ discriminator/ ema/   tensors.json (name, shape, byte offset) + tensors.bin (float32 LE)
 *   optimizers/       both Adams' moments keyed `<network>/<weight>/m|v`, never by position
 * `checkpoints/latest` names the newest complete one; `checkpoints/pins.json` lists pinned ones.
 */
import type { Hyperparams, BackendName } from '../../../shared/hyperparams'
import type { GanArchs } from '../models'
import type { TrainerCursor } from '../trainer'

export const CHECKPOINT_FORMAT_VERSION = 1
export const TENSOR_GROUPS = ['generator', 'discriminator', 'ema', 'optimizers'] as const
export type TensorGroup = (typeof TENSOR_GROUPS)[number]

export interface ManifestEntry {
  size: number
  sha256: string
}

export interface CheckpointManifest {
  formatVersion: number
  step: number
  files: Record<string, ManifestEntry>
}

export interface TensorIndexEntry {
  name: string
  shape: number[]
  dtype: 'float32'
  offset: number
  length: number
}

export interface CheckpointState {
  formatVersion: number
  step: number
  cursor: TrainerCursor
  config: Hyperparams
  archs: GanArchs
  dataset: { id: string; fingerprint: string }
  backend: BackendName
  appVersion: string
  tfjsVersion: string
  time: string
  runId: string
}

export function checkpointName(step: number): string {
  return `ckpt-${String(step).padStart(6, '0')}`
}

export function stepOfCheckpoint(name: string): number | undefined {
  const m = /^ckpt-(\d+)$/.exec(name)
  return m ? Number(m[1]) : undefined
}
