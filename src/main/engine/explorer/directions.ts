/**
 * GANSpace-style directions (Härkönen et al. 2020): sample many latents, run the generator's first
 * layer, find the top principal components of those activations, and regress each component back
 * to latent space, giving latent directions that move the image along its main modes of variation.
 */
import { tf } from '../tf'
import { Rng } from '../rng'
import type { GeneratorModel } from './generator-model'

/** Principal latent directions, strongest first. */
export interface LatentDirections {
  /** Unit-length latent directions [count][latentDim]. */
  directions: Float32Array[]
  /** Share of the first layer's activation variance each component explains (0..1). */
  explained: number[]
  /** Standard deviation of the latents' coordinate along each direction (slider scale). */
  scale: number[]
}

/** Options of `computeDirections`. */
export interface DirectionOptions {
  /** Directions to return (default 8). */
  count?: number
  /** Latents sampled (default 2000). */
  samples?: number
  /** Power-iteration rounds (default 12). */
  iterations?: number
  /** Seed of the sampled latents (default 0: the same directions every time). */
  seed?: number
}

/** Index of the end of the first layer block (the first dense/conv and nothing after it). */
function firstLayerCount(g: GeneratorModel): number {
  const i = g.arch.layers.findIndex((l) => l.kind === 'dense' || l.kind === 'conv' || l.kind === 'convT')
  return i < 0 ? 1 : i + 1
}

/**
 * Computes `count` directions. PCA by block power iteration on the centred activations (never
 * forms the features×features covariance, which is 6272² for the 28 px DCGAN), then per
 * component the least-squares latent direction Σₙ cₙ zₙ / Σₙ cₙ² (the PCA coordinates are
 * uncorrelated, so the multi-output regression splits into one division per component).
 */
export async function computeDirections(
  g: GeneratorModel,
  opts: DirectionOptions = {}
): Promise<LatentDirections> {
  const samples = opts.samples ?? 2000
  const iterations = opts.iterations ?? 12
  const rng = new Rng(opts.seed ?? 0)
  const d = g.latentDim
  const zs = Array.from({ length: samples }, () => rng.normalArray(d))
  const { values, features } = await g.activations(zs, firstLayerCount(g))
  const count = Math.min(opts.count ?? 8, d, features, samples)
  const init = rng.normalArray(count * features)
  const [coeffs, variances, total] = tf.tidy(() => {
    const x = tf.tensor2d(values, [samples, features])
    const xc = tf.sub(x, tf.mean(x, 0, true))
    let q = tf.linalg.gramSchmidt(tf.tensor2d(init, [count, features])) as tf.Tensor2D
    for (let it = 0; it < iterations; it++) {
      const y = tf.matMul(xc, q, false, true) // [n, k]
      q = tf.linalg.gramSchmidt(tf.matMul(y, xc, true, false) as tf.Tensor2D) as tf.Tensor2D
    }
    const c = tf.matMul(xc, q, false, true) // PCA coordinates [n, k]
    return [c, tf.mean(tf.square(c), 0), tf.sum(tf.mean(tf.square(xc), 0))] as const
  })
  const [c, v, tot] = await Promise.all([coeffs.data(), variances.data(), total.data()])
  coeffs.dispose()
  variances.dispose()
  total.dispose()
  const order = Array.from({ length: count }, (_, k) => k).sort((a, b) => (v[b] ?? 0) - (v[a] ?? 0))
  const directions: Float32Array[] = []
  const explained: number[] = []
  const scale: number[] = []
  for (const k of order) {
    const dir = new Float64Array(d)
    let cc = 0
    for (let n = 0; n < samples; n++) {
      const cn = c[n * count + k] as number
      cc += cn * cn
      const z = zs[n] as Float32Array
      for (let i = 0; i < d; i++) dir[i] = (dir[i] as number) + cn * (z[i] as number)
    }
    let len = 0
    for (let i = 0; i < d; i++) {
      dir[i] = (dir[i] as number) / (cc || 1)
      len += (dir[i] as number) ** 2
    }
    len = Math.sqrt(len) || 1
    const unit = Float32Array.from(dir, (x) => x / len)
    // How far latents typically lie along this direction: the slider's "1".
    let s = 0
    for (const z of zs) {
      let p = 0
      for (let i = 0; i < d; i++) p += (z[i] as number) * (unit[i] as number)
      s += p * p
    }
    directions.push(unit)
    explained.push((v[k] ?? 0) / ((tot[0] ?? 0) || 1))
    scale.push(Math.sqrt(s / samples))
  }
  return { directions, explained, scale }
}
