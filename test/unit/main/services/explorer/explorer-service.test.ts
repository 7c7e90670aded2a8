import { beforeAll, describe, expect, test } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { StudioService } from '../../../../../src/main/services/studio-service'
import { FileSettingsStore } from '../../../../../src/main/services/settings'
import { ExplorerService } from '../../../../../src/main/services/explorer/explorer-service'
import { InferenceEngine } from '../../../../../src/main/engine/explorer/inference'
import { writeRunRecord } from '../../../../../src/main/engine/runs/store'
import type { WorkerLauncher } from '../../../../../src/main/services/worker-launcher'
import { latentForSeed } from '../../../../../src/main/engine/rng'
import { readPngText } from '../../../../../src/main/imaging/png'
import type { RunRecord } from '../../../../../src/shared/domain'
import { OPEN_IMAGE_MAX_CHARS } from '../../../../../src/shared/contract'
import { pngHead } from '../../../../../src/shared/png-chunks'
import { compressedITxt, pngWithChunks, zlibBomb } from '../../../../fixtures/zlib-bomb'
import { makeFixtureRun } from '../../engine/explorer/fixture'

const noWorkers: WorkerLauncher = {
  launch: () => {
    throw new Error('no trainer in this test')
  }
}

describe('explorer requests through the StudioService (in-process inference)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gs-explorer-svc-'))
  let service: StudioService
  beforeAll(async () => {
    const f = await makeFixtureRun({ model: 'mlp', runId: 'svc-run' }, path.join(dataDir, 'runs'))
    const record: RunRecord = {
      id: 'svc-run',
      name: 'Service run',
      created: new Date(0).toISOString(),
      updated: new Date(0).toISOString(),
      config: f.config,
      dataset: { id: 'mnist', fingerprint: 'f'.repeat(64), count: 10, shape: [28, 28, 1] },
      backend: 'cpu',
      status: 'finished',
      step: 100,
      appVersion: '0.0.0-test'
    }
    await writeRunRecord(f.runDir, record)
    const explorer = new ExplorerService(dataDir, new InferenceEngine('cpu'), () => new Date(0))
    service = new StudioService({
      dataDir,
      settings: FileSettingsStore.forDataDir(dataDir),
      launcher: noWorkers,
      transport: 'serve',
      explorer,
      exporter: explorer
    })
  })

  test('info, latents, generate and interpolate', async () => {
    expect(await service.call('explorer:info', { runId: 'svc-run' })).toMatchObject({
      checkpoint: 'ckpt-000100',
      step: 100,
      latentDim: 16,
      imageShape: [28, 28, 1],
      ema: true,
      conditional: false
    })
    const { latents } = await service.call('explorer:latents', { runId: 'svc-run', seeds: [5] })
    expect(Float32Array.from(latents[0] ?? [])).toEqual(latentForSeed(5, 16))
    const bySeed = await service.call('explorer:generate', { runId: 'svc-run', source: { seeds: [5] } })
    const byLatent = await service.call('explorer:generate', { runId: 'svc-run', source: { latents } })
    expect(bySeed.images[0]).toMatch(/^data:image\/png;base64,/)
    expect(byLatent.images).toEqual(bySeed.images)
    const strip = await service.call('explorer:interpolate', {
      runId: 'svc-run',
      from: { seeds: [1] },
      to: { seeds: [2] },
      frames: 5,
      mode: 'linear'
    })
    expect(strip.frames).toHaveLength(5)
    expect(strip.frames[0]).toEqual(
      (await service.call('explorer:generate', { runId: 'svc-run', source: { seeds: [1] } })).images[0]
    )
  })

  test('bad input is refused with a message', async () => {
    await expect(
      service.call('explorer:generate', { runId: 'svc-run', source: { latents: [[1, 2, 3]] } })
    ).rejects.toThrow('Expected latents of 16 numbers for this model, but got one of 3')
    await expect(
      service.call('explorer:generate', {
        runId: 'svc-run',
        checkpoint: 'ckpt-000999',
        source: { seeds: [1] }
      })
    ).rejects.toThrow("no complete checkpoint 'ckpt-000999'")
    await expect(
      service.call('explorer:generate', { runId: 'nope', source: { seeds: [1] } })
    ).rejects.toThrow("There is no run 'nope'")
    await expect(
      service.call('explorer:openImage', { png: Buffer.from('not a png at all').toString('base64') })
    ).rejects.toThrow('That file is not a PNG image')
  })

  test('a PNG whose text inflates to gigabytes, or a payload over the limit, is refused with a message', async () => {
    const bomb = pngWithChunks(compressedITxt('gan-studio', zlibBomb(2048)))
    await expect(service.call('explorer:openImage', { png: bomb.toString('base64') })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/inflates to more than 8 MB: it is not an image exported by GAN Studio/)
    })
    await expect(
      service.call('explorer:openImage', { png: 'A'.repeat(OPEN_IMAGE_MAX_CHARS + 4) })
    ).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/too large to read here/)
    })
  })

  test('PNG and strip exports land in exports/ and open again with their latents', async () => {
    const png = await service.call('export:png', {
      runId: 'svc-run',
      source: { seeds: [9] },
      columns: 1,
      scale: 4
    })
    expect(png.path).toMatch(/^exports\/svc-run-ckpt-000100-seed9-.*\.png$/)
    const bytes = readFileSync(path.join(dataDir, png.path))
    expect(readPngText(bytes)).toMatchObject({ run: 'svc-run', seed: '9', checkpoint: 'ckpt-000100' })
    const opened = await service.call('explorer:openImage', { png: bytes.toString('base64') })
    // What the renderer sends (the chunks before the image data) opens the same way.
    expect(
      await service.call('explorer:openImage', { png: Buffer.from(pngHead(bytes)).toString('base64') })
    ).toEqual(opened)
    expect(opened).toMatchObject({
      runId: 'svc-run',
      checkpoint: 'ckpt-000100',
      step: 100,
      seeds: [9],
      truncation: 1,
      kind: 'image'
    })
    expect(Float32Array.from(opened.latents[0] ?? [])).toEqual(latentForSeed(9, 16))
    const strip = await service.call('export:strip', {
      runId: 'svc-run',
      from: { seeds: [1] },
      to: { seeds: [2] },
      frames: 4,
      mode: 'slerp'
    })
    const s = await service.call('explorer:openImage', {
      png: `data:image/png;base64,${readFileSync(path.join(dataDir, strip.path)).toString('base64')}`
    })
    expect(s).toMatchObject({ kind: 'strip', seeds: [1, 2], interpolation: { mode: 'slerp', steps: 4 } })
    expect(s.latents).toHaveLength(2)
    const gif = await service.call('export:gif', {
      runId: 'svc-run',
      from: { seeds: [1] },
      to: { seeds: [2] },
      frames: 6,
      fps: 12
    })
    expect(readFileSync(path.join(dataDir, gif.path)).subarray(0, 6).toString('latin1')).toBe('GIF89a')
    const model = await service.call('export:model', { runId: 'svc-run' })
    expect(model.path).toMatch(/^exports\/svc-run-ckpt-000100-tfjs-.*\/model\.json$/)
  })

  test('bookmarks are kept per run', async () => {
    expect(await service.call('explorer:bookmarks', { runId: 'svc-run' })).toEqual([])
    const bm = { id: 'b1', name: 'Seed 3', latent: Array.from(latentForSeed(3, 16)), seed: 3, created: 1 }
    await service.call('explorer:saveBookmarks', { runId: 'svc-run', bookmarks: [bm] })
    expect(await service.call('explorer:bookmarks', { runId: 'svc-run' })).toEqual([bm])
  })
})
