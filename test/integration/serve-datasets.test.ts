/**
 * Datasets over the WebSocket contract, bound to the real DatasetService: import a generated
 * labelled folder with progress events, list it, page its thumbnails, read its report, remove it.
 */
import { rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLabelledFolder } from '../fixtures/images'
import { EventLog, startHarness, tempDir, type Harness } from './helpers'

let h: Harness
let source: string
const progress = new EventLog<'datasets:importProgress'>()

beforeAll(async () => {
  h = await startHarness({ tiny: false })
  h.studio.on.importProgress(progress.push)
  source = tempDir('import-src')
  await makeLabelledFolder(source, { cats: 4, dogs: 4 }, 24)
})
afterAll(async () => {
  await h?.close()
  rmSync(source, { recursive: true, force: true })
})

describe('datasets over the WebSocket contract', () => {
  it('imports with progress, lists, pages thumbnails, reports and removes', async () => {
    const { importId } = await h.studio.datasets.import({
      source,
      name: 'pets',
      size: 28,
      channels: 1,
      labels: 'folders'
    })
    const done = await progress.waitFor(
      (p) => p.importId === importId && (p.phase === 'done' || p.phase === 'failed')
    )
    expect(done.phase).toBe('done')
    expect(done.datasetId).toBe('pets')

    const pets = (await h.studio.datasets.list()).find((d) => d.id === 'pets')
    expect(pets).toMatchObject({ count: 8, shape: [28, 28, 1], labels: ['cats', 'dogs'] })

    const page = await h.studio.datasets.thumbnails({ id: 'pets', offset: 0, limit: 4 })
    expect(page.total).toBe(8)
    expect(page.items).toHaveLength(4)
    expect(page.items[0]?.src).toMatch(/^data:image\/png;base64,/)

    const report = await h.studio.datasets.report({ id: 'pets' })
    expect(report.count).toBe(8)
    expect(report.classBalance.map((c) => c.count)).toEqual([4, 4])

    await h.studio.datasets.remove({ id: 'pets' })
    expect((await h.studio.datasets.list()).some((d) => d.id === 'pets')).toBe(false)
  })

  it('answers a cancel for an unknown import with not-found and a missing folder with a failed import', async () => {
    await expect(h.studio.datasets.cancelImport({ importId: 'imp-nope' })).rejects.toMatchObject({
      code: 'not-found'
    })
    const missing = path.join(source, 'does-not-exist')
    const { importId } = await h.studio.datasets.import({ source: missing, name: 'ghost' })
    const r = await progress.waitFor(
      (p) =>
        p.importId === importId && p.phase !== 'scanning' && p.phase !== 'decoding' && p.phase !== 'writing'
    )
    // Reported as failed, naming the folder: never a dataset.
    expect(r).toMatchObject({ phase: 'failed', datasetId: 'ghost' })
    expect(r.message).toBe(`No such folder or file: ${missing}`)
    expect((await h.studio.datasets.list()).some((d) => d.id === 'ghost')).toBe(false)
  })
})
