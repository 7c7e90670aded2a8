/**
 * The navigation guard of the app window: the app's own page may move between its routes
 * (`app://renderer/...`); anything else is cancelled and only https goes to the browser.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'

const openExternal = vi.fn(async () => undefined)
vi.mock('electron', () => ({ BrowserWindow: class {}, screen: {}, shell: { openExternal } }))

const { lockDownContents } = await import('../../../../src/main/window/main-window')
import type { WebContents } from 'electron'

type Listener = (event: { preventDefault: () => void }, url: string) => void

function fakeContents(): { wc: WebContents; listeners: Map<string, Listener[]>; openHandlers: unknown[] } {
  const listeners = new Map<string, Listener[]>()
  const openHandlers: unknown[] = []
  const wc = {
    on: (name: string, l: Listener) => {
      listeners.set(name, [...(listeners.get(name) ?? []), l])
      return wc
    },
    setWindowOpenHandler: (h: unknown) => void openHandlers.push(h)
  } as unknown as WebContents
  return { wc, listeners, openHandlers }
}

function navigate(listeners: Map<string, Listener[]>, name: string, url: string): boolean {
  let prevented = false
  for (const l of listeners.get(name) ?? []) l({ preventDefault: () => (prevented = true) }, url)
  return prevented
}

describe('lockDownContents', () => {
  beforeEach(() => openExternal.mockClear())

  it('lets the app page navigate within app://renderer', () => {
    const { wc, listeners } = fakeContents()
    lockDownContents(wc, ['app://renderer'])
    expect(navigate(listeners, 'will-navigate', 'app://renderer/index.html#/runs')).toBe(false)
    expect(navigate(listeners, 'will-redirect', 'app://renderer/index.html')).toBe(false)
  })

  it('cancels navigation elsewhere and opens only https links outside', () => {
    const { wc, listeners } = fakeContents()
    lockDownContents(wc, ['app://renderer'])
    expect(navigate(listeners, 'will-navigate', 'app://data/exports/a.png')).toBe(true)
    expect(navigate(listeners, 'will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(openExternal).not.toHaveBeenCalled()
    expect(navigate(listeners, 'will-navigate', 'https://example.com/')).toBe(true)
    expect(openExternal).toHaveBeenCalledTimes(1)
  })
})
