/**
 * Hands exported files (paths relative to the data dir) to the user. In the desktop app the main
 * process shows the native save dialog and copies them (`export:save`): a download link to
 * app://data is cross-origin there and would only navigate. In a browser under serve, the files'
 * same-origin URLs download normally.
 */
import { studio } from '../api'
import { useNotifyStore } from '../stores/notify'

/** Saves `paths` (dialog in the app, download in a browser); failures become a notification. */
export async function saveExportedFiles(paths: string[]): Promise<void> {
  if (studio.transport !== 'electron') {
    for (const p of paths) {
      const a = document.createElement('a')
      a.href = studio.fileUrl(p)
      a.download = p.split('/').pop() ?? 'export'
      a.rel = 'noopener'
      document.body.appendChild(a)
      a.click()
      a.remove()
    }
    return
  }
  const notify = useNotifyStore()
  try {
    const r = await studio.export.save({ paths })
    if (!r.canceled) notify.push('success', 'Export saved', r.saved.join('\n'))
  } catch (err) {
    notify.error('Could not save the export', err)
  }
}
