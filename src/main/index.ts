/**
 * App lifecycle only: single-instance lock, the app:// protocol, the service, the window, the IPC
 * transport and the menu are wired here; each lives in its own module.
 */
import { app, dialog, session, type WebContents } from 'electron'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { StudioService } from './services/studio-service'
import { createDatasetsPort } from './services/datasets-port'
import { createExplorerPorts } from './services/explorer'
import { registerAppScheme, handleAppProtocol } from './window/app-protocol'
import { ElectronSettingsStore } from './window/electron-settings'
import { createMainWindow, lockDownContents } from './window/main-window'
import { installMenu } from './window/menu'
import { createSaveFilesPort } from './window/save-dialog'
import { bindIpc, senderCheckFor } from './ipc/bind'
import { UtilityWorkerLauncher } from './ipc/utility-launcher'
import { isSelfTest, pageScript, runSelfTest, unwrapPageResult } from './self-test'
import type { AppInfo } from '../shared/contract'

/** The dev server of `npm run dev` (electron-vite sets it); absent in a built app. */
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const APP_ORIGIN = 'app://renderer'
const allowedOrigins = [APP_ORIGIN, ...(devUrl ? [new URL(devUrl).origin] : [])]

registerAppScheme()

// Tests point an unpackaged app at a temp data dir (must precede 'ready'); an installed app
// always keeps its data in its own userData, whatever the environment says.
const userDataFromEnv = !app.isPackaged ? process.env.GAN_STUDIO_USER_DATA : undefined
if (userDataFromEnv) app.setPath('userData', userDataFromEnv)

/** `--self-test` (self-test.ts): a hidden window, a few real requests, exit 0 or 1 with the reason. */
const selfTest = isSelfTest(process.argv)
// The self-test never touches the user's data (nor the lock of a running studio's data dir).
if (selfTest && !userDataFromEnv)
  app.setPath('userData', mkdtempSync(path.join(os.tmpdir(), 'gan-studio-self-test-')))

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the data dir and its trainers; it gets focus via 'second-instance'.
  if (selfTest) {
    console.error('self-test: ✗ another GAN Studio holds the lock on this data dir')
    app.exit(1)
  } else app.quit()
} else {
  let service: StudioService | undefined
  let contents: WebContents | undefined
  let win: Electron.BrowserWindow | undefined
  let settings: ElectronSettingsStore | undefined

  app.on('second-instance', () => {
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.focus()
  })

  // Every web contents ever created (the main window included) gets the same rules, once.
  app.on('web-contents-created', (_e, wc) => lockDownContents(wc, allowedOrigins))

  /** Creates the window (at start, and on macOS again after it was closed) and loads the page. */
  const openWindow = async (): Promise<void> => {
    if (!settings) return
    const w = createMainWindow({
      settings,
      preloadDir: path.join(__dirname, '..', 'preload'),
      hidden: selfTest
    })
    win = w
    contents = w.webContents
    w.on('closed', () => {
      // A newer window may already have replaced this one (macOS 'activate').
      if (win !== w) return
      win = undefined
      contents = undefined
    })
    await (devUrl ? w.loadURL(devUrl) : w.loadURL(`${APP_ORIGIN}/index.html`))
  }

  app
    .whenReady()
    .then(async () => {
      const dataDir = app.getPath('userData')
      settings = new ElectronSettingsStore(dataDir)
      const store = settings
      // utilityProcess, not fork: the packaged app's RunAsNode fuse is off.
      const explorer = createExplorerPorts(
        dataDir,
        () => store.get().backend,
        new UtilityWorkerLauncher(path.join(__dirname, 'inference-worker.js'), 'GAN Studio inference'),
        () => store.get().threads
      )
      service = new StudioService({
        dataDir,
        settings,
        launcher: new UtilityWorkerLauncher(path.join(__dirname, 'trainer-worker.js'), 'GAN Studio trainer'),
        transport: 'electron',
        versions: {
          node: process.versions.node,
          electron: process.versions.electron,
          chrome: process.versions.chrome,
          v8: process.versions.v8
        },
        datasets: createDatasetsPort(dataDir),
        explorer,
        exporter: explorer,
        saveFiles: createSaveFilesPort(() => win)
      })

      // The page asks for nothing: camera, notifications, geolocation... are all refused.
      session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
      session.defaultSession.setPermissionCheckHandler(() => false)

      const rendererDir = path.join(__dirname, '..', 'renderer')
      handleAppProtocol({ renderer: rendererDir, data: dataDir })

      // Bound once for the life of the app; `contents` follows whichever window is current.
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

      await openWindow()
      if (selfTest) {
        await runSelfTestAndExit(svc, () => contents)
        return
      }
      // Interrupted runs are marked crashed so they can be resumed; failing to check is a notice,
      // not a reason to take the studio away.
      await svc.recoverOrphans().catch((err: unknown) => {
        svc.notify('warning', `Could not check for runs interrupted last time: ${reasonOf(err)}`)
      })
    })
    .catch((err: unknown) => {
      // A start-up failure must be visible, not a silent dead process.
      showStartupError(err)
      app.exit(1)
    })

  // macOS keeps the app (and its training) alive with no window; the dock icon brings one back.
  app.on('activate', () => {
    if (!service || win) return
    openWindow().catch((err: unknown) => showStartupError(err))
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

/** The first line of an error, for a dialog. */
function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * The self-test in the hidden window: each request is made by the page through window.studio
 * (webContents.executeJavaScript), then the app exits 0 or 1; the reason goes to stdout/stderr.
 */
async function runSelfTestAndExit(
  service: StudioService,
  getContents: () => WebContents | undefined
): Promise<void> {
  const report = await runSelfTest(
    async (name, payload) => {
      const wc = getContents()
      if (!wc || wc.isDestroyed()) throw new Error('the window is gone')
      return unwrapPageResult(name, await wc.executeJavaScript(pageScript(name, payload)))
    },
    { dataDir: service.dataDir, transport: 'electron', log: (line) => console.log(line) }
  )
  if (report.ok) console.log(`self-test: passed (${report.passed.length} checks; data in ${service.dataDir})`)
  else console.error(`self-test: FAILED: ${report.reason}`)
  await service.close(10_000).catch(() => undefined)
  app.exit(report.ok ? 0 : 1)
}

/** Shows why the app cannot go on (stderr too: before 'ready' on Linux the box goes there). */
function showStartupError(err: unknown): void {
  console.error('GAN Studio failed to start:', err)
  // Nobody is at a self-test's (hidden) window: the console line and exit code are the report.
  if (isSelfTest(process.argv)) return
  dialog.showErrorBox(
    'GAN Studio could not start',
    `${reasonOf(err)}\n\nIf this keeps happening, reinstall GAN Studio or report the message above.`
  )
}
