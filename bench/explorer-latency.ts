/**
 * Explorer latency: latent → image for the default MNIST model (DCGAN 28×28×1, latent 64,
 * width 1) on the wasm backend, median and p90 over many single-image requests.
 *
 *   ours/generate     GeneratorModel.generate([z]) in-process (tensors → uint8 pixels)
 *   ours/png          the same plus PNG encoding (what explorer:generate returns per image)
 *   ours/worker       round trip through the inference worker process (IPC included), i.e. what
 *                     the studio's service sees
 *   peer/tfjs-layers  plain @tensorflow/tfjs: the exported Layers model, model.predict(z) + data()
 *                     on the same wasm backend in the same process
 *
 * Run: `npx tsx bench/explorer-latency.ts [--checkpoint <dir|runDir>] [--n 200] [--json]`. Without
 * --checkpoint a checkpoint with random weights of the default architecture is written to a temp
 * dir (latency does not depend on the weights' values). Not a test: nothing asserts on time.
 */
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tfjs from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { loadBackend } from '../src/main/engine/backend'
import { readCheckpoint } from '../src/main/engine/checkpoint/reader'
import { resolveCheckpoint } from '../src/main/engine/explorer/checkpoint-source'
import { GeneratorModel } from '../src/main/engine/explorer/generator-model'
import { InferenceEngine } from '../src/main/engine/explorer/inference'
import { latentForSeed } from '../src/main/engine/rng'
import { WEIGHTS_FILE } from '../src/main/engine/explorer/tfjs-export'
import { InferenceWorkerClient } from '../src/main/services/explorer/inference-client'
import { ForkWorkerLauncher } from '../src/main/services/worker-launcher'
import { makeFixtureRun } from '../test/unit/main/engine/explorer/fixture'
import { quantile, round } from './stats'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

async function time(
  n: number,
  fn: (i: number) => Promise<unknown>
): Promise<{ median: number; p90: number; min: number }> {
  for (let i = 0; i < 10; i++) await fn(1_000_000 + i) // warm-up: kernel compilation, caches
  const ms: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn(i)
    ms.push(performance.now() - t)
  }
  return { median: round(quantile(ms, 0.5)), p90: round(quantile(ms, 0.9)), min: round(Math.min(...ms)) }
}

async function main(): Promise<void> {
  const n = Number(arg('n') ?? 200)
  const json = process.argv.includes('--json')
  let dir = arg('checkpoint')
  if (!dir)
    dir = (await makeFixtureRun({ model: 'dcgan', latentDim: 64, width: 1, runId: 'bench-mnist-dcgan' }))
      .runDir
  const backend = await loadBackend('wasm')
  const resolved = await resolveCheckpoint(dir)
  const ckptDir = resolved.checkpoint.dir
  const g = GeneratorModel.fromCheckpoint(await readCheckpoint(ckptDir))
  const d = g.latentDim
  const results: Record<string, { median: number; p90: number; min: number }> = {}

  results['ours/generate'] = await time(n, (i) => g.generate([latentForSeed(i, d)]))
  const engine = new InferenceEngine('wasm')
  const ref = { checkpointDir: ckptDir }
  results['ours/png'] = await time(n, (i) => engine.imagePngs(ref, [latentForSeed(i, d)]))

  // Peer: the exported model in plain tfjs-layers, same backend, same process.
  const exportDir = mkdtempSync(path.join(os.tmpdir(), 'gs-bench-export-'))
  await engine.exportModel(ref, exportDir)
  const mj = JSON.parse(readFileSync(path.join(exportDir, 'model.json'), 'utf8')) as {
    modelTopology: object
    weightsManifest: Array<{ weights: tfjs.io.WeightsManifestEntry[] }>
  }
  const model = await tfjs.loadLayersModel(
    tfjs.io.fromMemory({
      modelTopology: mj.modelTopology,
      weightSpecs: mj.weightsManifest[0]?.weights ?? [],
      weightData: new Uint8Array(readFileSync(path.join(exportDir, WEIGHTS_FILE))).buffer
    })
  )
  results['peer/tfjs-layers'] = await time(n, async (i) => {
    const y = tfjs.tidy(() => model.predict(tfjs.tensor2d(latentForSeed(i, d), [1, d])) as tfjs.Tensor)
    await y.data()
    y.dispose()
  })
  model.dispose()

  const client = new InferenceWorkerClient({
    launcher: new ForkWorkerLauncher({
      script: path.join(__dirname, '../src/main/worker/inference-worker.ts'),
      execArgv: ['--import', 'tsx']
    }),
    backend: 'wasm'
  })
  const api = client.api()
  try {
    results['ours/worker'] = await time(n, (i) => api.imagePngs(ref, [latentForSeed(i, d)]))
  } finally {
    client.close()
  }
  g.dispose()

  const meta = {
    model: 'dcgan 28x28x1 latent 64 width 1',
    backend: backend.active,
    n,
    checkpoint: resolved.checkpoint.name,
    cpus: os.cpus().length,
    node: process.versions.node
  }
  if (json) process.stdout.write(JSON.stringify({ ...meta, results }) + '\n')
  else {
    process.stdout.write(
      `Explorer latency, single image, ${meta.model}, ${meta.backend}, n=${n} (${meta.cpus} cores)\n`
    )
    for (const [k, v] of Object.entries(results))
      process.stdout.write(
        `  ${k.padEnd(18)} median ${String(v.median).padStart(7)} ms   p90 ${String(v.p90).padStart(7)} ms   min ${String(v.min).padStart(7)} ms\n`
      )
  }
  process.exit(0)
}

void main()
