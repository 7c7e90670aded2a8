/**
 * scripts/dist.cjs (behind `npm run dist*`) must stop before electron-builder whenever it cannot
 * produce an installer, with one plain reason and the next step, never a stack trace.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { electronBinaryModule, root } from './helpers'

const HOST = ({ linux: 'linux', win32: 'win', darwin: 'mac' } as Record<string, string | undefined>)[
  process.platform
]
const STACK_LINE = /^\s+at .+[(:]\d+/m

function dist(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'dist.cjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('scripts/dist.cjs', () => {
  const found = electronBinaryModule.electronBinary()

  it('stops at once without the Electron binary, saying why and what to do', (ctx) => {
    if (found.bin) {
      const why = `the Electron binary is installed (${found.bin}), so dist.cjs would really package`
      console.log(`skipped: ${why}`)
      return ctx.skip(why)
    }
    const r = dist()
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('cannot build installers here')
    expect(r.stderr).toContain('no Electron binary')
    expect(r.stderr).toContain(found.reason ?? '')
    expect(r.stderr).toContain('run on a machine with internet: `npm install` fetches Electron')
    expect(r.stderr).toContain(`npm run dist:${HOST ?? 'linux'}`)
    expect(r.stderr).not.toMatch(STACK_LINE)
    // "At once": it stopped before building out/ or calling electron-builder.
    expect(r.stdout).not.toContain('building out/')
    expect(r.stdout).not.toContain('packaging')
  })

  it('refuses to cross-build, since node_modules holds natives for this OS only', () => {
    for (const other of ['linux', 'win', 'mac'].filter((p) => p !== HOST)) {
      const r = dist(other)
      expect(r.status, other).toBe(1)
      expect(r.stderr, other).toContain('cannot be built on')
      expect(r.stderr, other).toContain(`npm run dist:${other}`)
      expect(r.stderr, other).not.toMatch(STACK_LINE)
    }
  })

  it('rejects unknown arguments plainly', () => {
    const r = dist('solaris')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('unknown argument solaris')
    expect(r.stderr).not.toMatch(STACK_LINE)
  })

  it('hands electron-builder the yml, the local Electron and each platform’s targets for this CPU', () => {
    const plan = (p: string): string => {
      const r = dist(p, '--plan')
      expect(r.status, r.stderr).toBe(0)
      return r.stdout.trim()
    }
    const common =
      '--config electron-builder.yml --publish never -c.electronDist=<node_modules/electron/dist>'
    expect(plan('linux')).toContain(`${common} --linux AppImage deb --${process.arch}`)
    expect(plan('win')).toContain(`${common} --win nsis --${process.arch}`)
    expect(plan('mac')).toContain(`${common} --mac dmg --${process.arch}`)
  })

  it('is what the npm dist scripts run', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    expect(pkg.scripts).toMatchObject({
      dist: 'node scripts/dist.cjs',
      'dist:linux': 'node scripts/dist.cjs linux',
      'dist:win': 'node scripts/dist.cjs win',
      'dist:mac': 'node scripts/dist.cjs mac'
    })
  })
})
