/**
 * The one origin rule of the app, shared by the IPC sender check (ipc/bind.ts) and the navigation
 * guard (main-window.ts). Node's `new URL(u).origin` is `'null'` for every non-special scheme, so
 * `app://renderer` would never match itself; Chromium instead serialises the origin of a scheme
 * registered as `standard` (app-protocol.ts) as `scheme://host[:port]`, and that is what we compare.
 */

/** What an origin check needs from a frame (Electron's WebFrameMain has both). */
export interface FrameLike {
  readonly url: string
  readonly origin?: string
}

/**
 * The origin of `url` as Chromium serialises it for http(s) and for the app's standard schemes:
 * `scheme://host[:port]`; `'null'` for a URL without a host or one that does not parse.
 */
export function originOf(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'null'
  }
  if (u.origin !== 'null') return u.origin
  // A custom scheme: Node has no notion of "standard" schemes, Chromium does (scheme + host).
  return u.host ? `${u.protocol}//${u.host}` : 'null'
}

/**
 * The origin of a frame: what Chromium reports (`WebFrameMain.origin`), or, where a frame object
 * has no origin property, the one its URL gives.
 */
export function frameOrigin(frame: FrameLike): string {
  return typeof frame.origin === 'string' && frame.origin !== '' ? frame.origin : originOf(frame.url)
}

/** True when `origin` is one of `allowed`; the opaque origin `'null'` never is. */
export function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  return origin !== 'null' && allowed.includes(origin)
}
