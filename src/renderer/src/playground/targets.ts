/**
 * The 2-D target distributions. Each one is a sampler plus the "modes" that scenarios count: the
 * centres a generated point must come within 3σ of. Mixtures (ring, grid, single Gaussian) use
 * their own centres and σ; the curves (moons, spiral) and drawn points use eight anchors spread
 * along the data, with σ their noise, so "modes covered" means "reaches all parts of the shape".
 */
import type { Rng } from './rng'

export const TARGET_KINDS = ['ring', 'grid', 'moons', 'spiral', 'gaussian', 'drawn'] as const
export type TargetKind = (typeof TARGET_KINDS)[number]

export const TARGET_LABELS: Record<TargetKind, string> = {
  ring: 'Ring of 8 Gaussians',
  grid: '5×5 grid of Gaussians',
  moons: 'Two moons',
  spiral: 'Spiral',
  gaussian: 'Single Gaussian',
  drawn: 'Points you draw'
}

/** Half the width of the square the picture shows, centred on the origin. */
export const VIEW_EXTENT = 3

export interface Target {
  kind: TargetKind
  /** Writes n samples as x0, y0, x1, y1, … into out. */
  sample(n: number, rng: Rng, out: Float32Array): void
  /** Mode centres as x0, y0, x1, y1, … */
  modes: Float32Array
  /** The per-mode standard deviation used by the 3σ rule. */
  sigma: number
}

function mixture(kind: TargetKind, centres: number[], sigma: number): Target {
  const modes = Float32Array.from(centres)
  const k = modes.length / 2
  return {
    kind,
    modes,
    sigma,
    sample(n, rng, out) {
      for (let i = 0; i < n; i++) {
        const m = rng.int(k)
        out[2 * i] = modes[2 * m]! + sigma * rng.normal()
        out[2 * i + 1] = modes[2 * m + 1]! + sigma * rng.normal()
      }
    }
  }
}

/** A curve target: `at(t)` for t in [0, 1) plus Gaussian noise; anchors at eight evenly spaced t. */
function curve(kind: TargetKind, at: (t: number) => [number, number], sigma: number): Target {
  const anchors: number[] = []
  for (let i = 0; i < 8; i++) anchors.push(...at((i + 0.5) / 8))
  return {
    kind,
    modes: Float32Array.from(anchors),
    sigma,
    sample(n, rng, out) {
      for (let i = 0; i < n; i++) {
        const [x, y] = at(rng.uniform())
        out[2 * i] = x + sigma * rng.normal()
        out[2 * i + 1] = y + sigma * rng.normal()
      }
    }
  }
}

/** Two interleaved half circles (radius 1.2), centred on the origin. */
function moonAt(t: number): [number, number] {
  const upper = t < 0.5
  const a = Math.PI * (upper ? t * 2 : (t - 0.5) * 2)
  return upper
    ? [1.2 * Math.cos(a) - 0.6, 1.2 * Math.sin(a) - 0.3]
    : [0.6 - 1.2 * Math.cos(a), 0.3 - 1.2 * Math.sin(a)]
}

/** An Archimedean spiral over 1.5 turns, radius 0.3 to 2.5. */
function spiralAt(t: number): [number, number] {
  const a = t * 3 * Math.PI
  const r = 0.3 + 2.2 * t
  return [r * Math.cos(a), r * Math.sin(a)]
}

/**
 * Up to eight anchors for drawn points: farthest-point sampling from the first point, so the
 * anchors spread over whatever was drawn.
 */
export function drawnAnchors(points: Float32Array): Float32Array {
  const n = points.length / 2
  const picked: number[] = []
  if (n === 0) return new Float32Array(0)
  const dist = new Float64Array(n).fill(Infinity)
  let next = 0
  for (let k = 0; k < Math.min(8, n); k++) {
    picked.push(next)
    let best = -1
    let bestD = -1
    for (let i = 0; i < n; i++) {
      const dx = points[2 * i]! - points[2 * next]!
      const dy = points[2 * i + 1]! - points[2 * next + 1]!
      dist[i] = Math.min(dist[i]!, dx * dx + dy * dy)
      if (dist[i]! > bestD) {
        bestD = dist[i]!
        best = i
      }
    }
    if (bestD <= 0) break
    next = best
  }
  return Float32Array.from(picked.flatMap((i) => [points[2 * i]!, points[2 * i + 1]!]))
}

/** The noise around each drawn point. */
export const DRAWN_SIGMA = 0.08

/** Builds a target; `drawn` needs the drawn points (x, y pairs, at least one). */
export function makeTarget(kind: TargetKind, drawn: readonly (readonly [number, number])[] = []): Target {
  switch (kind) {
    case 'ring': {
      const c: number[] = []
      for (let i = 0; i < 8; i++)
        c.push(2 * Math.cos((2 * Math.PI * i) / 8), 2 * Math.sin((2 * Math.PI * i) / 8))
      return mixture(kind, c, 0.1)
    }
    case 'grid': {
      const c: number[] = []
      for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) c.push(i, j)
      return mixture(kind, c, 0.08)
    }
    case 'gaussian':
      return mixture(kind, [0.5, 0.5], 0.5)
    case 'moons':
      return curve(kind, moonAt, 0.08)
    case 'spiral':
      return curve(kind, spiralAt, 0.08)
    case 'drawn': {
      if (drawn.length === 0)
        throw new Error('Draw at least one point on the picture before training on drawn points.')
      const pts = Float32Array.from(drawn.flatMap((p) => [p[0], p[1]]))
      const n = drawn.length
      return {
        kind,
        modes: drawnAnchors(pts),
        sigma: DRAWN_SIGMA,
        sample(count, rng, out) {
          for (let i = 0; i < count; i++) {
            const m = rng.int(n)
            out[2 * i] = pts[2 * m]! + DRAWN_SIGMA * rng.normal()
            out[2 * i + 1] = pts[2 * m + 1]! + DRAWN_SIGMA * rng.normal()
          }
        }
      }
    }
  }
}
