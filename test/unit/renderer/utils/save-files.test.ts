// @vitest-environment happy-dom
/**
 * Saving an export from the explorer: the app asks the main process (native save dialog) and
 * never clicks a cross-origin app://data link (which only navigates there); a browser downloads.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeStudio, type FakeStudio } from '../helpers/fake-studio'

const fake: FakeStudio = vi.hoisted(() => ({}) as FakeStudio)
const transport = vi.hoisted(() => ({ value: 'electron' as 'electron' | 'serve' }))
vi.mock('../../../../src/renderer/src/api', () => ({
  get studio() {
    return new Proxy(fake.api, {
      get: (t, k: string): unknown => (k === 'transport' ? transport.value : (t as never)[k])
    })
  }
}))

import { saveExportedFiles } from '../../../../src/renderer/src/utils/save-files'
import { useNotifyStore } from '../../../../src/renderer/src/stores/notify'

let clicked: string[]
beforeEach(() => {
  Object.assign(fake, createFakeStudio())
  setActivePinia(createPinia())
  clicked = []
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push(this.getAttribute('href') ?? '')
  })
})

describe('saveExportedFiles', () => {
  it('asks the app to save through its dialog and clicks no link', async () => {
    transport.value = 'electron'
    fake.fn('export', 'save').mockResolvedValue({ canceled: false, saved: ['/home/u/grid.png'] })
    await saveExportedFiles(['exports/grid.png'])
    expect(fake.fn('export', 'save')).toHaveBeenCalledWith({ paths: ['exports/grid.png'] })
    expect(clicked).toEqual([])
    expect(useNotifyStore().history.at(-1)).toMatchObject({ level: 'success', message: '/home/u/grid.png' })
  })

  it('reports a failed save', async () => {
    transport.value = 'electron'
    fake.fn('export', 'save').mockRejectedValue(new Error('grid.png already exists'))
    await saveExportedFiles(['exports/grid.png'])
    expect(useNotifyStore().history.at(-1)).toMatchObject({
      level: 'error',
      message: 'grid.png already exists'
    })
  })

  it('downloads through same-origin links under serve', async () => {
    transport.value = 'serve'
    await saveExportedFiles(['exports/a.png', 'exports/b.gif'])
    expect(clicked).toEqual(['/files/exports/a.png', '/files/exports/b.gif'])
    expect(fake.fn('export', 'save')).not.toHaveBeenCalled()
  })
})
