import { describe, expect, it } from 'vitest'
import { BmpError, decodeBmp } from '../../../../../src/main/services/datasets/bmp'
import {
  dHash,
  hamming,
  nearDuplicateGroups,
  type Hash64
} from '../../../../../src/main/services/datasets/phash'
import { makeBmp, pattern } from '../../../../fixtures/images'

describe('BMP decoder', () => {
  it('decodes 24-bit and 32-bit bottom-up BMPs to the exact pixels', () => {
    for (const bpp of [24, 32] as const) {
      const img = decodeBmp(makeBmp(7, 5, bpp, 3))
      expect(img).toMatchObject({ width: 7, height: 5, channels: 3 })
      expect(Buffer.from(img.data).equals(pattern(7, 5, 3, 3))).toBe(true)
    }
  })

  it('decodes 8-bit paletted BMPs through the palette', () => {
    const img = decodeBmp(makeBmp(4, 2, 8, 0))
    // Pixel (0,0) has palette index 0 → palette entry 0 = (r 0, g 0, b 255).
    expect(Array.from(img.data.subarray(0, 3))).toEqual([0, 0, 255])
  })

  it('says unsupported for RLE and corrupt for a truncated file', () => {
    expect(() => decodeBmp(makeBmp(4, 4, 8, 0, 1))).toThrow(BmpError)
    const err = (() => {
      try {
        decodeBmp(makeBmp(10, 10, 24).subarray(0, 100))
      } catch (e) {
        return e as BmpError
      }
      return undefined
    })()
    expect(err?.kind).toBe('corrupt')
  })
})

describe('dHash', () => {
  it('is close for a lightly changed image and far for a different one', () => {
    const a = new Uint8Array(pattern(32, 32, 1, 3))
    const b = a.map((v) => Math.min(255, v + 6))
    const c = new Uint8Array(pattern(32, 32, 2, 3))
    expect(hamming(dHash(a, 32, 3), dHash(b, 32, 3))).toBeLessThanOrEqual(4)
    expect(hamming(dHash(a, 32, 3), dHash(c, 32, 3))).toBeGreaterThan(10)
  })

  it('banded search finds exactly the groups a brute-force search finds', () => {
    let s = 7
    const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0), s)
    const hashes: Hash64[] = []
    for (let i = 0; i < 300; i++) {
      if (i % 10 === 1) {
        const [hi, lo] = hashes[i - 1]!
        hashes.push([
          (hi ^ (1 << (i % 32))) >>> 0,
          (lo ^ (1 << ((i * 7) % 32)) ^ (1 << ((i * 3) % 32))) >>> 0
        ])
      } else if (i % 10 === 2) hashes.push(hashes[i - 2]!)
      else hashes.push([rnd(), rnd()])
    }
    // Brute force single linkage.
    const parent = hashes.map((_, i) => i)
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)))
    for (let i = 0; i < hashes.length; i++)
      for (let j = i + 1; j < hashes.length; j++)
        if (hamming(hashes[i]!, hashes[j]!) <= 4)
          parent[Math.max(find(i), find(j))] = Math.min(find(i), find(j))
    const brute = new Map<number, number[]>()
    hashes.forEach((_, i) => brute.set(find(i), [...(brute.get(find(i)) ?? []), i]))
    const expected = [...brute.values()].filter((g) => g.length > 1)
    const got = nearDuplicateGroups(hashes, 4)
    expect(got.partial).toBe(false)
    expect(got.groups).toEqual(expected)
    expect(expected.length).toBeGreaterThanOrEqual(30)
  })

  it('stops at its comparison budget on a pathological set instead of stalling', () => {
    // 8192 distinct hashes differing only in their low 13 bits: four of the five bands hold them all.
    const hashes: Hash64[] = Array.from({ length: 8192 }, (_, i) => [i, 0])
    const t = nearDuplicateGroups(hashes, 4, 1_000_000)
    expect(t.partial).toBe(true)
    expect(t.groups.length).toBeGreaterThanOrEqual(1)
  })
})
