/**
 * The preload: exposes `window.studio` (the contract's StudioApi over Electron IPC) and nothing
 * else. Channel names stay inside the closures built by createClient; no ipcRenderer, no event
 * objects and no caller-chosen channels reach the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  APP_DATA_HOST,
  createClient,
  isEventName,
  isRequestName,
  type Envelope,
  type StudioApi
} from '../shared/contract'

const studio = createClient(
  async (name, payload): Promise<Envelope> => {
    // createClient only calls table names; the check keeps that true if the code around it changes.
    if (!isRequestName(name))
      return { ok: false, error: { code: 'invalid-input', message: 'Unknown request' } }
    return (await ipcRenderer.invoke(name, payload)) as Envelope
  },
  (name, cb) => {
    if (!isEventName(name)) throw new Error('Unknown event')
    const listener = (_event: IpcRendererEvent, data: unknown): void => cb(data)
    ipcRenderer.on(name, listener)
    return () => {
      ipcRenderer.removeListener(name, listener)
    }
  },
  {
    fileUrl: (p) =>
      `app://${APP_DATA_HOST}/${p
        .split('/')
        .filter((s) => s !== '' && s !== '.' && s !== '..')
        .map(encodeURIComponent)
        .join('/')}`,
    transport: 'electron',
    // contextBridge would strip `code` from an Error; the page's api/index.ts revives it.
    toError: (e) => ({ code: e.code, message: e.message })
  }
) satisfies StudioApi

contextBridge.exposeInMainWorld('studio', studio)
