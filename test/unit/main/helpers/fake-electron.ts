/**
 * The least of Electron's main-process API that src/main/index.ts touches, for lifecycle unit
 * tests (activate, start-up failures, one lock-down per web contents). Tests get the module from
 * `vi.mock('electron', () => fakeElectron(state))` and drive `state.app` like Electron would.
 * Behaviours imitated, each from Electron's docs (api/app.md, api/browser-window.md, api/ipc-main.md):
 * `whenReady()` resolves once ready; `web-contents-created` fires for every new WebContents;
 * `ipcMain.handle` refuses a second handler for one channel (Electron throws "Attempted to
 * register a second handler"); `maximize()` shows a hidden window.
 */
import { EventEmitter } from 'node:events'
import { vi } from 'vitest'

export interface FakeWindow extends EventEmitter {
  shown: boolean
  /** Shown (by show() or maximize()) before its first paint ('ready-to-show'). */
  shownBeforePaint: boolean
  loaded: string[]
  webContents: FakeContents
  destroyed: boolean
  close(): void
}

export interface FakeContents extends EventEmitter {
  openHandlers: number
  mainFrame: { url: string; origin: string }
}

export interface FakeElectronState {
  app: EventEmitter & { ready: () => void }
  isPackaged: boolean
  paths: Record<string, string>
  windows: FakeWindow[]
  handlers: Map<string, unknown>
  errorBoxes: Array<{ title: string; content: string }>
  exitCodes: number[]
  loadFails: Error | undefined
  /** What `webContents.executeJavaScript` does (the test supplies a page). */
  executeJavaScript: (code: string, contents: FakeContents) => Promise<unknown>
}

export function newFakeElectronState(userData: string): FakeElectronState {
  let resolveReady: () => void = () => undefined
  const ready = new Promise<void>((r) => (resolveReady = r))
  const app = Object.assign(new EventEmitter(), {
    ready: (): void => resolveReady(),
    whenReady: (): Promise<void> => ready
  })
  return {
    app,
    isPackaged: false,
    paths: { userData, downloads: userData },
    windows: [],
    handlers: new Map(),
    errorBoxes: [],
    exitCodes: [],
    loadFails: undefined,
    executeJavaScript: async (): Promise<unknown> => {
      throw new Error('no page script expected in this test')
    }
  }
}

/** The module object that `vi.mock('electron', ...)` returns. */
export function fakeElectron(s: FakeElectronState): Record<string, unknown> {
  class BrowserWindow extends EventEmitter implements FakeWindow {
    shown = false
    shownBeforePaint = false
    private painted = false
    loaded: string[] = []
    destroyed = false
    webContents: FakeContents
    constructor() {
      super()
      const wc = Object.assign(new EventEmitter(), {
        openHandlers: 0,
        mainFrame: { url: '', origin: 'null' },
        setWindowOpenHandler: (): void => {
          wc.openHandlers++
        },
        isDestroyed: (): boolean => this.destroyed,
        send: vi.fn(),
        executeJavaScript: (code: string): Promise<unknown> => s.executeJavaScript(code, wc)
      })
      this.webContents = wc
      s.windows.push(this)
      s.app.emit('web-contents-created', {}, wc)
    }
    async loadURL(url: string): Promise<void> {
      if (s.loadFails) throw s.loadFails
      this.loaded.push(url)
      this.webContents.mainFrame.url = url
      this.webContents.mainFrame.origin = 'app://renderer'
      this.painted = true
      this.emit('ready-to-show')
    }
    show(): void {
      if (!this.painted) this.shownBeforePaint = true
      this.shown = true
    }
    maximize(): void {
      this.show()
    }
    isDestroyed(): boolean {
      return this.destroyed
    }
    isMaximized(): boolean {
      return false
    }
    isMinimized(): boolean {
      return false
    }
    getBounds(): object {
      return { x: 0, y: 0, width: 1000, height: 700 }
    }
    close(): void {
      this.emit('close')
      this.destroyed = true
      this.emit('closed')
    }
  }
  const app = Object.assign(s.app, {
    get isPackaged(): boolean {
      return s.isPackaged
    },
    getPath: (name: string): string => s.paths[name] ?? '/nonexistent',
    setPath: (name: string, p: string): void => {
      s.paths[name] = p
    },
    getVersion: (): string => '0.0.0',
    requestSingleInstanceLock: (): boolean => true,
    quit: vi.fn(),
    exit: (code: number): void => void s.exitCodes.push(code)
  })
  return {
    app,
    BrowserWindow,
    dialog: {
      showErrorBox: (title: string, content: string): void => void s.errorBoxes.push({ title, content })
    },
    ipcMain: {
      handle: (name: string, h: unknown): void => {
        if (s.handlers.has(name)) throw new Error(`Attempted to register a second handler for '${name}'`)
        s.handlers.set(name, h)
      },
      removeHandler: (name: string): void => void s.handlers.delete(name),
      // electron-store listens for its renderer helper's channel; nothing sends on it here.
      on: (): void => undefined
    },
    Menu: { buildFromTemplate: (): object => ({}), setApplicationMenu: (): void => undefined },
    protocol: { registerSchemesAsPrivileged: (): void => undefined, handle: (): void => undefined },
    screen: { getAllDisplays: (): unknown[] => [] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (): void => undefined,
        setPermissionCheckHandler: (): void => undefined
      }
    },
    shell: { openExternal: async (): Promise<void> => undefined },
    utilityProcess: { fork: vi.fn() }
  }
}
