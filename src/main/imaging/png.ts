/**
 * A small PNG encoder/decoder (8-bit grey, RGB, RGBA) with text chunks, so sample grids and
 * exports carry their provenance (run, step, seed, latent) inside the file. zlib only.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib'
import { PNG_SIGNATURE, pngChunks } from '../../shared/png-chunks'

const SIGNATURE = Buffer.from(PNG_SIGNATURE)

/**
 * Most bytes the compressed text chunks of one PNG may inflate to, all together. GAN Studio's own
 * provenance stays far below it (64 latents of 1024 numbers is about 1.5 MB of JSON); without a
 * limit two megabytes of crafted zlib inflate to two gigabytes in the main process.
 */
export const MAX_PNG_TEXT_BYTES = 8 * 1024 * 1024

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 }

/** Encodes interleaved 8-bit pixels (1, 2, 3 or 4 channels) with optional iTXt text chunks. */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  text: Record<string, string> = {}
): Buffer {
  if (pixels.length !== width * height * channels) {
    throw new Error(
      `Expected ${width * height * channels} pixel bytes for ${width}x${height}x${channels}, but got ${pixels.length}`
    )
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = COLOR_TYPE[channels] as number
  const stride = width * channels
  const raw = Buffer.alloc((stride + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1)
  }
  const texts = Object.entries(text).map(([k, v]) =>
    // iTXt: keyword, null, compression flag 0, method 0, empty language, null, empty translated keyword, null, UTF-8 text.
    chunk(
      'iTXt',
      Buffer.concat([Buffer.from(k, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(v, 'utf8')])
    )
  )
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...texts,
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', new Uint8Array(0))
  ])
}

/**
 * Reads the tEXt/iTXt chunks of a PNG (no pixel decoding). Compressed iTXt is inflated up to
 * `MAX_PNG_TEXT_BYTES` in all; more is refused with a message, never allocated.
 */
export function readPngText(png: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {}
  let budget = MAX_PNG_TEXT_BYTES
  for (const { type, data: bytes } of pngChunks(png)) {
    if (type !== 'tEXt' && type !== 'iTXt') continue
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const z = data.indexOf(0)
    if (z <= 0) continue
    const key = data.toString('latin1', 0, z)
    if (type === 'tEXt') {
      out[key] = data.toString('latin1', z + 1)
      continue
    }
    const compressed = data[z + 1] === 1
    let p = z + 3
    p = data.indexOf(0, p) + 1 // language tag
    p = data.indexOf(0, p) + 1 // translated keyword
    const body = data.subarray(p)
    if (!compressed) {
      out[key] = body.toString('utf8')
      continue
    }
    const text = inflateText(key, body, budget)
    budget -= text.length
    out[key] = text.toString('utf8')
  }
  return out
}

/** Inflates one compressed text chunk, refusing to produce more than `budget` bytes. */
function inflateText(key: string, body: Buffer, budget: number): Buffer {
  try {
    return inflateSync(body, { maxOutputLength: Math.max(1, budget) })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new Error(
        `The PNG's compressed text '${key.slice(0, 40)}' inflates to more than ${MAX_PNG_TEXT_BYTES / 1024 / 1024} MB: ` +
          'it is not an image exported by GAN Studio, and it was not read',
        { cause: err }
      )
    throw new Error(
      `The PNG's compressed text '${key.slice(0, 40)}' is damaged (${(err as Error).message})`,
      {
        cause: err
      }
    )
  }
}

/**
 * Lays out N images [N, h, w, c] as a grid with a 1 px gap, scaled by an integer factor with
 * nearest-neighbour (crisp pixels). Returns pixels and the grid size.
 */
export function tileGrid(
  images: Uint8Array,
  n: number,
  h: number,
  w: number,
  c: number,
  cols: number,
  scale = 1,
  gap = 1,
  background = 0
): { pixels: Uint8Array; width: number; height: number } {
  const rows = Math.ceil(n / cols)
  const cw = w * scale
  const ch = h * scale
  const width = cols * cw + (cols + 1) * gap
  const height = rows * ch + (rows + 1) * gap
  const out = new Uint8Array(width * height * c).fill(background)
  for (let i = 0; i < n; i++) {
    const gx = gap + (i % cols) * (cw + gap)
    const gy = gap + Math.floor(i / cols) * (ch + gap)
    for (let y = 0; y < ch; y++) {
      const sy = Math.floor(y / scale)
      for (let x = 0; x < cw; x++) {
        const sx = Math.floor(x / scale)
        const src = ((i * h + sy) * w + sx) * c
        const dst = ((gy + y) * width + gx + x) * c
        for (let k = 0; k < c; k++) out[dst + k] = images[src + k] as number
      }
    }
  }
  return { pixels: out, width, height }
}
