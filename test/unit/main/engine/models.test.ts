import { beforeAll, describe, expect, it } from 'vitest'
import { dcganDiscriminator, dcganGenerator } from '../../../../src/main/engine/models/dcgan'
import { mlpDiscriminator, mlpGenerator } from '../../../../src/main/engine/models/mlp'
import { Network, outputShape } from '../../../../src/main/engine/models/network'
import { Rng } from '../../../../src/main/engine/rng'
import { tf } from '../../../../src/main/engine/tf'

describe('model factories', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })

  for (const size of [28, 32, 64]) {
    for (const channels of [1, 3]) {
      it(`dcgan ${size}px ${channels}ch maps z to an image and an image to one logit`, () => {
        const o = { imageSize: size, channels, latentDim: 16, width: 0.25 }
        const g = new Network('generator', dcganGenerator(o), new Rng(1))
        const d = new Network('discriminator', dcganDiscriminator(o), new Rng(2))
        expect(outputShape(g.arch)).toEqual([size, size, channels])
        tf.tidy(() => {
          const img = g.apply(tf.randomNormal([2, 16]), { training: true })
          expect(img.shape).toEqual([2, size, size, channels])
          const min = tf.min(img).dataSync()[0] as number
          const max = tf.max(img).dataSync()[0] as number
          expect(min).toBeGreaterThanOrEqual(-1)
          expect(max).toBeLessThanOrEqual(1)
          expect(d.apply(img, { training: true }).shape).toEqual([2, 1])
          expect(g.apply(tf.randomNormal([3, 16]), { training: false }).shape).toEqual([
            3,
            size,
            size,
            channels
          ])
        })
        g.dispose()
        d.dispose()
      })
    }
  }

  it('mlp works for 28px grey', () => {
    const o = { imageSize: 28, channels: 1, latentDim: 8, width: 0.25 }
    const g = new Network('generator', mlpGenerator(o), new Rng(1))
    const d = new Network('discriminator', mlpDiscriminator(o), new Rng(1))
    tf.tidy(() => {
      const img = g.apply(tf.randomNormal([4, 8]), { training: true })
      expect(img.shape).toEqual([4, 28, 28, 1])
      expect(d.apply(img, { training: true }).shape).toEqual([4, 1])
    })
    g.dispose()
    d.dispose()
  })

  it('validates arguments with "Expected X, but got Y"', () => {
    expect(() => dcganGenerator({ imageSize: 28, channels: 1, latentDim: -3, width: 1 })).toThrow(
      'Expected latentDim to be a positive integer, but got -3'
    )
    expect(() => dcganGenerator({ imageSize: 30, channels: 1, latentDim: 8, width: 1 })).toThrow(
      'Expected imageSize to be one of 28, 32, 64, 128, but got 30'
    )
    expect(() => dcganDiscriminator({ imageSize: 28, channels: 2, latentDim: 8, width: 1 })).toThrow(
      'Expected channels to be 1 or 3, but got 2'
    )
  })

  it('the same seed initialises the same weights', async () => {
    const o = { imageSize: 28, channels: 1, latentDim: 8, width: 0.25 }
    const a = new Network('generator', dcganGenerator(o), new Rng(7))
    const b = new Network('generator', dcganGenerator(o), new Rng(7))
    for (const [name, w] of a.weights)
      expect(await w.data()).toEqual(await (b.weights.get(name) as tf.Variable).data())
    a.dispose()
    b.dispose()
  })
})
