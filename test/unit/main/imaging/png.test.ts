import { describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { encodePng, readPngText, tileGrid } from '../../../../src/main/imaging/png'

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
})
