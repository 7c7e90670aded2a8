/**
 * electron-builder.yml, the fuse hook and the icons, checked without the Electron binary (which
 * this test cannot assume): the config against electron-builder 26's own schema, every
 * `files`/`asarUnpack` pattern against the files on disk, the `electronFuses` values. packaged-layout.test.ts runs electron-builder itself on this config.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { globSync } from 'tinyglobby'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  BUILD_ENTRIES,
  at,
  ensureBuilt,
  icons,
  isRecord,
  loadConfig,
  requireFromRoot,
  root,
  strings
} from './helpers'

const config = loadConfig()

/** Optional dependencies whose install may legitimately not have happened (they download libtensorflow). */
const OPTIONAL_NATIVE = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']

/**
 * Files matched by an electron-builder pattern, relative to the project root. electron-builder
 * matches `**\/node_modules/...` anywhere in the app; the copies that matter are the top-level
 * ones, so the leading `**\/` is dropped to keep the walk off the whole dev tree.
 */
function matches(pattern: string): string[] {
  return globSync(pattern.replace(/^\*\*\//, ''), {
    cwd: root,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false
  })
}

beforeAll(() => {
  ensureBuilt()
})

describe('electron-builder.yml', () => {
  it('is accepted by electron-builder 26 itself', async () => {
    // The same validation `electron-builder` runs before packaging (schema with no unknown keys).
    const { validateConfiguration } = requireFromRoot('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (cfg: unknown, logger: unknown) => Promise<void>
    }
    const { DebugLogger } = requireFromRoot('builder-util') as {
      DebugLogger: new (enabled: boolean) => unknown
    }
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    const version = (requireFromRoot('app-builder-lib/package.json') as { version: string }).version
    // 26 is the first with `electronFuses` and with the deb's AppArmor profile (Ubuntu 24.04+).
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(26)
  })

  it('names the app', () => {
    expect(config.appId).toBe('app.ganstudio.desktop')
    expect(config.productName).toBe('GAN Studio')
  })

  it('builds AppImage + deb (x64), NSIS (x64) and dmg (x64 + arm64)', () => {
    const targets = (platform: string): Record<string, string[]> => {
      const list = at(config, platform, 'target')
      if (!Array.isArray(list)) throw new Error(`${platform}.target is not a list`)
      return Object.fromEntries(
        list.map((t: unknown) => {
          if (!isRecord(t) || typeof t.target !== 'string')
            throw new Error(`${platform}.target entry without a name`)
          return [t.target, strings(t.arch, `${platform}.${t.target}.arch`)]
        })
      )
    }
    expect(targets('linux')).toEqual({ AppImage: ['x64'], deb: ['x64'] })
    expect(targets('win')).toEqual({ nsis: ['x64'] })
    expect(targets('mac')).toEqual({ dmg: ['x64', 'arm64'] })
  })

  it('packs out/** and package.json, and every pattern there matches a file', () => {
    const files = strings(config.files, 'files')
    expect(files).toContain('out/**')
    expect(files).toContain('package.json')
    for (const pattern of files.filter((p) => !p.startsWith('!'))) {
      expect(matches(pattern), `files pattern ${pattern}`).not.toHaveLength(0)
    }
    const packed = new Set(matches('out/**'))
    for (const entry of BUILD_ENTRIES) expect(packed, entry).toContain(entry)
    const main = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string }).main
    expect(packed).toContain(main)
  })

  it('unpacks the native addons and the wasm binaries, and every pattern matches a file', () => {
    const unpack = strings(config.asarUnpack, 'asarUnpack')
    expect(unpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/@tensorflow/tfjs-node*/**',
        '**/node_modules/sharp/**',
        '**/node_modules/@img/**',
        '**/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
        '**/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd*.js'
      ])
    )
    for (const pattern of unpack) {
      const found = matches(pattern)
      if (found.length === 0 && OPTIONAL_NATIVE.some((dep) => pattern.includes(dep.replace(/-gpu$/, '')))) {
        const installed = OPTIONAL_NATIVE.filter((dep) => existsSync(path.join(root, 'node_modules', dep)))
        expect(installed, `${pattern} matches nothing although ${installed.join(', ')} is installed`).toEqual(
          []
        )
        console.log(
          `asarUnpack ${pattern}: not checked here, ${OPTIONAL_NATIVE.join(' and ')} are not installed (optional dependencies)`
        )
        continue
      }
      expect(found, `asarUnpack pattern ${pattern}`).not.toHaveLength(0)
    }
    const wasm = matches('**/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm').map((f) =>
      path.basename(f)
    )
    expect(wasm).toEqual(
      expect.arrayContaining([
        'tfjs-backend-wasm.wasm',
        'tfjs-backend-wasm-simd.wasm',
        'tfjs-backend-wasm-threaded-simd.wasm'
      ])
    )
    // Each pthread reads the threaded glue from disk (src/main/engine/wasm-threaded.ts).
    const glue = matches(
      '**/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd*.js'
    ).map((f) => path.basename(f))
    expect(glue).toEqual(
      expect.arrayContaining([
        'tfjs-backend-wasm-threaded-simd.js',
        'tfjs-backend-wasm-threaded-simd.worker.js'
      ])
    )
    // Dawn's addon for the webgpu backend, every platform's copy (each installer drops the others).
    const dawn = matches('**/node_modules/webgpu/dist/**').map((f) =>
      path.relative(root, f).split(path.sep).join('/')
    )
    expect(dawn).toEqual(
      expect.arrayContaining([
        'node_modules/webgpu/dist/linux-x64/dawn.node',
        'node_modules/webgpu/dist/win32-x64/dawn.node',
        'node_modules/webgpu/dist/darwin-universal/dawn.node'
      ])
    )
  })

  it("ships only the installer's own platform of Dawn's addon", () => {
    const own: Record<string, string> = { linux: 'linux-x64', win: 'win32-x64', mac: 'darwin-universal' }
    for (const [platform, keep] of Object.entries(own)) {
      const ignore = strings(at(config, platform, 'files'), `${platform}.files`)
        .filter((p) => p.startsWith('!'))
        .map((p) => p.slice(1))
      const kept = globSync(['node_modules/webgpu/dist/*/dawn.node'], { cwd: root, ignore })
      expect(kept, `${platform} keeps only ${keep}`).toEqual([`node_modules/webgpu/dist/${keep}/dawn.node`])
    }
  })

  it('does not rebuild N-API addons (no Electron headers download)', () => {
    expect(config.npmRebuild).toBe(false)
  })
})

describe('fuses (electronFuses)', () => {
  it('sets the hardening fuses through electron-builder, with no afterPack hook', () => {
    expect(config.afterPack).toBeUndefined()
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // The app serves its pages from app://, so file:// needs no extra privileges.
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: true
    })
  })
})

describe('AppArmor (Ubuntu 24.04+)', () => {
  it("the deb carries electron-builder's AppArmor profile and installs it", () => {
    // FpmTarget copies templates/linux/apparmor-profile.tpl into resources/ and after-install.tpl
    // copies it to /etc/apparmor.d; a yml override of either would have to keep that.
    expect(at(config, 'deb', 'afterInstall')).toBeUndefined()
    expect(at(config, 'deb', 'appArmorProfile')).toBeUndefined()
    const tpl = path.join(root, 'node_modules', 'app-builder-lib', 'templates', 'linux')
    expect(readFileSync(path.join(tpl, 'apparmor-profile.tpl'), 'utf8')).toMatch(/userns/)
    expect(readFileSync(path.join(tpl, 'after-install.tpl'), 'utf8')).toContain('/etc/apparmor.d/')
  })
})

describe('icons', () => {
  beforeAll(async () => {
    if (icons.stale()) await icons.makeIcons()
  })

  it('renders every size from build/icon.svg and the yml points at them', async () => {
    const sharp = requireFromRoot('sharp') as (file: string) => {
      metadata: () => Promise<{ width?: number; height?: number }>
    }
    expect(existsSync(path.join(root, 'build', 'icon.svg'))).toBe(true)
    for (const n of icons.SIZES) {
      const meta = await sharp(path.join(root, 'build', 'icons', `${n}x${n}.png`)).metadata()
      expect([meta.width, meta.height], `${n}x${n}.png`).toEqual([n, n])
    }
    const big = await sharp(path.join(root, 'build', 'icon.png')).metadata()
    expect(big.width).toBeGreaterThanOrEqual(512) // electron-builder's minimum for deriving .icns
    expect(at(config, 'linux', 'icon')).toBe('build/icons')
    expect(at(config, 'mac', 'icon')).toBe('build/icon.png')
    expect(at(config, 'win', 'icon')).toBe('build/icon.ico')
  })

  it('writes a multi-size .ico of PNG entries', () => {
    const ico = readFileSync(path.join(root, 'build', 'icon.ico'))
    expect(ico.readUInt16LE(2)).toBe(1) // icon, not cursor
    const count = ico.readUInt16LE(4)
    const sizes: number[] = []
    for (let i = 0; i < count; i++) {
      const e = 6 + 16 * i
      sizes.push(ico.readUInt8(e) || 256)
      const offset = ico.readUInt32LE(e + 12)
      expect(ico.subarray(offset + 1, offset + 4).toString('latin1')).toBe('PNG')
    }
    expect(sizes).toEqual(icons.ICO_SIZES)
  })
})
