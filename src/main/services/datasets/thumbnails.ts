/**
 * Thumbnails. At import, a few contact sheets (8×8 grids of the first images) are written to
 * `<dataset>/thumbs/` for quick previews (dataset cards, the CLI). The UI's paged grid is served
 * straight from data.bin: one small PNG per image as a data: URL, reading only the bytes of the
 * requested page, so any page of a huge dataset costs the same.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { loadSharp } from './sharp'
import type { ThumbnailPage } from '../../../shared/contract'
import { datasetDir, type DatasetIndex } from '../../engine/data/cache'

/** What index.json records about the contact sheets. */
export interface ThumbnailsInfo {
  dir: 'thumbs'
  /** `sheet-000.png`, `sheet-001.png`, ... */
  files: string[]
  perSheet: number
  columns: number
  /** Edge of one tile in px. */
  tile: number
}

export const SHEET_COLUMNS = 8
export const SHEET_ROWS = 8
export const MAX_SHEETS = 4

/** Thumbnail edge for a dataset image size: the image itself up to 64 px, halved above. */
export function tileSize(size: number): number {
  return size > 64 ? 64 : size
}

/** What the sheets will be, before writing them (so index.json can say so in the same atomic write). */
export function plannedThumbnails(count: number, size: number): ThumbnailsInfo {
  const perSheet = SHEET_COLUMNS * SHEET_ROWS
  const sheets = Math.min(MAX_SHEETS, Math.ceil(count / perSheet))
  return {
    dir: 'thumbs',
    files: Array.from({ length: sheets }, (_, i) => `sheet-${String(i).padStart(3, '0')}.png`),
    perSheet,
    columns: SHEET_COLUMNS,
    tile: tileSize(size)
  }
}

/**
 * Writes the contact sheets into `<datasetDir>/thumbs` through a temp dir and a rename, so the
 * folder is complete or absent (the dataset itself is usable either way).
 */
export async function writeContactSheets(
  dir: string,
  images: Uint8Array,
  shape: [number, number, number],
  info: ThumbnailsInfo
): Promise<void> {
  const sharp = await loadSharp()
  const [size, , channels] = shape
  const per = size * size * channels
  const count = images.length / per
  const tmp = path.join(dir, `.thumbs-tmp-${randomBytes(4).toString('hex')}`)
  await fs.mkdir(tmp, { recursive: true })
  try {
    for (let s = 0; s < info.files.length; s++) {
      const first = s * info.perSheet
      const n = Math.min(info.perSheet, count - first)
      const rows = Math.ceil(n / info.columns)
      const sheetW = info.columns * size
      const mosaic = new Uint8Array(sheetW * rows * size * channels)
      for (let k = 0; k < n; k++) {
        const src = (first + k) * per
        const ox = (k % info.columns) * size
        const oy = Math.floor(k / info.columns) * size
        for (let y = 0; y < size; y++) {
          const from = src + y * size * channels
          mosaic.set(images.subarray(from, from + size * channels), ((oy + y) * sheetW + ox) * channels)
        }
      }
      let img = sharp(mosaic, { raw: { width: sheetW, height: rows * size, channels: channels as 1 | 3 } })
      if (info.tile !== size)
        img = img.resize(info.columns * info.tile, rows * info.tile, { kernel: 'lanczos3' })
      await img.png().toFile(path.join(tmp, info.files[s]!))
    }
    const dest = path.join(dir, info.dir)
    await fs.rm(dest, { recursive: true, force: true })
    await fs.rename(tmp, dest)
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true })
    throw err
  }
}

/** One page of per-image thumbnails (contract `ThumbnailPage`), read from data.bin by byte range. */
export async function thumbnailPage(
  dataDir: string,
  index: DatasetIndex,
  offset: number,
  limit: number
): Promise<ThumbnailPage> {
  const sharp = await loadSharp()
  const [size, , channels] = index.shape
  const per = size * size * channels
  const start = Math.max(0, Math.min(offset, index.count))
  const n = Math.max(0, Math.min(limit, index.count - start))
  const dir = datasetDir(dataDir, index.id)
  const pixels = await readRange(path.join(dir, 'data.bin'), start * per, n * per)
  const labels =
    index.labelNames.length > 0 ? await readRange(path.join(dir, 'labels.bin'), start * 2, n * 2) : undefined
  const tile = tileSize(size)
  const items: ThumbnailPage['items'] = []
  for (let k = 0; k < n; k++) {
    let img = sharp(pixels.subarray(k * per, (k + 1) * per), {
      raw: { width: size, height: size, channels: channels as 1 | 3 }
    })
    if (tile !== size) img = img.resize(tile, tile)
    const png = await img.png().toBuffer()
    const labelIdx = labels ? (labels[k * 2] ?? 0) | ((labels[k * 2 + 1] ?? 0) << 8) : undefined
    items.push({
      index: start + k,
      ...(labelIdx !== undefined ? { label: index.labelNames[labelIdx] ?? String(labelIdx) } : {}),
      src: `data:image/png;base64,${png.toString('base64')}`
    })
  }
  return { total: index.count, offset: start, items }
}

async function readRange(file: string, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length)
  if (length === 0) return buf
  const fh = await fs.open(file, 'r')
  try {
    let got = 0
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, position + got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    return buf
  } finally {
    await fh.close()
  }
}
