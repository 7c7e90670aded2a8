/**
 * `export:save` in the app: the native save dialog for one file, a folder picker for several (a
 * model is model.json + weights + README), then a copy. A download link cannot do this from
 * app://renderer: app://data is another origin, so Chromium navigates instead of downloading, and
 * the navigation guard cancels it.
 */
import { app, dialog, type BrowserWindow } from 'electron'
import { constants, promises as fs } from 'node:fs'
import path from 'node:path'
import type { SavedFiles } from '../../shared/contract'
import { StudioError } from '../../shared/errors'
import type { SaveFilesPort } from '../services/ports'

const FILTERS: Record<string, Electron.FileFilter> = {
  '.png': { name: 'PNG image', extensions: ['png'] },
  '.gif': { name: 'GIF animation', extensions: ['gif'] },
  '.json': { name: 'JSON', extensions: ['json'] }
}

/** The save-files port over Electron's dialogs, parented to the app window when there is one. */
export function createSaveFilesPort(getWindow: () => BrowserWindow | undefined): SaveFilesPort {
  return {
    async save(files): Promise<SavedFiles> {
      const win = getWindow()
      const first = files[0]
      if (!first) return { canceled: false, saved: [] }
      if (files.length === 1) {
        const filter = FILTERS[path.extname(first.name).toLowerCase()]
        const opts: Electron.SaveDialogOptions = {
          title: 'Save export',
          defaultPath: path.join(app.getPath('downloads'), first.name),
          // Linux asks before replacing only when told to (macOS and Windows always ask).
          properties: ['showOverwriteConfirmation', 'createDirectory'],
          ...(filter ? { filters: [filter] } : {})
        }
        const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts)
        if (r.canceled || !r.filePath) return { canceled: true, saved: [] }
        await fs.copyFile(first.source, r.filePath)
        return { canceled: false, saved: [r.filePath] }
      }
      const opts: Electron.OpenDialogOptions = {
        title: `Choose a folder for ${files.map((f) => f.name).join(', ')}`,
        buttonLabel: 'Save here',
        defaultPath: app.getPath('downloads'),
        properties: ['openDirectory', 'createDirectory']
      }
      const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts)
      const dir = r.filePaths[0]
      if (r.canceled || !dir) return { canceled: true, saved: [] }
      const saved: string[] = []
      for (const f of files) {
        const target = path.join(dir, f.name)
        try {
          // No overwrite dialog was shown for these names, so never replace a file silently.
          await fs.copyFile(f.source, target, constants.COPYFILE_EXCL)
        } catch (err) {
          if ((err as { code?: string }).code === 'EEXIST')
            throw new StudioError(
              'conflict',
              `${f.name} already exists in ${dir}; choose an empty folder.${saved.length ? ` Saved so far: ${saved.join(', ')}` : ''}`
            )
          throw err
        }
        saved.push(target)
      }
      return { canceled: false, saved }
    }
  }
}
