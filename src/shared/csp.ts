/**
 * The studio's Content-Security-Policy, written once. One base policy; the variants differ only
 * in what they must: serve's page talks to its server over a WebSocket and refuses framing, the
 * desktop app's page talks only through the preload, so it may open no socket at all. The build
 * puts the meta form into the renderer's index.html (electron.vite.config.ts), which covers
 * `electron-vite dev` too; Chromium enforces the meta tag and a header together.
 */
function policy(connect: string, extra: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    // app: is the desktop app's own scheme (samples, exports); data: and blob: are generated images.
    "img-src 'self' data: blob: app:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'self'",
    ...extra
  ].join('; ')
}

/** The `<meta>` tag in index.html: allows serve's WebSocket (frame-ancestors is ignored there). */
export const META_CSP = policy("'self' ws: wss:")

/** Every answer of `gan-studio serve`: its WebSocket, and no framing by other sites. */
export const SERVE_CSP = policy("'self' ws: wss:", ["frame-ancestors 'none'"])

/** Every app:// response of the desktop app: no sockets (the page talks through the preload only). */
export const APP_CSP = policy("'self'")
