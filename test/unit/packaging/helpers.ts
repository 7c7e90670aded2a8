/**
 * Shared by the packaging tests: the project root, the parsed electron-builder.yml, and typed
 * handles on the CommonJS build scripts (which have no .d.ts of their own).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

export const root = path.resolve(__dirname, '..', '..', '..')
export const requireFromRoot = createRequire(path.join(root, 'package.json'))

/** js-yaml 4 is in node_modules (hoisted) as electron-builder's own YAML parser; only `load` is used. */
interface JsYaml {
  load(text: string): unknown
}
const yaml = requireFromRoot('js-yaml') as JsYaml

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** electron-builder.yml as parsed by the same YAML library electron-builder uses. */
export function loadConfig(): Record<string, unknown> {
  const parsed = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'))
  if (!isRecord(parsed)) throw new Error('electron-builder.yml is not a mapping')
  return parsed
}

/** `obj.a.b.c`, failing with the path when a level is missing. */
export function at(obj: unknown, ...keys: string[]): unknown {
  let cur = obj
  for (const [i, k] of keys.entries()) {
    if (!isRecord(cur)) throw new Error(`${keys.slice(0, i).join('.') || '<root>'} is not a mapping`)
    cur = cur[k]
  }
  return cur
}

export function strings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string'))
    throw new Error(`${what} is not a list of strings`)
  return v
}

/**
 * Electron's fuse wire, read the way @electron/fuses (which electron-builder's `electronFuses`
 * uses) lays it out: the sentinel, one byte of wire version, one byte of length, then one byte per
 * fuse, '0' off, '1' on, 'r' removed. Names in FuseV1Options order.
 */
export const fuses = {
  SENTINEL: Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'ascii'),
  WIRE_VERSION: 1,
  NAMES: [
    'runAsNode',
    'enableCookieEncryption',
    'enableNodeOptionsEnvironmentVariable',
    'enableNodeCliInspectArguments',
    'enableEmbeddedAsarIntegrityValidation',
    'onlyLoadAppFromAsar',
    'loadBrowserProcessSpecificV8Snapshot',
    'grantFileProtocolExtraPrivileges'
  ] as const,
  /** The first wire in `file` as name -> 'on' | 'off' | 'removed' | other byte. */
  readFuses(file: string): Record<string, string> {
    const bin = readFileSync(file)
    const at = bin.indexOf(fuses.SENTINEL)
    if (at === -1) throw new Error(`no Electron fuse wire in ${file}`)
    const wire = at + fuses.SENTINEL.length
    const length = bin[wire + 1] ?? 0
    const out: Record<string, string> = {}
    fuses.NAMES.forEach((name, index) => {
      if (index >= length) return
      const b = bin[wire + 2 + index] ?? 0
      out[name] = b === 0x31 ? 'on' : b === 0x30 ? 'off' : b === 0x72 ? 'removed' : `0x${b.toString(16)}`
    })
    return out
  }
}

/** scripts/make-icons.cjs */
export interface IconsModule {
  makeIcons: () => Promise<string[]>
  outputs: () => string[]
  stale: () => boolean
  SIZES: number[]
  ICO_SIZES: number[]
}
export const icons = requireFromRoot('./scripts/make-icons.cjs') as IconsModule

/** scripts/electron-binary.cjs */
export interface ElectronBinaryModule {
  electronBinary: () => { bin?: string; pkgDir?: string; reason?: string }
}
export const electronBinaryModule = requireFromRoot('./scripts/electron-binary.cjs') as ElectronBinaryModule

/** What electron-vite must have produced for the app to start (and what `files` must carry). */
export const BUILD_ENTRIES = [
  'out/main/index.js',
  'out/main/cli.js',
  'out/main/trainer-worker.js',
  'out/preload/index.js',
  'out/renderer/index.html'
]

/** Builds out/ when an entry is missing (a fresh clone); ~10 s. */
export function ensureBuilt(): void {
  if (BUILD_ENTRIES.every((e) => existsSync(path.join(root, e)))) return
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: root,
      encoding: 'utf8'
    }
  )
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stderr}`)
}
