/**
 * The `app://` protocol: `app://renderer/<file>` serves the built renderer, `app://data/<file>`
 * serves files of the data dir (sample grids, exports). Nothing else: `..`, encoded `..` and
 * symlinks out of either folder are refused by safe-path.ts (unit-tested in plain Node).
 */
import { protocol } from 'electron'
import { createReadStream, promises as fs } from 'node:fs'
import { Readable } from 'node:stream'
import { APP_DATA_HOST, APP_RENDERER_HOST } from '../../shared/contract'
import { APP_CSP } from '../../shared/csp'
import { httpStatusOf, toWireError } from '../../shared/errors'
import { contentTypeOf, decodeUrlPath, resolveFileUnder } from '../services/safe-path'

export const APP_SCHEME = 'app'

/** Must run before `app.whenReady()`: makes app:// a standard, secure origin with fetch support. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false }
    }
  ])
}

/** The CSP of every app:// response (shared/csp.ts). */
export { APP_CSP }

/** Serves app:// from the two roots. */
export function handleAppProtocol(roots: { renderer: string; data: string }): void {
  const named: Record<string, string> = { [APP_RENDERER_HOST]: roots.renderer, [APP_DATA_HOST]: roots.data }
  protocol.handle(APP_SCHEME, async (request) => {
    const headers = { 'Content-Security-Policy': APP_CSP, 'X-Content-Type-Options': 'nosniff' }
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return new Response(null, { status: 405, headers })
      // Standard-scheme URLs have dot segments folded already; the raw-path check still refuses
      // encoded ones, which Chromium leaves encoded.
      const url = new URL(request.url)
      const rawPath = url.pathname.replace(/^\/+/, '')
      const rel = rawPath === '' ? 'index.html' : decodeUrlPath(rawPath)
      const file = await resolveFileUnder(named, url.host, rel)
      const st = await fs.stat(file)
      const body =
        request.method === 'HEAD' ? null : (Readable.toWeb(createReadStream(file)) as ReadableStream)
      return new Response(body, {
        status: 200,
        headers: { ...headers, 'Content-Type': contentTypeOf(file), 'Content-Length': String(st.size) }
      })
    } catch (err) {
      const w = toWireError(err)
      return new Response(w.message, { status: httpStatusOf(w.code), headers })
    }
  })
}
