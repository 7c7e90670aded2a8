/**
 * Finds the checkpoint the explorer should use: a checkpoint folder as given, or a run folder's
 * newest complete checkpoint (damaged newer ones are skipped, and the reason is kept).
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { findLatestCheckpoint, readCheckpoint, type LoadedCheckpoint } from '../checkpoint/reader'

/** A checkpoint resolved from a user-given folder. */
export interface ResolvedCheckpoint {
  checkpoint: LoadedCheckpoint
  /** The run folder it belongs to (the checkpoint's grandparent), when it is inside one. */
  runDir: string | undefined
  /** Newer checkpoints that were skipped because they did not verify. */
  skipped: Array<{ name: string; reason: string }>
}

/** Thrown when a folder is neither a checkpoint nor a run with one; `code` maps to `not-found`. */
export class CheckpointNotFoundError extends Error {
  readonly code = 'not-found'
}

/** Resolves a checkpoint folder or a run folder (its newest complete checkpoint). */
export async function resolveCheckpoint(dir: string): Promise<ResolvedCheckpoint> {
  const abs = path.resolve(dir)
  if (!existsSync(abs))
    throw new CheckpointNotFoundError(`${dir} does not exist (give a checkpoint folder or a run folder)`)
  if (existsSync(path.join(abs, 'manifest.json'))) {
    const checkpoint = await readCheckpoint(abs)
    const parent = path.dirname(abs)
    const runDir = path.basename(parent) === 'checkpoints' ? path.dirname(parent) : undefined
    return { checkpoint, runDir, skipped: [] }
  }
  const ckptDir = path.join(abs, 'checkpoints')
  if (existsSync(ckptDir)) {
    const found = await findLatestCheckpoint(ckptDir)
    if (!found)
      throw new CheckpointNotFoundError(
        `${dir} has no complete checkpoint yet (train until the first checkpoint is written)`
      )
    return { checkpoint: found.checkpoint, runDir: abs, skipped: found.skipped }
  }
  throw new CheckpointNotFoundError(
    `${dir} is neither a checkpoint folder (no manifest.json) nor a run folder (no checkpoints/)`
  )
}
