/**
 * electron-builder.yml, the fuse hook and the icons, checked without the Electron binary (which
 * this test cannot assume): the config against electron-builder 25.1.8's own schema, every
 * `files`/`asarUnpack` pattern against the files on disk, the fuse hook against synthetic fuse
 * wires. packaged-layout.test.ts runs electron-builder itself on this config.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { globSync } from 'tinyglobby'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  BUILD_ENTRIES,
  at,
  ensureBuilt,
  fuses,
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
  it('is accepted by electron-builder 25.1.8 itself', async () => {
    // The same validation `electron-builder` runs before packaging (schema with no unknown keys).
    const { validateConfiguration } = requireFromRoot('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (cfg: unknown, logger: unknown) => Promise<void>
    }
    const { DebugLogger } = requireFromRoot('builder-util') as {
      DebugLogger: new (enabled: boolean) => unknown
    }
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    const version = (requireFromRoot('app-builder-lib/package.json') as { version: string }).version
    expect(version).toBe('25.1.8')
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
  })

  it('does not rebuild N-API addons (no Electron headers download)', () => {
    expect(config.npmRebuild).toBe(false)
  })
})

describe('fuses (build/fuses.cjs as afterPack)', () => {
  it('is wired as the afterPack hook', () => {
    expect(config.afterPack).toBe('./build/fuses.cjs')
    expect(typeof fuses.afterPack).toBe('function')
  })

  it('sets the hardening fuses on every platform, asar integrity where Electron checks it', () => {
    for (const platform of ['linux', 'win32', 'darwin']) {
      expect(fuses.fusesFor(platform), platform).toMatchObject({
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        onlyLoadAppFromAsar: true,
        enableCookieEncryption: true
      })
    }
    expect(fuses.fusesFor('win32').enableEmbeddedAsarIntegrityValidation).toBe(true)
    expect(fuses.fusesFor('darwin').enableEmbeddedAsarIntegrityValidation).toBe(true)
    expect(fuses.fusesFor('linux')).not.toHaveProperty('enableEmbeddedAsarIntegrityValidation')
  })

  /** A binary-like blob with one fuse wire per `wires` entry, as Electron lays it out. */
  function fakeBinary(dir: string, wires: string[], version = fuses.WIRE_VERSION): string {
    const parts: Buffer[] = [Buffer.from('\x7fELF junk before')]
    for (const w of wires) {
      parts.push(
        fuses.SENTINEL,
        Buffer.from([version, w.length]),
        Buffer.from(w, 'latin1'),
        Buffer.from('junk between')
      )
    }
    const file = path.join(dir, `bin-${wires.length}-${version}`)
    writeFileSync(file, Buffer.concat(parts))
    return file
  }

  it('flips the wire bytes, in every slice of a universal binary, and leaves the rest alone', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gs-fuses-'))
    try {
      // Electron's default wire: runAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on,
      // asar integrity off, only-asar off, v8 snapshot off, file:// privileges on, one removed fuse.
      const file = fakeBinary(dir, ['10110001r', '10110001r'])
      const before = readFileSync(file)
      const report = fuses.flipFuses(file, fuses.fusesFor('darwin'))
      expect(report).toEqual([
        { before: '10110001r', after: '01001101r' },
        { before: '10110001r', after: '01001101r' }
      ])
      const after = readFileSync(file)
      expect(after.length).toBe(before.length)
      const changed = [...after].filter((b, i) => b !== before[i]).length
      expect(changed).toBe(2 * 6) // six fuses per wire differ from the defaults
      expect(fuses.readFuses(file)).toMatchObject({
        runAsNode: 'off',
        enableCookieEncryption: 'on',
        enableNodeOptionsEnvironmentVariable: 'off',
        enableNodeCliInspectArguments: 'off',
        enableEmbeddedAsarIntegrityValidation: 'on',
        onlyLoadAppFromAsar: 'on',
        loadBrowserProcessSpecificV8Snapshot: 'off',
        grantFileProtocolExtraPrivileges: 'on'
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses binaries it cannot fuse instead of shipping them unfused', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gs-fuses-'))
    try {
      const none = path.join(dir, 'none')
      writeFileSync(none, 'no wire here')
      expect(() => fuses.flipFuses(none, { runAsNode: false })).toThrow(/no Electron fuse wire/)
      expect(() => fuses.flipFuses(fakeBinary(dir, ['1011'], 2), { runAsNode: false })).toThrow(
        /wire version 2/
      )
      expect(() => fuses.flipFuses(fakeBinary(dir, ['1011']), { onlyLoadAppFromAsar: true })).toThrow(
        /not in the wire/
      )
      expect(() => fuses.flipFuses(fakeBinary(dir, ['r011']), { runAsNode: false })).toThrow(/removed/)
      expect(() => fuses.flipFuses(fakeBinary(dir, ['1011']), { noSuchFuse: true })).toThrow(/unknown fuse/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('as afterPack, finds the binary that carries the wire on each platform', async () => {
    // Where electron-builder leaves the Electron binary in appOutDir, renamed after the product.
    const cases = [
      { platform: 'linux', rel: ['gan-studio'], integrity: 'off' },
      { platform: 'win32', rel: ['GAN Studio.exe'], integrity: 'on' },
      {
        platform: 'darwin',
        rel: [
          'GAN Studio.app',
          'Contents',
          'Frameworks',
          'Electron Framework.framework',
          'Electron Framework'
        ],
        integrity: 'on'
      }
    ]
    for (const c of cases) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gs-afterpack-'))
      try {
        const file = path.join(dir, ...c.rel)
        mkdirSync(path.dirname(file), { recursive: true })
        writeFileSync(
          file,
          Buffer.concat([fuses.SENTINEL, Buffer.from([fuses.WIRE_VERSION, 9]), Buffer.from('10110001r')])
        )
        if (c.platform === 'darwin' && process.platform === 'darwin') continue // would ad-hoc codesign a fake app
        await fuses.afterPack({
          appOutDir: dir,
          electronPlatformName: c.platform,
          packager: { appInfo: { productFilename: 'GAN Studio' }, executableName: 'gan-studio' }
        })
        const state = fuses.readFuses(file)
        expect(state.runAsNode, c.platform).toBe('off')
        expect(state.onlyLoadAppFromAsar, c.platform).toBe('on')
        expect(state.enableEmbeddedAsarIntegrityValidation, c.platform).toBe(c.integrity)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
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
    expect(big.width).toBeGreaterThanOrEqual(512) // electron-builder 25's minimum for deriving .icns
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
