/**
 * Plain-JS statistics for the quality score: feature means and covariances, the Fréchet distance
 * between two Gaussians and class-coverage figures. Float64 throughout; dimensions are small (32).
 */

/** Mean vector and covariance matrix (row-major, d×d) of a set of feature vectors. */
export interface Gaussian {
  dim: number
  mean: Float64Array
  cov: Float64Array
}

/** Mean and (unbiased) covariance of `n` feature rows of length `dim`, stored row-major in `x`. */
export function gaussianOf(x: ArrayLike<number>, n: number, dim: number): Gaussian {
  if (n < 2) throw new Error(`Expected at least 2 feature rows, but got ${n}`)
  if (x.length !== n * dim) throw new Error(`Expected ${n * dim} feature values, but got ${x.length}`)
  const mean = new Float64Array(dim)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (x[i * dim + j] as number)
  for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) / n
  const cov = new Float64Array(dim * dim)
  const row = new Float64Array(dim)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = (x[i * dim + j] as number) - (mean[j] as number)
    for (let a = 0; a < dim; a++) {
      const ra = row[a] as number
      for (let b = a; b < dim; b++) cov[a * dim + b] = (cov[a * dim + b] as number) + ra * (row[b] as number)
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = (cov[a * dim + b] as number) / (n - 1)
      cov[a * dim + b] = v
      cov[b * dim + a] = v
    }
  }
  return { dim, mean, cov }
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations. Returns the eigenvalues
 * and the eigenvectors as columns of a row-major d×d matrix.
 */
export function symmetricEigen(
  m: ArrayLike<number>,
  d: number
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m as ArrayLike<number>)
  const v = new Float64Array(d * d)
  for (let i = 0; i < d; i++) v[i * d + i] = 1
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += (a[p * d + q] as number) ** 2
    if (off < 1e-22) break
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q] as number
        if (Math.abs(apq) < 1e-300) continue
        const app = a[p * d + p] as number
        const aqq = a[q * d + q] as number
        const theta = (aqq - app) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p] as number
          const akq = a[k * d + q] as number
          a[k * d + p] = c * akp - s * akq
          a[k * d + q] = s * akp + c * akq
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k] as number
          const aqk = a[q * d + k] as number
          a[p * d + k] = c * apk - s * aqk
          a[q * d + k] = s * apk + c * aqk
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p] as number
          const vkq = v[k * d + q] as number
          v[k * d + p] = c * vkp - s * vkq
          v[k * d + q] = s * vkp + c * vkq
        }
      }
    }
  }
  const values = new Float64Array(d)
  for (let i = 0; i < d; i++) values[i] = a[i * d + i] as number
  return { values, vectors: v }
}

/** Symmetric PSD square root (negative eigenvalues from round-off are clamped to 0). */
function sqrtPsd(m: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(m, d)
  const out = new Float64Array(d * d)
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(0, values[k] as number))
    if (s === 0) continue
    for (let i = 0; i < d; i++) {
      const vik = (vectors[i * d + k] as number) * s
      for (let j = 0; j < d; j++)
        out[i * d + j] = (out[i * d + j] as number) + vik * (vectors[j * d + k] as number)
    }
  }
  return out
}

function matMul(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k] as number
      if (aik === 0) continue
      for (let j = 0; j < d; j++) out[i * d + j] = (out[i * d + j] as number) + aik * (b[k * d + j] as number)
    }
  }
  return out
}

/**
 * Fréchet distance between two Gaussians: |μ1-μ2|² + Tr(Σ1 + Σ2 - 2 (Σ1 Σ2)^½), with the cross
 * term computed as Tr((√Σ1 Σ2 √Σ1)^½), which stays symmetric and so needs only Jacobi.
 */
export function frechetDistance(p: Gaussian, q: Gaussian): number {
  if (p.dim !== q.dim) throw new Error(`Expected features of the same size, but got ${p.dim} and ${q.dim}`)
  const d = p.dim
  let meanTerm = 0
  for (let i = 0; i < d; i++) meanTerm += ((p.mean[i] as number) - (q.mean[i] as number)) ** 2
  let trace = 0
  for (let i = 0; i < d; i++) trace += (p.cov[i * d + i] as number) + (q.cov[i * d + i] as number)
  const s1 = sqrtPsd(p.cov, d)
  const inner = matMul(matMul(s1, q.cov, d), s1, d)
  // Symmetrise away round-off before the eigen-decomposition.
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const v = ((inner[i * d + j] as number) + (inner[j * d + i] as number)) / 2
      inner[i * d + j] = v
      inner[j * d + i] = v
    }
  }
  const { values } = symmetricEigen(inner, d)
  let cross = 0
  for (const v of values) cross += Math.sqrt(Math.max(0, v))
  return Math.max(0, meanTerm + trace - 2 * cross)
}

/** How generated samples spread over the classifier's classes. */
export interface ClassCoverage {
  /** Share of classes predicted for at least `minShare` of the samples (0..1). */
  coverage: number
  /** Normalised entropy of the predicted-class histogram: 1 = perfectly even, 0 = one class. */
  evenness: number
  /** Predicted-class counts, one per class. */
  counts: number[]
}

/**
 * Class coverage from predicted classes. A class counts as covered when it gets at least
 * `minShare` of the samples (default: a quarter of its fair share, 1/(4K)), so a stray
 * misclassification does not count as coverage.
 */
export function classCoverage(
  predicted: ArrayLike<number>,
  numClasses: number,
  minShare = 1 / (4 * numClasses)
): ClassCoverage {
  const counts = new Array<number>(numClasses).fill(0)
  for (let i = 0; i < predicted.length; i++) {
    const c = predicted[i] as number
    if (c >= 0 && c < numClasses) counts[c] = (counts[c] as number) + 1
  }
  const n = Math.max(1, predicted.length)
  let covered = 0
  let h = 0
  for (const c of counts) {
    const p = c / n
    if (p >= minShare && c > 0) covered += 1
    if (p > 0) h -= p * Math.log(p)
  }
  return { coverage: covered / numClasses, evenness: numClasses > 1 ? h / Math.log(numClasses) : 1, counts }
}
