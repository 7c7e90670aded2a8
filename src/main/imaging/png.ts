/**
 * A small PNG encoder/decoder (8-bit grey, RGB, RGBA) with text chunks, so sample grids and
 * exports carry their provenance (run, step, seed, latent) inside the file. zlib only.
 */
import { deflateSync, inflateSync } from 'node:zlib'

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff
  for (let i = 0; i < buf.length; i++) c = (CRC_TABLE[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

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

/** Reads the tEXt/iTXt chunks of a PNG (no pixel decoding). */
export function readPngText(png: Uint8Array): Record<string, string> {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file')
  const out: Record<string, string> = {}
  let off = 8
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off)
    const type = buf.toString('latin1', off + 4, off + 8)
    const data = buf.subarray(off + 8, off + 8 + len)
    if (type === 'tEXt') {
      const z = data.indexOf(0)
      if (z > 0) out[data.toString('latin1', 0, z)] = data.toString('latin1', z + 1)
    } else if (type === 'iTXt') {
      const z = data.indexOf(0)
      if (z > 0) {
        const key = data.toString('latin1', 0, z)
        const compressed = data[z + 1] === 1
        let p = z + 3
        p = data.indexOf(0, p) + 1 // language tag
        p = data.indexOf(0, p) + 1 // translated keyword
        const body = data.subarray(p)
        out[key] = (compressed ? inflateSync(body) : body).toString('utf8')
      }
    } else if (type === 'IEND') break
    off += 12 + len
  }
  return out
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
