/**
 * Resizes a dataset's square images to the size a run trains at, once when the run opens.
 * Shrinking averages the source pixels each target pixel covers (area resampling, so fine
 * strokes do not alias away); enlarging interpolates bilinearly between pixel centres.
 */
import type { CachedDataset } from './cache'

/** Per target index: the source indices it reads and their weights (summing to 1). */
type Taps = Array<{ index: number[]; weight: number[] }>

function taps(from: number, to: number): Taps {
  const scale = from / to
  const out: Taps = []
  for (let o = 0; o < to; o++) {
    const index: number[] = []
    const weight: number[] = []
    if (scale >= 1) {
      // Area: the source interval [o*scale, (o+1)*scale) with partial pixels at its ends.
      const x0 = o * scale
      const x1 = x0 + scale
      for (let s = Math.floor(x0); s < Math.ceil(x1); s++) {
        const w = Math.min(x1, s + 1) - Math.max(x0, s)
        if (w > 1e-9) {
          index.push(Math.min(from - 1, s))
          weight.push(w / scale)
        }
      }
    } else {
      // Bilinear with half-pixel centres, clamped at the borders.
      const x = (o + 0.5) * scale - 0.5
      const s = Math.floor(x)
      const f = x - s
      index.push(Math.min(from - 1, Math.max(0, s)), Math.min(from - 1, Math.max(0, s + 1)))
      weight.push(1 - f, f)
    }
    out.push({ index, weight })
  }
  return out
}

/** Resizes `n` square images [n, from, from, c] (uint8) to [n, to, to, c]. */
export function resizeImages(images: Uint8Array, n: number, from: number, c: number, to: number): Uint8Array {
  if (from === to) return images
  const t = taps(from, to)
  const out = new Uint8Array(n * to * to * c)
  const row = new Float32Array(from * to * c)
  for (let i = 0; i < n; i++) {
    const src = i * from * from * c
    // Horizontal pass: every source row to `to` columns.
    for (let y = 0; y < from; y++) {
      for (let x = 0; x < to; x++) {
        const { index, weight } = t[x]!
        for (let k = 0; k < c; k++) {
          let v = 0
          for (let j = 0; j < index.length; j++)
            v += images[src + (y * from + index[j]!) * c + k]! * weight[j]!
          row[(y * to + x) * c + k] = v
        }
      }
    }
    // Vertical pass into the output.
    const dst = i * to * to * c
    for (let y = 0; y < to; y++) {
      const { index, weight } = t[y]!
      for (let x = 0; x < to; x++) {
        for (let k = 0; k < c; k++) {
          let v = 0
          for (let j = 0; j < index.length; j++) v += row[(index[j]! * to + x) * c + k]! * weight[j]!
          out[dst + (y * to + x) * c + k] = Math.min(255, Math.max(0, Math.round(v)))
        }
      }
    }
  }
  return out
}

/**
 * The dataset at `size` px: the same images, labels and fingerprint (it names the source data),
 * its shape saying the size trained at. Returned as is when it already has that size.
 */
export function resizeDataset(data: CachedDataset, size: number | undefined): CachedDataset {
  const [h, w, c] = data.index.shape
  if (size === undefined || (h === size && w === size)) return data
  if (h !== w) throw new Error(`Expected square images, but the dataset's are ${h}x${w}`)
  return {
    ...data,
    index: { ...data.index, shape: [size, size, c] },
    images: resizeImages(data.images, data.index.count, h, c, size)
  }
}
