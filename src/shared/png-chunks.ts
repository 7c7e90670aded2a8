/**
 * Walking a PNG's chunks without decoding pixels. Shared because both sides need it: the main
 * process reads text chunks (provenance), and the renderer sends only the chunks before the image
 * data when it asks the main process to read a PNG, so a large image never crosses the bridge.
 */

/** The 8 bytes every PNG starts with. */
export const PNG_SIGNATURE: readonly number[] = [137, 80, 78, 71, 13, 10, 26, 10]

/** One chunk: its 4-letter type, its data, and where the whole chunk (length to CRC) lies. */
export interface PngChunk {
  type: string
  data: Uint8Array
  start: number
  end: number
}

/** IEND has no data, so its bytes (length 0, type, CRC) are always these. */
const IEND_CHUNK = new Uint8Array([0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130])

/** True when `bytes` starts with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)
}

/** The chunks of a PNG in file order, up to IEND or the end of the bytes (a truncated chunk ends it). */
export function* pngChunks(png: Uint8Array): Generator<PngChunk> {
  if (!isPng(png)) throw new Error('not a PNG file')
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  let off = 8
  while (off + 12 <= png.length) {
    const len = view.getUint32(off)
    const end = off + 12 + len
    if (end > png.length) return
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8))
    yield { type, data: png.subarray(off + 8, off + 8 + len), start: off, end }
    if (type === 'IEND') return
    off = end
  }
}

/**
 * The signature, IHDR and every chunk before the first IDAT, then IEND: a valid, pixel-less PNG
 * that keeps the text chunks GAN Studio writes (they come before the image data).
 */
export function pngHead(png: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [png.subarray(0, 8)]
  for (const c of pngChunks(png)) {
    if (c.type === 'IDAT' || c.type === 'IEND') break
    parts.push(png.subarray(c.start, c.end))
  }
  parts.push(IEND_CHUNK)
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
