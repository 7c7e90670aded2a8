/**
 * The page's side of Electron's contextBridge. Everything the page passes to `window.studio` is
 * copied by the bridge, which refuses Proxies (Vue reactive state) and functions; everything that
 * comes back as an error arrives as a plain `{ code, message }`. This wrapper is the one place that
 * handles both, so no store or component has to remember to unwrap its state before a request.
 */
import { REQUEST_NAMES, reviveErrors, type StudioApi } from '../../../shared/contract'
import { toPlainData } from '../../../shared/plain-data'

type Groups = Record<string, Record<string, (payload?: unknown) => Promise<unknown>>>

/** Wraps the preload's `window.studio`: plain-data payloads in, StudioErrors out. */
export function bridgedStudio(api: StudioApi): StudioApi {
  const revived = reviveErrors(api)
  const source = revived as unknown as Groups
  const out: Record<string, unknown> = { on: api.on, fileUrl: api.fileUrl, transport: api.transport }
  for (const name of REQUEST_NAMES) {
    const [domain, verb] = name.split(':') as [string, string]
    const fn = source[domain]?.[verb]
    if (!fn) continue
    const group = (out[domain] ??= {}) as Record<string, (p?: unknown) => Promise<unknown>>
    // Converted inside the promise so a refused payload rejects like any other failed request.
    group[verb] = async (p?: unknown) => fn(p === undefined ? p : toPlainData(p))
  }
  return out as unknown as StudioApi
}
