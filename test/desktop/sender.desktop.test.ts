/**
 * Who may talk to the built main process: its own window's top frame showing app://renderer, and
 * nothing else — not a subframe of that page (same origin or not), not the same window showing
 * another site, not another window showing the app's own page. Frames, URLs and origins are
 * Chromium's (the stand-in reads them from the real frames). Also: navigation away and
 * window.open are refused, and contextBridge refuses Proxies and functions like Electron's.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import path from 'node:path'
import type { Frame, Page } from 'playwright-core'
import { ROOT, desktopPrerequisite, startDesktop, type DesktopRuntime } from './runtime/runtime'
import type { WebContentsStandIn } from './runtime/web-contents'

const missing = desktopPrerequisite()
if (missing) console.warn(`desktop sender tests skipped: ${missing}`)

const ELSEWHERE = 'https://elsewhere.example/'
const APP_PAGE = 'app://renderer/index.html'
const PRELOAD = path.join(ROOT, 'out', 'preload', 'index.js')

interface Envelope {
  ok: boolean
  error?: { code: string; message: string }
}

/** Calls window.studio.app.info() in a page; the result or the rejection's code. */
function appInfoIn(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const s = (window as unknown as { studio?: { app: { info(): Promise<{ transport: string }> } } }).studio
    if (!s) return 'no window.studio'
    try {
      return `ok ${(await s.app.info()).transport}`
    } catch (e) {
      return `refused ${(e as { code?: string }).code ?? String(e)}`
    }
  })
}

async function subframe(page: Page, create: string): Promise<Frame> {
  const before = new Set(page.frames())
  await page.evaluate(create)
  for (;;) {
    const f = page.frames().find((x) => !before.has(x))
    if (f) {
      await f.waitForLoadState('load')
      return f
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.skipIf(missing !== null)(
  'the built main answers its own page and refuses every other sender',
  () => {
    let rt: DesktopRuntime
    let page: Page
    let wc: WebContentsStandIn

    beforeAll(async () => {
      rt = await startDesktop()
      ;({ page } = await rt.firstWindow())
      wc = rt.windows[0]!.webContents
      rt.serveExternal(ELSEWHERE, '<!doctype html><title>elsewhere</title><p>another site</p>')
    }, 180_000)

    afterAll(async () => {
      await rt?.close()
    }, 120_000)

    test('its own page: answered', async () => {
      expect(wc.mainFrame.url).toMatch(/^app:\/\/renderer\/index\.html/)
      expect(wc.mainFrame.origin).toBe('app://renderer')
      expect(await appInfoIn(page)).toBe('ok electron')
    })

    test('a subframe of its page, same origin or srcdoc: refused', async () => {
      const cssFrame = await subframe(
        page,
        `(() => { const f = document.createElement('iframe'); f.src = document.querySelector('link[rel=stylesheet]').href; document.body.append(f) })()`
      )
      const sameOrigin = wc.frameFor(cssFrame)
      expect(sameOrigin.origin).toBe('app://renderer')
      expect(sameOrigin.url).toMatch(/^app:\/\/renderer\/assets\//)
      const r1 = (await wc.ipcRendererFor(cssFrame).invoke('app:info', {})) as Envelope
      expect(r1.ok).toBe(false)
      expect(r1.error?.code).toBe('unauthorized')

      const srcdoc = await subframe(
        page,
        `(() => { const f = document.createElement('iframe'); f.srcdoc = '<p>inline</p>'; document.body.append(f) })()`
      )
      await wc.frameFor(srcdoc).refreshOrigin()
      expect(wc.frameFor(srcdoc).origin).toBe('app://renderer')
      const r2 = (await wc.ipcRendererFor(srcdoc).invoke('app:info', {})) as Envelope
      expect(r2.error?.code).toBe('unauthorized')
      // The page itself is still answered.
      const r3 = (await wc.ipcRendererFor(page.mainFrame()).invoke('app:info', {})) as Envelope
      expect(r3.ok).toBe(true)
    })

    test('another window showing the app’s own page: refused', async () => {
      const other = new rt.electron.BrowserWindow({
        show: false,
        webPreferences: { preload: PRELOAD, contextIsolation: true, sandbox: true }
      })
      try {
        await other.loadURL(APP_PAGE)
        expect(other.webContents.mainFrame.origin).toBe('app://renderer')
        expect(await appInfoIn(other.webContents.page!)).toBe('refused unauthorized')
      } finally {
        await other.destroy()
      }
      expect(await appInfoIn(page)).toBe('ok electron')
    })

    test('the same window showing another site (with the preload): refused', async () => {
      await wc.loadURL(ELSEWHERE)
      expect(wc.mainFrame.origin).toBe('https://elsewhere.example')
      expect(await appInfoIn(page)).toBe('refused unauthorized')
      await wc.loadURL(APP_PAGE)
      expect(await appInfoIn(page)).toBe('ok electron')
    })

    test('navigation away and window.open are refused; https links go to the browser', async () => {
      const opened = rt.shellOpened.length
      await page.evaluate((u) => {
        window.location.href = u
      }, ELSEWHERE)
      await expect.poll(() => rt.shellOpened.length, { timeout: 30_000 }).toBeGreaterThan(opened)
      expect(rt.shellOpened.at(-1)).toBe(ELSEWHERE)
      expect(wc.getURL()).toMatch(/^app:\/\/renderer\/index\.html/)
      expect(await appInfoIn(page)).toBe('ok electron')

      await page.evaluate(() => void window.open('https://elsewhere.example/popup'))
      await expect.poll(() => rt.popups.length, { timeout: 30_000 }).toBe(1)
      expect(rt.popups[0]).toEqual({ url: 'https://elsewhere.example/popup', allowed: false })
      expect(rt.windows).toHaveLength(1)
    })

    test('contextBridge refuses Proxies and functions in what the page sends', async () => {
      const r = await page.evaluate(async () => {
        const s = (window as unknown as { studio: { runs: { get(p: unknown): Promise<unknown> } } }).studio
        const out: string[] = []
        const attempt = async (p: unknown): Promise<void> => {
          try {
            await s.runs.get(p)
            out.push('sent')
          } catch (e) {
            out.push((e as Error).message ?? String(e))
          }
        }
        await attempt(new Proxy({ runId: 'x' }, {}))
        await attempt({ runId: 'x', nested: new Proxy({}, {}) })
        await attempt({ runId: 'x', callback: () => 1 })
        return out
      })
      expect(r).toEqual([
        'An object could not be cloned.',
        'An object could not be cloned.',
        'An object could not be cloned.'
      ])
    })
  }
)
