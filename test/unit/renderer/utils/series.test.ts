import { describe, expect, test } from 'vitest'
import {
  displayPoints,
  emaSmooth,
  lowerBound,
  lttb,
  sliceRange,
  type XY
} from '../../../../src/renderer/src/utils/series'

const line = (n: number, f: (i: number) => number = (i) => i): XY[] =>
  Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }))

describe('lttb', () => {
  test('returns the input when it is already small enough', () => {
    const pts = line(10)
    expect(lttb(pts, 10)).toBe(pts)
    expect(lttb(pts, 50)).toBe(pts)
  })

  test('keeps exactly `threshold` points, first and last included, in x order', () => {
    const pts = line(100_000, (i) => Math.sin(i / 100))
    const out = lttb(pts, 1000)
    expect(out).toHaveLength(1000)
    expect(out[0]).toBe(pts[0])
    expect(out[out.length - 1]).toBe(pts[pts.length - 1])
    for (let i = 1; i < out.length; i++) expect((out[i] as XY).x).toBeGreaterThan((out[i - 1] as XY).x)
  })

  test('keeps a single spike that every-n-th sampling would drop', () => {
    const pts = line(10_000, (i) => (i === 5_003 ? 100 : 0))
    const out = lttb(pts, 100)
    expect(out.some((p) => p.y === 100)).toBe(true)
  })

  test('only returns points of the input (no invented values)', () => {
    const pts = line(5_000, (i) => (i * 7919) % 13)
    const set = new Set(pts)
    for (const p of lttb(pts, 300)) expect(set.has(p)).toBe(true)
  })

  test('tiny thresholds', () => {
    const pts = line(10)
    expect(lttb(pts, 2)).toEqual([pts[0], pts[9]])
    expect(lttb(pts, 1)).toEqual([pts[0]])
    expect(lttb([], 5)).toEqual([])
  })
})

describe('emaSmooth', () => {
  test('weight 0 is the identity', () => {
    const pts = line(5)
    expect(emaSmooth(pts, 0)).toBe(pts)
  })

  test('is debiased: a constant series stays constant from the first point', () => {
    const out = emaSmooth(
      line(50, () => 3),
      0.9
    )
    for (const p of out) expect(p.y).toBeCloseTo(3, 10)
  })

  test('smooths noise and keeps x', () => {
    const pts = line(1000, (i) => (i % 2 ? 1 : -1))
    const out = emaSmooth(pts, 0.95)
    expect(Math.abs((out[999] as XY).y)).toBeLessThan(0.1)
    expect(out.map((p) => p.x)).toEqual(pts.map((p) => p.x))
  })

  test('non-finite values pass through without poisoning the average', () => {
    const out = emaSmooth(
      [
        { x: 0, y: 1 },
        { x: 1, y: Number.NaN },
        { x: 2, y: 1 }
      ],
      0.5
    )
    expect(out[1]?.y).toBeNaN()
    expect(out[2]?.y).toBeCloseTo(1, 10)
  })
})

describe('ranges', () => {
  test('lowerBound finds the first x >= value', () => {
    const pts = line(10)
    expect(lowerBound(pts, -1)).toBe(0)
    expect(lowerBound(pts, 3)).toBe(3)
    expect(lowerBound(pts, 3.5)).toBe(4)
    expect(lowerBound(pts, 99)).toBe(10)
  })

  test('sliceRange keeps one neighbour each side so lines reach the edges', () => {
    const out = sliceRange(line(100), 10, 20)
    expect(out[0]?.x).toBe(9)
    expect(out[out.length - 1]?.x).toBe(20)
  })

  test('displayPoints thins only the visible part of a zoomed chart', () => {
    const pts = line(100_000)
    const all = displayPoints(pts, 500)
    expect(all).toHaveLength(500)
    const zoomed = displayPoints(pts, 500, { min: 1000, max: 1100 })
    // 101 points in range + neighbours: under the limit, so every real point is drawn.
    expect(zoomed.length).toBe(102)
    expect(zoomed[1]?.x).toBe(1000)
  })
})
