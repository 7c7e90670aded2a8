/**
 * Nearest training images of a generated sample, by L2 distance in pixel space: the usual quick
 * memorisation check (a sample that is a near copy of a training image means the generator
 * memorised rather than learned the distribution).
 */

/** One neighbour. */
export interface Neighbour {
  /** Index in the dataset. */
  index: number
  /** Root-mean-square pixel difference, 0..1 (0 = identical). */
  rms: number
}

/** Result of `nearestImages`. */
export interface NearestResult {
  neighbours: Neighbour[]
  /** True when the closest image is within `threshold` RMS: probably memorised. */
  memorised: boolean
  threshold: number
}

/** RMS distance (0..1) below which a sample counts as a copy of a training image. */
export const MEMORISATION_RMS = 0.04

/**
 * The `k` training images closest to `sample` (uint8, same [h, w, c] as the dataset). `images` is
 * the dataset cache's interleaved uint8 pixels [count, h, w, c].
 */
export function nearestImages(
  sample: Uint8Array,
  images: Uint8Array,
  k = 8,
  threshold = MEMORISATION_RMS
): NearestResult {
  const size = sample.length
  if (size === 0 || images.length % size !== 0) {
    throw new Error(
      `Expected dataset images of ${size} bytes each, but the dataset holds ${images.length} bytes`
    )
  }
  const count = images.length / size
  const best: Array<{ index: number; d: number }> = []
  for (let n = 0; n < count; n++) {
    const off = n * size
    let d = 0
    const worst = best.length === k ? (best[k - 1] as { d: number }).d : Infinity
    for (let i = 0; i < size && d < worst; i++) {
      const e = (images[off + i] as number) - (sample[i] as number)
      d += e * e
    }
    if (d >= worst) continue
    let j = best.length === k ? k - 1 : best.length
    if (best.length < k) best.push({ index: n, d })
    while (j > 0 && (best[j - 1] as { d: number }).d > d) {
      best[j] = best[j - 1] as { index: number; d: number }
      j--
    }
    best[j] = { index: n, d }
  }
  const neighbours = best.map((b) => ({ index: b.index, rms: Math.sqrt(b.d / size) / 255 }))
  return { neighbours, memorised: (neighbours[0]?.rms ?? Infinity) < threshold, threshold }
}
