import { describe, expect, it } from 'vitest'
import { resizeGrey } from '../../../../../src/main/services/datasets/resample'
import { pattern } from '../../../../fixtures/images'

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] ?? 0) - (b[i] ?? 0))
  return s / a.length
}

describe('resizeGrey', () => {
  it('keeps a constant image constant and copies when the size is unchanged', () => {
    const flat = new Uint8Array(28 * 28).fill(77)
    expect(resizeGrey(flat, 28, 28, 64, 64).every((v) => v === 77)).toBe(true)
    expect(resizeGrey(flat, 28, 28, 20, 20).every((v) => v === 77)).toBe(true)
    expect(resizeGrey(flat, 28, 28, 28, 28)).toEqual(flat)
  })

  it('halving is the exact 2x2 mean', () => {
    const src = new Uint8Array(pattern(8, 8, 3, 1))
    const out = resizeGrey(src, 8, 8, 4, 4)
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        const m =
          (src[2 * y * 8 + 2 * x]! +
            src[2 * y * 8 + 2 * x + 1]! +
            src[(2 * y + 1) * 8 + 2 * x]! +
            src[(2 * y + 1) * 8 + 2 * x + 1]!) /
          4
        expect(Math.abs(out[y * 4 + x]! - m)).toBeLessThanOrEqual(0.5)
      }
  })

  it('doubling then halving gives the source back (centre-aligned geometry, no shift)', () => {
    const src = new Uint8Array(pattern(28, 28, 5, 1))
    const back = resizeGrey(resizeGrey(src, 28, 28, 56, 56), 56, 56, 28, 28)
    expect(meanAbsDiff(src, back)).toBeLessThan(3)
  })

  it('keeps a horizontal ramp a ramp when enlarging 28 -> 32', () => {
    const src = new Uint8Array(28 * 28)
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) src[y * 28 + x] = x * 9
    const out = resizeGrey(src, 28, 28, 32, 32)
    const row = Array.from(out.subarray(0, 32))
    for (let x = 1; x < 32; x++) expect(row[x]!).toBeGreaterThanOrEqual(row[x - 1]!)
    expect(row[0]).toBe(0)
    expect(row[31]).toBe(243)
    expect(Array.from(out.subarray(31 * 32, 32 * 32))).toEqual(row)
  })
})
