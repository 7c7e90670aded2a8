/**
 * Resolves a caller-supplied relative path inside a root directory and refuses every way out of
 * it: `..` segments (also percent-encoded), absolute paths, drive letters, backslashes, NUL bytes
 * and symlinks whose target lies outside the root. Used by the app:// protocol and by the serve
 * file routes, so both refuse the same things.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { StudioError } from '../../shared/errors'

/**
 * Checks a relative path lexically (no file system access) and returns its segments.
 * `rel` is already percent-decoded by the caller if it came from a URL; decoding twice is the
 * caller's bug, so a remaining `%` is allowed as an ordinary character.
 */
export function safeSegments(rel: string): string[] {
  if (typeof rel !== 'string' || rel.length === 0) throw new StudioError('invalid-input', 'Empty path')
  if (rel.length > 4096) throw new StudioError('invalid-input', 'Path too long')
  if (rel.includes('\0')) throw new StudioError('invalid-input', 'Path contains a NUL byte')
  // Backslashes are separators on Windows; refusing them everywhere keeps one rule on every OS.
  if (rel.includes('\\')) throw new StudioError('invalid-input', 'Path contains a backslash')
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel))
    throw new StudioError('invalid-input', 'Path must be relative')
  const segments = rel.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.length === 0) throw new StudioError('invalid-input', 'Empty path')
  for (const s of segments) {
    if (s === '..') throw new StudioError('invalid-input', 'Path must not contain ".."')
  }
  return segments
}

/** Percent-decodes a URL path once; malformed escapes are invalid input, not a crash. */
export function decodeUrlPath(urlPath: string): string {
  try {
    return decodeURIComponent(urlPath)
  } catch {
    throw new StudioError('invalid-input', 'Malformed percent-encoding in path')
  }
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/**
 * Resolves `rel` inside `root` and returns the real (symlink-free) absolute path of an existing
 * file or directory. Throws `invalid-input` for lexical escapes, `not-found` when it does not
 * exist, and `unauthorized` when a symlink leads outside the root.
 */
export async function resolveInside(root: string, rel: string): Promise<string> {
  const segments = safeSegments(rel)
  const realRoot = await fs.realpath(root)
  const joined = path.join(realRoot, ...segments)
  if (!isInside(realRoot, joined)) throw new StudioError('invalid-input', 'Path leaves its folder')
  let real: string
  try {
    real = await fs.realpath(joined)
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT' || (err as { code?: string }).code === 'ENOTDIR') {
      throw new StudioError('not-found', `No such file: ${segments.join('/')}`)
    }
    throw err
  }
  if (!isInside(realRoot, real))
    throw new StudioError('unauthorized', 'Path leads outside its folder (symlink)')
  return real
}

/**
 * Resolves a file for reading under one of several named roots, e.g. `{ renderer, data }` for the
 * app:// protocol. Unknown root names are refused.
 */
export async function resolveFileUnder(
  roots: Record<string, string>,
  rootName: string,
  rel: string
): Promise<string> {
  const root = Object.prototype.hasOwnProperty.call(roots, rootName) ? roots[rootName] : undefined
  if (!root) throw new StudioError('not-found', `Unknown location '${rootName.slice(0, 40)}'`)
  const real = await resolveInside(root, rel)
  const st = await fs.stat(real)
  if (!st.isFile()) throw new StudioError('not-found', `Not a file: ${rel}`)
  return real
}

/** Path of `abs` relative to `root` with forward slashes, or undefined when it is not inside. */
export function relativeInside(root: string, abs: string): string | undefined {
  const rel = path.relative(root, abs)
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined
  return rel.split(path.sep).join('/')
}

/** Content types of the files the studio serves; anything else is application/octet-stream. */
export function contentTypeOf(file: string): string {
  const ext = path.extname(file).toLowerCase()
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json; charset=utf-8',
    '.png': 'image/png',
    '.gif': 'image/gif',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.webp': 'image/webp',
    '.svg': 'image/svg+xml',
    '.ico': 'image/x-icon',
    '.woff': 'font/woff',
    '.woff2': 'font/woff2',
    '.wasm': 'application/wasm',
    '.txt': 'text/plain; charset=utf-8'
  }
  return types[ext] ?? 'application/octet-stream'
}
