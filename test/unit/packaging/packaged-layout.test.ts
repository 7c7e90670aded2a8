/**
 * The packaged layout as electron-builder itself produces it, minus Electron (whose binary this
 * test cannot assume): `electron-builder --linux dir` with electron-builder.yml around a stand-in
 * Electron dist whose "binary" carries a real-format fuse wire. Checks app.asar and
 * app.asar.unpacked against what the app loads at run time, and the fuses in the packed binary.
 * ~10 s on an idle machine (it writes a ~250 MB app.asar to the temp dir); measured up to ~110 s
 * on a 2-core machine with a load average of 18, hence the generous hook timeout.
 */
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { globSync } from 'tinyglobby'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUILD_ENTRIES, ensureBuilt, fuses, isRecord, requireFromRoot, root } from './helpers'

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
      ensureBuilt()
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
        // No default_app.asar: electron-builder 26 hashes every .asar in resources/ (asar
        // integrity), and a stand-in text file is not an archive.
        'locales/en-US.pak'
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
        { cwd: root, encoding: 'utf8', timeout: 280_000 }
      )
      if (r.status !== 0) throw new Error(`electron-builder --dir failed:\n${r.stdout}\n${r.stderr}`)
      resources = path.join(out, 'linux-unpacked', 'resources')
      exe = path.join(out, 'linux-unpacked', 'gan-studio')
    }, 300_000)

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
      const rel = path.relative(root, wasmDir()).split(path.sep).join('/')
      expect(rel).toBe('node_modules/@tensorflow/tfjs-backend-wasm/dist')
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

    it('flips the fuses in the packaged binary (electronFuses)', (ctx) => {
      if (skipped) return ctx.skip(skipped)
      expect(fuses.readFuses(exe)).toEqual({
        runAsNode: 'off',
        enableCookieEncryption: 'on',
        enableNodeOptionsEnvironmentVariable: 'off',
        enableNodeCliInspectArguments: 'off',
        enableEmbeddedAsarIntegrityValidation: 'on', // ignored on Linux (no asar integrity there)
        onlyLoadAppFromAsar: 'on',
        loadBrowserProcessSpecificV8Snapshot: 'off',
        grantFileProtocolExtraPrivileges: 'off'
      })
    })
  }
)
