/**
 * BrowserWindow, WebContents and WebFrameMain of the stand-in: each window is a Playwright page in
 * Debian's Chromium; each frame's URL and origin are read from that Chromium frame and reported in
 * Electron's terms (scheme-map.ts).
 */
import { EventEmitter } from 'node:events'
import type { CDPSession, Frame, Page } from 'playwright-core'
import { cloneForIpc } from './codec'
import { IpcRendererStandIn, type IpcMainStandIn, type SenderOf } from './ipc'
import { PreloadWorld } from './preload-world'
import type { SchemeMap } from './scheme-map'

/** What windows need from the runtime. */
export interface WindowHost {
  schemes: SchemeMap
  ipcMain: IpcMainStandIn
  newPage(size: { width: number; height: number }): Promise<{ page: Page; cdp: CDPSession }>
  /** app's 'web-contents-created' / 'browser-window-created'. */
  created(win: BrowserWindowStandIn): void
  closed(win: BrowserWindowStandIn): void
  /** Saves a download the page started (the session's will-download, then the save dialog). */
  download(
    contents: WebContentsStandIn,
    url: string,
    save: (path: string) => Promise<void>,
    filename: string
  ): Promise<void>
  onPopup(contents: WebContentsStandIn, popup: Page): void
}

let nextContentsId = 1
let nextFrameId = 1

/**
 * https://www.electronjs.org/docs/latest/api/web-frame-main: `url` "the current URL of the frame";
 * `origin` "the current origin of the frame, serialized according to RFC 6454 ... Pages without a
 * scheme/host/port triple origin will have the serialized origin of "null"". Read from Chromium.
 */
export class WebFrameMainStandIn
  extends EventEmitter
  implements
    Pick<
      Electron.WebFrameMain,
      'url' | 'origin' | 'name' | 'frameTreeNodeId' | 'routingId' | 'processId' | 'detached' | 'isDestroyed'
    >
{
  readonly frameTreeNodeId = nextFrameId++
  readonly routingId = this.frameTreeNodeId
  readonly processId = 1
  private chromiumOrigin: string | undefined

  constructor(
    readonly frame: Frame,
    private readonly schemes: SchemeMap,
    private readonly parentOf: (f: Frame) => WebFrameMainStandIn | null
  ) {
    super()
  }

  get url(): string {
    return this.schemes.fromChromium(this.frame.url())
  }

  get origin(): string {
    if (this.chromiumOrigin !== undefined) return this.schemes.originFromChromium(this.chromiumOrigin)
    // Until Chromium has told us: the origin its URL gives; about: frames inherit their parent's.
    const u = this.frame.url()
    if (u === '' || u.startsWith('about:')) return this.parent?.origin ?? 'null'
    try {
      return this.schemes.originFromChromium(new URL(u).origin)
    } catch {
      return 'null'
    }
  }

  /** Learns the origin from Chromium (the Origin header of a request, or `self.origin`). */
  setChromiumOrigin(origin: string | undefined): void {
    this.chromiumOrigin = origin
  }

  async refreshOrigin(): Promise<void> {
    this.chromiumOrigin = undefined
    try {
      this.chromiumOrigin = await this.frame.evaluate(() => self.origin)
    } catch {
      // The frame went away or is mid-navigation; the URL-derived origin stands.
    }
  }

  get name(): string {
    return this.frame.name()
  }

  get parent(): WebFrameMainStandIn | null {
    const p = this.frame.parentFrame()
    return p ? this.parentOf(p) : null
  }

  get top(): WebFrameMainStandIn {
    return this.parent ? this.parent.top : this
  }

  get detached(): boolean {
    return this.frame.isDetached()
  }

  isDestroyed(): boolean {
    return this.frame.isDetached()
  }
}

type WindowOpenHandler = Parameters<Electron.WebContents['setWindowOpenHandler']>[0]

/** https://www.electronjs.org/docs/latest/api/web-contents */
export class WebContentsStandIn
  extends EventEmitter
  implements
    Pick<
      Electron.WebContents,
      | 'id'
      | 'getURL'
      | 'send'
      | 'setWindowOpenHandler'
      | 'downloadURL'
      | 'isDestroyed'
      | 'isLoading'
      | 'focus'
      | 'reload'
    >
{
  readonly id = nextContentsId++
  page: Page | undefined
  private cdp: CDPSession | undefined
  private readonly ready: Promise<void>
  private readonly frames = new Map<Frame, WebFrameMainStandIn>()
  private world: PreloadWorld | undefined
  private pushChain: Promise<unknown> = Promise.resolve()
  private destroyed = false
  private windowOpenHandler: WindowOpenHandler | undefined
  private mainFrameId: string | undefined
  /** URLs the page passed to window.open, oldest first. */
  readonly requestedOpens: string[] = []
  /** http(s) document URLs whose navigation a will-navigate listener cancelled. */
  readonly cancelledNavigations = new Set<string>()

  constructor(
    private readonly host: WindowHost,
    readonly webPreferences: Electron.WebPreferences,
    size: { width: number; height: number }
  ) {
    super()
    this.ready = host.newPage(size).then(({ page, cdp }) => this.attach(page, cdp))
  }

  private async attach(page: Page, cdp: CDPSession): Promise<void> {
    this.page = page
    this.cdp = cdp
    page.on('framenavigated', (f) => {
      const wf = this.frameFor(f)
      void wf.refreshOrigin()
      if (f === page.mainFrame()) this.emit('did-navigate', {}, this.getURL(), 200, 'OK')
    })
    page.on('domcontentloaded', () => this.emit('dom-ready', {}))
    page.on('load', () => this.emit('did-finish-load', {}))
    page.on('download', (d) => {
      void this.host.download(
        this,
        this.host.schemes.fromChromium(d.url()),
        (p) => d.saveAs(p),
        d.suggestedFilename()
      )
    })
    page.on('popup', (p) => this.host.onPopup(this, p))
    page.on('console', (m) => this.emit('console-message', { level: m.type(), message: m.text() }))
    await cdp.send('Page.enable')
    const tree = (await cdp.send('Page.getFrameTree')) as { frameTree: { frame: { id: string } } }
    this.mainFrameId = tree.frameTree.frame.id
    // will-navigate: "Emitted when a user or the page wants to start a navigation on the main
    // frame ... when the window.location object is changed or a user clicks a link in the page.
    // This event will not emit when the navigation is started programmatically with APIs like
    // webContents.loadURL ... It is also not emitted for in-page navigations". Chromium's
    // Page.frameRequestedNavigation is exactly "a renderer-initiated navigation is requested".
    // Page.windowOpen carries the URL the page asked for (the popup itself may already show an
    // error page by the time Playwright reports it).
    cdp.on('Page.windowOpen', (e: { url: string }) => {
      this.requestedOpens.push(this.host.schemes.fromChromium(e.url))
      this.emit('stand-in:window-open')
    })
    cdp.on('Page.frameRequestedNavigation', (e: { frameId: string; url: string }) => {
      if (e.frameId !== this.mainFrameId) return
      this.requestedNavigation(this.host.schemes.fromChromium(e.url))
    })
  }

  private requestedNavigation(url: string): void {
    // "It is also not emitted for in-page navigations, such as clicking anchor links or updating
    // the window.location.hash."
    const noHash = (u: string): string => u.replace(/#.*$/, '')
    if (url.includes('#') && noHash(url) === noHash(this.getURL())) return
    let prevented = false
    const details = {
      url,
      isMainFrame: true,
      isSameDocument: false,
      frame: this.mainFrame,
      initiator: this.mainFrame,
      preventDefault: (): void => {
        prevented = true
      },
      get defaultPrevented(): boolean {
        return prevented
      }
    }
    this.emit('will-navigate', details, url, false, true, 1, this.mainFrame.routingId)
    const chromiumUrl = this.host.schemes.toChromium(url)
    if (prevented) {
      // Chromium issues the request; the route handler refuses it, and the page stays.
      this.cancelledNavigations.add(chromiumUrl)
    } else if (chromiumUrl !== url) {
      // Chromium cannot load a custom scheme by itself: the stand-in performs the navigation.
      void this.page?.goto(chromiumUrl).catch(() => undefined)
    }
  }

  /** The WebFrameMain for a Chromium frame (one object per frame, like Electron's). */
  frameFor(f: Frame): WebFrameMainStandIn {
    let wf = this.frames.get(f)
    if (!wf) {
      wf = new WebFrameMainStandIn(f, this.host.schemes, (p) => this.frameFor(p))
      this.frames.set(f, wf)
    }
    return wf
  }

  get mainFrame(): WebFrameMainStandIn {
    if (!this.page) throw new Error('stand-in: the page is not created yet')
    return this.frameFor(this.page.mainFrame())
  }

  async whenAttached(): Promise<Page> {
    await this.ready
    return this.page!
  }

  /** The sender of IPC from a frame of this contents. */
  senderOf(frame: Frame): SenderOf {
    const wf = this.frameFor(frame)
    return {
      sender: this as unknown as Electron.WebContents,
      senderFrame: wf as unknown as Electron.WebFrameMain,
      processId: wf.processId,
      frameId: wf.routingId
    }
  }

  /** The page's main frame started a new document: run the preload in a fresh world. */
  startWorld(frame: Frame): PreloadWorld | undefined {
    if (!this.page || frame !== this.page.mainFrame()) return undefined
    this.world?.dispose()
    this.world = undefined
    const preload = this.webPreferences.preload
    if (!preload) return undefined
    const ipc = new IpcRendererStandIn(this.host.ipcMain, () => this.senderOf(frame))
    const world = new PreloadWorld((msg) => this.pushToPage(msg), ipc)
    this.world = world
    world.evaluate(preload)
    return world
  }

  worldById(id: number): PreloadWorld | undefined {
    return this.world?.id === id ? this.world : undefined
  }

  /** A world for an arbitrary frame (tests: a compromised renderer sending IPC from that frame). */
  ipcRendererFor(frame: Frame): IpcRendererStandIn {
    return new IpcRendererStandIn(this.host.ipcMain, () => this.senderOf(frame))
  }

  private pushToPage(msg: unknown): void {
    const page = this.page
    if (!page) return
    // In order, one at a time: events must arrive in the order main sent them.
    this.pushChain = this.pushChain.then(() =>
      page
        .mainFrame()
        .evaluate((m) => {
          const bridge = (window as unknown as Record<symbol, { push(m: unknown): void } | undefined>)[
            Symbol.for('electron-stand-in')
          ]
          bridge?.push(m)
        }, msg)
        .catch(() => undefined)
    )
  }

  // --- the WebContents API main uses -------------------------------------------------------

  private resolveFirstLoad!: (ok: boolean) => void
  /** Settles when the first loadURL has finished (true) or failed (false). */
  readonly firstLoad = new Promise<boolean>((r) => (this.resolveFirstLoad = r))

  /** "Returns Promise<void> - the promise will resolve when the page has finished loading". */
  loadURL(url: string): Promise<void> {
    const p = this.load(url)
    p.then(
      () => this.resolveFirstLoad(true),
      () => this.resolveFirstLoad(false)
    )
    return p
  }

  private async load(url: string): Promise<void> {
    await this.ready
    const r = await this.page!.goto(this.host.schemes.toChromium(url), { waitUntil: 'load' }).catch(
      (e: Error) => {
        this.emit('did-fail-load', {}, -2, e.message, url, true)
        throw new Error(`ERR_FAILED (-2) loading '${url}': ${e.message}`)
      }
    )
    if (r && !r.ok()) {
      this.emit('did-fail-load', {}, -2, `HTTP ${r.status()}`, url, true)
      throw new Error(`ERR_HTTP_RESPONSE_CODE_FAILURE (-379) loading '${url}'`)
    }
  }

  reload(): void {
    void this.page?.reload({ waitUntil: 'load' }).catch(() => undefined)
  }

  getURL(): string {
    return this.page ? this.host.schemes.fromChromium(this.page.url()) : ''
  }

  /** "Send an asynchronous message to the renderer process via channel ... serialized with the Structured Clone Algorithm". */
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    const copied = cloneForIpc(args)
    const world = this.world
    setImmediate(() => {
      if (world && !world.isDisposed) world.ipcRenderer.deliver(channel, copied)
    })
  }

  /** https://www.electronjs.org/docs/latest/api/web-contents#contentssetwindowopenhandlerhandler */
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler
  }

  /** The URL of the page's next window.open (Chromium reports it separately from the popup). */
  async nextRequestedOpen(fallback: string): Promise<string> {
    if (this.requestedOpens.length === 0)
      await Promise.race([
        new Promise((r) => this.once('stand-in:window-open', r)),
        new Promise((r) => setTimeout(r, 5000))
      ])
    return this.requestedOpens.shift() ?? fallback
  }

  /** Runs the window-open handler for a popup the page opened; true when it may stay open. */
  allowPopup(url: string): boolean {
    if (!this.windowOpenHandler) return true
    const r = this.windowOpenHandler({
      url,
      frameName: '',
      features: '',
      disposition: 'new-window',
      referrer: { url: this.getURL(), policy: 'strict-origin-when-cross-origin' }
    } as Parameters<WindowOpenHandler>[0])
    return r.action === 'allow'
  }

  /** "Initiates a download of the resource at url without navigating. The will-download event of session will be triggered." */
  downloadURL(url: string): void {
    const page = this.page
    if (!page) return
    void page
      .evaluate((u) => {
        const a = document.createElement('a')
        a.href = u
        a.download = ''
        a.click()
      }, this.host.schemes.toChromium(url))
      .catch(() => undefined)
  }

  isDestroyed(): boolean {
    return this.destroyed
  }

  isLoading(): boolean {
    return false
  }

  focus(): void {}

  async executeJavaScript(code: string): Promise<unknown> {
    await this.ready
    return this.page!.evaluate(code)
  }

  /** Closes the page; 'destroyed' follows. */
  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    this.world?.dispose()
    await this.ready.catch(() => undefined)
    await this.page?.close().catch(() => undefined)
    this.emit('destroyed')
  }
}

let nextWindowId = 1

/** https://www.electronjs.org/docs/latest/api/browser-window */
export class BrowserWindowStandIn
  extends EventEmitter
  implements
    Pick<
      Electron.BrowserWindow,
      | 'id'
      | 'show'
      | 'hide'
      | 'isVisible'
      | 'maximize'
      | 'unmaximize'
      | 'isMaximized'
      | 'isMinimized'
      | 'minimize'
      | 'restore'
      | 'focus'
      | 'getBounds'
      | 'getNormalBounds'
      | 'isDestroyed'
    >
{
  readonly id = nextWindowId++
  readonly webContents: WebContentsStandIn
  private visible: boolean
  private maximized = false
  private minimized = false
  private destroyedFlag = false
  private bounds: Electron.Rectangle

  constructor(
    private readonly host: WindowHost,
    readonly options: Electron.BrowserWindowConstructorOptions = {}
  ) {
    super()
    this.bounds = {
      x: options.x ?? 0,
      y: options.y ?? 0,
      width: options.width ?? 800,
      height: options.height ?? 600
    }
    this.visible = options.show ?? true
    this.webContents = new WebContentsStandIn(host, options.webPreferences ?? {}, {
      width: this.bounds.width,
      height: this.bounds.height
    })
    // 'ready-to-show': "Emitted when the web page has been rendered (while not being shown) and
    // window can be displayed without a visual flash" — after the first load here.
    this.webContents.once('did-finish-load', () => this.emit('ready-to-show'))
    host.created(this)
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url)
  }

  show(): void {
    this.visible = true
    this.emit('show')
  }

  hide(): void {
    this.visible = false
  }

  isVisible(): boolean {
    return this.visible
  }

  maximize(): void {
    // Electron shows a hidden window when it is maximised (browser-window.md, win.maximize()).
    this.maximized = true
    this.visible = true
    this.emit('maximize')
  }

  unmaximize(): void {
    this.maximized = false
    this.emit('unmaximize')
  }

  isMaximized(): boolean {
    return this.maximized
  }

  isMinimized(): boolean {
    return this.minimized
  }

  minimize(): void {
    this.minimized = true
  }

  restore(): void {
    this.minimized = false
  }

  focus(): void {}

  getBounds(): Electron.Rectangle {
    return { ...this.bounds }
  }

  getNormalBounds(): Electron.Rectangle {
    return { ...this.bounds }
  }

  setBounds(b: Partial<Electron.Rectangle>): void {
    this.bounds = { ...this.bounds, ...b }
    this.emit('resize')
  }

  isDestroyed(): boolean {
    return this.destroyedFlag
  }

  /** "Try to close the window": 'close' (cancellable), then 'closed'. */
  close(): Promise<void> {
    if (this.destroyedFlag) return Promise.resolve()
    let prevented = false
    this.emit('close', {
      preventDefault: () => {
        prevented = true
      }
    })
    if (prevented) return Promise.resolve()
    return this.destroy()
  }

  /** "Force closing the window, the unload and beforeunload event won't be emitted". */
  async destroy(): Promise<void> {
    if (this.destroyedFlag) return
    this.destroyedFlag = true
    await this.webContents.destroy()
    this.emit('closed')
    this.host.closed(this)
  }
}
