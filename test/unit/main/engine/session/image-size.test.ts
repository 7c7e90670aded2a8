/**
 * The Train form's image size is the size the run trains at: another size than the dataset's
 * resizes the images (the model, samples and checkpoints are at that size); none chosen means the
 * dataset's own size, recorded in run.json.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { openSession } from '../../../../../src/main/engine/session'
import { readRunRecord } from '../../../../../src/main/engine/runs/store'
import { makeTinyDataset, tempDir } from '../../../../helpers/engine'

describe('image size', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
    await makeTinyDataset(dataDir, 32)
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  const config = {
    dataset: 'tiny',
    model: 'mlp' as const,
    width: 0.125,
    latentDim: 8,
    batchSize: 8,
    steps: 2,
    logEvery: 1,
    sampleEvery: 2,
    checkpointEvery: 2
  }

  it('trains at the chosen size, resizing the 28 px dataset to 32 px', async () => {
    const runDir = path.join(dataDir, 'run32')
    const s = await openSession({
      dataDir,
      runDir,
      backend: 'cpu',
      mode: { kind: 'new', config: { ...config, imageSize: 32 } }
    })
    expect(s.engine.archs.discriminator.input).toEqual([32, 32, 1])
    expect(s.engine.data.index.shape).toEqual([32, 32, 1])
    expect(await s.run()).toBe('finished')
    s.dispose()
    expect((await readRunRecord(runDir))?.config.imageSize).toBe(32)
    const samples = await fs.readdir(path.join(runDir, 'samples'))
    const meta = await sharp(path.join(runDir, 'samples', samples[0]!)).metadata()
    // The sample grid is 8 columns of 32 px images with 1 px gaps.
    expect(meta.width).toBe(8 * 33 + 1)
  })

  it('without a size, trains at the dataset size and records it', async () => {
    const runDir = path.join(dataDir, 'runOwn')
    const s = await openSession({ dataDir, runDir, backend: 'cpu', mode: { kind: 'new', config } })
    expect(s.engine.data.index.shape).toEqual([28, 28, 1])
    s.dispose()
    expect((await readRunRecord(runDir))?.config.imageSize).toBe(28)
  })
})
