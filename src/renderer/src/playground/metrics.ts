/**
 * Mode coverage and sample quality of generated points against a target's modes: a mode is
 * covered when at least one generated point lies within 3σ of its centre; a sample is
 * high-quality when it lies within 3σ of some mode.
 */

export interface Coverage {
  /** Modes with at least one generated point within 3σ. */
  covered: number
  /** Number of modes of the target. */
  modes: number
  /** Share of generated points within 3σ of some mode, 0..1. */
  quality: number
}

export function coverage(points: Float32Array, n: number, modes: Float32Array, sigma: number): Coverage {
  const k = modes.length / 2
  const r2 = 9 * sigma * sigma
  const hit = new Uint8Array(k)
  let good = 0
  for (let s = 0; s < n; s++) {
    const x = points[2 * s]!
    const y = points[2 * s + 1]!
    let near = false
    for (let m = 0; m < k; m++) {
      const dx = x - modes[2 * m]!
      const dy = y - modes[2 * m + 1]!
      if (dx * dx + dy * dy <= r2) {
        hit[m] = 1
        near = true
      }
    }
    if (near) good++
  }
  let covered = 0
  for (let m = 0; m < k; m++) covered += hit[m]!
  return { covered, modes: k, quality: n > 0 ? good / n : 0 }
}
