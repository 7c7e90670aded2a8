/**
 * The optimizers of the image trainer's list, on Float32Arrays: Adam, RMSProp, SGD with momentum,
 * optimistic Adam and extragradient. Fixed moment settings (Adam β = 0.5, 0.999 as GANs usually
 * use; RMSProp ρ = 0.99; momentum 0.9) keep the form to one learning rate per network.
 */

export const OPTIMIZER_KINDS = ['adam', 'rmsprop', 'sgdm', 'optimistic-adam', 'extragradient'] as const
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number]

export const OPTIMIZER_LABELS: Record<OptimizerKind, string> = {
  adam: 'Adam',
  rmsprop: 'RMSProp',
  sgdm: 'SGD with momentum',
  'optimistic-adam': 'Optimistic Adam',
  extragradient: 'Extragradient'
}

const BETA1 = 0.5
const BETA2 = 0.999
const EPS = 1e-8
const RHO = 0.99
const MOMENTUM = 0.9

export class Optimizer {
  private readonly m: Float32Array
  private readonly v: Float32Array
  /** Optimistic Adam: the previous step's direction. Extragradient: the point before extrapolating. */
  private readonly prev: Float32Array
  private t = 0
  private extrapolated = false

  constructor(
    readonly kind: OptimizerKind,
    public lr: number,
    size: number
  ) {
    this.m = new Float32Array(size)
    this.v = new Float32Array(size)
    this.prev = new Float32Array(size)
  }

  /** True for methods that take a look-ahead gradient before each update. */
  get needsExtrapolation(): boolean {
    return this.kind === 'extragradient'
  }

  /**
   * Extragradient's first half: remembers the parameters and moves them by −lr·grad. The caller
   * then computes the gradient at the moved point and calls `update` with it.
   */
  extrapolate(params: Float32Array, grad: Float32Array): void {
    this.prev.set(params)
    for (let i = 0; i < params.length; i++) params[i]! -= this.lr * grad[i]!
    this.extrapolated = true
  }

  /** One descent step on `params` along `grad` (in place). */
  update(params: Float32Array, grad: Float32Array): void {
    const lr = this.lr
    const n = params.length
    switch (this.kind) {
      case 'adam':
      case 'optimistic-adam': {
        this.t++
        const c1 = 1 - Math.pow(BETA1, this.t)
        const c2 = 1 - Math.pow(BETA2, this.t)
        const optimistic = this.kind === 'optimistic-adam'
        for (let i = 0; i < n; i++) {
          const g = grad[i]!
          const m = (this.m[i] = BETA1 * this.m[i]! + (1 - BETA1) * g)
          const v = (this.v[i] = BETA2 * this.v[i]! + (1 - BETA2) * g * g)
          const dir = m / c1 / (Math.sqrt(v / c2) + EPS)
          if (optimistic) {
            // Daskalakis et al. 2018: θ ← θ − 2·lr·a_t + lr·a_{t−1}.
            params[i]! -= lr * (2 * dir - this.prev[i]!)
            this.prev[i] = dir
          } else params[i]! -= lr * dir
        }
        return
      }
      case 'rmsprop':
        for (let i = 0; i < n; i++) {
          const g = grad[i]!
          const v = (this.v[i] = RHO * this.v[i]! + (1 - RHO) * g * g)
          params[i]! -= (lr * g) / (Math.sqrt(v) + EPS)
        }
        return
      case 'sgdm':
        for (let i = 0; i < n; i++) {
          const m = (this.m[i] = MOMENTUM * this.m[i]! + grad[i]!)
          params[i]! -= lr * m
        }
        return
      case 'extragradient':
        // Korpelevich: step from the point before extrapolating with the look-ahead gradient.
        if (this.extrapolated) params.set(this.prev)
        this.extrapolated = false
        for (let i = 0; i < n; i++) params[i]! -= lr * grad[i]!
        return
    }
  }
}
