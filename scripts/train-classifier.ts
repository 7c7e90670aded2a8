/**
 * Trains the small classifier behind "GAN Studio FD" on a built-in dataset and writes
 * `assets/classifiers/<dataset>/{model.json, weights.bin}` (a few hundred KB).
 *
 *   npx tsx scripts/train-classifier.ts mnist
 *   npx tsx scripts/train-classifier.ts fashion-mnist
 *
 * An MLP 784-128-32-10 (ReLU), trained with Adam on 90 % of the images; every tenth block of ten
 * (1000 images, all classes: the built-ins interleave classes) is held out for the accuracy
 * figure. Seeded so a rerun gives the same weights on the same backend. The
 * reference feature statistics (mean and covariance of the 32 penultimate features over every
 * image of the dataset) are stored with the weights.
 */
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadDataset } from '../src/main/engine/data/datasets'
import { Rng } from '../src/main/engine/rng'
import { tf } from '../src/main/engine/tf'
import { QualityClassifier, type ClassifierManifest } from '../src/main/engine/quality/classifier'
import { gaussianOf } from '../src/main/engine/quality/stats'

const UNITS = [128, 32, 10]
const EPOCHS = Number(process.env.EPOCHS ?? 10)
const BATCH = 128
/** Held out: blocks of 10 consecutive images, one block in ten (class-balanced). */
const heldOut = (i: number): boolean => Math.floor(i / 10) % 10 === 0

async function main(): Promise<void> {
  const dataset = process.argv[2] ?? 'mnist'
  const dataDir = process.env.GAN_STUDIO_HOME ?? path.join(os.tmpdir(), 'gan-studio-classifier-data')
  await tf.setBackend('cpu')
  const data = await loadDataset(dataDir, dataset)
  if (!data.labels) throw new Error(`Expected a labelled dataset, but ${dataset} has no labels`)
  const [h, w, c] = data.index.shape
  const px = h * w * c
  const n = data.index.count
  const trainIdx = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => !heldOut(i))
  const nTrain = trainIdx.length
  const x = new Float32Array(n * px)
  for (let i = 0; i < x.length; i++) x[i] = (data.images[i] as number) / 127.5 - 1
  const rng = new Rng(20261127)
  const dims = [px, ...UNITS]
  const vars: tf.Variable[] = []
  const names: Array<{ name: string; shape: number[] }> = []
  for (let i = 0; i < UNITS.length; i++) {
    const fanIn = dims[i] as number
    const fanOut = dims[i + 1] as number
    vars.push(
      tf.variable(tf.tensor2d(rng.normalArray(fanIn * fanOut, Math.sqrt(2 / fanIn)), [fanIn, fanOut]))
    )
    vars.push(tf.variable(tf.zeros([fanOut])))
    names.push(
      { name: `dense${i}/kernel`, shape: [fanIn, fanOut] },
      { name: `dense${i}/bias`, shape: [fanOut] }
    )
  }
  const forward = (xb: tf.Tensor2D): tf.Tensor2D => {
    let hcur = xb
    for (let i = 0; i < UNITS.length; i++) {
      hcur = tf.add(tf.matMul(hcur, vars[2 * i] as tf.Tensor2D), vars[2 * i + 1] as tf.Tensor) as tf.Tensor2D
      if (i < UNITS.length - 1) hcur = tf.relu(hcur)
    }
    return hcur
  }
  const opt = tf.train.adam(2e-3)
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const perm = rng.permutation(nTrain)
    let lossSum = 0
    let batches = 0
    for (let b = 0; b + BATCH <= nTrain; b += BATCH) {
      const xb = new Float32Array(BATCH * px)
      const yb = new Int32Array(BATCH)
      for (let k = 0; k < BATCH; k++) {
        const i = trainIdx[perm[b + k] as number] as number
        // Light augmentation (random 0-2 px shift) so the features are not brittle to GAN jitter.
        const dx = rng.int(5) - 2
        const dy = rng.int(5) - 2
        for (let yy = 0; yy < h; yy++) {
          for (let xx = 0; xx < w; xx++) {
            const sy = yy - dy
            const sx = xx - dx
            const v = sy >= 0 && sy < h && sx >= 0 && sx < w ? (x[i * px + sy * w + sx] as number) : -1
            xb[k * px + yy * w + xx] = v
          }
        }
        yb[k] = data.labels[i] as number
      }
      const loss = tf.tidy(() => {
        const xt = tf.tensor2d(xb, [BATCH, px])
        const yt = tf.oneHot(tf.tensor1d(yb, 'int32'), UNITS[UNITS.length - 1] as number)
        return opt.minimize(
          () => tf.losses.softmaxCrossEntropy(yt, forward(xt)) as tf.Scalar,
          true
        ) as tf.Scalar
      })
      lossSum += (await loss.data())[0] ?? 0
      loss.dispose()
      batches += 1
    }
    console.log(`epoch ${epoch + 1}/${EPOCHS}: loss ${(lossSum / batches).toFixed(4)}`)
  }
  const values: number[] = []
  const flat: Float32Array[] = []
  for (const v of vars) flat.push((await v.data()) as Float32Array)
  const total = flat.reduce((a, f) => a + f.length, 0)
  const all = new Float32Array(total)
  let off = 0
  for (const f of flat) {
    all.set(f, off)
    off += f.length
  }
  void values
  const manifest: ClassifierManifest = {
    format: 'gan-studio-classifier',
    version: 1,
    dataset,
    labelNames: data.index.labelNames,
    input: [h, w, c],
    units: UNITS,
    weights: names,
    reference: { count: n, mean: [], cov: [] },
    testAccuracy: 0
  }
  const clf = QualityClassifier.fromData(manifest, all)
  const xt = tf.tensor4d(x, [n, h, w, c])
  const { features, predicted } = await clf.embed(xt)
  xt.dispose()
  let correct = 0
  let held = 0
  for (let i = 0; i < n; i++) {
    if (!heldOut(i)) continue
    held += 1
    if (predicted[i] === data.labels[i]) correct += 1
  }
  const ref = gaussianOf(features, n, clf.featureDim)
  const round = (v: number): number => Number(v.toPrecision(7))
  manifest.reference = { count: n, mean: Array.from(ref.mean, round), cov: Array.from(ref.cov, round) }
  manifest.testAccuracy = correct / held
  clf.dispose()
  const out = path.join(
    path.dirname(new URL(import.meta.url).pathname),
    '..',
    'assets',
    'classifiers',
    dataset
  )
  await fs.mkdir(out, { recursive: true })
  await fs.writeFile(path.join(out, 'weights.bin'), new Uint8Array(all.buffer))
  await fs.writeFile(path.join(out, 'model.json'), JSON.stringify(manifest) + '\n')
  console.log(
    `${dataset}: held-out accuracy ${(manifest.testAccuracy * 100).toFixed(1)}%, ${all.byteLength} bytes of weights -> ${out}`
  )
  tf.dispose(vars)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
