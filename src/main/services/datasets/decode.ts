/**
 * Turns one file into `size × size × channels` uint8 pixels, or a status saying why not. Cheap
 * checks first (file size, magic bytes, header dimensions) so that a 900-megapixel bomb or a
 * 2 GB video never reaches the decoder; then one sharp pipeline: EXIF orientation, alpha flattened
 * on the background colour, resized by crop/letterbox/stretch, converted to grey or sRGB.
 */
import { promises as fs } from 'node:fs'
import type { Sharp as SharpPipeline } from 'sharp'
import { loadSharp } from './sharp'
import { BmpError, decodeBmp, readBmpHeader } from './bmp'
import { parseHexColor, type ImportOptions } from './options'

/** Every status a file can end with. Only `imported` files are in the dataset. */
export const FILE_STATUSES = [
  'imported',
  'corrupt',
  'empty',
  'not-image',
  'too-large',
  'unreadable',
  'unsupported',
  'no-label'
] as const
export type FileStatus = (typeof FILE_STATUSES)[number]

/** Plain words for each status, for reports and the CLI. */
export const STATUS_WORDS: Record<FileStatus, string> = {
  imported: 'imported',
  corrupt: 'corrupt or truncated',
  empty: 'zero bytes',
  'not-image': 'not an image',
  'too-large': 'too large',
  unreadable: 'unreadable',
  unsupported: 'unsupported format',
  'no-label': 'not in a class sub-folder'
}

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'tiff'

/** How the source's aspect ratio was made square. */
export type FitAdjust = 'none' | 'cropped' | 'padded' | 'stretched'

export interface DecodedImage {
  status: 'imported'
  pixels: Uint8Array
  format: ImageFormat
  /** Source size after EXIF orientation. */
  width: number
  height: number
  adjust: FitAdjust
  /** Frames in the source (animated GIF/WebP): only the first is used. */
  pages: number
}

export interface DecodeFailure {
  status: Exclude<FileStatus, 'imported'>
  reason: string
  format?: ImageFormat
  width?: number
  height?: number
}

export type DecodeResult = DecodedImage | DecodeFailure

/** Per-file decode time limit: a pathological file becomes `unreadable` instead of hanging the import. */
export const DEFAULT_DECODE_TIMEOUT_MS = 30_000

/** Recognises the six supported formats (and a few common unsupported ones) from the first bytes. */
export function sniffFormat(head: Uint8Array): ImageFormat | { unsupported: string } | undefined {
  const b = (i: number): number => head[i] ?? -1
  const ascii = (from: number, to: number): string => String.fromCharCode(...head.subarray(from, to))
  if (b(0) === 0x89 && ascii(1, 4) === 'PNG') return 'png'
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp'
  if (ascii(0, 4) === 'GIF8') return 'gif'
  if (ascii(0, 2) === 'BM') return 'bmp'
  if (
    (ascii(0, 2) === 'II' && b(2) === 42 && b(3) === 0) ||
    (ascii(0, 2) === 'MM' && b(2) === 0 && b(3) === 42)
  )
    return 'tiff'
  if (ascii(4, 8) === 'ftyp')
    return { unsupported: `HEIC/AVIF (${ascii(8, 12).trim()}) is not supported: convert it to PNG or JPEG` }
  if (ascii(0, 4) === '8BPS') return { unsupported: 'Photoshop PSD is not supported: export it as PNG' }
  if (b(0) === 0 && b(1) === 0 && b(2) === 1 && b(3) === 0)
    return { unsupported: 'ICO is not supported: convert it to PNG' }
  return undefined
}

/** Decodes one file with a time limit. Never throws for a bad file: every outcome is a status. */
export async function decodeFile(
  abs: string,
  size: number,
  opts: ImportOptions,
  timeoutMs = DEFAULT_DECODE_TIMEOUT_MS
): Promise<DecodeResult> {
  if (size === 0) return { status: 'empty', reason: 'the file is empty (0 bytes)' }
  if (size > opts.maxFileBytes)
    return {
      status: 'too-large',
      reason: `${mb(size)} MB is over the ${mb(opts.maxFileBytes)} MB file limit (raise it with --max-file-mb)`
    }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<DecodeFailure>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          status: 'unreadable',
          reason: `decoding took longer than ${Math.round(timeoutMs / 1000)} s; gave up`
        }),
      timeoutMs
    )
  })
  try {
    return await Promise.race([decodeUnguarded(abs, opts), timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function decodeUnguarded(abs: string, opts: ImportOptions): Promise<DecodeResult> {
  const sharp = await loadSharp()
  let head: Uint8Array
  try {
    head = await readHead(abs, 64)
  } catch (err) {
    return { status: 'unreadable', reason: ioReason(err) }
  }
  const sniffed = sniffFormat(head)
  if (sniffed === undefined) return { status: 'not-image', reason: describeBytes(head) }
  if (typeof sniffed === 'object') return { status: 'unsupported', reason: sniffed.unsupported }
  const format = sniffed
  try {
    if (format === 'bmp') return await decodeBmpFile(abs, opts)
    // One read (the file is under the size limit): sharp then parses the header and decodes from memory.
    let input: Buffer
    try {
      input = await fs.readFile(abs)
    } catch (err) {
      return { status: 'unreadable', reason: ioReason(err), format }
    }
    const meta = await sharp(input, { limitInputPixels: false, pages: 1 }).metadata()
    const w = meta.width ?? 0
    const h = meta.height ?? 0
    if (w * h > opts.maxPixels) return tooManyPixels(format, w, h, opts)
    const swap = (meta.orientation ?? 1) >= 5
    const width = swap ? h : w
    const height = swap ? w : h
    // 'truncated' refuses cut-off files (they would import with a grey band) but accepts the
    // harmless warnings many cameras trigger ("extraneous bytes before marker").
    const pipeline = sharp(input, {
      limitInputPixels: opts.maxPixels,
      pages: 1,
      failOn: 'truncated'
    }).rotate()
    const pixels = await finish(pipeline, opts)
    return {
      status: 'imported',
      pixels,
      format,
      width,
      height,
      adjust: adjustOf(width, height, opts),
      pages: meta.pages ?? 1
    }
  } catch (err) {
    return classifySharpError(err, format)
  }
}

async function decodeBmpFile(abs: string, opts: ImportOptions): Promise<DecodeResult> {
  const sharp = await loadSharp()
  try {
    const header = readBmpHeader(await readHead(abs, 64))
    if (header.width * header.height > opts.maxPixels)
      return tooManyPixels('bmp', header.width, header.height, opts)
    const img = decodeBmp(new Uint8Array(await fs.readFile(abs)))
    const pipeline = sharp(img.data, {
      raw: { width: img.width, height: img.height, channels: img.channels }
    })
    const pixels = await finish(pipeline, opts)
    return {
      status: 'imported',
      pixels,
      format: 'bmp',
      width: img.width,
      height: img.height,
      adjust: adjustOf(img.width, img.height, opts),
      pages: 1
    }
  } catch (err) {
    if (err instanceof BmpError) return { status: err.kind, reason: err.message, format: 'bmp' }
    return classifySharpError(err, 'bmp')
  }
}

/** The shared tail of the pipeline: flatten, fit, colour, raw bytes of exactly the requested shape. */
async function finish(pipeline: SharpPipeline, opts: ImportOptions): Promise<Uint8Array> {
  const fit = opts.fit === 'crop' ? 'cover' : opts.fit === 'letterbox' ? 'contain' : 'fill'
  const pad = { ...parseHexColor(opts.padColor), alpha: 1 }
  // Flatten before resizing so letterbox bars are the pad colour, not transparent.
  let p = pipeline
    .flatten({ background: parseHexColor(opts.background) })
    .resize(opts.size, opts.size, { fit, position: 'centre', background: pad })
  p = opts.channels === 1 ? p.toColourspace('b-w') : p.toColourspace('srgb')
  const { data, info } = await p.removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
  if (info.width !== opts.size || info.height !== opts.size)
    throw new Error(`resize produced ${info.width}x${info.height}`)
  return toChannels(
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    info.channels,
    opts.channels
  )
}

/** Guards against libvips keeping or dropping a band (grey sources in sRGB, etc.). */
function toChannels(src: Uint8Array, have: number, want: 1 | 3): Uint8Array {
  if (have === want) return src
  const n = src.length / have
  const out = new Uint8Array(n * want)
  for (let i = 0; i < n; i++) {
    if (want === 1) {
      out[i] =
        have >= 3
          ? Math.round(
              0.2126 * (src[i * have] ?? 0) +
                0.7152 * (src[i * have + 1] ?? 0) +
                0.0722 * (src[i * have + 2] ?? 0)
            )
          : (src[i * have] ?? 0)
    } else {
      const g = src[i * have] ?? 0
      out[i * 3] = g
      out[i * 3 + 1] = have >= 3 ? (src[i * have + 1] ?? 0) : g
      out[i * 3 + 2] = have >= 3 ? (src[i * have + 2] ?? 0) : g
    }
  }
  return out
}

function adjustOf(width: number, height: number, opts: ImportOptions): FitAdjust {
  if (width === height) return 'none'
  return opts.fit === 'crop' ? 'cropped' : opts.fit === 'letterbox' ? 'padded' : 'stretched'
}

function tooManyPixels(format: ImageFormat, w: number, h: number, opts: ImportOptions): DecodeFailure {
  return {
    status: 'too-large',
    reason: `${w}x${h} is ${((w * h) / 1e6).toFixed(1)} megapixels, over the ${(opts.maxPixels / 1e6).toFixed(0)} MP limit (raise it with --max-pixels)`,
    format,
    width: w,
    height: h
  }
}

function classifySharpError(err: unknown, format: ImageFormat): DecodeFailure {
  const msg = err instanceof Error ? err.message : String(err)
  if (/EACCES|EPERM|permission/i.test(msg))
    return { status: 'unreadable', reason: 'no permission to read it', format }
  if (/pixel limit/i.test(msg)) return { status: 'too-large', reason: msg, format }
  if (/unsupported image format/i.test(msg))
    return { status: 'unsupported', reason: `sharp cannot read this ${format} variant`, format }
  return {
    status: 'corrupt',
    reason: `damaged or truncated ${format} data (${firstLine(msg).replace(/^[A-Za-z]+: /, '')})`,
    format
  }
}

async function readHead(abs: string, n: number): Promise<Uint8Array> {
  const fh = await fs.open(abs, 'r')
  try {
    const buf = new Uint8Array(n)
    const { bytesRead } = await fh.read(buf, 0, n, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

function ioReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code
  if (code === 'EACCES' || code === 'EPERM') return 'no permission to read it'
  if (code === 'ENOENT') return 'the file disappeared or is a broken link'
  if (code === 'EISDIR') return 'is a directory'
  return err instanceof Error ? err.message : String(err)
}

function describeBytes(head: Uint8Array): string {
  const printable = head.subarray(0, 16).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127))
  if (printable && head.length > 0)
    return `not an image, looks like text ("${String.fromCharCode(...head.subarray(0, 12)).replace(/\s+/g, ' ')}...")`
  return `not an image (unknown signature ${Array.from(head.subarray(0, 4), (c) => c.toString(16).padStart(2, '0')).join(' ')})`
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? s).trim().slice(0, 160)
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}
