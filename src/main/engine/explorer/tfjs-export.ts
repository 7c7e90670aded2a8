/**
 * "Export model": the generator as a TensorFlow.js Layers model (model.json + one weights file)
 * that plain `@tensorflow/tfjs` loads with `tf.loadLayersModel`. We build the equivalent
 * tf.layers Sequential from the ArchSpec, set the checkpoint's (EMA) weights by name and save it
 * with an in-memory IO handler, then write the files and a README snippet next to them.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import * as tfl from '@tensorflow/tfjs-layers'
import { tf } from '../tf'
import type { ArchSpec, LayerSpec } from '../models/arch'
import type { GeneratorModel } from './generator-model'

/** Files written by an export. */
export interface ExportedModel {
  dir: string
  files: string[]
  bytes: number
}

/** Weight-file name of the export (one shard). */
export const WEIGHTS_FILE = 'generator.weights.bin'

type LayerAndWeights = { layer: tfl.layers.Layer; weights: string[] }

/** One tf.layers layer (and the names of its tensors, in the layer's weight order) per LayerSpec. */
function toLayer(l: LayerSpec, i: number, inputShape: number[] | undefined): LayerAndWeights {
  const n = `${l.kind}${i}`
  const first = inputShape ? { inputShape } : {}
  const name = { name: n }
  // Dense and conv layers hold their kernel, then their bias when they have one.
  const kernelAndBias = 'bias' in l && l.bias ? [`${n}/kernel`, `${n}/bias`] : [`${n}/kernel`]
  switch (l.kind) {
    case 'dense':
      return {
        layer: tfl.layers.dense({ ...first, ...name, units: l.units, useBias: l.bias }),
        weights: kernelAndBias
      }
    case 'reshape':
      return { layer: tfl.layers.reshape({ ...first, ...name, targetShape: l.shape }), weights: [] }
    case 'flatten':
      return { layer: tfl.layers.flatten({ ...first, ...name }), weights: [] }
    case 'conv':
      return {
        layer: tfl.layers.conv2d({
          ...first,
          ...name,
          filters: l.filters,
          kernelSize: l.kernel,
          strides: l.stride,
          padding: 'same',
          useBias: l.bias
        }),
        weights: kernelAndBias
      }
    case 'convT':
      return {
        layer: tfl.layers.conv2dTranspose({
          ...first,
          ...name,
          filters: l.filters,
          kernelSize: l.kernel,
          strides: l.stride,
          padding: 'same',
          useBias: l.bias
        }),
        weights: kernelAndBias
      }
    case 'bn':
      return {
        layer: tfl.layers.batchNormalization({
          ...first,
          ...name,
          axis: -1,
          momentum: l.momentum,
          epsilon: l.epsilon
        }),
        weights: [`${n}/gamma`, `${n}/beta`, `${n}/movingMean`, `${n}/movingVariance`]
      }
    case 'relu':
      return { layer: tfl.layers.reLU({ ...first, ...name }), weights: [] }
    case 'lrelu':
      return { layer: tfl.layers.leakyReLU({ ...first, ...name, alpha: l.alpha }), weights: [] }
    case 'tanh':
      return { layer: tfl.layers.activation({ ...first, ...name, activation: 'tanh' }), weights: [] }
  }
}

/**
 * Builds a tf.layers Sequential equivalent to `arch` with the given tensors. The caller disposes
 * the model. Throws when a tensor is missing or has another shape.
 */
export function buildLayersModel(
  arch: ArchSpec,
  tensors: ReadonlyMap<string, { shape: number[]; values: Float32Array }>
): tfl.Sequential {
  const model = tfl.sequential({ name: 'gan_studio_generator' })
  const pending: LayerAndWeights[] = []
  arch.layers.forEach((l, i) => {
    const lw = toLayer(l, i, i === 0 ? arch.input : undefined)
    model.add(lw.layer)
    pending.push(lw)
  })
  for (const { layer, weights } of pending) {
    if (weights.length === 0) continue
    const values = weights.map((name) => {
      const t = tensors.get(name)
      if (!t) throw new Error(`Cannot export: the generator has no tensor ${name}`)
      return tf.tensor(t.values, t.shape)
    })
    try {
      layer.setWeights(values)
    } finally {
      for (const v of values) v.dispose()
    }
  }
  return model
}

/** A README snippet that loads the export in a browser or Node. */
export function exportReadme(o: {
  latentDim: number
  imageShape: number[]
  runId?: string
  checkpoint?: string
  step?: number
  ema: boolean
  appVersion: string
}): string {
  const [h, w, c] = o.imageShape
  return `# GAN Studio generator

Exported by GAN Studio ${o.appVersion}${o.runId ? ` from run \`${o.runId}\`` : ''}${o.checkpoint ? `, checkpoint \`${o.checkpoint}\`` : ''}${o.step !== undefined ? ` (step ${o.step})` : ''}, ${o.ema ? 'EMA weights' : 'raw generator weights'}.

- input: a latent vector of ${o.latentDim} numbers drawn from N(0, 1), shape \`[batch, ${o.latentDim}]\`
- output: images in [-1, 1], shape \`[batch, ${h}, ${w}, ${c}]\` (map to pixels with \`(x + 1) * 127.5\`)

Files: \`model.json\` (tf.layers topology + weights manifest) and \`${WEIGHTS_FILE}\`. Keep them together.

\`\`\`js
import * as tf from '@tensorflow/tfjs'

// Browser: serve this folder and load it by URL.
const model = await tf.loadLayersModel('/path/to/model.json')
// Node without tfjs-node: tf.io.fromMemory with the two files read from disk, e.g.
//   const json = JSON.parse(fs.readFileSync('model.json', 'utf8'))
//   const weightData = new Uint8Array(fs.readFileSync('${WEIGHTS_FILE}')).buffer
//   const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology,
//     weightSpecs: json.weightsManifest[0].weights, weightData }))

const z = tf.randomNormal([16, ${o.latentDim}])
const images = tf.tidy(() => model.predict(z).add(1).mul(127.5).clipByValue(0, 255).round())
// ${c === 1 ? 'Grey images: take images.squeeze([3]) before tf.browser.toPixels.' : 'RGB images: tf.browser.toPixels(images.div(255).slice(0, 1).squeeze([0]), canvas)'}
\`\`\`
`
}

/**
 * Writes `model.json`, the weights file and `README.md` into `outDir` (created if missing).
 * `extra` lands in model.json's `userDefinedMetadata` (provenance).
 */
export async function exportGenerator(
  g: GeneratorModel,
  outDir: string,
  meta: { readme: string; userDefinedMetadata: Record<string, unknown> }
): Promise<ExportedModel> {
  const model = buildLayersModel(g.arch, await g.namedValues())
  try {
    let artifacts: tf.io.ModelArtifacts | undefined
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
      })
    )
    if (!artifacts?.weightData || !artifacts.weightSpecs)
      throw new Error('tf.layers produced no weights to save')
    const weightData = artifacts.weightData
    const bytes = Array.isArray(weightData)
      ? Buffer.concat(weightData.map((b) => Buffer.from(b)))
      : Buffer.from(weightData as ArrayBuffer)
    const modelJson = {
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: 'GAN Studio',
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
      userDefinedMetadata: meta.userDefinedMetadata
    }
    await fs.mkdir(outDir, { recursive: true })
    const json = JSON.stringify(modelJson)
    await fs.writeFile(path.join(outDir, 'model.json'), json)
    await fs.writeFile(path.join(outDir, WEIGHTS_FILE), bytes)
    await fs.writeFile(path.join(outDir, 'README.md'), meta.readme)
    return {
      dir: outDir,
      files: ['model.json', WEIGHTS_FILE, 'README.md'],
      bytes: Buffer.byteLength(json) + bytes.length + Buffer.byteLength(meta.readme)
    }
  } finally {
    model.dispose()
  }
}
