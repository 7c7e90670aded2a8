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

/** Result of the near-duplicate search: groups of image indices (each sorted, groups by first index). */
export interface NearDuplicateGroups {
  groups: number[][]
  /** True when the comparison budget ran out: the groups found are real, but some may be missing. */
  partial: boolean
}

/**
 * Groups images whose hashes are within `maxDistance` bits of another member (single linkage).
 * Identical hashes are grouped first without comparing pairs (a thousand blank frames cost one
 * entry). The distinct hashes are then cut into `maxDistance + 1` bands: two hashes within the
 * distance agree exactly on at least one band (pigeonhole), so only hashes sharing a band value
 * are compared. At most `budget` comparisons are made, so a pathological dataset (every image
 * alike) cannot stall the import.
 */
export function nearDuplicateGroups(
  hashes: Hash64[],
  maxDistance = 4,
  budget = 20_000_000
): NearDuplicateGroups {
  const parent = hashes.map((_, i) => i)
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!
      i = parent[i]!
    }
    return i
  }
  const union = (a: number, b: number): void => {
    const ra = find(a)
    const rb = find(b)
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb)
  }
  const byValue = new Map<string, number>()
  const distinct: number[] = []
  hashes.forEach((h, i) => {
    const key = `${h[0]}:${h[1]}`
    const first = byValue.get(key)
    if (first === undefined) {
      byValue.set(key, i)
      distinct.push(i)
    } else union(first, i)
  })
  const bands = maxDistance + 1
  const width = Math.ceil(64 / bands)
  const bandKey = (h: Hash64, band: number): number => {
    let k = 0
    for (let b = band * width; b < Math.min(64, (band + 1) * width); b++)
      k = k * 2 + (b < 32 ? (h[0] >>> b) & 1 : (h[1] >>> (b - 32)) & 1)
    return k
  }
  let comparisons = 0
  let partial = false
  outer: for (let band = 0; band < bands; band++) {
    const buckets = new Map<number, number[]>()
    for (const i of distinct) {
      const key = bandKey(hashes[i]!, band)
      const list = buckets.get(key)
      if (list) list.push(i)
      else buckets.set(key, [i])
    }
    for (const list of buckets.values()) {
      for (let a = 0; a < list.length; a++) {
        for (let b = a + 1; b < list.length; b++) {
          if (++comparisons > budget) {
            partial = true
            break outer
          }
          const i = list[a]!
          const j = list[b]!
          if (hamming(hashes[i]!, hashes[j]!) <= maxDistance) union(i, j)
        }
      }
    }
  }
  const members = new Map<number, number[]>()
  hashes.forEach((_, i) => {
    const r = find(i)
    const m = members.get(r)
    if (m) m.push(i)
    else members.set(r, [i])
  })
  const groups = [...members.values()].filter((g) => g.length > 1).sort((x, y) => x[0]! - y[0]!)
  return { groups, partial }
}
