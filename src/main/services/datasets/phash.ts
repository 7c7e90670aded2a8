/**
 * Duplicate detection. Exact duplicates: same decoded pixels (a hash of the bytes after resizing,
 * so the same photo saved twice as PNG and as an identical copy are caught). Near duplicates: a
 * 64-bit difference hash (dHash: grey 9×8 thumbnail, one bit per "left brighter than right")
 * within a small Hamming distance, which survives re-encoding, light edits and resizing.
 */
import { createHash } from 'node:crypto'

/** A 64-bit hash as two unsigned 32-bit halves (plain numbers: cheap to compare and to store). */
export type Hash64 = [hi: number, lo: number]

/** Hash of the exact pixel bytes. */
export function pixelHash(pixels: Uint8Array): string {
  return createHash('sha1').update(pixels).digest('hex')
}

/** dHash of one `size×size×channels` image. */
export function dHash(pixels: Uint8Array, size: number, channels: number): Hash64 {
  // Box-average into 9 columns × 8 rows of grey.
  const cells = new Float64Array(9 * 8)
  const counts = new Float64Array(9 * 8)
  for (let y = 0; y < size; y++) {
    const cy = Math.min(7, Math.floor((y * 8) / size))
    for (let x = 0; x < size; x++) {
      const cx = Math.min(8, Math.floor((x * 9) / size))
      const o = (y * size + x) * channels
      const grey =
        channels >= 3
          ? 0.299 * (pixels[o] ?? 0) + 0.587 * (pixels[o + 1] ?? 0) + 0.114 * (pixels[o + 2] ?? 0)
          : (pixels[o] ?? 0)
      cells[cy * 9 + cx]! += grey
      counts[cy * 9 + cx]! += 1
    }
  }
  let hi = 0
  let lo = 0
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const a = cells[y * 9 + x]! / Math.max(1, counts[y * 9 + x]!)
      const b = cells[y * 9 + x + 1]! / Math.max(1, counts[y * 9 + x + 1]!)
      const bit = y * 8 + x
      if (a > b) {
        if (bit < 32) hi = (hi | (1 << bit)) >>> 0
        else lo = (lo | (1 << (bit - 32))) >>> 0
      }
    }
  }
  return [hi, lo]
}

function popcount(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555)
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** Number of differing bits. */
export function hamming(a: Hash64, b: Hash64): number {
  return popcount((a[0] ^ b[0]) >>> 0) + popcount((a[1] ^ b[1]) >>> 0)
}

/** 16 hex digits, for index.json and reports. */
export function hashToHex(h: Hash64): string {
  return h[0].toString(16).padStart(8, '0') + h[1].toString(16).padStart(8, '0')
}

/** Parses `hashToHex` output; undefined when it is not 16 hex digits. */
export function hexToHash(hex: string): Hash64 | undefined {
  if (!/^[0-9a-f]{16}$/i.test(hex)) return undefined
  return [Number.parseInt(hex.slice(0, 8), 16) >>> 0, Number.parseInt(hex.slice(8), 16) >>> 0]
}

/**
 * Pairs (i < j) whose hashes differ in at most `maxDistance` bits. Instead of comparing all n²
 * pairs, the 64 bits are cut into `maxDistance + 1` bands: two hashes within the distance must
 * agree exactly on at least one band (pigeonhole), so only hashes sharing a band value are compared.
 * Exact result, near-linear on real data. `skip(i, j)` drops pairs already known (exact duplicates).
 */
export function nearDuplicatePairs(
  hashes: Hash64[],
  maxDistance = 4,
  skip?: (i: number, j: number) => boolean
): [number, number, number][] {
  const bands = maxDistance + 1
  const width = Math.ceil(64 / bands)
  const found = new Map<string, [number, number, number]>()
  const bitsOf = (h: Hash64, from: number, to: number): string => {
    let s = ''
    for (let b = from; b < to && b < 64; b++) s += b < 32 ? (h[0] >>> b) & 1 : (h[1] >>> (b - 32)) & 1
    return s
  }
  for (let band = 0; band < bands; band++) {
    const buckets = new Map<string, number[]>()
    hashes.forEach((h, i) => {
      const key = bitsOf(h, band * width, (band + 1) * width)
      const list = buckets.get(key)
      if (list) list.push(i)
      else buckets.set(key, [i])
    })
    for (const list of buckets.values()) {
      for (let a = 0; a < list.length; a++) {
        for (let b = a + 1; b < list.length; b++) {
          const i = list[a]!
          const j = list[b]!
          const key = `${i}:${j}`
          if (found.has(key) || skip?.(i, j)) continue
          const d = hamming(hashes[i]!, hashes[j]!)
          if (d <= maxDistance) found.set(key, [i, j, d])
        }
      }
    }
  }
  return [...found.values()].sort((x, y) => x[0] - y[0] || x[1] - y[1])
}
