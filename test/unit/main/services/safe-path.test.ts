import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  decodeUrlPath,
  relativeInside,
  resolveFileUnder,
  resolveInside,
  safeSegments
} from '../../../../src/main/services/safe-path'

let root: string
let outside: string

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gs-root-'))
  outside = mkdtempSync(path.join(os.tmpdir(), 'gs-out-'))
  mkdirSync(path.join(root, 'runs', 'a', 'samples'), { recursive: true })
  writeFileSync(path.join(root, 'runs', 'a', 'samples', 'step-1.png'), 'x')
  writeFileSync(path.join(outside, 'secret'), 's')
  symlinkSync(path.join(outside, 'secret'), path.join(root, 'runs', 'a', 'samples', 'out.png'))
  symlinkSync(outside, path.join(root, 'runs', 'outdir'))
  symlinkSync(path.join(root, 'runs', 'a'), path.join(root, 'runs', 'inner'))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

describe('safeSegments', () => {
  it.each([
    '',
    '/etc/passwd',
    'C:/x',
    'c:x',
    '..',
    '../x',
    'a/../../x',
    'a/..',
    'a\\..\\x',
    'a\u0000b',
    'x'.repeat(5000)
  ])('refuses %j', (p) => {
    expect(() => safeSegments(p)).toThrow()
  })
  it('accepts plain relative paths and drops . and empty segments', () => {
    expect(safeSegments('runs/./a//b.png')).toEqual(['runs', 'a', 'b.png'])
    expect(safeSegments('a..b/c')).toEqual(['a..b', 'c'])
  })
})

describe('resolveInside', () => {
  it('resolves files inside the root', async () => {
    expect(await resolveInside(root, 'runs/a/samples/step-1.png')).toMatch(/step-1\.png$/)
    expect(await resolveInside(root, 'runs/inner/samples/step-1.png')).toMatch(/step-1\.png$/)
  })
  it('refuses symlinks leading out of the root', async () => {
    await expect(resolveInside(root, 'runs/a/samples/out.png')).rejects.toMatchObject({
      code: 'unauthorized'
    })
    await expect(resolveInside(root, 'runs/outdir/secret')).rejects.toMatchObject({ code: 'unauthorized' })
  })
  it('refuses encoded traversal after decoding', async () => {
    await expect(resolveInside(root, decodeUrlPath('%2e%2e/%2e%2e/etc/passwd'))).rejects.toMatchObject({
      code: 'invalid-input'
    })
    await expect(resolveInside(root, decodeUrlPath('runs%2f..%2f..%2fx'))).rejects.toMatchObject({
      code: 'invalid-input'
    })
    expect(() => decodeUrlPath('%E0%A4%A')).toThrow(/Malformed/)
  })
  it('says not-found for missing files', async () => {
    await expect(resolveInside(root, 'runs/none.png')).rejects.toMatchObject({ code: 'not-found' })
  })
  it('resolveFileUnder refuses unknown roots and directories', async () => {
    await expect(resolveFileUnder({ data: root }, 'renderer', 'x')).rejects.toMatchObject({
      code: 'not-found'
    })
    await expect(resolveFileUnder({ data: root }, '__proto__', 'x')).rejects.toMatchObject({
      code: 'not-found'
    })
    await expect(resolveFileUnder({ data: root }, 'data', 'runs')).rejects.toMatchObject({
      code: 'not-found'
    })
    expect(await resolveFileUnder({ data: root }, 'data', 'runs/a/samples/step-1.png')).toMatch(
      /step-1\.png$/
    )
  })
  it('relativeInside', () => {
    expect(relativeInside(root, path.join(root, 'runs', 'a'))).toBe('runs/a')
    expect(relativeInside(root, outside)).toBeUndefined()
  })
})
