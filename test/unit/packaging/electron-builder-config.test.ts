/**
 * electron-builder.yml, the fuse hook and the icons, checked without the Electron binary (which
 * this test cannot assume): the config against electron-builder 25.1.8's own schema, every
 * `files`/`asarUnpack` pattern against the files on disk, the fuse hook against synthetic fuse
 * wires, and, at the end, a real `electron-builder --dir` run whose Electron is a stand-in, so the
 * packaged layout (app.asar, app.asar.unpacked, fuses) is what electron-builder itself produces.
 */
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync,
  chmodSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { globSync } from 'tinyglobby'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
        '**/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm'
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
    expect(wasm).toEqual(expect.arrayContaining(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']))
  })

  it('unpacks exactly the directory the engine hands to the wasm backend', async () => {
    // wasmDir() resolves the .wasm through node resolution and swaps app.asar/ for app.asar.unpacked/;
    // that only works if the unpack pattern covers that same directory.
    const { wasmDir } = await import('../../../src/main/engine/backend')
    const dir = path.relative(root, wasmDir()).split(path.sep).join('/')
    expect(dir).toBe('node_modules/@tensorflow/tfjs-backend-wasm/dist')
    expect(strings(config.asarUnpack, 'asarUnpack')).toContain(`**/${dir}/*.wasm`)
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

/**
 * The real thing, minus Electron: electron-builder packs the app (`--linux dir`) around a stand-in
 * Electron dist whose "binary" carries a real-format fuse wire. Linux only (the dir target and the
 * stand-in are Linux-shaped); the other platforms' layout differs only in where resources/ lives.
 */
describe.runIf(process.platform === 'linux')(
  'packaged layout (electron-builder --dir, stand-in Electron)',
  () => {
    let work = ''
    let resources = ''
    let exe = ''
    let skipped = ''

    interface AsarEntry {
      files?: Record<string, AsarEntry>
      unpacked?: boolean
    }
    const asar = requireFromRoot('@electron/asar') as {
      listPackage: (archive: string, options: { isPack: boolean }) => string[]
      getRawHeader: (archive: string) => { header: AsarEntry }
    }
    function entry(archive: string, rel: string): AsarEntry | undefined {
      let cur: AsarEntry | undefined = asar.getRawHeader(archive).header
      for (const part of rel.split('/')) cur = cur?.files?.[part]
      return cur
    }

    beforeAll(() => {
      // app.asar is ~250 MB; don't fill a small tmp.
      const free = statfsSync(os.tmpdir())
      if (free.bavail * free.bsize < 1.5e9) {
        skipped = `less than 1.5 GB free in ${os.tmpdir()}`
        return
      }
      work = mkdtempSync(path.join(os.tmpdir(), 'gs-pack-'))
      const fake = path.join(work, 'electron-dist')
      mkdirSync(path.join(fake, 'resources'), { recursive: true })
      mkdirSync(path.join(fake, 'locales'))
      const wire = Buffer.concat([
        fuses.SENTINEL,
        Buffer.from([fuses.WIRE_VERSION, 9]),
        Buffer.from('10110001r', 'latin1')
      ])
      writeFileSync(
        path.join(fake, 'electron'),
        Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n# '), wire, Buffer.from('\n')])
      )
      chmodSync(path.join(fake, 'electron'), 0o755)
      for (const f of [
        'LICENSE',
        'LICENSES.chromium.html',
        'chrome-sandbox',
        'locales/en-US.pak',
        'resources/default_app.asar'
      ]) {
        writeFileSync(path.join(fake, f), 'stand-in')
      }
      writeFileSync(path.join(fake, 'version'), 'v40.10.2')
      const out = path.join(work, 'dist')
      const r = spawnSync(
        process.execPath,
        [
          path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
          '--config',
          'electron-builder.yml',
          '--publish',
          'never',
          `-c.electronDist=${fake}`,
          `-c.directories.output=${out}`,
          '--linux',
          'dir',
          '--x64'
        ],
        { cwd: root, encoding: 'utf8', timeout: 110_000 }
      )
      if (r.status !== 0) throw new Error(`electron-builder --dir failed:\n${r.stdout}\n${r.stderr}`)
      resources = path.join(out, 'linux-unpacked', 'resources')
      exe = path.join(out, 'linux-unpacked', 'gan-studio')
    }, 120_000)

    afterAll(() => {
      if (work) rmSync(work, { recursive: true, force: true })
    })

    it('packs the electron-vite output, the worker entry included, inside app.asar', (ctx) => {
      if (skipped) return ctx.skip(skipped)
      const archive = path.join(resources, 'app.asar')
      const listed = new Set(
        asar.listPackage(archive, { isPack: false }).map((p) => p.split(path.sep).join('/'))
      )
      for (const e of [...BUILD_ENTRIES, 'package.json']) expect(listed, e).toContain(`/${e}`)
      // utilityProcess.fork() loads the worker from the archive; an unpacked copy could not resolve
      // its packed dependencies.
      expect(entry(archive, 'out/main/trainer-worker.js')?.unpacked).toBeUndefined()
      expect([...listed].filter((p) => p.endsWith('.map'))).toEqual([])
    })

    it('keeps every production dependency entry point the app loads', (ctx) => {
      if (skipped) return ctx.skip(skipped)
      const archive = path.join(resources, 'app.asar')
      const listed = new Set(
        asar.listPackage(archive, { isPack: false }).map((p) => p.split(path.sep).join('/'))
      )
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>
        optionalDependencies?: Record<string, string>
      }
      const deps = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})].filter(
        (d) => existsSync(path.join(root, 'node_modules', d, 'package.json'))
      )
      const leaves = (v: unknown): string[] =>
        typeof v === 'string'
          ? [v]
          : isRecord(v)
            ? Object.values(v).flatMap(leaves)
            : Array.isArray(v)
              ? v.flatMap(leaves)
              : []
      for (const dep of deps) {
        const meta = JSON.parse(
          readFileSync(path.join(root, 'node_modules', dep, 'package.json'), 'utf8')
        ) as Record<string, unknown>
        const exp = meta.exports
        const dot =
          isRecord(exp) && ('.' in exp || Object.keys(exp).every((k) => !k.startsWith('.')))
            ? (exp['.'] ?? exp)
            : exp
        const entries = [...(typeof meta.main === 'string' ? [meta.main] : []), ...leaves(dot)]
          // TypeScript entries (typings, zod's "@zod/source" condition) are for tooling, never loaded.
          .filter((e) => !/\.[cm]?ts$/.test(e))
          .map((e) => path.posix.normalize(`node_modules/${dep}/${e}`))
          .filter((e) => existsSync(path.join(root, e)))
        expect(entries.length, `${dep} has no entry file on disk`).toBeGreaterThan(0)
        for (const e of entries) expect(listed, `${dep}: ${e}`).toContain(`/${e}`)
      }
    })

    it('unpacks the wasm binaries where wasmDir() looks for them, and sharp with libvips', async (ctx) => {
      if (skipped) return ctx.skip(skipped)
      const { wasmDir } = await import('../../../src/main/engine/backend')
      // In the app, node resolution gives <resources>/app.asar/<same relative path>; backend.ts
      // swaps app.asar<sep> for app.asar.unpacked<sep>.
      const inArchive = path.join(resources, 'app.asar', path.relative(root, wasmDir())) + path.sep
      const unpackedDir = inArchive.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
      for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
        expect(existsSync(path.join(unpackedDir, f)), path.join(unpackedDir, f)).toBe(true)
      }
      const unpacked = path.join(resources, 'app.asar.unpacked', 'node_modules')
      expect(existsSync(path.join(unpacked, 'sharp', 'package.json'))).toBe(true)
      const vips = globSync('@img/sharp-*/lib/**', { cwd: unpacked, onlyFiles: true })
      expect(
        vips.some((f) => /\.node$/.test(f)),
        'sharp addon unpacked'
      ).toBe(true)
      expect(
        vips.some((f) => /libvips/.test(f)),
        'libvips unpacked'
      ).toBe(true)
      for (const dep of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
        if (existsSync(path.join(root, 'node_modules', dep))) {
          expect(existsSync(path.join(unpacked, dep, 'package.json')), `${dep} unpacked`).toBe(true)
        }
      }
    })

    it('flips the fuses in the packaged binary (asar integrity untouched on Linux)', (ctx) => {
      if (skipped) return ctx.skip(skipped)
      expect(fuses.readFuses(exe)).toEqual({
        runAsNode: 'off',
        enableCookieEncryption: 'on',
        enableNodeOptionsEnvironmentVariable: 'off',
        enableNodeCliInspectArguments: 'off',
        enableEmbeddedAsarIntegrityValidation: 'off', // Electron's default, left alone on Linux
        onlyLoadAppFromAsar: 'on',
        loadBrowserProcessSpecificV8Snapshot: 'off',
        grantFileProtocolExtraPrivileges: 'on'
      })
    })
  }
)
