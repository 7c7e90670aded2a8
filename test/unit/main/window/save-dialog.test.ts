/**
 * `export:save` end to end in the main process, with Electron's dialogs answered by the test:
 * the service accepts only files of the exports folder, the dialog port copies them where the
 * user picked, a cancelled dialog copies nothing, and several files never overwrite silently.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const answers = vi.hoisted(() => ({
  save: { canceled: false, filePath: '' } as { canceled: boolean; filePath?: string },
  open: { canceled: false, filePaths: [] as string[] },
  saveOptions: [] as unknown[]
}))
vi.mock('electron', () => ({
  app: { getPath: (): string => os.tmpdir() },
  dialog: {
    showSaveDialog: async (...args: unknown[]): Promise<unknown> => {
      answers.saveOptions.push(args[args.length - 1])
      return answers.save
    },
    showOpenDialog: async (): Promise<unknown> => answers.open
  }
}))

const { createSaveFilesPort } = await import('../../../../src/main/window/save-dialog')
import { StudioService } from '../../../../src/main/services/studio-service'
import { MemorySettingsStore } from '../../../../src/main/services/settings'
import type { WorkerLauncher } from '../../../../src/main/services/worker-launcher'

let dir: string
let dataDir: string
let service: StudioService
const noWorkers: WorkerLauncher = {
  launch: () => {
    throw new Error('no workers in this test')
  }
}

function makeService(withDialog: boolean): StudioService {
  return new StudioService({
    dataDir,
    settings: new MemorySettingsStore(),
    launcher: noWorkers,
    transport: withDialog ? 'electron' : 'serve',
    ...(withDialog ? { saveFiles: createSaveFilesPort(() => undefined) } : {})
  })
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gs-save-'))
  dataDir = path.join(dir, 'data')
  mkdirSync(path.join(dataDir, 'exports', 'model-1'), { recursive: true })
  writeFileSync(path.join(dataDir, 'exports', 'grid.png'), 'PNGDATA')
  writeFileSync(path.join(dataDir, 'exports', 'model-1', 'model.json'), '{}')
  writeFileSync(path.join(dataDir, 'exports', 'model-1', 'README.md'), '# model')
  writeFileSync(path.join(dataDir, 'settings.json'), '{}')
  answers.saveOptions.length = 0
  service = makeService(true)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('export:save', () => {
  it('copies one export to the path picked in the save dialog', async () => {
    const target = path.join(dir, 'picked.png')
    answers.save = { canceled: false, filePath: target }
    await expect(service.call('export:save', { paths: ['exports/grid.png'] })).resolves.toEqual({
      canceled: false,
      saved: [target]
    })
    expect(readFileSync(target, 'utf8')).toBe('PNGDATA')
    expect(answers.saveOptions[0]).toMatchObject({ defaultPath: path.join(os.tmpdir(), 'grid.png') })
  })

  it('copies nothing when the dialog is cancelled', async () => {
    answers.save = { canceled: true, filePath: '' }
    await expect(service.call('export:save', { paths: ['exports/grid.png'] })).resolves.toEqual({
      canceled: true,
      saved: []
    })
  })

  it('copies several files into the picked folder and refuses to overwrite', async () => {
    const folder = path.join(dir, 'out')
    mkdirSync(folder)
    answers.open = { canceled: false, filePaths: [folder] }
    const paths = ['exports/model-1/model.json', 'exports/model-1/README.md']
    const r = await service.call('export:save', { paths })
    expect(r.saved).toEqual([path.join(folder, 'model.json'), path.join(folder, 'README.md')])
    expect(readFileSync(path.join(folder, 'README.md'), 'utf8')).toBe('# model')
    await expect(service.call('export:save', { paths })).rejects.toMatchObject({ code: 'conflict' })
  })

  it('refuses files outside the exports folder', async () => {
    answers.save = { canceled: false, filePath: path.join(dir, 'stolen.json') }
    await expect(service.call('export:save', { paths: ['settings.json'] })).rejects.toMatchObject({
      code: 'invalid-input'
    })
    await expect(service.call('export:save', { paths: ['exports/../settings.json'] })).rejects.toMatchObject({
      code: 'invalid-input'
    })
    expect(existsSync(path.join(dir, 'stolen.json'))).toBe(false)
  })

  it('is unavailable under serve, where the browser downloads', async () => {
    await expect(
      makeService(false).call('export:save', { paths: ['exports/grid.png'] })
    ).rejects.toMatchObject({
      code: 'unavailable'
    })
  })
})
