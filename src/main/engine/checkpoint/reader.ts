/**
 * Reads checkpoints back: verifies every file's size and SHA-256 against the manifest, and falls
 * back from a damaged newest checkpoint to the previous complete one, saying which and why.
 */
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import {
  CHECKPOINT_FORMAT_VERSION,
  TENSOR_GROUPS,
  type CheckpointManifest,
  type CheckpointState,
  type TensorGroup,
  type TensorIndexEntry
} from './format'
import { checkpointNames, readLatest } from './writer'

export interface LoadedTensor {
  name: string
  shape: number[]
  values: Float32Array
}

export interface LoadedCheckpoint {
  dir: string
  name: string
  manifest: CheckpointManifest
  state: CheckpointState
  tensors: Partial<Record<TensorGroup, LoadedTensor[]>>
}

/** Reads and verifies one checkpoint directory; throws with the first problem found. */
export async function readCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  let manifest: CheckpointManifest
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as CheckpointManifest
  } catch (err) {
    throw new Error(
      `${path.basename(dir)}: manifest.json is missing or unreadable (${(err as Error).message})`,
      { cause: err }
    )
  }
  if (manifest.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new Error(
      `${path.basename(dir)}: checkpoint format ${manifest.formatVersion} is not supported (expected ${CHECKPOINT_FORMAT_VERSION})`
    )
  }
  const contents = new Map<string, Buffer>()
  for (const [rel, entry] of Object.entries(manifest.files)) {
    if (rel.includes('..') || path.isAbsolute(rel))
      throw new Error(`${path.basename(dir)}: manifest names a path outside the checkpoint: ${rel}`)
    const buf = await fs.readFile(path.join(dir, rel)).catch(() => undefined)
    if (!buf) throw new Error(`${path.basename(dir)}: ${rel} is missing`)
    if (buf.length !== entry.size)
      throw new Error(
        `${path.basename(dir)}: ${rel} is ${buf.length} bytes, the manifest says ${entry.size} (truncated or damaged)`
      )
    const sha = createHash('sha256').update(buf).digest('hex')
    if (sha !== entry.sha256)
      throw new Error(`${path.basename(dir)}: ${rel} does not match its SHA-256 (damaged)`)
    contents.set(rel, buf)
  }
  const stateBuf = contents.get('state.json')
  if (!stateBuf) throw new Error(`${path.basename(dir)}: state.json is missing`)
  const state = JSON.parse(stateBuf.toString('utf8')) as CheckpointState
  const tensors: LoadedCheckpoint['tensors'] = {}
  for (const group of TENSOR_GROUPS) {
    const idx = contents.get(`${group}/tensors.json`)
    const bin = contents.get(`${group}/tensors.bin`)
    if (!idx || !bin) continue
    const entries = JSON.parse(idx.toString('utf8')) as TensorIndexEntry[]
    // Copy into an aligned buffer: Float32Array views need 4-byte alignment.
    const aligned = new Uint8Array(bin.length)
    aligned.set(bin)
    tensors[group] = entries.map((e) => ({
      name: e.name,
      shape: e.shape,
      values: new Float32Array(aligned.buffer, e.offset, e.length)
    }))
  }
  return { dir, name: path.basename(dir), manifest, state, tensors }
}

export interface FoundCheckpoint {
  checkpoint: LoadedCheckpoint
  /** Checkpoints that were newer but damaged, with the reason, newest first. */
  skipped: Array<{ name: string; reason: string }>
}

/**
 * The newest checkpoint that verifies, starting from the one `latest` names (a checkpoint newer
 * than `latest` was never completed and is not trusted). Undefined when there is none.
 */
export async function findLatestCheckpoint(checkpointsDir: string): Promise<FoundCheckpoint | undefined> {
  const latest = await readLatest(checkpointsDir)
  let names = await checkpointNames(checkpointsDir)
  if (latest) {
    const i = names.indexOf(latest)
    names = i >= 0 ? names.slice(i) : names
  }
  const skipped: FoundCheckpoint['skipped'] = []
  if (latest && !names.includes(latest))
    skipped.push({ name: latest, reason: `${latest}: named by 'latest' but missing` })
  for (const name of names) {
    try {
      return { checkpoint: await readCheckpoint(path.join(checkpointsDir, name)), skipped }
    } catch (err) {
      skipped.push({ name, reason: (err as Error).message })
    }
  }
  return undefined
}
