/**
 * Electron IPC transport of the contract: one `ipcMain.handle` per request name of the table and
 * one `webContents.send` per event. Every message's sender must be the app's own window showing
 * the app's own page; payloads are validated by the service (StudioService.dispatch).
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { REQUEST_NAMES, type Envelope } from '../../shared/contract'
import type { StudioService } from '../services/studio-service'
import { frameOrigin, isAllowedOrigin } from '../window/origin'

/** Decides whether an IPC message comes from a trusted page. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean

/**
 * Trusted: sent by `contents` (the main window), from its top frame, whose origin (as Chromium
 * reports it, see window/origin.ts) is the app's own renderer (app://renderer or the dev server in
 * `npm run dev`).
 */
export function senderCheckFor(
  getContents: () => WebContents | undefined,
  allowedOrigins: string[]
): SenderCheck {
  return (event) => {
    const contents = getContents()
    if (!contents || event.sender !== contents) return false
    const frame = event.senderFrame
    if (!frame || frame !== contents.mainFrame) return false
    return isAllowedOrigin(frameOrigin(frame), allowedOrigins)
  }
}

/** Binds every request and forwards every event to the window; returns the unbind function. */
export function bindIpc(
  service: StudioService,
  getContents: () => WebContents | undefined,
  trusted: SenderCheck
): () => void {
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(name, async (event, payload: unknown): Promise<Envelope> => {
      if (!trusted(event))
        return { ok: false, error: { code: 'unauthorized', message: 'This page may not talk to the studio' } }
      return service.dispatch(name, payload)
    })
  }
  const unsubscribe = service.subscribe((name, data) => {
    const contents = getContents()
    if (contents && !contents.isDestroyed()) contents.send(name, data)
  })
  return () => {
    unsubscribe()
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(name)
  }
}
