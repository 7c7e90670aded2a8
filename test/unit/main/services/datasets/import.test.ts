import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDatasetCache, readDatasetIndex } from '../../../../../src/main/engine/data/cache'
import { loadDataset } from '../../../../../src/main/engine/data/datasets'
import { decodeFile } from '../../../../../src/main/services/datasets/decode'
import { importDataset, type ImportExtra } from '../../../../../src/main/services/datasets/import'
import type { FileRecord } from '../../../../../src/main/services/datasets/report'
import { StudioError } from '../../../../../src/shared/errors'
import { makeLabelledFolder, makeMessyFolder, type MessyFolder } from '../../../../fixtures/images'

let tmp: string
let messy: MessyFolder

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gan-import-'))
  messy = await makeMessyFolder(path.join(tmp, 'messy'))
  if (messy.permissionNote) console.log(`[dataset import test] ${messy.permissionNote}`)
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

async function freshDataDir(): Promise<string> {
  return fs.mkdtemp(path.join(tmp, 'data-'))
}

/** A decoder that counts its calls, to prove what an import really decoded. */
function countingDecoder(): { decode: typeof decodeFile; calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    decode: (abs, size, opts, timeoutMs) => {
      calls.push(abs)
      return decodeFile(abs, size, opts, timeoutMs)
    }
  }
}

describe('folder import', () => {
  it('gives every file of a messy folder the right status and caches only valid images, in the chosen shape', async () => {
    const dataDir = await freshDataDir()
    const progress: number[] = []
    const result = await importDataset(
      dataDir,
      { source: messy.root, name: 'messy', options: { size: 32, channels: 3 } },
      { onProgress: (p) => progress.push(p.done) }
    )
    const index = await readDatasetIndex(dataDir, 'messy')
    expect(index).toBeDefined()
    const files = (index as unknown as ImportExtra).files
    const got = Object.fromEntries(files.map((f: FileRecord) => [f.path, f.status]))
    expect(got).toEqual(messy.expected)
    for (const f of files) if (f.status !== 'imported') expect(f.reason, f.path).toBeTruthy()

    const cached = await readDatasetCache(dataDir, 'messy')
    expect(cached?.index.shape).toEqual([32, 32, 3])
    expect(cached?.index.count).toBe(messy.importedCount)
    expect(cached?.images.length).toBe(messy.importedCount * 32 * 32 * 3)
    expect(cached?.labels).toBeUndefined()
    // Training reads the same data through loadDataset.
    expect((await loadDataset(dataDir, 'messy')).index.fingerprint).toBe(result.index.fingerprint)

    const r = result.report
    expect(r.counts.found).toBe(Object.keys(messy.expected).length)
    const expectedCounts: Record<string, number> = {}
    for (const status of Object.values(messy.expected))
      expectedCounts[status] = (expectedCounts[status] ?? 0) + 1
    expect(r.counts.byStatus).toMatchObject(expectedCounts)
    expect(expectedCounts).toMatchObject({
      corrupt: 2,
      empty: 1,
      'not-image': 2,
      'too-large': 1,
      unsupported: 1
    })
    expect(r.loops.sort()).toEqual(messy.loops)
    expect(r.duplicates).toEqual([['exact-copy.png', 'valid.png']])
    expect(r.nearDuplicateGroups).toContainEqual(['exact-copy.png', 'valid-again.jpg', 'valid.png'])
    expect(r.nearDuplicateCount).toBe(1)
    expect(r.animated).toBe(1)
    expect(r.fit.cropped).toBeGreaterThan(0)
    expect(r.warnings.join('\n')).toMatch(new RegExp(`Only ${messy.importedCount} images.*DiffAugment`))
    expect(r.warnings.join('\n')).toMatch(/near-duplicate/)
    expect(r.skipped.find((s) => s.file === 'huge.png')?.reason).toMatch(/30000x30000.*100 MP limit/)
    // Progress counted every file.
    expect(progress.at(-1)).toBeGreaterThanOrEqual(messy.importedCount)
    // The 900-megapixel header never got decoded: memory stays small.
    const maxRssMb = process.resourceUsage().maxRSS / 1024
    console.log(`[dataset import test] peak RSS ${maxRssMb.toFixed(0)} MB`)
    expect(maxRssMb).toBeLessThan(1024)
    const thumbs = await fs.readdir(path.join(dataDir, 'datasets', 'messy', 'thumbs'))
    expect(thumbs).toEqual(['sheet-000.png'])
  })

  it('re-importing the same folder with the same options decodes nothing; a changed file is decoded alone', async () => {
    const dataDir = await freshDataDir()
    const src = path.join(tmp, 'reimport')
    await makeLabelledFolder(src, { cats: 4, dogs: 3 })
    const first = countingDecoder()
    const a = await importDataset(
      dataDir,
      { source: src, name: 'pets', options: { size: 28, channels: 1, labels: 'folders' } },
      { decode: first.decode }
    )
    expect(first.calls.length).toBe(7)
    expect(a.decoded).toBe(7)

    const second = countingDecoder()
    const b = await importDataset(
      dataDir,
      { source: src, name: 'pets', options: { size: 28, channels: 1, labels: 'folders' } },
      { decode: second.decode }
    )
    expect(second.calls).toEqual([])
    expect(b.reused).toBe(7)
    expect(b.index.fingerprint).toBe(a.index.fingerprint)

    // Touch one file (new mtime), add one: exactly those two are decoded.
    const touched = path.join(src, 'dogs', 'img-0.png')
    const later = new Date(Date.now() + 5000)
    await fs.utimes(touched, later, later)
    await fs.copyFile(path.join(src, 'cats', 'img-1.png'), path.join(src, 'dogs', 'new.png'))
    const third = countingDecoder()
    const c = await importDataset(
      dataDir,
      { source: src, name: 'pets', options: { size: 28, channels: 1, labels: 'folders' } },
      { decode: third.decode }
    )
    expect(third.calls.map((p) => path.relative(src, p)).sort()).toEqual(['dogs/img-0.png', 'dogs/new.png'])
    expect(c.index.count).toBe(8)
    // Reused and freshly decoded pixels land in the same places as in a from-scratch import.
    const fresh = await importDataset(await freshDataDir(), {
      source: src,
      name: 'pets',
      options: { size: 28, channels: 1, labels: 'folders' }
    })
    expect(c.index.fingerprint).toBe(fresh.index.fingerprint)

    // Different options: everything is decoded again.
    const fourth = countingDecoder()
    await importDataset(
      dataDir,
      { source: src, name: 'pets', options: { size: 32, channels: 1, labels: 'folders' } },
      { decode: fourth.decode }
    )
    expect(fourth.calls.length).toBe(8)
  })

  it('labels from sub-folders: class balance, unbalanced warning, files in the top folder skipped', async () => {
    const dataDir = await freshDataDir()
    const src = path.join(tmp, 'labelled')
    await makeLabelledFolder(src, { big: 10, small: 2 })
    await fs.copyFile(path.join(src, 'big', 'img-0.png'), path.join(src, 'loose.png'))
    const r = await importDataset(dataDir, {
      source: src,
      name: 'lab',
      options: { size: 28, channels: 3, labels: 'folders' }
    })
    expect(r.index.labelNames).toEqual(['big', 'small'])
    expect(r.report.classBalance).toEqual([
      { label: 'big', count: 10 },
      { label: 'small', count: 2 }
    ])
    expect(r.report.counts.byStatus['no-label']).toBe(1)
    expect(r.report.warnings.join('\n')).toMatch(/Classes unbalanced: 'big' has 10 images, 'small' only 2/)
    // A folder without links gets no link warning (a merge once printed "0 folder links …" always).
    expect(r.report.warnings.join('\n')).not.toMatch(/folder links/)
    const cached = await readDatasetCache(dataDir, 'lab')
    expect(Array.from(cached!.labels!)).toEqual([...Array<number>(10).fill(0), 1, 1])
  })

  it('letterbox pads with the pad colour and grey gives one channel', async () => {
    const dataDir = await freshDataDir()
    const src = path.join(tmp, 'wide')
    await fs.mkdir(src, { recursive: true })
    const sharp = (await import('sharp')).default
    await sharp({ create: { width: 100, height: 50, channels: 3, background: { r: 255, g: 255, b: 255 } } })
      .png()
      .toFile(path.join(src, 'wide.png'))
    const r = await importDataset(dataDir, {
      source: src,
      name: 'wide',
      options: { size: 32, channels: 1, fit: 'letterbox', padColor: '#000000' }
    })
    const cached = await readDatasetCache(dataDir, 'wide')
    expect(cached!.index.shape).toEqual([32, 32, 1])
    expect(cached!.images[0]).toBe(0) // top-left: bar
    expect(cached!.images[16 * 32 + 16]).toBe(255) // centre: the white image
    expect(r.report.fit.padded).toBe(1)
  })

  it('an empty folder, or one with no usable image, is refused with a count of what was skipped, and nothing is written', async () => {
    const dataDir = await freshDataDir()
    const empty = path.join(tmp, 'empty')
    await fs.mkdir(empty, { recursive: true })
    await expect(importDataset(dataDir, { source: empty, name: 'e' })).rejects.toThrow(
      `No usable images in ${empty} (the folder holds no files)`
    )
    const junk = path.join(tmp, 'junk')
    await fs.mkdir(junk, { recursive: true })
    await fs.writeFile(path.join(junk, 'a.png'), '')
    await fs.writeFile(path.join(junk, 'b.jpg'), 'not a jpeg')
    await fs.writeFile(path.join(junk, 'c.txt'), 'text')
    const err = await importDataset(dataDir, { source: junk, name: 'j' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StudioError)
    expect((err as StudioError).code).toBe('invalid-input')
    expect((err as StudioError).message).toBe(
      `No usable images in ${junk} (3 files skipped: 2 not an image, 1 zero bytes)`
    )
    expect(await fs.readdir(path.join(dataDir, 'datasets')).catch(() => [])).toEqual([])
  })

  it('a cancelled import leaves no dataset and no temp dir', async () => {
    const dataDir = await freshDataDir()
    const controller = new AbortController()
    const p = importDataset(
      dataDir,
      { source: messy.root, name: 'cancelled', options: { size: 64 } },
      {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.phase === 'decoding' && e.done >= 3) controller.abort()
        }
      }
    )
    const err = await p.catch((e: unknown) => e)
    expect((err as StudioError).code).toBe('cancelled')
    expect(await fs.readdir(path.join(dataDir, 'datasets')).catch(() => [])).toEqual([])
    expect(await readDatasetIndex(dataDir, 'cancelled')).toBeUndefined()
  })

  it('refuses a name taken by a dataset from another folder, and bad names', async () => {
    const dataDir = await freshDataDir()
    const src = path.join(tmp, 'one')
    await makeLabelledFolder(src, { a: 2 })
    await importDataset(dataDir, { source: src, name: 'taken' })
    await expect(importDataset(dataDir, { source: messy.root, name: 'taken' })).rejects.toThrow(
      /already exists.*gan-studio dataset remove taken/
    )
    await expect(importDataset(dataDir, { source: src, name: 'mnist' })).rejects.toThrow(/reserved/)
    await expect(importDataset(dataDir, { source: src, name: '../x' })).rejects.toThrow(/letters, digits/)
  })
})

describe('decodeFile', () => {
  it('never hangs: a decode slower than its time limit becomes unreadable', async () => {
    const file = path.join(tmp, 'slow.png')
    const sharp = (await import('sharp')).default
    await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#808080' } })
      .png({ compressionLevel: 9 })
      .toFile(file)
    const st = await fs.stat(file)
    const { resolveImportOptions } = await import('../../../../../src/main/services/datasets/options')
    const r = await decodeFile(file, st.size, resolveImportOptions({ size: 64 }), 1)
    expect(r.status).toBe('unreadable')
    expect('reason' in r && r.reason).toMatch(/longer than/)
  })
})
