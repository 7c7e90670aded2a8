import { beforeAll, describe, expect, test } from 'vitest'
import { tf } from '../../../../../src/main/engine/tf'
import { readCheckpoint } from '../../../../../src/main/engine/checkpoint/reader'
import { GeneratorModel } from '../../../../../src/main/engine/explorer/generator-model'
import { computeDirections } from '../../../../../src/main/engine/explorer/directions'
import { MEMORISATION_RMS, nearestImages } from '../../../../../src/main/engine/explorer/nearest'
import { Rng } from '../../../../../src/main/engine/rng'
import { makeFixtureRun } from './fixture'

function norm(v: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2
  return Math.sqrt(s)
}

describe('GANSpace directions', () => {
  let g: GeneratorModel
  beforeAll(async () => {
    await tf.setBackend('cpu')
    const f = await makeFixtureRun({ model: 'dcgan', latentDim: 8, width: 0.125, runId: 'dirs' })
    g = GeneratorModel.fromCheckpoint(await readCheckpoint(f.checkpointDir))
  })

  test('unit directions, strongest first, deterministic, no leaks', async () => {
    const before = tf.memory().numTensors
    const d = await computeDirections(g, { count: 4, samples: 400 })
    expect(tf.memory().numTensors).toBe(before)
    expect(d.directions).toHaveLength(4)
    for (const v of d.directions) {
      expect(v).toHaveLength(8)
      expect(norm(v)).toBeCloseTo(1, 5)
    }
    for (let k = 1; k < 4; k++)
      expect(d.explained[k - 1] as number).toBeGreaterThanOrEqual(d.explained[k] as number)
    expect(d.explained.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1.0001)
    const again = await computeDirections(g, { count: 4, samples: 400 })
    expect(again.directions).toEqual(d.directions)
  })

  test('the top direction moves the first layer more than a random direction does', async () => {
    const d = await computeDirections(g, { count: 2, samples: 800 })
    const z0 = new Rng(9).normalArray(8)
    const rand = new Rng(10).normalArray(8)
    const r = Float32Array.from(rand, (x) => x / norm(rand))
    const move = async (dir: Float32Array): Promise<number> => {
      const plus = Float32Array.from(z0, (x, i) => x + (dir[i] as number))
      const a = await g.activations([z0, plus], 1)
      const half = a.features
      let s = 0
      for (let i = 0; i < half; i++) s += ((a.values[i] as number) - (a.values[half + i] as number)) ** 2
      return Math.sqrt(s)
    }
    expect(await move(d.directions[0] as Float32Array)).toBeGreaterThan(await move(r))
  })
})

describe('nearest training images', () => {
  test('finds an exact copy (memorised) and orders neighbours by distance', () => {
    const size = 16
    const n = 50
    const rng = new Rng(1)
    const images = Uint8Array.from({ length: n * size }, () => rng.int(256))
    const sample = images.slice(17 * size, 18 * size)
    const r = nearestImages(sample, images, 5)
    expect(r.neighbours[0]).toEqual({ index: 17, rms: 0 })
    expect(r.memorised).toBe(true)
    expect(r.neighbours).toHaveLength(5)
    for (let k = 1; k < 5; k++)
      expect((r.neighbours[k] as { rms: number }).rms).toBeGreaterThanOrEqual(
        (r.neighbours[k - 1] as { rms: number }).rms
      )
    // Brute force agrees.
    const all = Array.from({ length: n }, (_, i) => {
      let d = 0
      for (let j = 0; j < size; j++) d += ((images[i * size + j] as number) - (sample[j] as number)) ** 2
      return { i, d }
    }).sort((a, b) => a.d - b.d)
    expect(r.neighbours.map((x) => x.index)).toEqual(all.slice(0, 5).map((x) => x.i))
  })

  test('a far sample is not memorised; a size mismatch is refused', () => {
    const images = new Uint8Array(10 * 4).fill(0)
    const r = nearestImages(Uint8Array.from([255, 255, 255, 255]), images, 3)
    expect(r.neighbours[0]?.rms).toBeCloseTo(1, 6)
    expect(r.memorised).toBe(false)
    expect(r.threshold).toBe(MEMORISATION_RMS)
    expect(() => nearestImages(new Uint8Array(3), images)).toThrow('Expected dataset images of 3 bytes each')
  })
})
