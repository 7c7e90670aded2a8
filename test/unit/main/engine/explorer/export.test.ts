import { beforeAll, describe, expect, test } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tfjs from '@tensorflow/tfjs'
import { tf } from '../../../../../src/main/engine/tf'
import { InferenceEngine } from '../../../../../src/main/engine/explorer/inference'
import { interpolatePath, latentsForSeeds } from '../../../../../src/main/engine/explorer/latent'
import { readProvenance } from '../../../../../src/main/engine/explorer/provenance'
import { WEIGHTS_FILE } from '../../../../../src/main/engine/explorer/tfjs-export'
import { readPngText } from '../../../../../src/main/imaging/png'
import { makeFixtureRun } from './fixture'
import { parseGif } from './gif-parse'

describe('exports', () => {
  let mlp: Awaited<ReturnType<typeof makeFixtureRun>>
  let dcgan: Awaited<ReturnType<typeof makeFixtureRun>>
  const engine = new InferenceEngine('cpu')
  const out = mkdtempSync(path.join(os.tmpdir(), 'gs-export-'))
  beforeAll(async () => {
    mlp = await makeFixtureRun({ model: 'mlp', runId: 'run-mlp' })
    dcgan = await makeFixtureRun({ model: 'dcgan', latentDim: 8, width: 0.125, runId: 'run-dcgan' })
    await engine.ready()
  })

  test('PNG grid carries its provenance and it parses back to the exact latents', async () => {
    const seeds = [4, 5, 6]
    const zs = latentsForSeeds(seeds, 16)
    const png = await engine.gridPng({ checkpointDir: mlp.runDir }, zs, {
      columns: 2,
      scale: 3,
      truncation: 0.8,
      provenance: { kind: 'grid', seeds }
    })
    const text = readPngText(png)
    expect(text.run).toBe('run-mlp')
    expect(text.checkpoint).toBe('ckpt-000100')
    expect(text.step).toBe('100')
    expect(text.seed).toBe('4,5,6')
    expect(text.truncation).toBe('0.8')
    expect(text['app-version']).toMatch(/^\d+\.\d+\.\d+/)
    const p = readProvenance(png)
    expect(p).toMatchObject({
      kind: 'grid',
      runId: 'run-mlp',
      step: 100,
      ema: true,
      seeds,
      truncation: 0.8,
      columns: 2,
      scale: 3
    })
    p?.latents.forEach((z, i) => expect(Float32Array.from(z)).toEqual(zs[i]))
    // Size: 2 columns × 28 × 3 plus 1 px gaps; 2 rows.
    const buf = Buffer.from(png)
    expect([buf.readUInt32BE(16), buf.readUInt32BE(20)]).toEqual([2 * 84 + 3, 2 * 84 + 3])
  })

  test('a strip records the interpolation; a single image has no gap and its one latent', async () => {
    const [a, b] = latentsForSeeds([1, 2], 16) as [Float32Array, Float32Array]
    const strip = await engine.gridPng({ checkpointDir: mlp.runDir }, interpolatePath(a, b, 6, 'slerp'), {
      columns: 6,
      provenance: {
        kind: 'strip',
        seeds: [1, 2],
        latents: [a, b],
        interpolation: { mode: 'slerp', steps: 6, fromSeed: 1, toSeed: 2 }
      }
    })
    expect(readPngText(strip).interpolation).toBe('slerp 6 steps')
    expect(readProvenance(strip)?.interpolation).toEqual({ mode: 'slerp', steps: 6, fromSeed: 1, toSeed: 2 })
    expect(readProvenance(strip)?.latents).toHaveLength(2)
    const one = await engine.gridPng({ checkpointDir: mlp.runDir }, [a], {
      scale: 8,
      provenance: { kind: 'image', seeds: [1] }
    })
    expect(Buffer.from(one).readUInt32BE(16)).toBe(224)
    expect(readPngText(one).latent?.split(',')).toHaveLength(16)
    expect(readProvenance(new Uint8Array(Buffer.from(one)))?.seeds).toEqual([1])
  })

  test('GIF: frame count, size, delay and looping', async () => {
    const [a, b] = latentsForSeeds([1, 2], 8) as [Float32Array, Float32Array]
    const gif = await engine.gif({ checkpointDir: dcgan.runDir }, interpolatePath(a, b, 12, 'linear'), {
      fps: 10,
      scale: 2
    })
    const g = parseGif(gif)
    expect(g).toMatchObject({ version: 'GIF89a', width: 56, height: 56, frames: 12, loops: true })
    expect(g.delays).toEqual(Array(12).fill(10))
  })

  test('the exported tfjs model loads in plain @tensorflow/tfjs and reproduces the app for a seed', async () => {
    for (const [fixture, dim] of [
      [mlp, 16],
      [dcgan, 8]
    ] as const) {
      const dir = path.join(out, path.basename(fixture.runDir))
      const r = await engine.exportModel({ checkpointDir: fixture.runDir }, dir)
      expect(r.files).toEqual(['model.json', WEIGHTS_FILE, 'README.md'])
      const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
        format: string
        modelTopology: object
        weightsManifest: Array<{ paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }>
        userDefinedMetadata: { ganStudio: { runId: string; step: number } }
      }
      expect(json.format).toBe('layers-model')
      expect(json.userDefinedMetadata.ganStudio).toMatchObject({
        runId: path.basename(fixture.runDir),
        step: 100
      })
      expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('tf.loadLayersModel')
      const weightData = new Uint8Array(readFileSync(path.join(dir, WEIGHTS_FILE))).buffer
      const model = await tfjs.loadLayersModel(
        tfjs.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0]?.weights ?? [],
          weightData
        })
      )
      const zs = latentsForSeeds([11, 12], dim)
      const flat = new Float32Array(2 * dim)
      zs.forEach((z, i) => flat.set(z, i * dim))
      const y = tfjs.tidy(() => model.predict(tfjs.tensor2d(flat, [2, dim])) as tfjs.Tensor)
      const theirs = await y.data()
      y.dispose()
      model.dispose()
      const app = await engine.generate({ checkpointDir: fixture.runDir }, zs)
      let maxDiff = 0
      for (let i = 0; i < theirs.length; i++)
        maxDiff = Math.max(
          maxDiff,
          Math.abs(
            Math.min(255, Math.max(0, Math.round(((theirs[i] as number) + 1) * 127.5))) -
              (app.pixels[i] as number)
          )
        )
      // Same float maths up to summation order: at most one grey level of rounding difference.
      expect(maxDiff).toBeLessThanOrEqual(1)
    }
  })

  test('no tensors leak across renders and exports', async () => {
    const ref = { checkpointDir: dcgan.runDir }
    await engine.imagePngs(ref, latentsForSeeds([1], 8))
    const before = tf.memory().numTensors
    await engine.imagePngs(ref, latentsForSeeds([1, 2, 3], 8), 0.7, 2)
    await engine.gif(ref, latentsForSeeds([1, 2], 8), { fps: 12 })
    await engine.exportModel(ref, path.join(out, 'again'))
    expect(tf.memory().numTensors).toBe(before)
  })
})
