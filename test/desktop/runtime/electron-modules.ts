/**
 * The app-level modules of the stand-in `electron`: app, protocol, session, dialog, shell, screen,
 * Menu. Each method names the page of Electron's documentation it follows; tests drive the native
 * parts (dialogs, menu clicks) through the `Controls` object.
 */
import { EventEmitter } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import type { SchemeMap } from './scheme-map'

/** An Electron-style event object with preventDefault. */
export interface CancellableEvent {
  preventDefault(): void
  readonly defaultPrevented: boolean
}

export function cancellable(): CancellableEvent {
  let prevented = false
  return {
    preventDefault: () => {
      prevented = true
    },
    get defaultPrevented() {
      return prevented
    }
  }
}

/** What a test answers to the native dialogs, and what they were asked. */
export class DialogControls {
  readonly saveRequests: Electron.SaveDialogOptions[] = []
  readonly openRequests: Electron.OpenDialogOptions[] = []
  readonly messageBoxes: Electron.MessageBoxOptions[] = []
  readonly errorBoxes: Array<{ title: string; content: string }> = []
  /** The answer to the next save dialogs (cancelled when unset). */
  answerSave: (o: Electron.SaveDialogOptions) => Electron.SaveDialogReturnValue = () => ({
    canceled: true,
    filePath: ''
  })
  answerOpen: (o: Electron.OpenDialogOptions) => Electron.OpenDialogReturnValue = () => ({
    canceled: true,
    filePaths: []
  })
  answerMessageBox: (o: Electron.MessageBoxOptions) => number = () => 0
}

/** https://www.electronjs.org/docs/latest/api/dialog (the parent window argument is optional). */
export function createDialog(
  c: DialogControls
): Pick<Electron.Dialog, 'showSaveDialog' | 'showOpenDialog' | 'showMessageBox' | 'showErrorBox'> {
  const opts = <T>(a: unknown, b: unknown): T => (b === undefined ? a : b) as T
  return {
    showSaveDialog: (async (a: unknown, b?: unknown) => {
      const o = opts<Electron.SaveDialogOptions>(a, b)
      c.saveRequests.push(o)
      return c.answerSave(o)
    }) as Electron.Dialog['showSaveDialog'],
    showOpenDialog: (async (a: unknown, b?: unknown) => {
      const o = opts<Electron.OpenDialogOptions>(a, b)
      c.openRequests.push(o)
      return c.answerOpen(o)
    }) as Electron.Dialog['showOpenDialog'],
    showMessageBox: (async (a: unknown, b?: unknown) => {
      const o = opts<Electron.MessageBoxOptions>(a, b)
      c.messageBoxes.push(o)
      return { response: c.answerMessageBox(o), checkboxChecked: false }
    }) as Electron.Dialog['showMessageBox'],
    // "This API can be called safely before the ready event"; synchronous.
    showErrorBox: (title: string, content: string) => {
      c.errorBoxes.push({ title, content })
    }
  }
}

/** https://www.electronjs.org/docs/latest/api/shell: nothing leaves the test machine; calls are recorded. */
export function createShell(
  opened: string[]
): Pick<Electron.Shell, 'openExternal' | 'openPath' | 'showItemInFolder'> {
  return {
    openExternal: async (url: string) => {
      opened.push(url)
    },
    openPath: async (p: string) => {
      opened.push(p)
      return ''
    },
    showItemInFolder: (p: string) => {
      opened.push(p)
    }
  }
}

/** https://www.electronjs.org/docs/latest/api/screen: one 1920×1080 display. */
export function createScreen(): Pick<Electron.Screen, 'getAllDisplays' | 'getPrimaryDisplay'> {
  const area = { x: 0, y: 0, width: 1920, height: 1080 }
  const display = {
    id: 1,
    bounds: area,
    workArea: area,
    size: { width: 1920, height: 1080 },
    workAreaSize: { width: 1920, height: 1080 },
    scaleFactor: 1,
    rotation: 0,
    internal: false,
    monochrome: false,
    accelerometerSupport: 'unknown',
    touchSupport: 'unknown',
    colorDepth: 24,
    colorSpace: 'srgb',
    depthPerComponent: 8,
    displayFrequency: 60,
    detected: true,
    label: 'stand-in',
    maximumCursorSize: { width: 0, height: 0 },
    nativeOrigin: { x: 0, y: 0 }
  } as Electron.Display
  return { getAllDisplays: () => [display], getPrimaryDisplay: () => display }
}

/** A protocol handler as main registers it. */
export type ProtocolHandler = (request: Request) => Response | Promise<Response>

/** https://www.electronjs.org/docs/latest/api/protocol */
export function createProtocol(
  schemes: SchemeMap,
  handlers: Map<string, ProtocolHandler>,
  isReady: () => boolean
): Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle' | 'unhandle' | 'isProtocolHandled'> {
  return {
    // "This method can only be used before the ready event of the app module gets emitted".
    registerSchemesAsPrivileged: (customSchemes: Electron.CustomScheme[]) => {
      if (isReady())
        throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready')
      for (const s of customSchemes) if (s.privileges?.standard) schemes.register(s.scheme)
    },
    // "Register a protocol handler for scheme. Requests made to URLs with this scheme will delegate
    // to this handler to determine what response should be sent."
    handle: (scheme: string, handler: ProtocolHandler) => {
      if (handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`)
      handlers.set(scheme, handler)
    },
    unhandle: (scheme: string) => {
      handlers.delete(scheme)
    },
    isProtocolHandled: (scheme: string) => handlers.has(scheme)
  }
}

/** A menu item as the stand-in keeps it. */
export interface MenuItemStandIn {
  label: string
  role?: string
  type?: string
  accelerator?: string
  enabled: boolean
  visible: boolean
  submenu?: MenuStandIn
  click?: (item: MenuItemStandIn, win: unknown, event: unknown) => void
}

/** https://www.electronjs.org/docs/latest/api/menu */
export class MenuStandIn {
  constructor(readonly items: MenuItemStandIn[]) {}

  /** "Menu.buildFromTemplate(template)": roles give their default labels (menu-item.md, roles). */
  static buildFromTemplate(
    template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>
  ): MenuStandIn {
    return new MenuStandIn(
      template.map((t) => {
        const o = t as Electron.MenuItemConstructorOptions
        const sub = o.submenu
        return {
          label: o.label ?? (o.role ? roleLabel(o.role) : ''),
          role: o.role,
          type: o.type ?? (sub ? 'submenu' : 'normal'),
          accelerator: typeof o.accelerator === 'string' ? o.accelerator : undefined,
          enabled: o.enabled ?? true,
          visible: o.visible ?? true,
          submenu: sub
            ? sub instanceof MenuStandIn
              ? sub
              : MenuStandIn.buildFromTemplate(sub as Electron.MenuItemConstructorOptions[])
            : undefined,
          click: o.click as MenuItemStandIn['click']
        }
      })
    )
  }
}

function roleLabel(role: string): string {
  const labels: Record<string, string> = {
    quit: 'Quit',
    close: 'Close',
    editMenu: 'Edit',
    windowMenu: 'Window',
    help: 'Help',
    appMenu: 'App',
    reload: 'Reload',
    toggleDevTools: 'Toggle Developer Tools',
    resetZoom: 'Actual Size',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    togglefullscreen: 'Toggle Full Screen'
  }
  return labels[role] ?? role
}

/** The `app` object (https://www.electronjs.org/docs/latest/api/app). */
export class AppStandIn
  extends EventEmitter
  implements
    Pick<
      Electron.App,
      | 'isPackaged'
      | 'isReady'
      | 'whenReady'
      | 'getPath'
      | 'setPath'
      | 'getVersion'
      | 'getName'
      | 'getAppPath'
      | 'getLocale'
      | 'requestSingleInstanceLock'
      | 'focus'
      | 'quit'
      | 'exit'
    >
{
  readonly isPackaged = false
  private ready = false
  private readonly readyPromise: Promise<void>
  private markReady!: () => void
  private readonly paths = new Map<string, string>()

  constructor(
    private readonly version: string,
    userData: string,
    private readonly lifecycle: { quitRequested(code: number, viaExit: boolean): void }
  ) {
    super()
    // app.getPath names (app.md): the user's folders live in a fake home inside the test's
    // userData, so nothing a test saves lands in the real home directory.
    const home = path.join(userData, '.home')
    const paths: Record<string, string> = {
      home,
      appData: path.join(home, '.config'),
      userData,
      sessionData: userData,
      temp: os.tmpdir(),
      exe: process.execPath,
      module: process.execPath,
      desktop: path.join(home, 'Desktop'),
      documents: path.join(home, 'Documents'),
      downloads: path.join(home, 'Downloads'),
      music: path.join(home, 'Music'),
      pictures: path.join(home, 'Pictures'),
      videos: path.join(home, 'Videos'),
      logs: path.join(userData, 'logs'),
      crashDumps: path.join(userData, 'Crashpad')
    }
    for (const [k, v] of Object.entries(paths)) this.paths.set(k, v)
    this.readyPromise = new Promise((r) => (this.markReady = r))
  }

  /** The runtime says the app is ready: 'will-finish-launching', 'ready', whenReady resolves. */
  becomeReady(): void {
    this.emit('will-finish-launching')
    this.ready = true
    this.emit('ready', cancellable(), {})
    this.markReady()
  }

  isReady(): boolean {
    return this.ready
  }

  whenReady(): Promise<void> {
    return this.readyPromise
  }

  getPath(name: Parameters<Electron.App['getPath']>[0]): string {
    const p = this.paths.get(name)
    if (!p) throw new Error(`Failed to get '${name}' path`)
    return p
  }

  /** "You can only override paths of a name defined in app.getPath" — userData and friends. */
  setPath(name: Parameters<Electron.App['setPath']>[0], p: string): void {
    this.paths.set(name, p)
  }

  getVersion(): string {
    return this.version
  }

  getName(): string {
    return 'GAN Studio'
  }

  getAppPath(): string {
    return process.cwd()
  }

  getLocale(): string {
    return 'en-US'
  }

  /** The only instance of the app in a test: the lock is always ours. */
  requestSingleInstanceLock(): boolean {
    return true
  }

  focus(): void {}

  /** "Try to close all windows. The before-quit event will be emitted first." */
  quit(): void {
    this.lifecycle.quitRequested(0, false)
  }

  /** "Exits immediately with exitCode ... before-quit and will-quit events will not be emitted." */
  exit(code = 0): void {
    this.lifecycle.quitRequested(code, true)
  }
}
