/**
 * The native menu: File (Import dataset…, Export…, Quit), View (the app's views, zoom, full
 * screen), Help (About with versions and the compute-backend report). Menu items that need the
 * UI send an `app:command` event; About is a native dialog.
 */
import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import { VIEWS, type AppCommand, type AppInfo } from '../../shared/contract'
import { describeGpuAdapter, describeGpuAdapters } from '../../shared/gpu-adapters'

/** Menu labels of the views (the sidebar's names). */
export const VIEW_LABELS: Record<(typeof VIEWS)[number], string> = {
  datasets: 'Datasets',
  train: 'Train',
  runs: 'Runs',
  explore: 'Explore',
  playground: 'Playground'
}

/** What the menu needs from the rest of the app. */
export interface MenuDeps {
  window: () => BrowserWindow | undefined
  command: (c: AppCommand) => void
  info: () => Promise<AppInfo | undefined>
  isDev: boolean
}

/** The About text: app, Electron, Chromium, Node and tfjs versions and the backend report. */
export function aboutText(info: AppInfo | undefined): string {
  if (!info) return 'Version information is not available.'
  const v = info.versions
  const lines = [
    `GAN Studio ${info.appVersion}`,
    `Electron ${v.electron ?? '?'} · Chromium ${v.chrome ?? '?'} · Node ${v.node} · V8 ${v.v8 ?? '?'}`,
    `TensorFlow.js ${v.tfjs ?? '?'} · ${info.platform}`,
    '',
    info.backend
      ? `Compute backend: ${info.backend.active} (${info.backend.variant}), ${info.backend.cpuThreads} CPU threads`
      : `Compute backend: none loaded${info.backendError ? ` (${info.backendError})` : ''}`
  ]
  for (const a of info.backend?.attempts ?? [])
    lines.push(`  ${a.ok ? '✓' : '✗'} ${a.variant}${a.reason ? `: ${a.reason}` : ''}`)
  if (info.backend) {
    if (info.backend.gpuAdapter)
      lines.push(`GPU adapter in use: ${describeGpuAdapter(info.backend.gpuAdapter)}`)
    lines.push('WebGPU adapters:', ...describeGpuAdapters(info.backend.gpu).map((l) => `  ${l}`))
  }
  lines.push('', `Data: ${info.dataDir}`)
  return lines.join('\n')
}

/** Builds and installs the application menu. */
export function installMenu(deps: MenuDeps): void {
  const isMac = process.platform === 'darwin'
  const importDataset = async (): Promise<void> => {
    const win = deps.window()
    const opts: Electron.OpenDialogOptions = {
      title: 'Import a folder of images',
      properties: ['openDirectory']
    }
    const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts)
    const source = r.filePaths[0]
    if (!r.canceled && source) deps.command({ action: 'import-dataset', source })
  }
  const about = async (): Promise<void> => {
    const info = await deps.info()
    const win = deps.window()
    const box: Electron.MessageBoxOptions = {
      type: 'info',
      title: 'About GAN Studio',
      message: 'GAN Studio',
      detail: aboutText(info),
      buttons: ['OK']
    }
    if (win) await dialog.showMessageBox(win, box)
    else await dialog.showMessageBox(box)
  }
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import Dataset…', accelerator: 'CmdOrCtrl+I', click: () => void importDataset() },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => deps.command({ action: 'export' }) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...VIEWS.map((view, i): MenuItemConstructorOptions => ({
          label: VIEW_LABELS[view],
          accelerator: `CmdOrCtrl+${i + 1}`,
          click: () => deps.command({ action: 'navigate', view })
        })),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        // Reload and devtools only while developing: in the product they are an escape hatch.
        ...(deps.isDev
          ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]
          : [])
      ]
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: `About GAN Studio ${app.getVersion()}`, click: () => void about() }]
    }
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
