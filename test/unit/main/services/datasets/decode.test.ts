import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  decodeFile,
  type DecodedImage,
  type DecodeResult
} from '../../../../../src/main/services/datasets/decode'
import { resolveImportOptions, type ImportOptions } from '../../../../../src/main/services/datasets/options'
import { pattern } from '../../../../fixtures/images'

let tmp: string
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gan-decode-'))
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

async function write(name: string, data: Buffer): Promise<string> {
  const p = path.join(tmp, name)
  await fs.writeFile(p, data)
  return p
}

async function decode(file: string, opts: Partial<ImportOptions>): Promise<DecodeResult> {
  return decodeFile(file, (await fs.stat(file)).size, resolveImportOptions(opts))
}

function ok(r: DecodeResult): DecodedImage {
  if (r.status !== 'imported') throw new Error(`expected imported, got ${r.status}: ${r.reason}`)
  return r
}

describe('decodeFile', () => {
  it('takes the first frame of an animated GIF', async () => {
    const frame = (seed: number): Promise<Buffer> =>
      sharp(pattern(16, 16, seed), { raw: { width: 16, height: 16, channels: 3 } })
        .png()
        .toBuffer()
    const [a, b] = await Promise.all([frame(1), frame(2)])
    const gif = await write(
      'anim.gif',
      await sharp([a, b], { join: { animated: true } })
        .gif()
        .toBuffer()
    )
    const first = await write('first.gif', await sharp(a).gif().toBuffer())
    const r = ok(await decode(gif, { size: 28, channels: 3 }))
    expect(r.pages).toBe(2)
    expect(
      Buffer.from(r.pixels).equals(Buffer.from(ok(await decode(first, { size: 28, channels: 3 })).pixels))
    ).toBe(true)
  })

  it('applies EXIF orientation', async () => {
    // 40 wide, 20 high, stored with orientation 6 (rotate 90°): shown 20 wide, 40 high.
    const jpg = await write(
      'rot.jpg',
      await sharp(pattern(40, 20, 3), { raw: { width: 40, height: 20, channels: 3 } })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer()
    )
    const r = ok(await decode(jpg, { size: 32 }))
    expect([r.width, r.height]).toEqual([20, 40])
    expect(r.adjust).toBe('cropped')
  })

  it('flattens transparency on the background colour', async () => {
    const rgba = Buffer.alloc(8 * 8 * 4) // fully transparent
    const png = await write(
      'clear.png',
      await sharp(rgba, { raw: { width: 8, height: 8, channels: 4 } })
        .png()
        .toBuffer()
    )
    const r = ok(await decode(png, { size: 28, channels: 3, background: '#ff8000' }))
    expect(Array.from(r.pixels.subarray(0, 3))).toEqual([255, 128, 0])
    expect(r.pixels.length).toBe(28 * 28 * 3)
  })

  it('reads a 16-bit PNG into 8-bit values and a grey PNG into RGB', async () => {
    const white16 = await write(
      'w16.png',
      await sharp({ create: { width: 4, height: 4, channels: 3, background: '#ffffff' } })
        .toColourspace('rgb16')
        .png()
        .toBuffer()
    )
    const r = ok(await decode(white16, { size: 28, channels: 3 }))
    expect(r.pixels.every((v) => v === 255)).toBe(true)
    const grey = await write(
      'g.png',
      await sharp(Buffer.alloc(16, 100), { raw: { width: 4, height: 4, channels: 1 } })
        .png()
        .toBuffer()
    )
    const g = ok(await decode(grey, { size: 28, channels: 3 }))
    expect(Array.from(g.pixels.subarray(0, 3))).toEqual([100, 100, 100])
  })

  it('stretch keeps the whole image; the file-size limit refuses before reading', async () => {
    const wide = await write(
      'wide.png',
      await sharp(pattern(60, 20, 4), { raw: { width: 60, height: 20, channels: 3 } })
        .png()
        .toBuffer()
    )
    expect(ok(await decode(wide, { size: 28, fit: 'stretch' })).adjust).toBe('stretched')
    const r = await decode(wide, { maxFileBytes: 10 })
    expect(r.status).toBe('too-large')
    expect('reason' in r && r.reason).toMatch(/file limit/)
  })
})
