/**
 * WGAN-GP's gradient-of-gradient check: passes on cpu and on wasm (with the project's conv
 * kernels), and refuses wgan-gp with a clear message when a kernel's gradient is not itself
 * differentiable (simulated by a LeakyReLU gradient that leaves the tape through the host).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { loadBackend } from '../../../../../src/main/engine/backend'
import { checkSecondOrderGradients, clearSecondOrderCache } from '../../../../../src/main/engine/gp'
import { tf } from '../../../../../src/main/engine/tf'
import { tinyData, tinyTrainer } from './helpers'

describe('second-order gradients', () => {
  afterEach(() => clearSecondOrderCache())

  for (const backend of ['cpu', 'wasm'] as const) {
    for (const conv of [false, true]) {
      it(`${backend}: the gradient of the gradient matches finite differences (${conv ? 'conv' : 'dense'} D)`, async () => {
        await loadBackend(backend)
        const before = tf.memory().numTensors
        const r = await checkSecondOrderGradients({ conv })
        expect(r.reason).toBe('')
        expect(r.ok).toBe(true)
        expect(r.maxRelError).toBeLessThan(0.02)
        expect(tf.memory().numTensors).toBe(before)
      })
    }
  }

  it('refuses wgan-gp when a gradient kernel is not differentiable, naming the fix', async () => {
    await loadBackend('cpu')
    const original = tf.getGradient('LeakyRelu')
    expect(original).toBeDefined()
    // A LeakyReLU gradient computed on the host: right values, but cut off from the tape.
    tf.registerGradient({
      kernelName: 'LeakyRelu',
      inputsToSave: ['x'],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = dy as tf.Tensor
        const x = (saved[0] as tf.Tensor).dataSync()
        const g = d.dataSync().map((v, i) => ((x[i] as number) > 0 ? v : 0.2 * v))
        return { x: () => tf.tensor(g, d.shape) }
      }
    })
    const { data } = await tinyData(64)
    try {
      const r = await checkSecondOrderGradients({ conv: false })
      expect(r.ok).toBe(false)
      expect(r.reason).toMatch(/differs from finite differences|failed/)
      await expect(tinyTrainer(data, { loss: 'wgan-gp' })).rejects.toThrow(
        /WGAN-GP needs second-order gradients, which the cpu backend cannot compute for dense layers .*; use the hinge loss/
      )
    } finally {
      tf.registerGradient(original as tf.GradConfig)
    }
    clearSecondOrderCache()
    expect((await checkSecondOrderGradients({ conv: false })).ok).toBe(true)
  })
})
