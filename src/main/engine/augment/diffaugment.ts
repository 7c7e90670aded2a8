/**
 * DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"):
 * the same kind of random augmentation is applied to real and generated images before D, with
 * differentiable ops so G's gradient flows through it. Policies follow the paper's reference code:
 *
 * | policy        | what                                                               |
 * |---------------|--------------------------------------------------------------------|
 * | `color`       | brightness +U(-0.5, 0.5); saturation ×U(0, 2); contrast ×U(0.5, 1.5) |
 * | `translation` | shift by up to 1/8 of the size in x and y, zero padding             |
 * | `cutout`      | one zeroed square of half the size at a random place                |
 *
 * Every random number comes from the run's seeded Rng (drawn in JS, per sample), so runs stay
 * deterministic and a resumed run draws the same augmentations (the Rng state is in the cursor).
 * Translation uses per-sample one-hot shift matrices and batched matMul instead of gather, so its
 * gradient only needs kernels every backend (including wasm) has.
 */
import type { AugmentKind } from '../../../shared/hyperparams'
import type { Rng } from '../rng'
import { tf } from '../tf'

/** Per-sample parameters of one augmentation call, drawn from the Rng. */
export interface AugmentParams {
  color?: { brightness: Float32Array; saturation: Float32Array; contrast: Float32Array }
  translation?: { dx: Int32Array; dy: Int32Array }
  cutout?: { x: Int32Array; y: Int32Array }
}

/** Draws the parameters of the given policies for a batch, in a fixed order. */
export function drawAugmentParams(
  policies: readonly AugmentKind[],
  batch: number,
  size: [number, number],
  rng: Rng
): AugmentParams {
  const [h, w] = size
  const out: AugmentParams = {}
  const uniform = (n: number, lo: number, hi: number): Float32Array => {
    const a = new Float32Array(n)
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.uniform()
    return a
  }
  for (const p of policies) {
    if (p === 'color') {
      out.color = {
        brightness: uniform(batch, -0.5, 0.5),
        saturation: uniform(batch, 0, 2),
        contrast: uniform(batch, 0.5, 1.5)
      }
    } else if (p === 'translation') {
      const sx = Math.floor(w / 8 + 0.5)
      const sy = Math.floor(h / 8 + 0.5)
      const dx = new Int32Array(batch)
      const dy = new Int32Array(batch)
      for (let i = 0; i < batch; i++) {
        dx[i] = rng.int(2 * sx + 1) - sx
        dy[i] = rng.int(2 * sy + 1) - sy
      }
      out.translation = { dx, dy }
    } else {
      const x = new Int32Array(batch)
      const y = new Int32Array(batch)
      for (let i = 0; i < batch; i++) {
        x[i] = rng.int(w)
        y[i] = rng.int(h)
      }
      out.cutout = { x, y }
    }
  }
  return out
}

/** Shift matrices [B, n, n]: row i of sample b picks source index i - d[b] (zero when outside). */
function shiftMatrices(d: Int32Array, n: number): tf.Tensor3D {
  const b = d.length
  const m = new Float32Array(b * n * n)
  for (let s = 0; s < b; s++) {
    const shift = d[s] as number
    for (let i = 0; i < n; i++) {
      const j = i - shift
      if (j >= 0 && j < n) m[s * n * n + i * n + j] = 1
    }
  }
  return tf.tensor3d(m, [b, n, n])
}

/** Applies drawn augmentations to images [B, H, W, C] in [-1, 1]. Call inside tidy (or a tape). */
export function applyAugment(
  x: tf.Tensor,
  params: AugmentParams,
  policies: readonly AugmentKind[]
): tf.Tensor {
  const [b, h, w, c] = x.shape as [number, number, number, number]
  let y = x
  for (const p of policies) {
    if (p === 'color' && params.color) {
      const { brightness, saturation, contrast } = params.color
      y = tf.add(y, tf.tensor4d(brightness, [b, 1, 1, 1]))
      const chanMean = tf.mean(y, 3, true)
      y = tf.add(tf.mul(tf.sub(y, chanMean), tf.tensor4d(saturation, [b, 1, 1, 1])), chanMean)
      const allMean = tf.mean(y, [1, 2, 3], true)
      y = tf.add(tf.mul(tf.sub(y, allMean), tf.tensor4d(contrast, [b, 1, 1, 1])), allMean)
    } else if (p === 'translation' && params.translation) {
      const { dx, dy } = params.translation
      // Rows: [B, H, W·C] left-multiplied by the row-shift matrices.
      y = tf.reshape(tf.matMul(shiftMatrices(dy, h), tf.reshape(y, [b, h, w * c])), [b, h, w, c])
      // Columns: bring W to the front, shift, put it back.
      const cols = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [b, w, h * c])
      y = tf.transpose(tf.reshape(tf.matMul(shiftMatrices(dx, w), cols), [b, w, h, c]), [0, 2, 1, 3])
    } else if (p === 'cutout' && params.cutout) {
      const { x: cx, y: cy } = params.cutout
      const ch = Math.floor(h / 2 + 0.5)
      const cw = Math.floor(w / 2 + 0.5)
      const mask = new Float32Array(b * h * w).fill(1)
      for (let s = 0; s < b; s++) {
        // As in the reference code: the square's centre is uniform, clipped at the borders.
        const y0 = (cy[s] as number) - Math.floor(ch / 2)
        const x0 = (cx[s] as number) - Math.floor(cw / 2)
        for (let i = Math.max(0, y0); i < Math.min(h, y0 + ch); i++) {
          for (let j = Math.max(0, x0); j < Math.min(w, x0 + cw); j++) mask[s * h * w + i * w + j] = 0
        }
      }
      y = tf.mul(y, tf.tensor4d(mask, [b, h, w, 1]))
    }
  }
  return y
}
