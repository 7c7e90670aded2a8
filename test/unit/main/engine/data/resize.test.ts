import { describe, expect, it } from 'vitest'
import { resizeDataset, resizeImages } from '../../../../../src/main/engine/data/resize'
import type { CachedDataset } from '../../../../../src/main/engine/data/cache'

describe('resizeImages', () => {
  it('shrinks by averaging the pixels each target pixel covers', () => {
    // One 4x4 grey image of 2x2 blocks: 0, 100 / 200, 40.
    const img = Uint8Array.from([0, 0, 100, 100, 0, 0, 100, 100, 200, 200, 40, 40, 200, 200, 40, 40])
    expect(Array.from(resizeImages(img, 1, 4, 1, 2))).toEqual([0, 100, 200, 40])
    // 3 → 2: each target pixel covers 1.5 source pixels per axis.
    const three = Uint8Array.from([0, 30, 60, 0, 30, 60, 0, 30, 60])
    expect(Array.from(resizeImages(three, 1, 3, 1, 2))).toEqual([10, 50, 10, 50])
  })

  it('enlarges bilinearly between pixel centres and keeps channels apart', () => {
    const rgb = Uint8Array.from([0, 255, 10, 200, 255, 10])
    // 1 row of 2 pixels is not square; use a 2x2 of two columns instead.
    const sq = Uint8Array.from([...rgb, ...rgb])
    const out = resizeImages(sq, 1, 2, 3, 4)
    const red = Array.from({ length: 4 }, (_, x) => out[x * 3])
    expect(red).toEqual([0, 50, 150, 200])
    expect(Array.from({ length: 4 }, (_, x) => out[x * 3 + 1])).toEqual([255, 255, 255, 255])
  })

  it('leaves a dataset of the asked size (or no size asked) untouched', () => {
    const data: CachedDataset = {
      index: {
        formatVersion: 1,
        id: 'd',
        name: 'd',
        builtin: false,
        source: 't',
        created: '',
        count: 2,
        shape: [2, 2, 1],
        labelNames: [],
        fingerprint: 'f',
        bytes: 8
      },
      images: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])
    }
    expect(resizeDataset(data, undefined)).toBe(data)
    expect(resizeDataset(data, 2)).toBe(data)
    const big = resizeDataset(data, 4)
    expect(big.index.shape).toEqual([4, 4, 1])
    expect(big.index.fingerprint).toBe('f')
    expect(big.images).toHaveLength(2 * 16)
  })
})
