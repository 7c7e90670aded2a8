/**
 * MNIST-format IDX files: `*-images-idx3-ubyte` (magic 0x00000803: unsigned bytes, 3 dimensions)
 * and the optional `*-labels-idx1-ubyte` next to it (magic 0x00000801), gzipped or not. Every
 * header field is checked against the file length so a wrong or truncated file is refused with
 * the numbers that disagree.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { StudioError } from '../../../shared/errors'

export const IDX_IMAGES_MAGIC = 0x00000803
export const IDX_LABELS_MAGIC = 0x00000801

/** Images (N·rows·cols uint8, row-major) and, when a labels file was found, one label per image. */
export interface IdxData {
  count: number
  rows: number
  cols: number
  pixels: Uint8Array
  labels?: Uint8Array
  /** The labels file used, if any. */
  labelsPath?: string
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`

/** Whether a path looks like an IDX images file (by name). */
export function isIdxImagesPath(file: string): boolean {
  return /idx3-ubyte(\.gz)?$/i.test(path.basename(file))
}

/** Reads a file, gunzipping it when it starts with the gzip signature (whatever its name). */
async function readMaybeGz(file: string): Promise<Buffer> {
  let buf: Buffer
  try {
    buf = await fs.readFile(file)
  } catch (err) {
    throw new StudioError('not-found', `Cannot read ${file}: ${(err as Error).message}`)
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return gunzipSync(buf)
    } catch (err) {
      throw new StudioError(
        'invalid-input',
        `${path.basename(file)} is a damaged gzip file: ${(err as Error).message}`
      )
    }
  }
  return buf
}

/** Parses IDX image bytes; `name` is used in messages. */
export function parseIdxImages(
  buf: Uint8Array,
  name: string
): { count: number; rows: number; cols: number; pixels: Uint8Array } {
  if (buf.length < 16)
    throw new StudioError(
      'invalid-input',
      `${name} is not an IDX image file: only ${buf.length} bytes (the header alone is 16)`
    )
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const magic = dv.getUint32(0, false)
  if (magic !== IDX_IMAGES_MAGIC)
    throw new StudioError(
      'invalid-input',
      `${name} is not an IDX image file: magic ${hex(magic)} (expected ${hex(IDX_IMAGES_MAGIC)})`
    )
  const count = dv.getUint32(4, false)
  const rows = dv.getUint32(8, false)
  const cols = dv.getUint32(12, false)
  if (count === 0 || rows === 0 || cols === 0)
    throw new StudioError(
      'invalid-input',
      `${name} declares ${count} images of ${rows}x${cols}: nothing to import`
    )
  if (rows > 4096 || cols > 4096)
    throw new StudioError(
      'invalid-input',
      `${name} declares ${rows}x${cols} images; at most 4096x4096 are accepted`
    )
  const expected = 16 + count * rows * cols
  if (buf.length !== expected)
    throw new StudioError(
      'invalid-input',
      `${name} has the wrong length: ${buf.length} bytes, but its header (${count} images of ${rows}x${cols}) needs ${expected}${buf.length < expected ? ' (truncated?)' : ''}`
    )
  return { count, rows, cols, pixels: buf.subarray(16) }
}

/** Parses IDX label bytes, checking the count matches the images. */
export function parseIdxLabels(buf: Uint8Array, name: string, expectedCount: number): Uint8Array {
  if (buf.length < 8)
    throw new StudioError(
      'invalid-input',
      `${name} is not an IDX label file: only ${buf.length} bytes (the header alone is 8)`
    )
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const magic = dv.getUint32(0, false)
  if (magic !== IDX_LABELS_MAGIC)
    throw new StudioError(
      'invalid-input',
      `${name} is not an IDX label file: magic ${hex(magic)} (expected ${hex(IDX_LABELS_MAGIC)})`
    )
  const count = dv.getUint32(4, false)
  if (count !== expectedCount)
    throw new StudioError(
      'invalid-input',
      `${name} holds ${count} labels, but the image file holds ${expectedCount} images`
    )
  if (buf.length !== 8 + count)
    throw new StudioError(
      'invalid-input',
      `${name} has the wrong length: ${buf.length} bytes, but its header (${count} labels) needs ${8 + count}`
    )
  return buf.subarray(8)
}

/** The labels file that goes with an images file: same folder, `images-idx3` → `labels-idx1`, with or without .gz. */
export async function findIdxLabels(imagesPath: string): Promise<string | undefined> {
  const base = path.basename(imagesPath).replace(/\.gz$/i, '')
  if (!/images-idx3-ubyte$/i.test(base)) return undefined
  const labelsBase = base.replace(/images-idx3-ubyte$/i, 'labels-idx1-ubyte')
  for (const candidate of [labelsBase, `${labelsBase}.gz`]) {
    const p = path.join(path.dirname(imagesPath), candidate)
    if (
      await fs.stat(p).then(
        (s) => s.isFile(),
        () => false
      )
    )
      return p
  }
  return undefined
}

/** Reads an IDX images file and, when present next to it, its labels. Throws `StudioError` with the numbers that disagree. */
export async function readIdx(imagesPath: string): Promise<IdxData> {
  const img = parseIdxImages(await readMaybeGz(imagesPath), path.basename(imagesPath))
  const labelsPath = await findIdxLabels(imagesPath)
  if (!labelsPath) return img
  const labels = parseIdxLabels(await readMaybeGz(labelsPath), path.basename(labelsPath), img.count)
  return { ...img, labels, labelsPath }
}
