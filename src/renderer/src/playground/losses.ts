/**
 * GAN losses on the discriminator's raw output o (one number per point). Each function returns
 * the batch-mean loss and writes d(mean loss)/d(o_s) into `dOut`.
 *
 * - ns: non-saturating, D(x) = sigmoid(o); R1 is ns plus a gradient penalty on real points.
 * - hinge: D: relu(1 − o_real) + relu(1 + o_fake); G: −o_fake.
 * - lsgan: D: ½(o_real − 1)² + ½o_fake²; G: ½(o_fake − 1)².
 * - wgan-gp: D: o_fake − o_real (+ the gradient penalty); G: −o_fake.
 */

export const LOSS_KINDS = ['ns', 'hinge', 'lsgan', 'wgan-gp', 'r1'] as const
export type LossKind = (typeof LOSS_KINDS)[number]

export const LOSS_LABELS: Record<LossKind, string> = {
  ns: 'Non-saturating',
  hinge: 'Hinge',
  lsgan: 'Least squares (LSGAN)',
  'wgan-gp': 'WGAN-GP',
  r1: 'Non-saturating + R1'
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))
}

/** D's loss on a batch of real (`real` true) or generated points. */
export function discriminatorLoss(
  kind: LossKind,
  out: Float32Array,
  n: number,
  real: boolean,
  dOut: Float32Array
): number {
  let sum = 0
  for (let s = 0; s < n; s++) {
    const o = out[s]!
    let l: number
    let d: number
    switch (kind) {
      case 'ns':
      case 'r1':
        // real: softplus(−o), d = σ(o) − 1; fake: softplus(o), d = σ(o).
        l = real ? softplus(-o) : softplus(o)
        d = real ? sigmoid(o) - 1 : sigmoid(o)
        break
      case 'hinge':
        if (real) {
          l = Math.max(0, 1 - o)
          d = o < 1 ? -1 : 0
        } else {
          l = Math.max(0, 1 + o)
          d = o > -1 ? 1 : 0
        }
        break
      case 'lsgan':
        l = real ? 0.5 * (o - 1) * (o - 1) : 0.5 * o * o
        d = real ? o - 1 : o
        break
      case 'wgan-gp':
        l = real ? -o : o
        d = real ? -1 : 1
        break
    }
    sum += l
    dOut[s] = d / n
  }
  return sum / n
}

/** G's loss on D's outputs for generated points. */
export function generatorLoss(kind: LossKind, out: Float32Array, n: number, dOut: Float32Array): number {
  let sum = 0
  for (let s = 0; s < n; s++) {
    const o = out[s]!
    let l: number
    let d: number
    switch (kind) {
      case 'ns':
      case 'r1':
        l = softplus(-o)
        d = sigmoid(o) - 1
        break
      case 'lsgan':
        l = 0.5 * (o - 1) * (o - 1)
        d = o - 1
        break
      case 'hinge':
      case 'wgan-gp':
        l = -o
        d = -1
        break
    }
    sum += l
    dOut[s] = d / n
  }
  return sum / n
}

/**
 * D's output as a value in [0, 1] for the heatmap: the probability "real" for ns/R1, o clipped for
 * LSGAN (targets 0 and 1), (o + 1)/2 clipped for hinge (margins ±1). WGAN-GP's critic has no
 * scale, so the caller normalises it by the range over the picture.
 */
export function heatValue(kind: LossKind, o: number): number {
  switch (kind) {
    case 'ns':
    case 'r1':
      return sigmoid(o)
    case 'lsgan':
      return Math.min(1, Math.max(0, o))
    case 'hinge':
      return Math.min(1, Math.max(0, (o + 1) / 2))
    case 'wgan-gp':
      return o
  }
}
