/**
 * The desktop app through Playwright's `_electron`: the window opens on the app's own page, its
 * security preferences are what main-window.ts sets, `window.studio` is the only thing the
 * preload exposes, new windows and navigation away are refused, and app:// refuses escapes.
 *
 * Runs wherever the Electron binary is installed (and, on Linux, a display exists); elsewhere it
 * is skipped with the reason printed. Needs a build (`npx electron-vite build`).
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ElectronApplication, Page } from 'playwright-core'

const root = path.resolve(__dirname, '..', '..')
const require_ = createRequire(__filename)
const { electronBinary } = require_(path.join(root, 'scripts', 'electron-binary.cjs')) as {
  electronBinary: () => { bin?: string; reason?: string }
}

function skipReason(): string | undefined {
  const found = electronBinary()
  if (!found.bin) return found.reason ?? 'no Electron binary'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display (DISPLAY/WAYLAND_DISPLAY unset; run under xvfb-run)'
  if (!existsSync(path.join(root, 'out', 'main', 'index.js')))
    return 'the app is not built (npx electron-vite build)'
  return undefined
}

const reason = skipReason()
if (reason) console.warn(`electron e2e skipped: ${reason}`)

describe.skipIf(Boolean(reason))('desktop app (Electron)', () => {
  let app: ElectronApplication
  let page: Page
  let userData: string

  beforeAll(async () => {
    userData = mkdtempSync(path.join(os.tmpdir(), 'gs-electron-'))
    // A damaged settings file must not stop the app (it is backed up and repaired).
    writeFileSync(path.join(userData, 'settings.json'), '{"theme": "dark", "backend": 42')
    const { _electron } = await import('playwright-core')
    app = await _electron.launch({
      executablePath: electronBinary().bin,
      args: [root],
      env: { ...process.env, GAN_STUDIO_USER_DATA: userData, ELECTRON_RUN_AS_NODE: '' } as Record<
        string,
        string
      >
    })
    page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
  })

  afterAll(async () => {
    await app?.close()
    if (userData) rmSync(userData, { recursive: true, force: true })
  })

  it('opens one window on the app:// page', async () => {
    expect(page.url()).toMatch(/^app:\/\/renderer\//)
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
  })

  it('uses the secure web preferences', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      // getLastWebPreferences exists at run time but is missing from Electron 40's typings.
      const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
        getLastWebPreferences(): Record<string, unknown>
      }
      const p = wc.getLastWebPreferences()
      return {
        contextIsolation: p.contextIsolation,
        sandbox: p.sandbox,
        nodeIntegration: p.nodeIntegration,
        webSecurity: p.webSecurity,
        webviewTag: p.webviewTag
      }
    })
    expect(prefs).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false
    })
  })

  it('exposes window.studio and nothing else of Node or Electron', async () => {
    const seen = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>
      const studio = w.studio as Record<string, unknown>
      return {
        studio: typeof studio,
        groups: Object.keys(studio).sort(),
        require: typeof w.require,
        process: typeof w.process,
        Buffer: typeof w.Buffer,
        ipcRenderer: typeof w.ipcRenderer,
        electron: typeof w.electron,
        module: typeof w.module
      }
    })
    expect(seen.studio).toBe('object')
    expect(seen.groups).toEqual(
      expect.arrayContaining(['app', 'runs', 'training', 'datasets', 'on', 'fileUrl', 'transport'])
    )
    expect(seen).toMatchObject({
      require: 'undefined',
      process: 'undefined',
      Buffer: 'undefined',
      ipcRenderer: 'undefined',
      electron: 'undefined',
      module: 'undefined'
    })
  })

  it('answers requests over IPC, reports the repaired settings, refuses bad payloads', async () => {
    const r = await page.evaluate(async () => {
      const s = (
        window as unknown as {
          studio: {
            app: { info(): Promise<{ transport: string; notices: Array<{ message: string }> }> }
            runs: { get(p: unknown): Promise<unknown> }
          }
        }
      ).studio
      const info = await s.app.info()
      let code = ''
      try {
        await s.runs.get({ runId: '../../etc/passwd' })
      } catch (e) {
        code = (e as { code: string }).code
      }
      return { transport: info.transport, notice: info.notices[0]?.message ?? '', code }
    })
    expect(r.transport).toBe('electron')
    expect(r.notice).toMatch(/settings/i)
    expect(r.code).toBe('invalid-input')
  })

  it('refuses window.open and navigation away', async () => {
    expect(await page.evaluate(() => window.open('https://example.com') === null)).toBe(true)
    const before = page.url()
    await page.evaluate(() => {
      window.location.href = 'https://example.com/'
    })
    await page.waitForTimeout(500)
    expect(page.url()).toBe(before)
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
  })

  it('app:// refuses escapes from the data dir', async () => {
    const statuses = await page.evaluate(async () => {
      const out: number[] = []
      for (const u of [
        'app://data/%2e%2e/%2e%2e/etc/passwd',
        'app://data/..%2f..%2fetc%2fpasswd',
        'app://elsewhere/etc/passwd'
      ]) {
        try {
          out.push((await fetch(u)).status)
        } catch {
          out.push(0)
        }
      }
      return out
    })
    for (const s of statuses) expect(s === 0 || s >= 400).toBe(true)
  })
})
