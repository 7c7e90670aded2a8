/**
 * The one app window, locked down: context isolation, sandbox, no Node in the page, web security
 * on, no new windows, no navigation away, no webviews, no permissions; size, position and
 * maximised state restored from settings.
 */
import { BrowserWindow, screen, shell, type WebContents } from 'electron'
import path from 'node:path'
import type { SettingsStore } from '../services/settings'
import { isAllowedOrigin, originOf } from './origin'

/** The secure webPreferences of the app window (also asserted by the Electron e2e test). */
export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false
  }
}

/** Opens only https links, in the user's browser; everything else is dropped. */
export function openExternalSafely(url: string): void {
  try {
    if (new URL(url).protocol === 'https:') void shell.openExternal(url)
  } catch {
    // Not a URL: nothing to open.
  }
}

/**
 * Applies the navigation rules to any web contents: window.open denied (https links go to the
 * browser), navigation only within `allowedOrigins`, no webviews.
 */
export function lockDownContents(contents: WebContents, allowedOrigins: string[]): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url)
    return { action: 'deny' }
  })
  const guard = (event: Electron.Event, url: string): void => {
    if (!isAllowedOrigin(originOf(url), allowedOrigins)) {
      event.preventDefault()
      openExternalSafely(url)
    }
  }
  contents.on('will-navigate', guard)
  contents.on('will-redirect', guard)
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** Keeps saved bounds on a visible display; otherwise lets Electron centre the window. */
function visibleBounds(b: {
  x?: number
  y?: number
  width: number
  height: number
}): Electron.Rectangle | { width: number; height: number } {
  if (b.x === undefined || b.y === undefined) return { width: b.width, height: b.height }
  const rect = { x: b.x, y: b.y, width: b.width, height: b.height }
  const onScreen = screen.getAllDisplays().some((d) => {
    const a = d.workArea
    return rect.x < a.x + a.width && rect.x + rect.width > a.x && rect.y < a.y + a.height && rect.y + 40 > a.y
  })
  return onScreen ? rect : { width: b.width, height: b.height }
}

/** Creates the app window with its saved bounds and the preload; it persists its bounds itself. */
export function createMainWindow(opts: {
  settings: SettingsStore
  preloadDir: string
  icon?: string
  /** Keep the window hidden (the self-test); it is still created and loads normally. */
  hidden?: boolean
}): BrowserWindow {
  const saved = opts.settings.get().window
  const win = new BrowserWindow({
    ...visibleBounds(saved),
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'GAN Studio',
    backgroundColor: '#111318',
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: secureWebPreferences(path.join(opts.preloadDir, 'index.js'))
  })
  // Maximising a hidden window shows it at once, before its first paint (BrowserWindow docs,
  // win.maximize(): "This will also show (but not focus) the window if it isn't being displayed
  // already"), so the saved state is applied together with the first show.
  win.once('ready-to-show', () => {
    if (opts.hidden) return
    if (saved.maximized) win.maximize()
    win.show()
  })
  // The navigation rules come from app 'web-contents-created' (index.ts), which sees every
  // contents including this one: registering them here too opened blocked links twice.

  let timer: NodeJS.Timeout | undefined
  const save = (): void => {
    if (win.isDestroyed()) return
    const maximized = win.isMaximized()
    const b = maximized ? win.getNormalBounds() : win.getBounds()
    opts.settings.update({
      window: { x: b.x, y: b.y, width: Math.max(400, b.width), height: Math.max(300, b.height), maximized }
    })
  }
  const later = (): void => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(save, 500)
  }
  win.on('resize', later)
  win.on('move', later)
  win.on('maximize', later)
  win.on('unmaximize', later)
  win.on('close', () => {
    if (timer) clearTimeout(timer)
    save()
  })
  return win
}
