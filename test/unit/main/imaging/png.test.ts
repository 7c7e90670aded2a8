import { deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { MAX_PNG_TEXT_BYTES, encodePng, readPngText, tileGrid } from '../../../../src/main/imaging/png'
import { pngChunks, pngHead } from '../../../../src/shared/png-chunks'
import { compressedITxt, pngWithChunks, zlibBomb } from '../../../fixtures/zlib-bomb'

describe('png', () => {
  it('encodes pixels sharp can decode, with text chunks that read back', async () => {
    const px = new Uint8Array(4 * 3 * 3).map((_, i) => (i * 7) % 256)
    const png = encodePng(px, 4, 3, 3, {
      'gan-studio': JSON.stringify({ run: 'r1', seed: 5, latent: [0.5, -1] }),
      Software: 'GAN Studio'
    })
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height, info.channels]).toEqual([4, 3, 3])
    expect(Array.from(data)).toEqual(Array.from(px))
    const text = readPngText(png)
    expect(JSON.parse(text['gan-studio'] ?? '{}')).toEqual({ run: 'r1', seed: 5, latent: [0.5, -1] })
    expect(text.Software).toBe('GAN Studio')
  })

  it('tiles a grid with gaps and crisp integer scaling', () => {
    const imgs = new Uint8Array([10, 20, 30, 40, 50, 60, 70, 80]) // two 2x2 grey images
    const g = tileGrid(imgs, 2, 2, 2, 1, 2, 2, 1, 0)
    expect([g.width, g.height]).toEqual([2 * 4 + 3, 4 + 2])
    // Top-left pixel of image 0 is scaled to a 2x2 block at (1,1).
    expect(g.pixels[1 * g.width + 1]).toBe(10)
    expect(g.pixels[2 * g.width + 2]).toBe(10)
    expect(g.pixels[0]).toBe(0)
  })

  it('rejects a pixel buffer of the wrong size', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow(/Expected 4 pixel bytes/)
  })

  it('refuses a compressed text chunk that inflates to 2 GiB (a real zlib bomb) without inflating it', () => {
    // The generator is honest: a small bomb inflates, checksum and all, to exactly its size in zeros.
    const small = inflateSync(zlibBomb(4))
    expect(small.length).toBe(4 * 2 ** 20)
    expect(small.every((b) => b === 0)).toBe(true)

    const bomb = zlibBomb(2048)
    expect(bomb.length).toBeLessThan(2.2e6)
    const png = pngWithChunks(compressedITxt('gan-studio', bomb))
    const before = process.memoryUsage().arrayBuffers
    expect(() => readPngText(png)).toThrow(
      "The PNG's compressed text 'gan-studio' inflates to more than 8 MB: it is not an image exported by GAN Studio"
    )
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * MAX_PNG_TEXT_BYTES)
  })

  it('counts the limit over all compressed text chunks together', () => {
    const fourMiB = deflateSync(Buffer.alloc(4 * 2 ** 20, 0x61))
    const png = pngWithChunks(
      compressedITxt('a', fourMiB),
      compressedITxt('b', deflateSync(Buffer.from('fine'))),
      compressedITxt('c', fourMiB)
    )
    expect(() => readPngText(png)).toThrow(/compressed text 'c' inflates to more than 8 MB/)
    const ok = readPngText(
      pngWithChunks(compressedITxt('a', fourMiB), compressedITxt('b', deflateSync('fine')))
    )
    expect(ok.a).toHaveLength(4 * 2 ** 20)
    expect(ok.b).toBe('fine')
  })

  it('names a damaged compressed text chunk', () => {
    const png = pngWithChunks(compressedITxt('gan-studio', Buffer.from('not zlib at all')))
    expect(() => readPngText(png)).toThrow(/compressed text 'gan-studio' is damaged/)
  })

  it('pngHead keeps the text chunks and drops the image data', () => {
    const px = new Uint8Array(64 * 64 * 3).map((_, i) => Math.imul(i + 1, 2654435761) >>> 24)
    const png = encodePng(px, 64, 64, 3, { 'gan-studio': '{"latents":[[1,2]]}', Software: 'GAN Studio' })
    const head = pngHead(png)
    expect([...pngChunks(head)].map((c) => c.type)).toEqual(['IHDR', 'iTXt', 'iTXt', 'IEND'])
    expect(head.length).toBeLessThan(png.length / 10)
    expect(readPngText(head)).toEqual(readPngText(png))
    expect(() => pngHead(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow('not a PNG file')
  })
})
