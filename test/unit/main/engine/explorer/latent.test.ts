import { describe, expect, test } from 'vitest'
import {
  interpolatePath,
  latentsForSeeds,
  lerp,
  moveAlong,
  parseSeeds,
  slerp,
  truncate
} from '../../../../../src/main/engine/explorer/latent'
import { latentForSeed } from '../../../../../src/main/engine/rng'

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0))
}
function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((s, x, i) => s + x * (b[i] as number), 0)
}
/** Two vectors of equal norm at a given angle. */
function equalNorm(dim: number): [Float32Array, Float32Array] {
  const a = latentForSeed(1, dim)
  const b0 = latentForSeed(2, dim)
  const s = norm(a) / norm(b0)
  return [a, b0.map((x) => x * s)]
}

describe('lerp', () => {
  test('endpoints are exact copies and the midpoint is the mean', () => {
    const [a, b] = [latentForSeed(1, 16), latentForSeed(2, 16)]
    expect(lerp(a, b, 0)).toEqual(a)
    expect(lerp(a, b, 1)).toEqual(b)
    expect(lerp(a, b, 0)).not.toBe(a)
    const m = lerp(a, b, 0.5)
    m.forEach((v, i) => expect(v).toBeCloseTo(((a[i] as number) + (b[i] as number)) / 2, 6))
  })
  test('refuses latents of different sizes', () => {
    expect(() => lerp(new Float32Array(3), new Float32Array(4), 0.5)).toThrow(
      'Expected latents of the same size, but got 3 and 4'
    )
  })
})

describe('slerp', () => {
  test('endpoints are exact', () => {
    const [a, b] = [latentForSeed(3, 64), latentForSeed(4, 64)]
    expect(slerp(a, b, 0)).toEqual(a)
    expect(slerp(a, b, 1)).toEqual(b)
  })
  test('keeps the norm for equal-norm endpoints at every t', () => {
    const [a, b] = equalNorm(64)
    for (let t = 0; t <= 1.0001; t += 0.1) expect(norm(slerp(a, b, t))).toBeCloseTo(norm(a), 4)
    // lerp does not: the midpoint is shorter.
    expect(norm(lerp(a, b, 0.5))).toBeLessThan(norm(a) * 0.9)
  })
  test('moves at constant angular speed along the great circle', () => {
    const [a, b] = equalNorm(32)
    const omega = Math.acos(dot(a, b) / (norm(a) * norm(b)))
    const z = slerp(a, b, 0.25)
    expect(Math.acos(dot(a, z) / (norm(a) * norm(z)))).toBeCloseTo(omega * 0.25, 4)
    // The path is in the plane of a and b.
    const path = interpolatePath(a, b, 5, 'slerp')
    expect(path).toHaveLength(5)
    expect(path[2]).toEqual(slerp(a, b, 0.5))
  })
  test('lengths interpolate linearly for unequal norms', () => {
    const a = latentForSeed(5, 8)
    const b = latentForSeed(6, 8).map((x) => x * 3)
    expect(norm(slerp(a, b, 0.5))).toBeCloseTo((norm(a) + norm(b)) / 2, 4)
  })
  test('identical endpoints stay put; parallel ones fall back to lerp', () => {
    const a = latentForSeed(7, 16)
    for (const t of [0.1, 0.5, 0.9])
      slerp(a, a, t).forEach((v, i) => expect(v).toBeCloseTo(a[i] as number, 6))
    const b = a.map((x) => x * 2)
    slerp(a, b, 0.5).forEach((v, i) => expect(v).toBeCloseTo(1.5 * (a[i] as number), 5))
  })
  test('antipodal endpoints take a fixed great circle with constant norm and no NaN', () => {
    const a = latentForSeed(8, 16)
    const b = a.map((x) => -x)
    const mid = slerp(a, b, 0.5)
    expect(mid.every(Number.isFinite)).toBe(true)
    expect(norm(mid)).toBeCloseTo(norm(a), 4)
    expect(dot(mid, a)).toBeCloseTo(0, 3)
    expect(slerp(a, b, 0.5)).toEqual(mid)
    expect(norm(slerp(a, b, 0.3))).toBeCloseTo(norm(a), 4)
  })
  test('zero vectors do not produce NaN', () => {
    const z = new Float32Array(4)
    const b = Float32Array.from([1, 2, 3, 4])
    expect(slerp(z, b, 0.5).every(Number.isFinite)).toBe(true)
  })
  test('interpolatePath needs at least 2 steps', () => {
    expect(() => interpolatePath(new Float32Array(2), new Float32Array(2), 1, 'linear')).toThrow(
      'Expected steps to be an integer ≥ 2, but got 1'
    )
  })
})

describe('truncation, directions, seeds', () => {
  test('truncation scales towards zero or a given mean; ψ = 1 is identity', () => {
    const z = Float32Array.from([2, -4, 6])
    expect(truncate(z, 1)).toEqual(z)
    expect(Array.from(truncate(z, 0.5))).toEqual([1, -2, 3])
    expect(Array.from(truncate(z, 0))).toEqual([0, 0, 0])
    expect(Array.from(truncate(z, 0.5, Float32Array.from([2, 2, 2])))).toEqual([2, -1, 4])
    expect(() => truncate(z, -1)).toThrow('Expected truncation to be a number ≥ 0')
  })
  test('moveAlong adds scaled directions', () => {
    const z = Float32Array.from([1, 1])
    expect(Array.from(moveAlong(z, [Float32Array.from([1, 0]), Float32Array.from([0, 1])], [2, -1]))).toEqual(
      [3, 0]
    )
  })
  test('seed k gives the same latent every time', () => {
    expect(latentsForSeeds([5, 6], 32)).toEqual([latentForSeed(5, 32), latentForSeed(6, 32)])
    expect(latentsForSeeds([5], 32)[0]).toEqual(latentsForSeeds([5], 32)[0])
  })
  test('parseSeeds reads ranges and lists and refuses backwards ranges', () => {
    expect(parseSeeds('1-4')).toEqual([1, 2, 3, 4])
    expect(parseSeeds('7')).toEqual([7])
    expect(parseSeeds('1,3,10-11')).toEqual([1, 3, 10, 11])
    expect(() => parseSeeds('5-1')).toThrow(
      "the seed range '5-1' runs backwards; write it low-high, e.g. 1-5"
    )
    expect(() => parseSeeds('a-b')).toThrow('expected seeds like 1-64')
    expect(() => parseSeeds('1,,2')).toThrow('expected seeds like 1-64')
    expect(() => parseSeeds('0-99999')).toThrow('at most 4096 seeds')
  })
})
