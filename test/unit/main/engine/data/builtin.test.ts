import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDatasetCache } from '../../../../../src/main/engine/data/cache'
import { listDatasets, loadDataset } from '../../../../../src/main/engine/data/datasets'
import { tempDir } from '../../../../helpers/engine'

describe('built-in datasets', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('lists MNIST and Fashion-MNIST with names, counts and labels before any conversion', async () => {
    const list = await listDatasets(dataDir)
    expect(list.map((d) => d.id)).toEqual(['mnist', 'fashion-mnist'])
    expect(list[0]).toMatchObject({
      name: 'MNIST digits',
      builtin: true,
      shape: [28, 28, 1],
      labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
    })
    expect(list[1]?.labels).toContain('Ankle boot')
  })

  it('converts MNIST once into a compact binary cache with labels', async () => {
    const d = await loadDataset(dataDir, 'mnist')
    expect(d.index.count).toBe(10000)
    expect(d.images.length).toBe(10000 * 784)
    expect(d.labels?.length).toBe(10000)
    const counts = new Array(10).fill(0)
    for (const l of d.labels ?? []) counts[l] += 1
    for (const c of counts) expect(c).toBeGreaterThan(800)
    let max = 0
    for (const v of d.images) max = Math.max(max, v)
    expect(max).toBe(255)
    expect(d.index.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    const files = await fs.readdir(path.join(dataDir, 'datasets', 'mnist'))
    expect(files.sort()).toEqual(['data.bin', 'index.json', 'labels.bin'])
    // The second load reads the cache and gives identical data.
    const again = await readDatasetCache(dataDir, 'mnist')
    expect(again?.index.fingerprint).toBe(d.index.fingerprint)
  })

  it('scales pixels to [-1, 1] in training batches', async () => {
    const d = await loadDataset(dataDir, 'mnist')
    const first = Array.from(d.images.slice(0, 784), (v) => v / 127.5 - 1)
    expect(Math.min(...first)).toBe(-1)
    expect(Math.max(...first)).toBeLessThanOrEqual(1)
  })

  it('refuses an unknown dataset with the list of known ones', async () => {
    await expect(loadDataset(dataDir, 'nope')).rejects.toThrow(
      /Unknown dataset 'nope'. Available: mnist, fashion-mnist/
    )
  })
})
