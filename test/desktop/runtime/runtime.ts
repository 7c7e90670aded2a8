/**
 * The desktop test runtime: the real built `out/main/index.js` runs in this Node process with a
 * stand-in for Electron's runtime behind `require('electron')`; its windows are pages of Debian's
 * Chromium; its preload (`out/preload/index.js`) runs per document in its own context; its
 * utility processes are real child processes. Only Electron's binary is replaced: every request
 * the renderer makes goes through the preload, IPC, and the handlers main registered.
 *
 * One runtime per process (main's module state is per process; Vitest runs each file in its own
 * fork). Use `startDesktop()`; `close()` quits the app the way a user would and closes Chromium.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core'
import { BRIDGE_PATH, pageBridge } from './page-bridge'
import type { Wire } from './codec'
import {
  AppStandIn,
  DialogControls,
  MenuStandIn,
  cancellable,
  createDialog,
  createProtocol,
  createScreen,
  createShell,
  type MenuItemStandIn,
  type ProtocolHandler
} from './electron-modules'
import { IpcMainStandIn } from './ipc'
import { SchemeMap } from './scheme-map'
import { createUtilityProcessModule, type UtilityProcessTuning } from './utility-process'
import { BrowserWindowStandIn, WebContentsStandIn, type WindowHost } from './web-contents'
import { EventEmitter } from 'node:events'

export const ROOT = path.resolve(__dirname, '..', '..', '..')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** The flags every test Chromium gets (see test/e2e/helpers/serve.ts). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync'
]

/** Why the desktop runtime cannot run here, or null when it can. */
export function desktopPrerequisite(): string | null {
  for (const f of ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html'])
    try {
      readFileSync(path.join(ROOT, f))
    } catch {
      return `${f} is not built: run \`npx electron-vite build\` first`
    }
  try {
    readFileSync(CHROMIUM)
  } catch {
    return `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`
  }
  return null
}

/** A download the session handled. */
export interface DownloadRecord {
  url: string
  filename: string
  state: 'completed' | 'cancelled' | 'interrupted'
  savePath: string
}

/** https://www.electronjs.org/docs/latest/api/download-item (the parts a will-download listener uses). */
class DownloadItemStandIn extends EventEmitter {
  savePath = ''
  state: DownloadRecord['state'] | 'progressing' = 'progressing'
  constructor(
    private readonly url: string,
    private readonly filename: string
  ) {
    super()
  }
  setSavePath(p: string): void {
    this.savePath = p
  }
  getSavePath(): string {
    return this.savePath
  }
  getURL(): string {
    return this.url
  }
  getFilename(): string {
    return this.filename
  }
  getState(): string {
    return this.state
  }
  cancel(): void {
    this.state = 'cancelled'
  }
}

export interface DesktopOptions {
  /** The userData dir; a fresh temp dir (removed on close) when omitted. */
  userData?: string
  viewport?: { width: number; height: number }
  colorScheme?: 'light' | 'dark'
  utility?: Partial<UtilityProcessTuning>
}

let started = false

/** The running app. */
export class DesktopRuntime {
  readonly schemes = new SchemeMap()
  readonly ipcMain = new IpcMainStandIn()
  readonly dialogs = new DialogControls()
  readonly shellOpened: string[] = []
  readonly downloads: DownloadRecord[] = []
  readonly popups: Array<{ url: string; allowed: boolean }> = []
  readonly preloadErrors: string[] = []
  readonly windows: BrowserWindowStandIn[] = []
  readonly protocolHandlers = new Map<string, ProtocolHandler>()
  readonly session = Object.assign(new EventEmitter(), {
    permissionRequestHandler: undefined as unknown,
    permissionCheckHandler: undefined as unknown,
    // https://www.electronjs.org/docs/latest/api/session#sessetpermissionrequesthandlerhandler
    setPermissionRequestHandler(h: unknown): void {
      this.permissionRequestHandler = h
    },
    setPermissionCheckHandler(h: unknown): void {
      this.permissionCheckHandler = h
    }
  })
  readonly tuning: UtilityProcessTuning
  readonly utility: ReturnType<typeof createUtilityProcessModule>
  readonly app: AppStandIn
  applicationMenu: MenuStandIn | null = null
  /** The stand-in `electron` module main sees (tests open extra windows with its BrowserWindow). */
  electron!: { BrowserWindow: new (o?: Electron.BrowserWindowConstructorOptions) => BrowserWindowStandIn }
  /** Pages of "the internet" a test provides (there is no network): URL → HTML. */
  private readonly external = new Map<string, string>()
  /** Resolves with the exit code when the app has quit or exited. */
  readonly exited: Promise<number>
  private resolveExit!: (code: number) => void
  private quitting = false
  private hasExited = false
  private browser!: Browser
  context!: BrowserContext
  private readonly ownUserData: boolean
  readonly userData: string

  private constructor(private readonly opts: DesktopOptions) {
    this.ownUserData = !opts.userData
    this.userData = opts.userData ?? mkdtempSync(path.join(os.tmpdir(), 'gs-desktop-'))
    this.tuning = { deliveryDelayMs: 0, ...opts.utility }
    this.utility = createUtilityProcessModule(this.tuning)
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
    this.app = new AppStandIn(pkg.version, this.userData, {
      quitRequested: (code, viaExit) => void this.quitRequested(code, viaExit)
    })
    this.exited = new Promise((r) => (this.resolveExit = r))
  }

  /** Launches Chromium, installs the stand-in `electron`, runs out/main/index.js, emits 'ready'. */
  static async start(opts: DesktopOptions = {}): Promise<DesktopRuntime> {
    if (started) throw new Error('one desktop runtime per process: main keeps module state')
    started = true
    const rt = new DesktopRuntime(opts)
    await rt.launchBrowser()
    rt.installElectron()
    createRequire(path.join(ROOT, 'package.json'))(path.join(ROOT, 'out', 'main', 'index.js'))
    // Electron emits 'ready' after the main script's first turn of the event loop.
    setImmediate(() => rt.app.becomeReady())
    return rt
  }

  private async launchBrowser(): Promise<void> {
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    this.context = await this.browser.newContext({
      viewport: this.opts.viewport ?? { width: 1280, height: 800 },
      colorScheme: this.opts.colorScheme ?? 'light',
      acceptDownloads: true
    })
    this.context.setDefaultTimeout(90_000)
    this.context.setDefaultNavigationTimeout(120_000)
    // Transpilers may wrap named functions in a `__name` helper that the page does not have.
    const content = `var __name = (f) => f;\n(${pageBridge.toString()})(${JSON.stringify(BRIDGE_PATH)})`
    await this.context.addInitScript({ content })
    await this.context.route('**/*', (route) => this.route(route))
  }

  /** The window host the stand-in windows talk to. */
  private readonly host: WindowHost = {
    schemes: this.schemes,
    ipcMain: this.ipcMain,
    newPage: async (size) => {
      const page = await this.context.newPage()
      await page.setViewportSize(size)
      const cdp = await this.context.newCDPSession(page)
      return { page, cdp }
    },
    created: (win) => {
      this.windows.push(win)
      // app 'web-contents-created' and 'browser-window-created' (app.md).
      this.app.emit('web-contents-created', cancellable(), win.webContents)
      this.app.emit('browser-window-created', cancellable(), win)
    },
    closed: (win) => {
      const i = this.windows.indexOf(win)
      if (i >= 0) this.windows.splice(i, 1)
      if (this.windows.length === 0 && !this.quitting) {
        // "If you do not subscribe to this event and all windows are closed, the default
        // behavior is to quit the app" (app.md, 'window-all-closed').
        if (this.app.listenerCount('window-all-closed') > 0) this.app.emit('window-all-closed')
        else this.app.quit()
      }
    },
    download: (contents, url, save, filename) => this.download(contents, url, save, filename),
    onPopup: (contents, popup) => {
      // setWindowOpenHandler decides (web-contents.md): 'deny' means no window. Chromium has
      // already made the popup by the time we hear of it, so a denied one is closed at once; the
      // page's window.open returned a window object rather than null (see the README's list).
      void contents.nextRequestedOpen(this.schemes.fromChromium(popup.url())).then((url) => {
        const allowed = contents.allowPopup(url)
        this.popups.push({ url, allowed })
        if (!allowed) void popup.close().catch(() => undefined)
      })
    }
  }

  private installElectron(): void {
    const host = this.host
    const windows = this.windows
    class BrowserWindow extends BrowserWindowStandIn {
      constructor(options?: Electron.BrowserWindowConstructorOptions) {
        super(host, options)
      }
      static getAllWindows(): BrowserWindowStandIn[] {
        return [...windows]
      }
      static getFocusedWindow(): BrowserWindowStandIn | null {
        return windows[0] ?? null
      }
      static fromWebContents(wc: unknown): BrowserWindowStandIn | null {
        return windows.find((w) => w.webContents === wc) ?? null
      }
    }
    const electron = {
      app: this.app,
      BrowserWindow,
      ipcMain: this.ipcMain,
      protocol: createProtocol(this.schemes, this.protocolHandlers, () => this.app.isReady()),
      session: { defaultSession: this.session, fromPartition: () => this.session },
      dialog: createDialog(this.dialogs),
      shell: createShell(this.shellOpened),
      screen: createScreen(),
      utilityProcess: { fork: this.utility.fork },
      Menu: {
        buildFromTemplate: MenuStandIn.buildFromTemplate,
        // https://www.electronjs.org/docs/latest/api/menu#menusetapplicationmenumenu
        setApplicationMenu: (m: MenuStandIn | null) => {
          this.applicationMenu = m
        },
        getApplicationMenu: () => this.applicationMenu
      },
      nativeTheme: Object.assign(new EventEmitter(), {
        shouldUseDarkColors: this.opts.colorScheme === 'dark',
        themeSource: 'system'
      }),
      webContents: {
        getAllWebContents: () => this.windows.map((w) => w.webContents),
        fromId: (id: number) => this.windows.find((w) => w.webContents.id === id)?.webContents
      }
    }
    this.electron = electron
    const file = createRequire(path.join(ROOT, 'package.json')).resolve('electron')
    const m = new Module(file)
    m.filename = file
    m.loaded = true
    m.exports = electron
    // Both `require('electron')` (main's CJS bundle) and `import 'electron'` (electron-store, ESM)
    // resolve to node_modules/electron/index.js, which is answered from the CJS cache.
    ;(Module as unknown as { _cache: Record<string, Module> })._cache[file] = m
  }

  // --- Chromium requests -----------------------------------------------------------------

  private contentsOf(page: Page): WebContentsStandIn | undefined {
    return this.windows.map((w) => w.webContents).find((c) => c.page === page)
  }

  private async route(route: Route): Promise<void> {
    const req = route.request()
    const chromiumUrl = req.url()
    let frame
    try {
      frame = req.frame()
    } catch {
      frame = undefined
    }
    const u = new URL(chromiumUrl)
    if (u.pathname.startsWith(BRIDGE_PATH) && req.method() === 'POST' && frame) {
      const contents = this.contentsOf(frame.page())
      const origin = req.headers()['origin']
      if (contents) contents.frameFor(frame).setChromiumOrigin(origin)
      const op = u.pathname.slice(BRIDGE_PATH.length)
      let answer: unknown
      try {
        answer = this.bridge(
          contents,
          frame,
          op,
          JSON.parse(req.postData() ?? '{}') as Record<string, unknown>
        )
      } catch (e) {
        return route.fulfill({ status: 500, body: String((e as Error).stack ?? e) })
      }
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(answer ?? {})
      })
    }
    if (req.isNavigationRequest() && frame) {
      const contents = this.contentsOf(frame.page())
      if (contents?.cancelledNavigations.delete(chromiumUrl)) return route.abort('aborted')
    }
    const electronUrl = this.schemes.fromChromium(chromiumUrl)
    const scheme = electronUrl.slice(0, electronUrl.indexOf(':'))
    const handler = this.protocolHandlers.get(scheme)
    if (handler) return this.serveProtocol(route, handler, electronUrl)
    if (scheme !== 'http' && scheme !== 'https' && scheme !== 'data' && scheme !== 'blob')
      // A scheme nobody handles: net::ERR_UNKNOWN_URL_SCHEME in Electron.
      return route.abort('failed')
    const html = this.external.get(chromiumUrl)
    if (html !== undefined) return route.fulfill({ status: 200, contentType: 'text/html', body: html })
    // Everything else would go to the network, which tests do not have.
    return route.abort('internetdisconnected')
  }

  private async serveProtocol(route: Route, handler: ProtocolHandler, url: string): Promise<void> {
    const req = route.request()
    const method = req.method()
    const posted = method === 'GET' || method === 'HEAD' ? null : req.postDataBuffer()
    const body = posted ? new Uint8Array(posted) : undefined
    let res: Response
    try {
      res = await handler(new Request(url, { method, headers: req.headers(), body }))
    } catch (e) {
      // A handler that throws fails the request (net::ERR_FAILED).
      console.error(`protocol handler for ${url} threw:`, e)
      return route.abort('failed')
    }
    const headers: Record<string, string> = {}
    res.headers.forEach((v, k) => (headers[k] = v))
    const bytes = method === 'HEAD' || !res.body ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer())
    return route.fulfill({ status: res.status, headers, body: bytes })
  }

  private bridge(
    contents: WebContentsStandIn | undefined,
    frame: NonNullable<ReturnType<ReturnType<Route['request']>['frame']>>,
    op: string,
    body: Record<string, unknown>
  ): unknown {
    if (op === 'preload') {
      if (!contents) return { world: 0, exposures: [] }
      try {
        const world = contents.startWorld(frame)
        return { world: world?.id ?? 0, exposures: world?.exposures ?? [] }
      } catch (e) {
        // Electron reports "Unable to load preload script" and the page loads without it.
        this.preloadErrors.push(String((e as Error).stack ?? e))
        return { world: 0, exposures: [] }
      }
    }
    const world = contents?.worldById(Number(body.world))
    if (!world) return { threw: { t: 'err', message: 'the preload world of this page is gone' } }
    if (op === 'call') return world.call(Number(body.fn), (body.args as Wire[]) ?? [])
    if (op === 'settle') {
      world.settle(Number(body.promise), body as { ok?: Wire; err?: Wire })
      return {}
    }
    throw new Error(`unknown bridge op ${op}`)
  }

  private async download(
    contents: WebContentsStandIn,
    url: string,
    save: (p: string) => Promise<void>,
    filename: string
  ): Promise<void> {
    const item = new DownloadItemStandIn(url, filename)
    const event = cancellable()
    // session 'will-download' (event, item, webContents); "Calling event.preventDefault() will cancel the download".
    this.session.emit('will-download', event, item, contents)
    const record: DownloadRecord = { url, filename, state: 'cancelled', savePath: '' }
    this.downloads.push(record)
    if (event.defaultPrevented || item.state === 'cancelled') return
    if (!item.savePath) {
      // download-item.md: "If user doesn't set the save path via the API, Electron will use the
      // original routine to determine the save path; this usually prompts a save dialog."
      const r = this.dialogs.answerSave({ defaultPath: filename })
      this.dialogs.saveRequests.push({ defaultPath: filename })
      if (r.canceled || !r.filePath) {
        item.emit('done', {}, 'cancelled')
        return
      }
      item.savePath = r.filePath
    }
    try {
      await save(item.savePath)
      item.state = 'completed'
    } catch {
      item.state = 'interrupted'
    }
    record.state = item.state
    record.savePath = item.savePath
    item.emit('done', {}, item.state)
  }

  // --- lifecycle ---------------------------------------------------------------------------

  private async quitRequested(code: number, viaExit: boolean): Promise<void> {
    if (this.hasExited) return
    if (!viaExit) {
      if (this.quitting) return
      const before = cancellable()
      this.app.emit('before-quit', before)
      if (before.defaultPrevented) return
      this.quitting = true
      for (const w of [...this.windows]) await w.close()
      if (this.windows.length > 0) {
        this.quitting = false
        return
      }
      const will = cancellable()
      this.app.emit('will-quit', will)
      if (will.defaultPrevented) {
        this.quitting = false
        return
      }
      this.app.emit('quit', cancellable(), code)
    } else {
      this.quitting = true
      for (const w of [...this.windows]) await w.destroy()
    }
    this.hasExited = true
    // Utility processes end with the app.
    for (const p of this.utility.live) p.kill()
    this.resolveExit(code)
  }

  /** The first window once its page has loaded main's URL. */
  async firstWindow(): Promise<{ win: BrowserWindowStandIn; page: Page }> {
    for (;;) {
      const win = this.windows[0]
      if (win) {
        const page = await win.webContents.whenAttached()
        const loaded = await Promise.race([win.webContents.firstLoad, this.exited.then(() => false)])
        if (!loaded) throw new Error(`the window did not load main's page${this.errorBoxesText()}`)
        return { win, page }
      }
      const timeout = Promise.race([this.exited.then((c) => `the app exited with ${c}`), wait(50)])
      const why = await timeout
      if (typeof why === 'string') throw new Error(`no window: ${why}${this.errorBoxesText()}`)
    }
  }

  private errorBoxesText(): string {
    return this.dialogs.errorBoxes.map((b) => `\n${b.title}: ${b.content}`).join('')
  }

  /** Clicks an application-menu item by its labels, e.g. ['View', 'Runs'] (menu-item.md: click(menuItem, window, event)). */
  clickMenu(labels: string[]): void {
    let items = this.applicationMenu?.items ?? []
    let item: MenuItemStandIn | undefined
    for (const [i, label] of labels.entries()) {
      item = items.find((x) => x.label === label && x.visible)
      if (!item) throw new Error(`no menu item ${labels.slice(0, i + 1).join(' > ')}`)
      items = item.submenu?.items ?? []
    }
    if (!item) throw new Error('no menu item')
    if (!item.enabled) throw new Error(`menu item ${labels.join(' > ')} is disabled`)
    if (item.click) return item.click(item, this.windows[0] ?? null, { triggeredByAccelerator: false })
    if (item.role === 'quit') return this.app.quit()
    throw new Error(`the stand-in does not perform the menu role ${item.role ?? '(none)'}`)
  }

  /** Serves `html` at an http(s) `url`, standing in for a site on the internet. */
  serveExternal(url: string, html: string): void {
    this.external.set(url, html)
  }

  /** Labels of the application menu, for tests that check what it offers. */
  menuLabels(path: string[] = []): string[] {
    let items = this.applicationMenu?.items ?? []
    for (const label of path) items = items.find((x) => x.label === label)?.submenu?.items ?? []
    return items.filter((i) => i.visible && i.type !== 'separator').map((i) => i.label)
  }

  /** Quits like the user would (before-quit lets live runs checkpoint), then closes Chromium. */
  async close(): Promise<number> {
    if (!this.hasExited) this.app.quit()
    const code = await Promise.race([this.exited, wait(90_000).then(() => -1)])
    for (const p of this.utility.live) p.kill()
    await this.browser?.close().catch(() => undefined)
    if (this.ownUserData) rmSync(this.userData, { recursive: true, force: true })
    return code
  }
}

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Starts the app in the stand-in runtime. */
export function startDesktop(opts?: DesktopOptions): Promise<DesktopRuntime> {
  return DesktopRuntime.start(opts)
}
