import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDatasetCache } from '../../../../../src/main/engine/data/cache'
import { parseIdxImages, readIdx } from '../../../../../src/main/services/datasets/idx'
import { importDataset } from '../../../../../src/main/services/datasets/import'
import { makeIdx, writeIdx } from '../../../../fixtures/images'

let tmp: string
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gan-idx-'))
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

describe('IDX import', () => {
  for (const gz of [false, true]) {
    it(`round-trips a generated IDX pair (${gz ? 'gzipped' : 'plain'})`, async () => {
      const dir = path.join(tmp, gz ? 'gz' : 'plain')
      const { imagesPath, pixels, labelValues } = await writeIdx(dir, 30, 28, 28, gz)
      const dataDir = path.join(tmp, `data-${gz}`)
      const r = await importDataset(dataDir, {
        source: imagesPath,
        name: 'digits',
        options: { size: 28, channels: 1 }
      })
      const cached = await readDatasetCache(dataDir, 'digits')
      expect(cached!.index.shape).toEqual([28, 28, 1])
      expect(cached!.index.count).toBe(30)
      expect(Buffer.from(cached!.images).equals(Buffer.from(pixels))).toBe(true)
      expect(Array.from(cached!.labels!)).toEqual(labelValues)
      expect(cached!.index.labelNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
      expect(r.report.classBalance.every((c) => c.count === 3)).toBe(true)
    })
  }

  it('resizes and converts to RGB when asked', async () => {
    const { imagesPath } = await writeIdx(path.join(tmp, 'rgb'), 5, 28, 28, false)
    const dataDir = path.join(tmp, 'data-rgb')
    await importDataset(dataDir, { source: imagesPath, name: 'd32', options: { size: 32, channels: 3 } })
    const cached = await readDatasetCache(dataDir, 'd32')
    expect(cached!.index.shape).toEqual([32, 32, 3])
    expect(cached!.images.length).toBe(5 * 32 * 32 * 3)
    // Grey replicated into R, G and B.
    expect(cached!.images[300]).toBe(cached!.images[301])
  })

  it('works without a labels file (unlabelled)', async () => {
    const dir = path.join(tmp, 'nolabels')
    await fs.mkdir(dir, { recursive: true })
    const file = path.join(dir, 'x-images-idx3-ubyte')
    await fs.writeFile(file, makeIdx(4, 28, 28).images)
    const d = await readIdx(file)
    expect(d.labels).toBeUndefined()
    expect(d.count).toBe(4)
  })

  it('refuses a bad magic number with the numbers', async () => {
    const dir = path.join(tmp, 'bad-magic')
    await fs.mkdir(dir, { recursive: true })
    const { images } = makeIdx(2, 28, 28)
    images.writeUInt32BE(0x00000801, 0)
    const file = path.join(dir, 'train-images-idx3-ubyte.gz')
    await fs.writeFile(file, gzipSync(images))
    await expect(readIdx(file)).rejects.toThrow(
      'train-images-idx3-ubyte.gz is not an IDX image file: magic 0x00000801 (expected 0x00000803)'
    )
  })

  it('refuses a wrong length and a label count that does not match', async () => {
    const { images, labels } = makeIdx(3, 28, 28)
    expect(() => parseIdxImages(images.subarray(0, images.length - 10), 'imgs')).toThrow(
      'imgs has the wrong length: 2358 bytes, but its header (3 images of 28x28) needs 2368 (truncated?)'
    )
    const dir = path.join(tmp, 'mismatch')
    await fs.mkdir(dir, { recursive: true })
    await fs.writeFile(path.join(dir, 't10k-images-idx3-ubyte'), images)
    labels.writeUInt32BE(4, 4)
    await fs.writeFile(path.join(dir, 't10k-labels-idx1-ubyte'), Buffer.concat([labels, Buffer.from([1])]))
    await expect(readIdx(path.join(dir, 't10k-images-idx3-ubyte'))).rejects.toThrow(
      't10k-labels-idx1-ubyte holds 4 labels, but the image file holds 3 images'
    )
  })
})
