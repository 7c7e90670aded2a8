/**
 * The on-disk form of every dataset, built-in or imported: `<dataDir>/datasets/<id>/` with
 * `index.json`, `data.bin` (N·H·W·C uint8, NHWC) and, for labelled sets, `labels.bin` (N uint16 LE).
 * Written into a temp dir and renamed into place, so a dataset is either complete or absent.
 */
import { createHash, randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { writeFileSynced } from '../durable-fs'

export const DATASET_FORMAT_VERSION = 1

/** Contents of `index.json`. Importers may add fields (options, per-file status, report). */
export interface DatasetIndex {
  formatVersion: number
  id: string
  name: string
  builtin: boolean
  source: string
  created: string
  count: number
  /** [height, width, channels] */
  shape: [number, number, number]
  labelNames: string[]
  /** SHA-256 over data.bin then labels.bin: what a run records to know its data. */
  fingerprint: string
  bytes: number
  [extra: string]: unknown
}

/** A dataset read into memory: pixels as uint8 NHWC, labels as class indices. */
export interface CachedDataset {
  index: DatasetIndex
  images: Uint8Array
  labels?: Uint16Array
}

export function datasetsDir(dataDir: string): string {
  return path.join(dataDir, 'datasets')
}

export function datasetDir(dataDir: string, id: string): string {
  return path.join(datasetsDir(dataDir), id)
}

/** SHA-256 fingerprint of a dataset's pixels and labels. */
export function fingerprintOf(images: Uint8Array, labels?: Uint16Array): string {
  const h = createHash('sha256')
  h.update(images)
  if (labels) h.update(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength))
  return h.digest('hex')
}

/**
 * Writes a dataset atomically and returns its index. `extra` fields go into index.json as they
 * are (importers keep options and per-file status there). Replaces an existing dataset of that id.
 */
export async function writeDatasetCache(
  dataDir: string,
  meta: {
    id: string
    name: string
    builtin: boolean
    source: string
    shape: [number, number, number]
    labelNames: string[]
  },
  images: Uint8Array,
  labels?: Uint16Array,
  extra: Record<string, unknown> = {}
): Promise<DatasetIndex> {
  const [h, w, c] = meta.shape
  const per = h * w * c
  if (images.length % per !== 0)
    throw new Error(`Expected images to hold whole ${h}x${w}x${c} images, but got ${images.length} bytes`)
  const count = images.length / per
  if (labels && labels.length !== count) throw new Error(`Expected ${count} labels, but got ${labels.length}`)
  const root = datasetsDir(dataDir)
  await fs.mkdir(root, { recursive: true })
  const tmp = path.join(root, `.tmp-${meta.id}-${randomBytes(4).toString('hex')}`)
  await fs.mkdir(tmp)
  try {
    const index: DatasetIndex = {
      ...extra,
      formatVersion: DATASET_FORMAT_VERSION,
      id: meta.id,
      name: meta.name,
      builtin: meta.builtin,
      source: meta.source,
      created: new Date().toISOString(),
      count,
      shape: meta.shape,
      labelNames: meta.labelNames,
      fingerprint: fingerprintOf(images, labels),
      bytes: images.byteLength + (labels?.byteLength ?? 0)
    }
    await writeFileSynced(path.join(tmp, 'data.bin'), images)
    if (labels)
      await writeFileSynced(
        path.join(tmp, 'labels.bin'),
        new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength)
      )
    await writeFileSynced(path.join(tmp, 'index.json'), JSON.stringify(index, null, 1))
    const dest = datasetDir(dataDir, meta.id)
    const old = `${dest}.old-${randomBytes(4).toString('hex')}`
    const hadOld = await fs.rename(dest, old).then(
      () => true,
      () => false
    )
    await fs.rename(tmp, dest)
    if (hadOld) await fs.rm(old, { recursive: true, force: true })
    return index
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true })
    throw err
  }
}

/** Reads a dataset's index.json, or undefined when there is no complete dataset of that id. */
export async function readDatasetIndex(dataDir: string, id: string): Promise<DatasetIndex | undefined> {
  try {
    const text = await fs.readFile(path.join(datasetDir(dataDir, id), 'index.json'), 'utf8')
    const index = JSON.parse(text) as DatasetIndex
    return index.formatVersion === DATASET_FORMAT_VERSION ? index : undefined
  } catch {
    return undefined
  }
}

/** Reads a whole dataset, checking the files have the sizes index.json promises. */
export async function readDatasetCache(dataDir: string, id: string): Promise<CachedDataset | undefined> {
  const index = await readDatasetIndex(dataDir, id)
  if (!index) return undefined
  const dir = datasetDir(dataDir, id)
  const [h, w, c] = index.shape
  const buf = await fs.readFile(path.join(dir, 'data.bin'))
  if (buf.length !== index.count * h * w * c) return undefined
  const images = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
  let labels: Uint16Array | undefined
  if (index.labelNames.length > 0) {
    const lb = await fs.readFile(path.join(dir, 'labels.bin')).catch(() => undefined)
    if (!lb || lb.length !== index.count * 2) return undefined
    labels = new Uint16Array(lb.buffer.slice(lb.byteOffset, lb.byteOffset + lb.byteLength))
  }
  return { index, images, labels }
}

/** Ids of every complete dataset in the data dir (temp and backup dirs excluded). */
export async function listCachedIds(dataDir: string): Promise<string[]> {
  const entries = await fs.readdir(datasetsDir(dataDir), { withFileTypes: true }).catch(() => [])
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.includes('.old-'))
    .map((e) => e.name)
}
