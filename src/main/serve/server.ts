/**
 * `gan-studio serve`: the built renderer over HTTP, data-dir files (sample grids, exports) under
 * `/files/`, and the contract over a WebSocket at `/ws`. A random token is required on every data
 * request and on the socket; the static app shell is public but useless without it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, promises as fs } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  SERVE_FILES_PATH,
  SERVE_TOKEN_PARAM,
  SERVE_WS_PATH,
  type WsServerMessage
} from '../../shared/contract'
import { SERVE_CSP } from '../../shared/csp'
import { StudioError, httpStatusOf, toWireError } from '../../shared/errors'
import { contentTypeOf, decodeUrlPath, resolveInside } from '../services/safe-path'
import type { StudioService } from '../services/studio-service'

/**
 * Largest WebSocket message accepted; bounds a hostile client. The largest valid request,
 * explorer:saveBookmarks with 500 latents of 1024 numbers, is about 12 MB of JSON.
 */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024
/** A client that does not read its events (a stalled tab) gets progress dropped above this. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

export interface ServeOptions {
  service: StudioService
  /** Built renderer folder (out/renderer). */
  rendererDir: string
  host?: string
  port?: number
  /** Fixed token (tests); random otherwise. */
  token?: string
}

export interface RunningServer {
  url: string
  port: number
  host: string
  token: string
  close(): Promise<void>
}

/** True for hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function tokenMatches(expected: Buffer, given: string | undefined | null): boolean {
  if (!given) return false
  const g = Buffer.from(given)
  return g.length === expected.length && timingSafeEqual(g, expected)
}

/**
 * Splits a request target into its raw (still percent-encoded) path and its query. WHATWG URL
 * parsing is avoided on purpose: it resolves `%2e%2e` segments before we could refuse them.
 */
function splitUrl(target: string | undefined): { rawPath: string; url: { searchParams: URLSearchParams } } {
  const t = target ?? '/'
  const q = t.indexOf('?')
  const rawPath = (q >= 0 ? t.slice(0, q) : t).split('#')[0] ?? '/'
  return { rawPath, url: { searchParams: new URLSearchParams(q >= 0 ? t.slice(q + 1) : '') } }
}

function originHost(origin: string): string {
  try {
    return new URL(origin).host
  } catch {
    return ''
  }
}

/** The token of a request: `?token=`, or `Authorization: Bearer <token>`. */
function tokenOf(req: http.IncomingMessage, url: { searchParams: URLSearchParams }): string | undefined {
  const q = url.searchParams.get(SERVE_TOKEN_PARAM)
  if (q) return q
  const auth = req.headers.authorization
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined
}

function baseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': SERVE_CSP,
    'X-Content-Type-Options': 'nosniff',
    // The token is in the page URL: never send it on as a referrer.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin'
  }
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, {
    ...baseHeaders(),
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store'
  })
  res.end(
    JSON.stringify({
      code: status === 401 ? 'unauthorized' : status === 404 ? 'not-found' : 'invalid-input',
      message
    })
  )
}

async function sendFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: string,
  cache: string
): Promise<void> {
  const st = await fs.stat(file)
  if (!st.isFile()) throw new StudioError('not-found', 'Not a file')
  res.writeHead(200, {
    ...baseHeaders(),
    'Content-Type': contentTypeOf(file),
    'Content-Length': String(st.size),
    'Cache-Control': cache
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(file)
    s.on('error', reject)
    s.on('end', resolve)
    s.pipe(res)
  })
}

/** Starts the server; resolves once it listens. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const expected = Buffer.from(token)
  const service = opts.service

  const server = http.createServer((req, res) => {
    void handleHttp(req, res).catch((err: unknown) => {
      const w = toWireError(err)
      sendError(res, httpStatusOf(w.code), w.message)
    })
  })

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...baseHeaders(), Allow: 'GET, HEAD' })
      res.end()
      return
    }
    const { rawPath, url } = splitUrl(req.url)
    if (rawPath.startsWith(SERVE_FILES_PATH)) {
      if (!tokenMatches(expected, tokenOf(req, url)))
        return sendError(res, 401, 'A valid token is required: open the URL that `gan-studio serve` printed.')
      const rel = decodeUrlPath(rawPath.slice(SERVE_FILES_PATH.length))
      const file = await resolveInside(service.dataDir, rel)
      return sendFile(req, res, file, 'no-store')
    }
    if (rawPath === SERVE_WS_PATH) return sendError(res, 400, 'This endpoint speaks WebSocket only')
    if (rawPath.startsWith('/api/')) {
      // No HTTP API: everything goes over the socket. Still refuse without a token first.
      if (!tokenMatches(expected, tokenOf(req, url))) return sendError(res, 401, 'A valid token is required')
      return sendError(res, 404, 'Not found')
    }
    // The app shell (index.html, hashed assets): public, so the page can load and read its token.
    const rel = rawPath === '/' ? 'index.html' : decodeUrlPath(rawPath.slice(1))
    const file = await resolveInside(opts.rendererDir, rel)
    return sendFile(
      req,
      res,
      file,
      rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
    )
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })

  server.on('upgrade', (req, socket, head) => {
    const { rawPath, url } = splitUrl(req.url)
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (rawPath !== SERVE_WS_PATH) return refuse(404, 'Not Found')
    if (!tokenMatches(expected, tokenOf(req, url))) return refuse(401, 'Unauthorized')
    // A page from another origin that learned the token still may not open the socket.
    const origin = req.headers.origin
    if (origin && req.headers.host && originHost(origin) !== req.headers.host) return refuse(403, 'Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws))
  })

  function onSocket(ws: WebSocket): void {
    const send = (msg: WsServerMessage, droppable = false): void => {
      if (ws.readyState !== ws.OPEN) return
      if (droppable && ws.bufferedAmount > MAX_BUFFERED_BYTES) return
      ws.send(JSON.stringify(msg))
    }
    const unsubscribe = service.subscribe((event, data) =>
      send({ type: 'event', event, data }, event === 'training:progress')
    )
    ws.on('close', unsubscribe)
    ws.on('error', unsubscribe)
    ws.on('message', (raw, isBinary) => {
      let msg: unknown
      try {
        if (isBinary) throw new Error('binary')
        msg = JSON.parse(raw.toString())
      } catch {
        send({
          type: 'reply',
          id: -1,
          ok: false,
          error: { code: 'invalid-input', message: 'Messages must be JSON text' }
        })
        return
      }
      const m = msg as { id?: unknown; method?: unknown; payload?: unknown }
      if (!m || typeof m !== 'object' || typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) {
        send({
          type: 'reply',
          id: -1,
          ok: false,
          error: { code: 'invalid-input', message: 'A request needs a numeric id' }
        })
        return
      }
      const id = m.id
      void service.dispatch(m.method, m.payload).then((env) => send({ type: 'reply', id, ...env }))
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address() as AddressInfo
  const shownHost =
    addr.family === 'IPv6' || host.includes(':')
      ? `[${addr.address}]`
      : host === '0.0.0.0'
        ? '127.0.0.1'
        : host
  const url = `http://${shownHost}:${addr.port}/?${SERVE_TOKEN_PARAM}=${token}`
  return {
    url,
    port: addr.port,
    host,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
