/**
 * Writes a checkpoint crash-safely: everything into a temp dir, fsync every file and the dir,
 * rename into place, rewrite `latest` atomically, and only then prune old checkpoints. A kill at
 * any point leaves the previous checkpoints and a `latest` that names a complete one.
 */
import { createHash, randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { syncDir, writeFileSynced } from '../durable-fs'
import { writeFileAtomic } from '../runs/store'
import { readBest } from './best'
import {
  CHECKPOINT_FORMAT_VERSION,
  checkpointName,
  stepOfCheckpoint,
  type CheckpointManifest,
  type CheckpointState,
  type TensorGroup,
  type TensorIndexEntry
} from './format'

/** Host copies of the tensors to save, grouped; read from the device before writing starts. */
export type HostTensors = Partial<
  Record<TensorGroup, Array<{ name: string; shape: number[]; values: Float32Array }>>
>

/**
 * Called at each stage of a write: `file:<path>` after each file, `fsync-dir` before the rename,
 * `renamed` after it, `latest` after the pointer moved, `pruned` at the end. Tests kill the
 * process here to prove every stage is safe.
 */
export type WriteHook = (stage: string) => void | Promise<void>

/** Throws if any value is NaN or infinite: a broken model is never written over good ones. */
export function assertFinite(tensors: HostTensors): void {
  for (const [group, list] of Object.entries(tensors)) {
    for (const t of list ?? []) {
      for (let i = 0; i < t.values.length; i++) {
        if (!Number.isFinite(t.values[i])) {
          throw Object.assign(
            new Error(
              `Refusing to save a checkpoint: ${group}/${t.name} holds a non-finite value (NaN or Infinity)`
            ),
            {
              code: 'non-finite'
            }
          )
        }
      }
    }
  }
}

export interface SaveOptions {
  /** Checkpoints to keep besides pinned ones. */
  keep: number
  hook?: WriteHook
}

/** Saves one checkpoint and returns its directory. */
export async function saveCheckpoint(
  checkpointsDir: string,
  state: CheckpointState,
  tensors: HostTensors,
  opts: SaveOptions
): Promise<string> {
  assertFinite(tensors)
  const hook = opts.hook ?? ((): void => undefined)
  await fs.mkdir(checkpointsDir, { recursive: true })
  const name = checkpointName(state.step)
  const tmp = path.join(checkpointsDir, `.tmp-${name}-${randomBytes(4).toString('hex')}`)
  await fs.mkdir(tmp)
  const files: CheckpointManifest['files'] = {}
  const put = async (rel: string, data: Uint8Array | string): Promise<void> => {
    const full = path.join(tmp, rel)
    await fs.mkdir(path.dirname(full), { recursive: true })
    await writeFileSynced(full, data)
    const bytes = typeof data === 'string' ? Buffer.from(data) : data
    files[rel] = { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') }
    await hook(`file:${rel}`)
  }
  try {
    await put('state.json', JSON.stringify(state, null, 1))
    for (const [group, list] of Object.entries(tensors)) {
      if (!list || list.length === 0) continue
      const index: TensorIndexEntry[] = []
      let offset = 0
      for (const t of list) {
        index.push({ name: t.name, shape: t.shape, dtype: 'float32', offset, length: t.values.length })
        offset += t.values.byteLength
      }
      const bin = new Uint8Array(offset)
      for (const [i, t] of list.entries())
        bin.set(
          new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength),
          (index[i] as TensorIndexEntry).offset
        )
      await put(`${group}/tensors.bin`, bin)
      await put(`${group}/tensors.json`, JSON.stringify(index))
    }
    const manifest: CheckpointManifest = { formatVersion: CHECKPOINT_FORMAT_VERSION, step: state.step, files }
    await writeFileSynced(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1))
    for (const sub of new Set(Object.keys(files).map((f) => path.dirname(f))))
      await syncDir(path.join(tmp, sub))
    await hook('fsync-dir')
    const dest = path.join(checkpointsDir, name)
    // A checkpoint of the same step (e.g. pause then stop at once) is replaced whole.
    await fs.rm(dest, { recursive: true, force: true })
    await fs.rename(tmp, dest)
    await syncDir(checkpointsDir)
    await hook('renamed')
    await writeFileAtomic(path.join(checkpointsDir, 'latest'), `${name}\n`)
    await syncDir(checkpointsDir)
    await hook('latest')
    await pruneCheckpoints(checkpointsDir, opts.keep)
    await hook('pruned')
    return dest
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined)
    throw err
  }
}

/** Names of pinned checkpoints. */
export async function readPins(checkpointsDir: string): Promise<string[]> {
  try {
    const v = JSON.parse(await fs.readFile(path.join(checkpointsDir, 'pins.json'), 'utf8')) as unknown
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

export async function setPinned(checkpointsDir: string, name: string, pinned: boolean): Promise<void> {
  const pins = new Set(await readPins(checkpointsDir))
  if (pinned) pins.add(name)
  else pins.delete(name)
  await writeFileAtomic(path.join(checkpointsDir, 'pins.json'), JSON.stringify([...pins].sort()))
}

/** Checkpoint dir names present (complete or not), newest first. */
export async function checkpointNames(checkpointsDir: string): Promise<string[]> {
  const names = await fs.readdir(checkpointsDir).catch(() => [] as string[])
  return names
    .filter((n) => stepOfCheckpoint(n) !== undefined)
    .sort((a, b) => (stepOfCheckpoint(b) ?? 0) - (stepOfCheckpoint(a) ?? 0))
}

/** The name `latest` points to, if any. */
export async function readLatest(checkpointsDir: string): Promise<string | undefined> {
  const v = await fs.readFile(path.join(checkpointsDir, 'latest'), 'utf8').catch(() => undefined)
  const name = v?.trim()
  return name && stepOfCheckpoint(name) !== undefined ? name : undefined
}

/**
 * Keeps the newest `keep` checkpoints plus pinned ones, the best one (best.json) and the one
 * `latest` names. Runs only after
 * `latest` moved, so a kill here can leave extra checkpoints but never too few.
 */
export async function pruneCheckpoints(checkpointsDir: string, keep: number): Promise<string[]> {
  const names = await checkpointNames(checkpointsDir)
  const pins = new Set(await readPins(checkpointsDir))
  const latest = await readLatest(checkpointsDir)
  const best = (await readBest(checkpointsDir))?.name
  const removed: string[] = []
  for (const name of names.slice(keep)) {
    if (pins.has(name) || name === latest || name === best) continue
    await fs.rm(path.join(checkpointsDir, name), { recursive: true, force: true })
    removed.push(name)
  }
  return removed
}

/** Removes temp dirs left by a write that was killed. */
export async function removeStaleTemps(checkpointsDir: string): Promise<string[]> {
  const names = await fs.readdir(checkpointsDir).catch(() => [] as string[])
  const stale = names.filter((n) => n.startsWith('.tmp-') || n.includes('.tmp-'))
  for (const n of stale) await fs.rm(path.join(checkpointsDir, n), { recursive: true, force: true })
  return stale
}
