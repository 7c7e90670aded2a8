/**
 * The small MLP classifier behind "GAN Studio FD": trained by `scripts/train-classifier.ts` on a
 * built-in dataset and shipped as `assets/classifiers/<dataset>/{model.json, weights.bin}`.
 * Inputs are images in [-1, 1] (the generator's range); the penultimate layer's activations are
 * the features the Fréchet distance is computed on.
 */
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { tf } from '../tf'
import type { Gaussian } from './stats'

/** `model.json` of a shipped classifier. */
export interface ClassifierManifest {
  format: 'gan-studio-classifier'
  version: 1
  dataset: string
  labelNames: string[]
  /** Input shape [h, w, c]. */
  input: [number, number, number]
  /** Layer widths after the input: hidden..., features, classes. ReLU between, logits out. */
  units: number[]
  /** Tensors in `weights.bin`, in order (float32 little-endian). */
  weights: Array<{ name: string; shape: number[] }>
  /** Feature statistics of the dataset's real images (the FD reference). */
  reference: { count: number; mean: number[]; cov: number[] }
  /** Accuracy on held-out images at training time. */
  testAccuracy: number
}

/** A loaded classifier: weights on the active backend plus the reference statistics. */
export class QualityClassifier {
  private constructor(
    readonly manifest: ClassifierManifest,
    private readonly tensors: tf.Tensor[]
  ) {}

  /** Builds from a manifest and its raw float32 weights. */
  static fromData(manifest: ClassifierManifest, values: Float32Array): QualityClassifier {
    let off = 0
    const tensors: tf.Tensor[] = []
    for (const w of manifest.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1)
      if (off + n > values.length)
        throw new Error(
          `Expected weights.bin to hold ${off + n} values for ${w.name}, but it has ${values.length}`
        )
      tensors.push(tf.tensor(values.subarray(off, off + n), w.shape))
      off += n
    }
    if (off !== values.length)
      throw new Error(`Expected weights.bin to hold ${off} values, but it has ${values.length}`)
    return new QualityClassifier(manifest, tensors)
  }

  /** Loads `model.json` + `weights.bin` from a folder. */
  static async load(dir: string): Promise<QualityClassifier> {
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')) as ClassifierManifest
    if (manifest.format !== 'gan-studio-classifier')
      throw new Error(`Expected a gan-studio-classifier in ${dir}, but got format ${String(manifest.format)}`)
    const buf = await fs.readFile(path.join(dir, 'weights.bin'))
    const values = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
    return QualityClassifier.fromData(manifest, values)
  }

  get featureDim(): number {
    return this.manifest.units[this.manifest.units.length - 2] ?? 0
  }

  get numClasses(): number {
    return this.manifest.units[this.manifest.units.length - 1] ?? 0
  }

  /** The reference Gaussian of real features. */
  reference(): Gaussian {
    const r = this.manifest.reference
    return { dim: r.mean.length, mean: Float64Array.from(r.mean), cov: Float64Array.from(r.cov) }
  }

  /** Features (penultimate activations) and logits for images [N, H, W, C] in [-1, 1]. Call inside tidy. */
  forward(images: tf.Tensor): { features: tf.Tensor2D; logits: tf.Tensor2D } {
    let h = tf.reshape(images, [images.shape[0] ?? -1, -1]) as tf.Tensor2D
    const layers = this.tensors.length / 2
    let features = h
    for (let i = 0; i < layers; i++) {
      h = tf.add(
        tf.matMul(h, this.tensors[2 * i] as tf.Tensor2D),
        this.tensors[2 * i + 1] as tf.Tensor
      ) as tf.Tensor2D
      if (i < layers - 1) {
        h = tf.relu(h)
        features = h
      }
    }
    return { features, logits: h }
  }

  /** Features and predicted classes of uint8 or [-1, 1] images, read to the host. */
  async embed(images: tf.Tensor): Promise<{ features: Float32Array; predicted: Int32Array }> {
    const [f, p] = tf.tidy(() => {
      const { features, logits } = this.forward(images)
      return [features, tf.argMax(logits, 1)]
    })
    const features = (await f.data()) as Float32Array
    const predicted = Int32Array.from(await p.data())
    tf.dispose([f, p])
    return { features, predicted }
  }

  dispose(): void {
    tf.dispose(this.tensors)
  }
}

/**
 * The folder holding shipped classifiers: `GAN_STUDIO_ASSETS/classifiers` when set, else the
 * nearest `assets/classifiers` above this module (source tree, built `out/`, or the cwd).
 */
export function classifiersDir(): string | undefined {
  const env = process.env.GAN_STUDIO_ASSETS
  if (env) return path.join(env, 'classifiers')
  const starts: string[] = [process.cwd()]
  try {
    starts.unshift(path.dirname(fileURLToPath(import.meta.url)))
  } catch {
    // import.meta.url is unavailable in some bundles: the cwd still works.
  }
  for (const start of starts) {
    let dir = start
    for (let i = 0; i < 8; i++) {
      const candidate = path.join(dir, 'assets', 'classifiers')
      if (existsSync(candidate)) return candidate
      const up = path.dirname(dir)
      if (up === dir) break
      dir = up
    }
  }
  return undefined
}

/** The shipped classifier for a built-in dataset, or undefined when there is none. */
export async function loadQualityClassifier(dataset: string): Promise<QualityClassifier | undefined> {
  const root = classifiersDir()
  if (!root) return undefined
  const dir = path.join(root, dataset)
  if (!existsSync(path.join(dir, 'model.json'))) return undefined
  return QualityClassifier.load(dir)
}
