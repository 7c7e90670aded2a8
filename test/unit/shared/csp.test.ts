/** The renderer's built index.html carries the one CSP of shared/csp.ts, first in its head. */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { STUDIO_CSP, STUDIO_CSP_META } from '../../../src/shared/csp'

const html = path.resolve(__dirname, '../../../out/renderer/index.html')
const built = existsSync(html)
if (!built) console.log(`[csp test] skipped: ${html} is missing; run npx electron-vite build first`)

describe('content security policy', () => {
  it('the header form adds only frame-ancestors to the meta form', () => {
    expect(STUDIO_CSP).toBe(`${STUDIO_CSP_META}; frame-ancestors 'none'`)
    expect(STUDIO_CSP_META).toMatch(/^default-src 'self'; script-src 'self';/)
  })

  it.skipIf(!built)('the built index.html has it as its first meta tag', () => {
    const page = readFileSync(html, 'utf8')
    const metas = [...page.matchAll(/<meta\b[^>]*>/g)].map((m) => m[0].replace(/&#39;/g, "'"))
    expect(metas[0]).toBe(`<meta http-equiv="Content-Security-Policy" content="${STUDIO_CSP_META}">`)
    expect(page.match(/Content-Security-Policy/g)).toHaveLength(1)
  })
})
