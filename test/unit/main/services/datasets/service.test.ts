import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportProgress } from '../../../../../src/shared/contract'
import { DatasetService } from '../../../../../src/main/services/datasets/service'
import { StudioError } from '../../../../../src/shared/errors'
import { makeLabelledFolder } from '../../../../fixtures/images'

let tmp: string
let src: string
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gan-dsvc-'))
  src = path.join(tmp, 'pets')
  await makeLabelledFolder(src, { cats: 40, dogs: 30 }, 40)
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

describe('DatasetService', () => {
  it('imports with progress, lists, reports, pages thumbnails and removes', async () => {
    const dataDir = path.join(tmp, 'data')
    const svc = new DatasetService(dataDir)
    const events: ImportProgress[] = []
    const handle = svc.startImport(
      { source: src, name: 'pets', options: { size: 64, labels: 'folders' } },
      (p) => events.push(p)
    )
    expect(handle.importId).toMatch(/^imp-[0-9a-f]+$/)
    const result = await handle.done
    expect(result.index.count).toBe(70)
    expect(events.at(-1)).toMatchObject({ phase: 'done', done: 70, total: 70, datasetId: 'pets' })
    const decoding = events.filter((e) => e.phase === 'decoding')
    expect(decoding.at(-1)).toMatchObject({ done: 70, total: 70 })

    const list = await svc.list()
    expect(list.map((d) => d.id)).toEqual(['mnist', 'fashion-mnist', 'pets'])
    expect(list[2]).toMatchObject({ count: 70, shape: [64, 64, 3], labels: ['cats', 'dogs'], builtin: false })

    const report = await svc.report('pets')
    expect(report.classBalance).toEqual([
      { label: 'cats', count: 40 },
      { label: 'dogs', count: 30 }
    ])
    expect(report.notes.join(' ')).toMatch(/Only 70 images/)

    const page = await svc.thumbnails('pets', 60, 64)
    expect(page.total).toBe(70)
    expect(page.offset).toBe(60)
    expect(page.items).toHaveLength(10)
    expect(page.items[0]).toMatchObject({ index: 60, label: 'dogs' })
    expect(page.items[0]!.src).toMatch(/^data:image\/png;base64,/)
    const sheets = await fs.readdir(path.join(dataDir, 'datasets', 'pets', 'thumbs'))
    expect(sheets).toEqual(['sheet-000.png', 'sheet-001.png'])

    await expect(svc.remove('mnist')).rejects.toThrow(/built-in/)
    await svc.remove('pets')
    expect((await svc.list()).map((d) => d.id)).toEqual(['mnist', 'fashion-mnist'])
    expect(await fs.readdir(path.join(dataDir, 'datasets'))).toEqual([])
    await expect(svc.report('pets')).rejects.toThrow(/No dataset named 'pets'/)
  })

  it('cancel() stops an import, reports cancelled, and leaves nothing', async () => {
    const dataDir = path.join(tmp, 'data-cancel')
    const svc = new DatasetService(dataDir)
    const events: ImportProgress[] = []
    const ref: { cancel?: () => void } = {}
    const handle = svc.startImport({ source: src, name: 'pets', options: { size: 128 } }, (p) => {
      events.push(p)
      if (p.phase === 'decoding' && p.done >= 2) ref.cancel?.()
    })
    ref.cancel = handle.cancel
    const err = await handle.done.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StudioError)
    expect((err as StudioError).code).toBe('cancelled')
    expect(events.at(-1)?.phase).toBe('cancelled')
    expect(await fs.readdir(path.join(dataDir, 'datasets')).catch(() => [])).toEqual([])
  })

  it('refuses a second import of the same name while one runs', async () => {
    const svc = new DatasetService(path.join(tmp, 'data-twice'))
    const a = svc.startImport({ source: src, name: 'same' })
    expect(() => svc.startImport({ source: src, name: 'same' })).toThrow(/already being imported/)
    await a.done
  })
})
