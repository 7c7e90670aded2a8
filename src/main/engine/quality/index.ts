/**
 * "GAN Studio FD" and class coverage: this app's own quality score on the built-in datasets. It
 * is the Fréchet distance between Gaussians fitted to a small shipped classifier's penultimate
 * features on real and on generated images. It tracks progress within a run and ranks runs on the
 * same dataset; it is NOT comparable to published FID numbers (those use Inception-v3 features
 * on 50k samples).
 */
import type { QualityScore as DomainQualityScore } from '../../../shared/domain'
import { tf } from '../tf'
import type { QualityClassifier } from './classifier'
import { classCoverage, frechetDistance, gaussianOf } from './stats'

export { QualityClassifier, classifiersDir, loadQualityClassifier } from './classifier'
export {
  classCoverage,
  frechetDistance,
  gaussianOf,
  symmetricEigen,
  type ClassCoverage,
  type Gaussian
} from './stats'

/** What is logged per sample interval (`StepMetrics.quality` in shared/domain.ts adds the step). */
export type QualityScore = Omit<DomainQualityScore, 'step'>

/** Scores a batch of generated images [N, H, W, C] in [-1, 1] (N ≥ 2; 256 or more recommended). */
export async function scoreImages(classifier: QualityClassifier, images: tf.Tensor): Promise<QualityScore> {
  const n = images.shape[0] ?? 0
  const { features, predicted } = await classifier.embed(images)
  const g = gaussianOf(features, n, classifier.featureDim)
  const cc = classCoverage(predicted, classifier.numClasses)
  return {
    fd: frechetDistance(g, classifier.reference()),
    classCoverage: cc.coverage,
    classEvenness: cc.evenness,
    samples: n
  }
}

/** Scores uint8 NHWC pixels (e.g. dataset images) by scaling them to [-1, 1] first. */
export async function scorePixels(
  classifier: QualityClassifier,
  pixels: Uint8Array,
  shape: [number, number, number]
): Promise<QualityScore> {
  const [h, w, c] = shape
  const n = pixels.length / (h * w * c)
  const t = tf.tidy(() => tf.sub(tf.div(tf.tensor4d(Float32Array.from(pixels), [n, h, w, c]), 127.5), 1))
  try {
    return await scoreImages(classifier, t)
  } finally {
    t.dispose()
  }
}
