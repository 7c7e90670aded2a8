/**
 * The studio's Content-Security-Policy, written once: serve sends it on every HTTP answer, the
 * desktop app on every app:// response, and the build puts it into the renderer's index.html
 * (electron.vite.config.ts), which covers `electron-vite dev` too.
 */
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  // app: is the desktop app's own scheme (samples, exports); data: and blob: are generated images.
  "img-src 'self' data: blob: app:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'"
]

/** For response headers: the policy, and no framing by other sites. */
export const STUDIO_CSP = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ')

/** For the `<meta>` tag: browsers ignore frame-ancestors there (and warn), so it is left out. */
export const STUDIO_CSP_META = DIRECTIVES.join('; ')
