/**
 * `npm start -- --self-test` where the desktop app cannot run: it fails (exit 1) with the reason
 * instead of quietly serving to a browser as a plain `npm start` does.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '..', '..', '..')
const { electronBinary } = createRequire(__filename)(path.join(root, 'scripts', 'electron-binary.cjs')) as {
  electronBinary: () => { bin?: string; reason?: string }
}

describe('npm start -- --self-test', () => {
  it('exits 1 with the reason when the Electron binary is absent', (ctx) => {
    const found = electronBinary()
    if (found.bin)
      return ctx.skip(`the Electron binary exists here (${found.bin}); the real self-test applies`)
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'start.cjs'), '--self-test'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      timeout: 120_000
    })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('self-test: FAILED: the desktop app cannot run here')
    expect(r.stderr).toContain(String(found.reason))
    expect(r.stderr).not.toContain('serving the studio')
  })
})
