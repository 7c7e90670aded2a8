/**
 * DiffAugment against values worked out by hand on tiny images: translation moves pixels and
 * pads with zeros, cutout zeroes the square the reference code zeroes, colour applies
 * brightness, saturation and contrast in that order. Gradients flow back through each, and the
 * drawn parameters cover exactly the paper's ranges.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  applyAugment,
  drawAugmentParams,
  type AugmentParams
} from '../../../../../src/main/engine/augment/diffaugment'
import { loadBackend } from '../../../../../src/main/engine/backend'
import { Rng } from '../../../../../src/main/engine/rng'
import { tf } from '../../../../../src/main/engine/tf'
import type { AugmentKind } from '../../../../../src/shared/hyperparams'

/** A 4x4 one-channel image with pixel (row i, column j) = 1 + 4i + j. */
const IMAGE = Array.from({ length: 16 }, (_, k) => 1 + k)

async function augment(
  pixels: number[],
  shape: [number, number, number, number],
  params: AugmentParams,
  policies: AugmentKind[]
): Promise<number[]> {
  const out = tf.tidy(() => applyAugment(tf.tensor4d(pixels, shape), params, policies))
  const values = Array.from(await out.data())
  out.dispose()
  return values
}

function expectClose(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length)
  want.forEach((w, i) => expect(got[i], `index ${i}`).toBeCloseTo(w, 5))
}

describe('DiffAugment', () => {
  beforeAll(async () => {
    await loadBackend('cpu')
  })

  it('translation shifts content by (dx, dy) and fills with zeros', async () => {
    const one = (dx: number, dy: number): Promise<number[]> =>
      augment(IMAGE, [1, 4, 4, 1], { translation: { dx: Int32Array.of(dx), dy: Int32Array.of(dy) } }, [
        'translation'
      ])
    // dx = 1: every row moves one pixel to the right.
    expect(await one(1, 0)).toEqual([0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15])
    // dy = -1: everything moves up one row; the last row is zero.
    expect(await one(0, -1)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0, 0, 0, 0])
    // Both at once, and per sample: sample 1 is left as it is.
    const two = await augment(
      [...IMAGE, ...IMAGE],
      [2, 4, 4, 1],
      { translation: { dx: Int32Array.of(-2, 0), dy: Int32Array.of(1, 0) } },
      ['translation']
    )
    expect(two).toEqual([0, 0, 0, 0, 3, 4, 0, 0, 7, 8, 0, 0, 11, 12, 0, 0, ...IMAGE])
  })

  it('translation keeps channels together', async () => {
    // 1x2x2x2: pixel (i, j) = [10(2i+j), 10(2i+j) + 1].
    const px = [0, 1, 10, 11, 20, 21, 30, 31]
    const out = await augment(
      px,
      [1, 2, 2, 2],
      { translation: { dx: Int32Array.of(1), dy: Int32Array.of(0) } },
      ['translation']
    )
    expect(out).toEqual([0, 0, 0, 1, 0, 0, 20, 21])
  })

  it('cutout zeroes a half-size square centred on (x, y), clipped at the borders', async () => {
    const cut = (x: number, y: number): Promise<number[]> =>
      augment(IMAGE, [1, 4, 4, 1], { cutout: { x: Int32Array.of(x), y: Int32Array.of(y) } }, ['cutout'])
    // 2x2 square from (x - 1, y - 1): rows 1-2, columns 0-1.
    expect(await cut(1, 2)).toEqual([1, 2, 3, 4, 0, 0, 7, 8, 0, 0, 11, 12, 13, 14, 15, 16])
    // Centred on the corner: only (0, 0) falls inside the image.
    expect(await cut(0, 0)).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
  })

  it('colour adds brightness, then scales saturation about the pixel mean and contrast about the image mean', async () => {
    // Two RGB pixels. brightness 0.1: A (0.2, 0.3, 0.4), B (-0.4, -0.4, -0.1).
    // saturation 2 about each pixel's mean (0.3, -0.3): A (0.1, 0.3, 0.5), B (-0.5, -0.5, 0.1).
    // contrast 0.5 about the image mean (0): A (0.05, 0.15, 0.25), B (-0.25, -0.25, 0.05).
    const out = await augment(
      [0.1, 0.2, 0.3, -0.5, -0.5, -0.2],
      [1, 1, 2, 3],
      {
        color: {
          brightness: Float32Array.of(0.1),
          saturation: Float32Array.of(2),
          contrast: Float32Array.of(0.5)
        }
      },
      ['color']
    )
    expectClose(out, [0.05, 0.15, 0.25, -0.25, -0.25, 0.05])
  })

  it('gradients flow through: each output pixel sends its gradient back to the pixel it came from', async () => {
    const params: AugmentParams = {
      translation: { dx: Int32Array.of(1), dy: Int32Array.of(0) },
      cutout: { x: Int32Array.of(3), y: Int32Array.of(3) }
    }
    // Weighting the outputs by their own index makes each input's gradient name where it went.
    const weights = tf.tensor4d(
      Array.from({ length: 16 }, (_, k) => k),
      [1, 4, 4, 1]
    )
    const grad = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(applyAugment(x, params, ['translation', 'cutout']), weights)))(
        tf.tensor4d(IMAGE, [1, 4, 4, 1])
      )
    )
    const g = Array.from(await grad.data())
    grad.dispose()
    weights.dispose()
    // Input (i, j) lands at (i, j + 1); the last column falls off; cutout zeroes rows 2-3, columns 2-3.
    expect(g).toEqual([1, 2, 3, 0, 5, 6, 7, 0, 9, 0, 0, 0, 13, 0, 0, 0])
  })

  it("draws parameters over exactly the reference code's ranges", () => {
    const p = drawAugmentParams(['color', 'translation', 'cutout'], 4000, [28, 20], new Rng(3))
    const range = (a: ArrayLike<number>): [number, number] => [
      Math.min(...Array.from(a)),
      Math.max(...Array.from(a))
    ]
    // Translation: up to round(size / 8) each way: 28 → 4 (rows), 20 → 3 (columns, 2.5 rounds up).
    expect(range(p.translation!.dy)).toEqual([-4, 4])
    expect(range(p.translation!.dx)).toEqual([-3, 3])
    // Cutout centres anywhere in the image.
    expect(range(p.cutout!.y)).toEqual([0, 27])
    expect(range(p.cutout!.x)).toEqual([0, 19])
    const [bLo, bHi] = range(p.color!.brightness)
    const [sLo, sHi] = range(p.color!.saturation)
    const [cLo, cHi] = range(p.color!.contrast)
    expect([bLo >= -0.5, bLo < -0.49, bHi < 0.5, bHi > 0.49]).toEqual([true, true, true, true])
    expect([sLo >= 0, sLo < 0.01, sHi < 2, sHi > 1.99]).toEqual([true, true, true, true])
    expect([cLo >= 0.5, cLo < 0.51, cHi < 1.5, cHi > 1.49]).toEqual([true, true, true, true])
    // The same Rng state draws the same parameters (a resumed run augments the same way).
    expect(drawAugmentParams(['translation'], 8, [28, 28], new Rng(9))).toEqual(
      drawAugmentParams(['translation'], 8, [28, 28], new Rng(9))
    )
  })
})
