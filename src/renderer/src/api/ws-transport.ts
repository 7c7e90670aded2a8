/**
 * The contract over a WebSocket (serve mode): requests as `{ id, method, payload }`, replies and
 * events as `WsServerMessage`. Reconnects with backoff; requests made while disconnected wait for
 * the socket (and fail with `unavailable` after a while), so a server restart is survivable.
 */
import {
  SERVE_FILES_PATH,
  SERVE_TOKEN_PARAM,
  SERVE_WS_PATH,
  createClient,
  isEventName,
  type Envelope,
  type EventName,
  type RequestName,
  type StudioApi,
  type WsServerMessage
} from '../../../shared/contract'

/** How long a request waits for a connection before it fails. */
const CONNECT_WAIT_MS = 15_000
/** How long a request waits for its reply (training:estimate and pause can take a while). */
const REPLY_TIMEOUT_MS = 10 * 60_000

/** What the WebSocket client needs from its environment (injectable for tests). */
export interface WsTransportOptions {
  /** `ws://host:port/ws` base, without the token. */
  wsUrl: string
  /** http(s) origin for file URLs, e.g. `http://127.0.0.1:5173`. */
  httpOrigin: string
  token: string
  /** WebSocket constructor (the browser's by default). */
  WebSocketImpl?: typeof WebSocket
  /** Called when the connection goes up or down (status bar). */
  onConnection?: (up: boolean) => void
}

interface Pending {
  resolve: (env: Envelope) => void
  timer: ReturnType<typeof setTimeout>
}

/** A reconnecting WebSocket client of the contract. */
export class WsTransport {
  private ws: WebSocket | undefined
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<EventName, Set<(data: unknown) => void>>()
  private waitingForOpen: Array<() => void> = []
  private retryMs = 250
  private closed = false
  private readonly WS: typeof WebSocket

  constructor(private readonly opts: WsTransportOptions) {
    this.WS = opts.WebSocketImpl ?? WebSocket
    this.connect()
  }

  private connect(): void {
    if (this.closed || !this.opts.token) return
    const url = `${this.opts.wsUrl}?${SERVE_TOKEN_PARAM}=${encodeURIComponent(this.opts.token)}`
    const ws = new this.WS(url)
    this.ws = ws
    ws.onopen = (): void => {
      this.retryMs = 250
      this.opts.onConnection?.(true)
      const waiting = this.waitingForOpen
      this.waitingForOpen = []
      for (const w of waiting) w()
    }
    ws.onmessage = (ev: MessageEvent): void => this.onMessage(ev.data)
    ws.onclose = (): void => {
      if (this.ws === ws) this.ws = undefined
      this.opts.onConnection?.(false)
      // Replies to requests sent on this socket will never come.
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer)
        p.resolve({
          ok: false,
          error: { code: 'unavailable', message: 'The connection to the studio was lost; try again' }
        })
        this.pending.delete(id)
      }
      if (this.closed) return
      setTimeout(() => this.connect(), this.retryMs)
      this.retryMs = Math.min(this.retryMs * 2, 5000)
    }
    ws.onerror = (): void => {
      // onclose follows and schedules the reconnect.
    }
  }

  private onMessage(raw: unknown): void {
    let msg: WsServerMessage
    try {
      msg = JSON.parse(String(raw)) as WsServerMessage
    } catch {
      return
    }
    if (msg.type === 'event') {
      if (!isEventName(msg.event)) return
      for (const cb of this.listeners.get(msg.event) ?? []) {
        try {
          cb(msg.data)
        } catch (err) {
          console.error(err)
        }
      }
      return
    }
    const p = this.pending.get(msg.id)
    if (!p) return
    this.pending.delete(msg.id)
    clearTimeout(p.timer)
    p.resolve(msg.ok ? { ok: true, value: msg.value } : { ok: false, error: msg.error })
  }

  private whenOpen(): Promise<boolean> {
    if (this.ws && this.ws.readyState === this.WS.OPEN) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waitingForOpen = this.waitingForOpen.filter((w) => w !== done)
        resolve(false)
      }, CONNECT_WAIT_MS)
      const done = (): void => {
        clearTimeout(timer)
        resolve(true)
      }
      this.waitingForOpen.push(done)
    })
  }

  /** Sends one request; resolves with its envelope (never rejects). */
  readonly invoke = async (method: RequestName, payload: unknown): Promise<Envelope> => {
    if (!this.opts.token) {
      return {
        ok: false,
        error: {
          code: 'unauthorized',
          message: 'This page has no access token: open the exact URL that `gan-studio serve` printed.'
        }
      }
    }
    if (!(await this.whenOpen()) || !this.ws) {
      return {
        ok: false,
        error: {
          code: 'unavailable',
          message: 'Cannot reach the studio server; is `gan-studio serve` still running?'
        }
      }
    }
    const id = this.nextId++
    const ws = this.ws
    return new Promise<Envelope>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        resolve({
          ok: false,
          error: { code: 'unavailable', message: `No answer to ${method} from the studio` }
        })
      }, REPLY_TIMEOUT_MS)
      this.pending.set(id, { resolve, timer })
      ws.send(JSON.stringify({ id, method, payload }))
    })
  }

  /** Subscribes to one event; returns the unsubscribe function. */
  readonly subscribe = (event: EventName, cb: (data: unknown) => void): (() => void) => {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(cb)
    return () => {
      set.delete(cb)
    }
  }

  /** URL of a data-dir file (sample grid, export) with the token. */
  readonly fileUrl = (path: string): string => {
    const clean = path
      .split('/')
      .filter((s) => s !== '' && s !== '.' && s !== '..')
      .map(encodeURIComponent)
      .join('/')
    return `${this.opts.httpOrigin}${SERVE_FILES_PATH}${clean}?${SERVE_TOKEN_PARAM}=${encodeURIComponent(this.opts.token)}`
  }

  close(): void {
    this.closed = true
    this.ws?.close()
  }
}

/** Builds the StudioApi over a WebSocket. */
export function createWsStudio(opts: WsTransportOptions): { studio: StudioApi; transport: WsTransport } {
  const transport = new WsTransport(opts)
  const studio = createClient(transport.invoke, transport.subscribe, {
    fileUrl: transport.fileUrl,
    transport: 'serve'
  })
  return { studio, transport }
}

/**
 * The serve token: from `?token=` in the page URL, else from this tab's sessionStorage (so a
 * reload after the URL was edited still works). Saved back to sessionStorage.
 */
export function readToken(
  loc: Pick<Location, 'search'>,
  storage?: Pick<Storage, 'getItem' | 'setItem'>
): string | undefined {
  const fromUrl = new URLSearchParams(loc.search).get(SERVE_TOKEN_PARAM) ?? undefined
  const token = fromUrl ?? storage?.getItem('gan-studio-token') ?? undefined
  if (token) storage?.setItem('gan-studio-token', token)
  return token
}

/** ws(s)://host/ws for the page's own origin. */
export function wsUrlFor(loc: Pick<Location, 'protocol' | 'host'>): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${SERVE_WS_PATH}`
}
