/**
 * Import orchestration: folder or IDX file in, one dataset in the cache out (complete or absent).
 * Scan → decode (two files at a time, each under a time limit) → hashes and health report →
 * one atomic cache write → contact sheets. Re-importing the same folder with the same options
 * decodes only files whose size or mtime changed, copying the others' pixels from the old
 * data.bin. Cancelling (AbortSignal) before the write leaves nothing behind.
 */
import { promises as fs } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { loadSharp } from './sharp'
import { StudioError } from '../../../shared/errors'
import { datasetDir, readDatasetIndex, writeDatasetCache, type DatasetIndex } from '../../engine/data/cache'
import { DEFAULT_DECODE_TIMEOUT_MS, decodeFile, type DecodeResult } from './decode'
import { isIdxImagesPath, readIdx } from './idx'
import { resolveImportOptions, sameImportOptions, validateDatasetName, type ImportOptions } from './options'
import { dHash, hashToHex, hexToHash, pixelHash, type Hash64 } from './phash'
import { buildReport, countStatuses, skippedSummary, type FileRecord, type HealthReport } from './report'
import { resizeGrey } from './resample'
import { scanFolder, type ScannedFile } from './scan'
import { plannedThumbnails, writeContactSheets, type ThumbnailsInfo } from './thumbnails'

/** What to import and as what. */
export interface ImportRequest {
  /** A folder of images, or an `*-images-idx3-ubyte[.gz]` file. */
  source: string
  name: string
  options?: Partial<ImportOptions>
}

/** One progress report: files done of total in the current phase. */
export interface ImportProgressEvent {
  phase: 'scanning' | 'decoding' | 'writing'
  done: number
  total: number
  /** The file just finished (relative path). */
  current?: string
  /** Files actually decoded so far, and files whose previous result was reused. */
  decoded: number
  reused: number
}

/** Callbacks and knobs of one import. */
export interface ImportHooks {
  onProgress?: (p: ImportProgressEvent) => void
  signal?: AbortSignal
  /** Per-file decode time limit (ms). */
  decodeTimeoutMs?: number
  /** Decoder to use; tests pass a counting wrapper. */
  decode?: typeof decodeFile
}

/** What an import produced. */
export interface ImportResult {
  index: DatasetIndex
  report: HealthReport
  /** Files decoded in this import, and files taken over from the previous import unchanged. */
  decoded: number
  reused: number
}

/** Files decoded at once: two keeps both cores busy without starving the trainer or the UI. */
export const DECODE_CONCURRENCY = 2

/** Fields this importer adds to index.json (besides those of the cache format). */
export interface ImportExtra {
  kind: 'folder' | 'idx'
  options: ImportOptions
  files: FileRecord[]
  report: HealthReport
  thumbnails: ThumbnailsInfo
}

/** Imports a folder or IDX file as dataset `name`. Throws `StudioError` (`invalid-input`, `not-found`, `conflict`, `cancelled`). */
export async function importDataset(
  dataDir: string,
  req: ImportRequest,
  hooks: ImportHooks = {}
): Promise<ImportResult> {
  const name = validateDatasetName(req.name)
  const options = resolveImportOptions(req.options)
  const source = path.resolve(req.source)
  const st = await fs.stat(source).catch(() => undefined)
  if (!st) throw new StudioError('not-found', `No such folder or file: ${source}`)
  const existing = await readDatasetIndex(dataDir, name)
  if (existing && existing.source !== source)
    throw new StudioError(
      'conflict',
      `A dataset named '${name}' already exists (imported from ${existing.source}). Choose another --name, or remove it first: gan-studio dataset remove ${name}`
    )
  // Loaded here so a broken libvips fails this import once, with the reason, before any file.
  const sharp = await loadSharp()
  // libvips would otherwise start one thread per core for each of our two decodes.
  sharp.concurrency(1)
  sharp.cache(false)
  if (st.isDirectory()) return importFolder(dataDir, name, source, options, existing, hooks)
  if (st.isFile() && (isIdxImagesPath(source) || (await looksLikeIdx(source))))
    return importIdx(dataDir, name, source, options, hooks)
  throw new StudioError(
    'invalid-input',
    `${source} is neither a folder nor an IDX images file (*-images-idx3-ubyte, optionally .gz)`
  )
}

async function looksLikeIdx(file: string): Promise<boolean> {
  const fh = await fs.open(file, 'r')
  try {
    const b = new Uint8Array(4)
    await fh.read(b, 0, 4, 0)
    return (b[0] === 0 && b[1] === 0 && b[2] === 8 && b[3] === 3) || (b[0] === 0x1f && b[1] === 0x8b)
  } finally {
    await fh.close()
  }
}

function datasetDataPath(dataDir: string, id: string): string {
  return path.join(datasetDir(dataDir, id), 'data.bin')
}

function cancelled(): StudioError {
  return new StudioError('cancelled', 'Import cancelled; nothing was written.')
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelled()
}

interface Outcome {
  record: FileRecord
  /** The file's pixels are in its slot of the slab. */
  hasPixels?: boolean
}

async function importFolder(
  dataDir: string,
  name: string,
  source: string,
  options: ImportOptions,
  existing: DatasetIndex | undefined,
  hooks: ImportHooks
): Promise<ImportResult> {
  const { signal, onProgress } = hooks
  const decode = hooks.decode ?? decodeFile
  const timeoutMs = hooks.decodeTimeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS
  onProgress?.({ phase: 'scanning', done: 0, total: 0, decoded: 0, reused: 0 })
  let scan
  try {
    scan = await scanFolder(source, signal)
  } catch (err) {
    if (signal?.aborted) throw cancelled()
    throw err
  }
  checkAbort(signal)

  // Previous results are reusable only when they were made the same way from the same folder.
  const prev = reusablePrevious(existing, options)
  const per = options.size * options.size * options.channels
  const files = scan.files
  // One slab with a slot per candidate file, compacted at the end: decoded pixels are copied once
  // and the dataset never exists twice in memory. Untouched slots are never paged in.
  const slab = new Uint8Array(files.length * per)
  const oldData = datasetDataPath(dataDir, name)
  let oldFile: FileHandle | undefined | null
  /** Copies image `index` of the previous data.bin into slot `slot`; false when it cannot. */
  const takeOld = async (index: number, slot: number): Promise<boolean> => {
    if (oldFile === undefined) {
      const expected = (existing?.count ?? 0) * per
      oldFile = (await fs.stat(oldData).then(
        (st) => st.size === expected,
        () => false
      ))
        ? await fs.open(oldData, 'r')
        : null
    }
    if (!oldFile || (index + 1) * per > (existing?.count ?? 0) * per) return false
    const { bytesRead } = await oldFile.read(slab, slot * per, per, index * per)
    return bytesRead === per
  }

  const outcomes: Outcome[] = new Array(files.length)
  let done = 0
  let decoded = 0
  let reused = 0
  const report = (current: string): void =>
    onProgress?.({ phase: 'decoding', done, total: files.length, current, decoded, reused })

  const handle = async (f: ScannedFile, i: number): Promise<void> => {
    const base = { path: f.rel, size: f.size, mtimeMs: f.mtimeMs }
    const label = options.labels === 'folders' ? f.folder : undefined
    const old = prev.get(f.rel)
    if (options.labels === 'folders' && f.folder === undefined) {
      outcomes[i] = {
        record: {
          ...base,
          status: 'no-label',
          reason: 'labels come from sub-folder names, and this file is in the top folder'
        }
      }
    } else if (f.problem) {
      outcomes[i] = { record: { ...base, status: 'unreadable', reason: f.problem } }
    } else if (
      old &&
      old.size === f.size &&
      old.mtimeMs === f.mtimeMs &&
      (old.status !== 'imported' || old.index !== undefined)
    ) {
      const hasPixels = old.status === 'imported' && (await takeOld(old.index!, i))
      if (old.status !== 'imported' || hasPixels) {
        reused += 1
        outcomes[i] = { record: { ...old, ...base, label, index: undefined }, hasPixels }
      }
    }
    if (!outcomes[i]) {
      const r: DecodeResult = await decode(f.abs, f.size, options, timeoutMs)
      decoded += 1
      if (r.status === 'imported') slab.set(r.pixels, i * per)
      outcomes[i] =
        r.status === 'imported'
          ? {
              record: {
                ...base,
                status: 'imported',
                label,
                format: r.format,
                width: r.width,
                height: r.height,
                adjust: r.adjust,
                ...(r.pages > 1 ? { pages: r.pages } : {})
              },
              hasPixels: true
            }
          : {
              record: {
                ...base,
                status: r.status,
                reason: r.reason,
                ...(r.format ? { format: r.format } : {}),
                ...(r.width ? { width: r.width, height: r.height } : {})
              }
            }
    }
    done += 1
    report(f.rel)
  }
  try {
    await runPool(files.length, DECODE_CONCURRENCY, (i) => handle(files[i]!, i), signal)
  } finally {
    await oldFile?.close()
  }
  checkAbort(signal)

  const records = outcomes.map((o) => o.record)
  const slots = outcomes.flatMap((o, i) => (o.record.status === 'imported' && o.hasPixels ? [i] : []))
  const good = slots.map((i) => outcomes[i]!)
  if (good.length === 0) {
    const summary =
      files.length === 0
        ? 'the folder holds no files'
        : `${files.length} files skipped: ${skippedSummary(countStatuses(records))}`
    throw new StudioError('invalid-input', `No usable images in ${source} (${summary})`)
  }

  const labelNames =
    options.labels === 'folders' ? [...new Set(good.map((o) => o.record.label ?? ''))].sort() : []
  // Compact: slot i moves to position k <= i, so copying in order never overwrites a pending slot.
  slots.forEach((i, k) => {
    if (i !== k) slab.copyWithin(k * per, i * per, (i + 1) * per)
  })
  const images = slab.subarray(0, good.length * per)
  const labels = labelNames.length > 0 ? new Uint16Array(good.length) : undefined
  const dhashes: Hash64[] = []
  for (let k = 0; k < good.length; k++) {
    // This runs on the caller's event loop (the app's main process): let it breathe.
    if (k % 512 === 511) await new Promise((r) => setImmediate(r))
    const o = good[k]!
    const px = images.subarray(k * per, (k + 1) * per)
    o.record.index = k
    if (labels) labels[k] = labelNames.indexOf(o.record.label ?? '')
    // A reused record carries its hashes from the previous import (same pixels): no need to redo them.
    const h = (o.record.dhash && hexToHash(o.record.dhash)) || dHash(px, options.size, options.channels)
    dhashes.push(h)
    o.record.sha1 = o.record.sha1 ?? pixelHash(px)
    o.record.dhash = hashToHex(h)
  }
  const shape: [number, number, number] = [options.size, options.size, options.channels]
  const healthReport = buildReport({
    id: name,
    source,
    kind: 'folder',
    shape,
    files: records,
    dhashes,
    labelNames,
    labels,
    loops: scan.loops,
    fit: options.fit
  })
  for (const d of scan.unreadableDirs)
    healthReport.warnings.push(`Folder ${d.rel} could not be read (${d.reason}); its files are missing.`)
  return commit(
    dataDir,
    {
      name,
      source,
      shape,
      labelNames,
      images,
      labels,
      extra: { kind: 'folder', options, files: records, report: healthReport }
    },
    decoded,
    reused,
    hooks
  )
}

/** Previous file records by path, when the old import used the same options. */
function reusablePrevious(
  existing: DatasetIndex | undefined,
  options: ImportOptions
): Map<string, FileRecord> {
  const out = new Map<string, FileRecord>()
  if (!existing || existing.kind !== 'folder' || !existing.options || !Array.isArray(existing.files))
    return out
  if (!sameImportOptions(existing.options as ImportOptions, options)) return out
  for (const f of existing.files as FileRecord[]) out.set(f.path, f)
  return out
}

/** Runs `task(0..n-1)` with at most `width` in flight; rejects at once when `signal` aborts. */
async function runPool(
  n: number,
  width: number,
  task: (i: number) => Promise<void>,
  signal?: AbortSignal
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < n) {
      checkAbort(signal)
      const i = next++
      await task(i)
    }
  }
  const all = Promise.all(Array.from({ length: Math.min(width, n) }, worker)).then(() => undefined)
  if (!signal) return all
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled())
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    await Promise.race([all, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort!)
    // In-flight decodes finish on their own (each has a time limit); their results are dropped.
    all.catch(() => undefined)
  }
}

async function importIdx(
  dataDir: string,
  name: string,
  source: string,
  options: ImportOptions,
  hooks: ImportHooks
): Promise<ImportResult> {
  const sharp = await loadSharp()
  const { signal, onProgress } = hooks
  onProgress?.({
    phase: 'scanning',
    done: 0,
    total: 1,
    current: path.basename(source),
    decoded: 0,
    reused: 0
  })
  const idx = await readIdx(source)
  checkAbort(signal)
  const { count, rows, cols } = idx
  const size = options.size
  const per = size * size * options.channels
  const images = new Uint8Array(count * per)
  const fitAdjust =
    rows === cols
      ? 'none'
      : options.fit === 'crop'
        ? 'cropped'
        : options.fit === 'letterbox'
          ? 'padded'
          : 'stretched'
  const fit = options.fit === 'crop' ? 'cover' : options.fit === 'letterbox' ? 'contain' : 'fill'
  const step = Math.max(1, Math.floor(count / 100))
  for (let i = 0; i < count; i++) {
    if (i % 256 === 0) {
      checkAbort(signal)
      await new Promise((r) => setImmediate(r)) // let the abort and progress listeners run
    }
    let grey = idx.pixels.subarray(i * rows * cols, (i + 1) * rows * cols)
    if (rows === cols && rows !== size) {
      // Square in, square out: crop, letterbox and stretch all reduce to a plain resize.
      grey = resizeGrey(grey, cols, rows, size, size)
    } else if (rows !== size || cols !== size) {
      const pad = Number.parseInt(options.padColor.slice(1, 3), 16)
      grey = new Uint8Array(
        await sharp(grey, { raw: { width: cols, height: rows, channels: 1 } })
          .resize(size, size, { fit, background: { r: pad, g: pad, b: pad } })
          .extractChannel(0)
          .raw()
          .toBuffer()
      )
    }
    const o = i * per
    if (options.channels === 1) images.set(grey, o)
    else
      for (let p = 0; p < size * size; p++)
        images[o + p * 3] = images[o + p * 3 + 1] = images[o + p * 3 + 2] = grey[p] ?? 0
    if ((i + 1) % step === 0 || i + 1 === count)
      onProgress?.({ phase: 'decoding', done: i + 1, total: count, decoded: i + 1, reused: 0 })
  }
  let labels: Uint16Array | undefined
  let labelNames: string[] = []
  if (idx.labels) {
    const max = idx.labels.reduce((m, v) => Math.max(m, v), 0)
    labelNames = Array.from({ length: max + 1 }, (_, k) => String(k))
    labels = Uint16Array.from(idx.labels)
  }
  const base = path.basename(source)
  const dhashes: Hash64[] = []
  const perImage: FileRecord[] = []
  for (let i = 0; i < count; i++) {
    if (i % 512 === 511) await new Promise((r) => setImmediate(r))
    const px = images.subarray(i * per, (i + 1) * per)
    dhashes.push(dHash(px, size, options.channels))
    perImage.push({
      path: `${base}#${i}`,
      size: 0,
      mtimeMs: 0,
      status: 'imported',
      index: i,
      width: cols,
      height: rows,
      adjust: fitAdjust,
      format: 'idx',
      sha1: pixelHash(px)
    })
  }
  const shape: [number, number, number] = [size, size, options.channels]
  const healthReport = buildReport({
    id: name,
    source,
    kind: 'idx',
    shape,
    files: perImage,
    dhashes,
    labelNames,
    labels,
    fit: options.fit
  })
  // index.json lists the real files, not one entry per image.
  const stat = async (p: string): Promise<FileRecord> => {
    const s = await fs.stat(p)
    return { path: path.basename(p), size: s.size, mtimeMs: s.mtimeMs, status: 'imported' }
  }
  const files = [await stat(source), ...(idx.labelsPath ? [await stat(idx.labelsPath)] : [])]
  return commit(
    dataDir,
    {
      name,
      source,
      shape,
      labelNames,
      images,
      labels,
      extra: { kind: 'idx', options, files, report: healthReport }
    },
    count,
    0,
    hooks
  )
}

async function commit(
  dataDir: string,
  d: {
    name: string
    source: string
    shape: [number, number, number]
    labelNames: string[]
    images: Uint8Array
    labels?: Uint16Array
    extra: Omit<ImportExtra, 'thumbnails'>
  },
  decoded: number,
  reused: number,
  hooks: ImportHooks
): Promise<ImportResult> {
  checkAbort(hooks.signal)
  const count = d.images.length / (d.shape[0] * d.shape[1] * d.shape[2])
  hooks.onProgress?.({ phase: 'writing', done: 0, total: count, decoded, reused })
  const thumbnails = plannedThumbnails(count, d.shape[0])
  // From here on the import is committed: a late cancel no longer applies.
  const index = await writeDatasetCache(
    dataDir,
    { id: d.name, name: d.name, builtin: false, source: d.source, shape: d.shape, labelNames: d.labelNames },
    d.images,
    d.labels,
    { ...d.extra, thumbnails }
  )
  try {
    await writeContactSheets(datasetDir(dataDir, d.name), d.images, d.shape, thumbnails)
  } catch {
    // Previews only: the dataset is complete without them and the paged thumbnails read data.bin.
  }
  hooks.onProgress?.({ phase: 'writing', done: count, total: count, decoded, reused })
  return { index, report: d.extra.report, decoded, reused }
}
