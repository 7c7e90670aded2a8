/**
 * One CSP (shared/csp.ts) in three forms that differ only where they must, and the renderer's
 * built index.html carries the meta form first in its head.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_CSP, META_CSP, SERVE_CSP } from '../../../src/shared/csp'

const html = path.resolve(__dirname, '../../../out/renderer/index.html')
const built = existsSync(html)
if (!built) console.log(`[csp test] skipped: ${html} is missing; run npx electron-vite build first`)

describe('content security policy', () => {
  it('serve adds frame-ancestors, the app drops WebSockets, nothing else differs', () => {
    expect(SERVE_CSP).toBe(`${META_CSP}; frame-ancestors 'none'`)
    expect(APP_CSP).toBe(META_CSP.replace("connect-src 'self' ws: wss:", "connect-src 'self'"))
    expect(APP_CSP).not.toBe(META_CSP)
  })

  it.skipIf(!built)('the built index.html has the meta form as its first meta tag', () => {
    const page = readFileSync(html, 'utf8')
    const metas = [...page.matchAll(/<meta\b[^>]*>/g)].map((m) => m[0].replace(/&#39;/g, "'"))
    expect(metas[0]).toBe(`<meta http-equiv="Content-Security-Policy" content="${META_CSP}">`)
    expect(page.match(/Content-Security-Policy/g)).toHaveLength(1)
  })
})
