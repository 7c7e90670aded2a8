/**
 * A small BMP decoder, because the prebuilt libvips in sharp cannot read BMP ("unsupported image
 * format"). Handles what cameras, Paint and most exporters write: uncompressed 24-bit, 32-bit
 * (plain or with bit-field masks) and 8-bit paletted. RLE, 1/4/16-bit and OS/2 headers are
 * reported as unsupported rather than guessed at.
 */

/** Why a BMP could not be decoded: `unsupported` (valid but a variant we skip) or `corrupt`. */
export class BmpError extends Error {
  constructor(
    readonly kind: 'unsupported' | 'corrupt',
    message: string
  ) {
    super(message)
    this.name = 'BmpError'
  }
}

/** The fields of a BMP header needed to decide whether to decode it. */
export interface BmpHeader {
  width: number
  height: number
  bitsPerPixel: number
  compression: number
  topDown: boolean
  dataOffset: number
  headerSize: number
}

/** Decoded pixels, rows top to bottom, interleaved. */
export interface BmpImage {
  width: number
  height: number
  channels: 3 | 4
  data: Uint8Array
}

/** Reads the header only (first 54+ bytes) so the pixel limit can be checked without decoding. */
export function readBmpHeader(buf: Uint8Array): BmpHeader {
  if (buf.length < 26 || buf[0] !== 0x42 || buf[1] !== 0x4d)
    throw new BmpError('corrupt', 'not a BMP file (no BM signature)')
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const dataOffset = dv.getUint32(10, true)
  const headerSize = dv.getUint32(14, true)
  if (headerSize < 40)
    throw new BmpError('unsupported', `OS/2 BMP header (${headerSize} bytes) is not supported`)
  if (buf.length < 14 + 40) throw new BmpError('corrupt', 'BMP header is truncated')
  const width = dv.getInt32(18, true)
  const rawHeight = dv.getInt32(22, true)
  const bitsPerPixel = dv.getUint16(28, true)
  const compression = dv.getUint32(30, true)
  if (width <= 0 || rawHeight === 0)
    throw new BmpError('corrupt', `BMP has an impossible size ${width}x${rawHeight}`)
  return {
    width,
    height: Math.abs(rawHeight),
    bitsPerPixel,
    compression,
    topDown: rawHeight < 0,
    dataOffset,
    headerSize
  }
}

const BI_RGB = 0
const BI_BITFIELDS = 3
const BI_ALPHABITFIELDS = 6

/** Decodes a whole BMP. Throws `BmpError`. */
export function decodeBmp(buf: Uint8Array): BmpImage {
  const h = readBmpHeader(buf)
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const { width, height, bitsPerPixel: bpp } = h
  const supported =
    (bpp === 24 && h.compression === BI_RGB) ||
    (bpp === 8 && h.compression === BI_RGB) ||
    (bpp === 32 &&
      (h.compression === BI_RGB || h.compression === BI_BITFIELDS || h.compression === BI_ALPHABITFIELDS))
  if (!supported)
    throw new BmpError(
      'unsupported',
      `BMP with ${bpp} bits per pixel and compression ${h.compression} is not supported (use 24-bit, 32-bit or 8-bit uncompressed)`
    )
  const stride = Math.ceil((width * bpp) / 32) * 4
  if (h.dataOffset + stride * height > buf.length)
    throw new BmpError(
      'corrupt',
      `BMP is truncated: ${buf.length} bytes, expected at least ${h.dataOffset + stride * height}`
    )

  if (bpp === 8) {
    const paletteStart = 14 + h.headerSize
    const used = dv.getUint32(46, true) || 256
    if (paletteStart + used * 4 > h.dataOffset)
      throw new BmpError('corrupt', 'BMP palette overlaps the pixel data')
    const out = new Uint8Array(width * height * 3)
    for (let y = 0; y < height; y++) {
      const src = h.dataOffset + (h.topDown ? y : height - 1 - y) * stride
      for (let x = 0; x < width; x++) {
        const idx = buf[src + x] ?? 0
        const p = paletteStart + Math.min(idx, used - 1) * 4
        const o = (y * width + x) * 3
        out[o] = buf[p + 2] ?? 0
        out[o + 1] = buf[p + 1] ?? 0
        out[o + 2] = buf[p] ?? 0
      }
    }
    return { width, height, channels: 3, data: out }
  }

  if (bpp === 24) {
    const out = new Uint8Array(width * height * 3)
    for (let y = 0; y < height; y++) {
      const src = h.dataOffset + (h.topDown ? y : height - 1 - y) * stride
      for (let x = 0; x < width; x++) {
        const s = src + x * 3
        const o = (y * width + x) * 3
        out[o] = buf[s + 2] ?? 0
        out[o + 1] = buf[s + 1] ?? 0
        out[o + 2] = buf[s] ?? 0
      }
    }
    return { width, height, channels: 3, data: out }
  }

  // 32-bit: BI_RGB means BGRX (the fourth byte is usually padding, not alpha); bit fields give masks.
  let masks = { r: 0x00ff0000, g: 0x0000ff00, b: 0x000000ff, a: 0 }
  if (h.compression !== BI_RGB) {
    if (buf.length < 14 + 52) throw new BmpError('corrupt', 'BMP bit-field masks are missing')
    masks = {
      r: dv.getUint32(54, true),
      g: dv.getUint32(58, true),
      b: dv.getUint32(62, true),
      a: h.headerSize >= 56 || h.compression === BI_ALPHABITFIELDS ? dv.getUint32(66, true) : 0
    }
  }
  const hasAlpha = masks.a !== 0
  const ch = hasAlpha ? 4 : 3
  const out = new Uint8Array(width * height * ch)
  const field = (v: number, mask: number): number => {
    if (mask === 0) return 0
    const shift = 31 - Math.clz32(mask & -mask) // index of the lowest set bit
    const bits = 32 - Math.clz32(mask >>> shift)
    const raw = (v & mask) >>> shift
    return bits >= 8 ? raw >>> (bits - 8) : Math.round((raw * 255) / ((1 << bits) - 1))
  }
  for (let y = 0; y < height; y++) {
    const src = h.dataOffset + (h.topDown ? y : height - 1 - y) * stride
    for (let x = 0; x < width; x++) {
      const v = dv.getUint32(src + x * 4, true)
      const o = (y * width + x) * ch
      out[o] = field(v, masks.r)
      out[o + 1] = field(v, masks.g)
      out[o + 2] = field(v, masks.b)
      if (hasAlpha) out[o + 3] = field(v, masks.a)
    }
  }
  return { width, height, channels: ch, data: out }
}
