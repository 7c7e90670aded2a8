/**
 * GAN Studio FD and class coverage with the shipped MNIST and Fashion-MNIST classifiers: real images score far
 * better than noise and than a collapsed generator (one image repeated); coverage and evenness
 * tell the collapsed set apart. Also the Fréchet distance maths on known Gaussians.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadBackend } from '../../../../../src/main/engine/backend'
import { BUILTINS, convertBuiltin } from '../../../../../src/main/engine/data/builtin'
import {
  classCoverage,
  frechetDistance,
  gaussianOf,
  loadQualityClassifier,
  scorePixels,
  type QualityClassifier
} from '../../../../../src/main/engine/quality'
import { Rng } from '../../../../../src/main/engine/rng'
import { tf } from '../../../../../src/main/engine/tf'

describe('Fréchet distance', () => {
  it('is 0 for the same Gaussian and |Δμ|² + trace terms for known ones', () => {
    const d = 3
    const p = {
      dim: d,
      mean: Float64Array.from([0, 0, 0]),
      cov: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1])
    }
    expect(frechetDistance(p, p)).toBeCloseTo(0, 8)
    // Σ2 = 4I: Tr(I + 4I - 2·2I) = 3; plus |μ|² = 4.
    const q = {
      dim: d,
      mean: Float64Array.from([2, 0, 0]),
      cov: Float64Array.from([4, 0, 0, 0, 4, 0, 0, 0, 4])
    }
    expect(frechetDistance(p, q)).toBeCloseTo(7, 6)
  })

  it('estimates mean and covariance', () => {
    const g = gaussianOf([1, 2, 3, 4, 5, 6], 3, 2)
    expect(Array.from(g.mean)).toEqual([3, 4])
    expect(Array.from(g.cov)).toEqual([4, 4, 4, 4])
  })

  it('coverage and evenness', () => {
    expect(classCoverage([0, 1, 2, 3], 4)).toMatchObject({ coverage: 1, evenness: 1 })
    const one = classCoverage([2, 2, 2, 2], 4)
    expect(one.coverage).toBe(0.25)
    expect(one.evenness).toBe(0)
  })
})

for (const [index, dataset] of [
  [0, 'mnist'],
  [1, 'fashion-mnist']
] as const) {
  describe(`GAN Studio FD on ${dataset}`, () => {
    let clf: QualityClassifier
    let images: Uint8Array
    beforeAll(async () => {
      await loadBackend('cpu')
      const c = await loadQualityClassifier(dataset)
      if (!c)
        throw new Error(
          `Expected the shipped classifier in assets/classifiers/${dataset}, but it is missing: run npx tsx scripts/train-classifier.ts ${dataset}`
        )
      clf = c
      images = (await convertBuiltin(BUILTINS[index] as (typeof BUILTINS)[number])).images
    })
    afterAll(() => clf.dispose())

    it('ships under 1 MB with a useful accuracy', () => {
      expect(clf.manifest.testAccuracy).toBeGreaterThan(0.8)
      expect(clf.featureDim).toBe(32)
    })

    it('ranks real images better than noise and than a collapsed generator', async () => {
      const n = 256
      const before = tf.memory().numTensors
      // Real: the first 256 digits (the built-in interleaves classes, so any prefix is balanced).
      const real = images.slice(0, n * 784)
      const rng = new Rng(9)
      const noise = Uint8Array.from({ length: n * 784 }, () => rng.int(256))
      const collapsed = new Uint8Array(n * 784)
      for (let i = 0; i < n; i++) collapsed.set(real.subarray(0, 784), i * 784)
      const r = await scorePixels(clf, real, [28, 28, 1])
      const z = await scorePixels(clf, noise, [28, 28, 1])
      const c = await scorePixels(clf, collapsed, [28, 28, 1])
      expect(tf.memory().numTensors).toBe(before)
      expect(r.fd).toBeLessThan(z.fd / 5)
      expect(r.fd).toBeLessThan(c.fd / 5)
      expect(r.classCoverage).toBe(1)
      expect(r.classEvenness).toBeGreaterThan(0.95)
      expect(c.classCoverage).toBe(0.1)
      expect(c.classEvenness).toBe(0)
      console.log(
        `GAN Studio FD: real ${r.fd.toFixed(2)}, noise ${z.fd.toFixed(2)}, collapsed ${c.fd.toFixed(2)}`
      )
    })
  })
}
