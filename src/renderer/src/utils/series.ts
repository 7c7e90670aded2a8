/**
 * Pure helpers for chart series: smoothing, visible-range slicing and downsampling. The charts
 * keep every logged point and only thin what they draw, so zooming in shows the real data.
 */

/** One chart point. */
export interface XY {
  x: number
  y: number
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps the first and last point and, per
 * bucket, the point that spans the largest triangle with its neighbours, so peaks and dips
 * survive thinning far better than taking every n-th point. Returns the input (not a copy) when
 * it already has at most `threshold` points.
 */
export function lttb(points: readonly XY[], threshold: number): readonly XY[] {
  const n = points.length
  if (threshold >= n || threshold <= 0) return points
  if (threshold < 3) {
    const first = points[0] as XY
    const last = points[n - 1] as XY
    return threshold === 1 ? [first] : [first, last]
  }
  const out: XY[] = [points[0] as XY]
  const every = (n - 2) / (threshold - 2)
  let a = 0
  for (let i = 0; i < threshold - 2; i++) {
    // Average of the next bucket: the third corner of the triangle.
    const nextStart = Math.floor((i + 1) * every) + 1
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n)
    let avgX = 0
    let avgY = 0
    for (let j = nextStart; j < nextEnd; j++) {
      const p = points[j] as XY
      avgX += p.x
      avgY += p.y
    }
    const len = Math.max(nextEnd - nextStart, 1)
    avgX /= len
    avgY /= len

    const start = Math.floor(i * every) + 1
    const end = Math.floor((i + 1) * every) + 1
    const pa = points[a] as XY
    let maxArea = -1
    let chosen = start
    for (let j = start; j < end; j++) {
      const p = points[j] as XY
      const area = Math.abs((pa.x - avgX) * (p.y - pa.y) - (pa.x - p.x) * (avgY - pa.y))
      if (area > maxArea) {
        maxArea = area
        chosen = j
      }
    }
    out.push(points[chosen] as XY)
    a = chosen
  }
  out.push(points[n - 1] as XY)
  return out
}

/**
 * A running exponential moving average with TensorBoard's debiasing, so the first points are not
 * pulled towards zero. `weight` 0 returns its input; non-finite values pass through unsmoothed
 * and do not poison the average. The charts feed it point by point as metrics arrive.
 */
export class EmaSmoother {
  private readonly weight: number
  private last = 0
  private n = 0

  constructor(weight: number) {
    this.weight = Math.min(Math.max(weight, 0), 0.999)
  }

  next(y: number): number {
    if (!Number.isFinite(y) || this.weight === 0) return y
    this.last = this.last * this.weight + (1 - this.weight) * y
    this.n++
    return this.last / (1 - Math.pow(this.weight, this.n))
  }
}

/** `points` smoothed by an EmaSmoother. */
export function emaSmooth(points: readonly XY[], weight: number): readonly XY[] {
  if (weight <= 0) return points
  const ema = new EmaSmoother(weight)
  return points.map((p) => (Number.isFinite(p.y) ? { x: p.x, y: ema.next(p.y) } : p))
}

/** Index of the first point with x >= value (points sorted by x). */
export function lowerBound(points: readonly XY[], value: number): number {
  let lo = 0
  let hi = points.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((points[mid] as XY).x < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The points inside [min, max] plus one neighbour on each side, so the line still runs to the
 * edges of a zoomed chart.
 */
export function sliceRange(points: readonly XY[], min: number, max: number): readonly XY[] {
  if (points.length === 0) return points
  const from = Math.max(lowerBound(points, min) - 1, 0)
  const to = Math.min(lowerBound(points, max) + 1, points.length)
  if (from === 0 && to === points.length) return points
  return points.slice(from, to)
}

/** What the chart draws: the visible slice of a series, thinned to about `maxPoints`. */
export function displayPoints(
  points: readonly XY[],
  maxPoints: number,
  range?: { min: number; max: number }
): readonly XY[] {
  const visible = range ? sliceRange(points, range.min, range.max) : points
  return lttb(visible, maxPoints)
}
