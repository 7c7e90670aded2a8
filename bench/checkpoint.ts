/**
 * Checkpoint save/load time and size for the app's default MNIST model (issue: target save and
 * load < 0.5 s), with the same measurement of a peer: plain TensorFlow.js `model.save` of a
 * tf.layers model holding the same weights to a file handler (no hashes, no fsync, no optimizer
 * state: it does less work, and cannot resume a run exactly).
 *
 * Run: `npx tsx bench/checkpoint.ts [--json] [--repeat N]`.
 */
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tfl from '@tensorflow/tfjs'
import { loadBackend } from '../src/main/engine/backend'
import { readCheckpoint } from '../src/main/engine/checkpoint/reader'
import { readHostTensors, restoreTensors } from '../src/main/engine/checkpoint/trainer-io'
import { saveCheckpoint } from '../src/main/engine/checkpoint/writer'
import { CHECKPOINT_FORMAT_VERSION, type CheckpointState } from '../src/main/engine/checkpoint/format'
import { loadDataset } from '../src/main/engine/data/datasets'
import { buildArchs } from '../src/main/engine/models'
import { GanTrainer } from '../src/main/engine/trainer'
import { defaultHyperparams } from '../src/shared/hyperparams'

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    total += e.isDirectory() ? await dirBytes(p) : (await fs.stat(p)).size
  }
  return total
}

export interface CheckpointBench {
  model: string
  parameters: number
  ours: { saveMs: number; loadMs: number; bytes: number }
  peer: { saveMs: number; loadMs: number; bytes: number; what: string }
}

export async function benchCheckpoint(repeat = 5): Promise<CheckpointBench> {
  const report = await loadBackend('wasm')
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'gs-bench-ckpt-'))
  const config = defaultHyperparams()
  const data = await loadDataset(work, 'mnist')
  const trainer = new GanTrainer(config, data, buildArchs(config, data.index.shape))
  trainer.trainStep()
  const groups = trainer.tensorGroups()
  const parameters = [...groups.generator.values(), ...groups.discriminator.values()].reduce(
    (a, t) => a + t.size,
    0
  )
  const state = (step: number): CheckpointState => ({
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    step,
    cursor: trainer.cursor(),
    config,
    archs: trainer.archs,
    dataset: { id: 'mnist', fingerprint: data.index.fingerprint },
    backend: report.active,
    appVersion: 'bench',
    tfjsVersion: 'bench',
    time: new Date().toISOString(),
    runId: 'bench'
  })
  const ckDir = path.join(work, 'checkpoints')
  const save: number[] = []
  const load: number[] = []
  let bytes = 0
  for (let i = 1; i <= repeat; i++) {
    const t0 = performance.now()
    const dir = await saveCheckpoint(ckDir, state(i), await readHostTensors(trainer), { keep: 2 })
    save.push(performance.now() - t0)
    bytes = await dirBytes(dir)
    const t1 = performance.now()
    restoreTensors(trainer, await readCheckpoint(dir))
    await trainer.G.weights.values().next().value?.data()
    load.push(performance.now() - t1)
  }

  // Peer: the generator + discriminator weights as plain tf.layers models saved with model.save.
  await tfl.setBackend('cpu')
  const peerDir = path.join(work, 'peer')
  await fs.mkdir(peerDir)
  const weightsOf = (
    m: Map<string, { shape: number[] }>,
    vals: Map<string, Float32Array>
  ): tfl.LayersModel => {
    const inputs = tfl.input({ shape: [1] })
    const outputs: tfl.SymbolicTensor[] = []
    const tensors: tfl.Tensor[] = []
    for (const [name, t] of m) {
      const size = t.shape.reduce((a, b) => a * b, 1)
      const layer = tfl.layers.dense({
        units: size,
        useBias: false,
        name: name.replace(/\W/g, '_'),
        trainable: false
      })
      outputs.push(layer.apply(inputs) as tfl.SymbolicTensor)
      tensors.push(tfl.tensor(vals.get(name) ?? new Float32Array(size), [1, size]))
    }
    const model = tfl.model({ inputs, outputs })
    model.setWeights(tensors)
    return model
  }
  const host = await readHostTensors(trainer)
  const vals = new Map<string, Float32Array>()
  const shapes = new Map<string, { shape: number[] }>()
  for (const g of ['generator', 'discriminator'] as const)
    for (const t of host[g] ?? []) {
      vals.set(`${g}/${t.name}`, t.values)
      shapes.set(`${g}/${t.name}`, { shape: t.shape })
    }
  const model = weightsOf(shapes, vals)
  const peerSave: number[] = []
  const peerLoad: number[] = []
  let peerBytes = 0
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now()
    await model.save(
      tfl.io.withSaveHandler(async (artifacts) => {
        await fs.writeFile(
          path.join(peerDir, 'model.json'),
          JSON.stringify({
            modelTopology: artifacts.modelTopology,
            weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }]
          })
        )
        await fs.writeFile(
          path.join(peerDir, 'weights.bin'),
          new Uint8Array(artifacts.weightData as ArrayBuffer)
        )
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
      })
    )
    peerSave.push(performance.now() - t0)
    peerBytes = await dirBytes(peerDir)
    const t1 = performance.now()
    const json = JSON.parse(await fs.readFile(path.join(peerDir, 'model.json'), 'utf8')) as {
      modelTopology: object
      weightsManifest: Array<{ weights: tfl.io.WeightsManifestEntry[] }>
    }
    const bin = await fs.readFile(path.join(peerDir, 'weights.bin'))
    const loaded = await tfl.loadLayersModel(
      tfl.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0]?.weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)
      })
    )
    peerLoad.push(performance.now() - t1)
    loaded.dispose()
  }
  trainer.dispose()
  await fs.rm(work, { recursive: true, force: true })
  return {
    model: `default MNIST dcgan (width ${config.width}, latent ${config.latentDim}) + EMA + both Adams`,
    parameters,
    ours: { saveMs: median(save), loadMs: median(load), bytes },
    peer: {
      saveMs: median(peerSave),
      loadMs: median(peerLoad),
      bytes: peerBytes,
      what: 'tf.layers model.save of G+D weights only (no EMA, no optimizer, no hashes, no fsync)'
    }
  }
}

async function main(argv: string[]): Promise<void> {
  const repeat = Number(argv[argv.indexOf('--repeat') + 1]) || 5
  const r = await benchCheckpoint(argv.includes('--repeat') ? repeat : 5)
  if (argv.includes('--json')) {
    console.log(JSON.stringify(r))
    return
  }
  console.log(`Checkpoint bench: ${r.model}, ${r.parameters} parameters per G+D`)
  console.log('                 save (median)  load (median)  size')
  console.log(
    `GAN Studio       ${r.ours.saveMs.toFixed(0).padStart(9)} ms  ${r.ours.loadMs.toFixed(0).padStart(9)} ms  ${(r.ours.bytes / 1e6).toFixed(2)} MB`
  )
  console.log(
    `plain tfjs peer  ${r.peer.saveMs.toFixed(0).padStart(9)} ms  ${r.peer.loadMs.toFixed(0).padStart(9)} ms  ${(r.peer.bytes / 1e6).toFixed(2)} MB  (${r.peer.what})`
  )
  console.log(JSON.stringify(r))
}

if (process.argv[1]?.endsWith('checkpoint.ts')) void main(process.argv.slice(2))
