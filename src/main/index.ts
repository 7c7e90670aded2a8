/**
 * App lifecycle only: single-instance lock, the app:// protocol, the service, the window, the IPC
 * transport and the menu are wired here; each lives in its own module.
 */
import { app, session, type WebContents } from 'electron'
import path from 'node:path'
import { StudioService } from './services/studio-service'
import { createDatasetsPort } from './services/datasets-port'
import { createExplorerPorts } from './services/explorer'
import { registerAppScheme, handleAppProtocol } from './window/app-protocol'
import { ElectronSettingsStore } from './window/electron-settings'
import { createMainWindow, lockDownContents } from './window/main-window'
import { installMenu } from './window/menu'
import { bindIpc, senderCheckFor } from './ipc/bind'
import { UtilityWorkerLauncher } from './ipc/utility-launcher'
import type { AppInfo } from '../shared/contract'

/** The dev server of `npm run dev` (electron-vite sets it); absent in a built app. */
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const APP_ORIGIN = 'app://renderer'
const allowedOrigins = [APP_ORIGIN, ...(devUrl ? [new URL(devUrl).origin] : [])]

registerAppScheme()

// Tests (test/e2e/electron.e2e.test.ts) point the app at a temp data dir; must precede 'ready'.
if (process.env.GAN_STUDIO_USER_DATA) app.setPath('userData', process.env.GAN_STUDIO_USER_DATA)

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the data dir and its trainers; it gets focus via 'second-instance'.
  app.quit()
} else {
  let service: StudioService | undefined
  let contents: WebContents | undefined
  let win: Electron.BrowserWindow | undefined

  app.on('second-instance', () => {
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.focus()
  })

  // Every web contents ever created (including any a bug might open) gets the same rules.
  app.on('web-contents-created', (_e, wc) => lockDownContents(wc, allowedOrigins))

  app
    .whenReady()
    .then(async () => {
      const dataDir = app.getPath('userData')
      const settings = new ElectronSettingsStore(dataDir)
      // utilityProcess, not fork: the packaged app's RunAsNode fuse is off.
      const explorer = createExplorerPorts(
        dataDir,
        () => settings.get().backend,
        new UtilityWorkerLauncher(path.join(__dirname, 'inference-worker.js')),
        () => settings.get().threads
      )
      service = new StudioService({
        dataDir,
        settings,
        launcher: new UtilityWorkerLauncher(path.join(__dirname, 'trainer-worker.js')),
        transport: 'electron',
        versions: {
          node: process.versions.node,
          electron: process.versions.electron,
          chrome: process.versions.chrome,
          v8: process.versions.v8
        },
        datasets: createDatasetsPort(dataDir),
        explorer,
        exporter: explorer
      })

      // The page asks for nothing: camera, notifications, geolocation... are all refused.
      session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
      session.defaultSession.setPermissionCheckHandler(() => false)

      const rendererDir = path.join(__dirname, '..', 'renderer')
      handleAppProtocol({ renderer: rendererDir, data: dataDir })

      win = createMainWindow({ settings, preloadDir: path.join(__dirname, '..', 'preload'), allowedOrigins })
      contents = win.webContents
      win.on('closed', () => {
        win = undefined
        contents = undefined
      })
      bindIpc(
        service,
        () => contents,
        senderCheckFor(() => contents, allowedOrigins)
      )

      const svc = service
      installMenu({
        window: () => win,
        command: (c) => svc.broadcast('app:command', c),
        info: async () => {
          const env = await svc.dispatch('app:info', {})
          return env.ok ? (env.value as AppInfo) : undefined
        },
        isDev: Boolean(devUrl)
      })

      await (devUrl ? win.loadURL(devUrl) : win.loadURL(`${APP_ORIGIN}/index.html`))
      await service.recoverOrphans()
    })
    .catch((err: unknown) => {
      // A start-up failure must be visible, not a silent dead process.
      console.error('GAN Studio failed to start:', err)
      app.exit(1)
    })

  // Live runs write a checkpoint before the app exits (at most a minute, then they are killed).
  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting || !service) return
    event.preventDefault()
    quitting = true
    void service.close(60_000).finally(() => app.quit())
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
