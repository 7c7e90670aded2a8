/**
 * Reference values for every GAN objective: each loss, its gradient and the WGAN-GP penalty
 * against closed forms written out by hand, on small batches of chosen discriminator outputs.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBackend } from '../../../../src/main/engine/backend'
import { gradientPenalty } from '../../../../src/main/engine/gp'
import { discriminatorLoss, generatorLoss, meanScore } from '../../../../src/main/engine/losses'
import { tf } from '../../../../src/main/engine/tf'
import type { LossKind } from '../../../../src/shared/hyperparams'

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

const REAL = [2, 0.5, -1]
const FAKE = [-2, 0, 1]

function dLoss(kind: LossKind, real: number[], fake: number[]): number {
  return tf.tidy(() => discriminatorLoss(kind, tf.tensor1d(real), tf.tensor1d(fake)).arraySync())
}
function gLoss(kind: LossKind, fake: number[]): number {
  return tf.tidy(() => generatorLoss(kind, tf.tensor1d(fake)).arraySync())
}

describe('losses against closed forms', () => {
  beforeAll(async () => {
    await loadBackend('cpu')
  })

  it('ns: -log σ(r) - log(1 - σ(f)) for D, -log σ(f) for G', () => {
    // At logit 0 both terms are log 2.
    expect(dLoss('ns', [0], [0])).toBeCloseTo(2 * Math.LN2, 6)
    expect(gLoss('ns', [0])).toBeCloseTo(Math.LN2, 6)
    const d = mean(REAL.map((r) => -Math.log(sigmoid(r)))) + mean(FAKE.map((f) => -Math.log(1 - sigmoid(f))))
    expect(dLoss('ns', REAL, FAKE)).toBeCloseTo(d, 6)
    expect(gLoss('ns', FAKE)).toBeCloseTo(mean(FAKE.map((f) => -Math.log(sigmoid(f)))), 6)
    // Logits far out of sigmoid's float range still give the exact limit, not Infinity or NaN.
    expect(dLoss('ns', [-1000], [1000])).toBeCloseTo(2000, 3)
    expect(dLoss('ns', [1000], [-1000])).toBeCloseTo(0, 6)
    expect(gLoss('ns', [-1000])).toBeCloseTo(1000, 3)
  })

  it('hinge: mean max(0, 1 - r) + mean max(0, 1 + f) for D, -mean f for G', () => {
    // 1 - r = [-1, 0.5, 2] → [0, 0.5, 2], mean 5/6; 1 + f = [-1, 1, 2] → [0, 1, 2], mean 1.
    expect(dLoss('hinge', REAL, FAKE)).toBeCloseTo(5 / 6 + 1, 6)
    expect(gLoss('hinge', FAKE)).toBeCloseTo(1 / 3, 6)
  })

  it('lsgan: ½(mean (r - 1)² + mean f²) for D, ½ mean (f - 1)² for G', () => {
    // (r - 1)² = [1, 0.25, 4], mean 1.75; f² = [4, 0, 1], mean 5/3.
    expect(dLoss('lsgan', REAL, FAKE)).toBeCloseTo(0.5 * (1.75 + 5 / 3), 6)
    // (f - 1)² = [9, 1, 0], mean 10/3.
    expect(gLoss('lsgan', FAKE)).toBeCloseTo(0.5 * (10 / 3), 6)
  })

  it('wgan-gp: mean f - mean r for D, -mean f for G', () => {
    expect(dLoss('wgan-gp', REAL, FAKE)).toBeCloseTo(-1 / 3 - 0.5, 6)
    expect(gLoss('wgan-gp', FAKE)).toBeCloseTo(1 / 3, 6)
  })

  it('gradients match the derivatives written out by hand', () => {
    const n = REAL.length
    const grads = (kind: LossKind): { r: number[]; f: number[]; g: number[] } =>
      tf.tidy(() => {
        const [gr, gf] = tf.grads((r: tf.Tensor, f: tf.Tensor) => discriminatorLoss(kind, r, f))([
          tf.tensor1d(REAL),
          tf.tensor1d(FAKE)
        ]) as [tf.Tensor, tf.Tensor]
        const gg = tf.grad((f: tf.Tensor) => generatorLoss(kind, f))(tf.tensor1d(FAKE))
        return {
          r: gr.arraySync() as number[],
          f: gf.arraySync() as number[],
          g: gg.arraySync() as number[]
        }
      })
    const close = (got: number[], want: number[]): void =>
      want.forEach((w, i) => expect(got[i], `index ${i}`).toBeCloseTo(w, 6))
    // ns: d/dr -log σ(r) = -(1 - σ(r)); d/df -log(1 - σ(f)) = σ(f); d/df -log σ(f) = -(1 - σ(f)).
    const ns = grads('ns')
    close(
      ns.r,
      REAL.map((r) => -(1 - sigmoid(r)) / n)
    )
    close(
      ns.f,
      FAKE.map((f) => sigmoid(f) / n)
    )
    close(
      ns.g,
      FAKE.map((f) => -(1 - sigmoid(f)) / n)
    )
    // hinge: -1 where 1 - r > 0, +1 where 1 + f > 0 (0 elsewhere).
    const hinge = grads('hinge')
    close(hinge.r, [0, -1 / n, -1 / n])
    close(hinge.f, [0, 1 / n, 1 / n])
    close(hinge.g, [-1 / n, -1 / n, -1 / n])
    // lsgan: (r - 1) and f, each over n; G: (f - 1) / n.
    const ls = grads('lsgan')
    close(
      ls.r,
      REAL.map((r) => (r - 1) / n)
    )
    close(
      ls.f,
      FAKE.map((f) => f / n)
    )
    close(
      ls.g,
      FAKE.map((f) => (f - 1) / n)
    )
  })

  it('the gradient penalty is mean (|∇D(x̂)| - 1)² with x̂ = εx + (1 - ε)x̃', () => {
    const real = [
      [3, 0],
      [0, 1]
    ]
    const fake = [
      [1, 0],
      [0, -3]
    ]
    const eps = Float32Array.from([0.5, 0.25])
    // D(x) = ½|x|² per sample, so ∇D(x̂) = x̂: x̂₀ = (2, 0), |x̂₀| = 2; x̂₁ = (0, -2), |x̂₁| = 2.
    const quadratic = (x: tf.Tensor): tf.Tensor => tf.mul(0.5, tf.sum(tf.square(x), 1))
    const gp = tf.tidy(() =>
      gradientPenalty(quadratic, tf.tensor2d(real), tf.tensor2d(fake), eps).arraySync()
    )
    expect(gp).toBeCloseTo(1, 5)
    // D(x) = w·x: the gradient is w everywhere, so the penalty is (|w| - 1)² = (5 - 1)².
    const linear = (x: tf.Tensor): tf.Tensor => tf.sum(tf.mul(x, tf.tensor1d([3, 4])), 1)
    const gpLinear = tf.tidy(() =>
      gradientPenalty(linear, tf.tensor2d(real), tf.tensor2d(fake), eps).arraySync()
    )
    expect(gpLinear).toBeCloseTo(16, 4)
  })

  it("meanScore is D's probability for ns and its raw score otherwise", () => {
    const score = (kind: LossKind): number => tf.tidy(() => meanScore(kind, tf.tensor1d(REAL)).arraySync())
    expect(score('ns')).toBeCloseTo(mean(REAL.map(sigmoid)), 6)
    for (const kind of ['hinge', 'lsgan', 'wgan-gp'] as const) expect(score(kind)).toBeCloseTo(0.5, 6)
  })
})
