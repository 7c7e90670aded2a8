/**
 * A small multilayer perceptron on Float32Arrays with hand-written backpropagation, including
 * the "double backprop" that gradient penalties (WGAN-GP, R1) need.
 *
 * Hidden layers use leaky ReLU (slope 0.2), the output is linear. Because leaky ReLU is piecewise
 * linear, the network's input gradient g = W1ᵀ M1 W2ᵀ M2 … wL (Mi the 0.2/1 masks) is multilinear
 * in the weights for a fixed activation pattern; the gradient of a penalty P(g) with respect to
 * the weights is then one more masked linear pass from the input side (`penaltyBackward`). No
 * autodiff library is needed and every number is deterministic.
 */
import type { Rng } from './rng'

const SLOPE = 0.2

export class Mlp {
  /** Layer widths, input first, output last: [2, 32, 32, 1]. */
  readonly sizes: readonly number[]
  /** All weights then biases of each layer, layer by layer (W row-major: [out][in]). */
  readonly params: Float32Array
  /** Gradient accumulator, same layout as params. */
  readonly grad: Float32Array
  private readonly wOff: number[] = []
  private readonly bOff: number[] = []
  private cap = 0
  /** Pre-activations z_l (l = 1..L) of the last forward pass; index l - 1. */
  private z: Float32Array[] = []
  /** Post-activations h_l (l = 1..L-1); index l - 1. */
  private h: Float32Array[] = []
  /** dOut/dz_l of the last backward pass; index l - 1. */
  private delta: Float32Array[] = []
  /** Scratch for e = Wᵀδ (backward) and ē (penalty pass), the width of the widest layer. */
  private eA: Float32Array = new Float32Array(0)
  private eB: Float32Array = new Float32Array(0)
  private input: Float32Array = new Float32Array(0)

  constructor(sizes: readonly number[], rng: Rng) {
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1))
      throw new Error(`Expected layer sizes of at least two positive integers, but got [${sizes.join(', ')}]`)
    this.sizes = [...sizes]
    let off = 0
    for (let l = 1; l < sizes.length; l++) {
      this.wOff.push(off)
      off += sizes[l]! * sizes[l - 1]!
      this.bOff.push(off)
      off += sizes[l]!
    }
    this.params = new Float32Array(off)
    this.grad = new Float32Array(off)
    // He initialisation for leaky ReLU; biases start at zero.
    for (let l = 1; l < sizes.length; l++) {
      const fanIn = sizes[l - 1]!
      const std = Math.sqrt(2 / ((1 + SLOPE * SLOPE) * fanIn))
      const w = this.wOff[l - 1]!
      for (let i = 0; i < sizes[l]! * fanIn; i++) this.params[w + i] = std * rng.normal()
    }
  }

  get layers(): number {
    return this.sizes.length - 1
  }

  private ensure(n: number): void {
    if (n <= this.cap) return
    this.cap = n
    this.z = []
    this.h = []
    this.delta = []
    for (let l = 1; l < this.sizes.length; l++) {
      this.z.push(new Float32Array(n * this.sizes[l]!))
      this.delta.push(new Float32Array(n * this.sizes[l]!))
      if (l < this.sizes.length - 1) this.h.push(new Float32Array(n * this.sizes[l]!))
    }
    const widest = Math.max(...this.sizes)
    this.eA = new Float32Array(n * widest)
    this.eB = new Float32Array(n * widest)
  }

  /**
   * Forward pass over n inputs (n × sizes[0], row-major). Returns the outputs (n × out) as a view
   * that the next forward pass overwrites; keeps what backward needs.
   */
  forward(x: Float32Array, n: number): Float32Array {
    this.ensure(n)
    this.input = x
    const L = this.layers
    let prev = x
    for (let l = 1; l <= L; l++) {
      const nin = this.sizes[l - 1]!
      const nout = this.sizes[l]!
      const W = this.wOff[l - 1]!
      const B = this.bOff[l - 1]!
      const p = this.params
      const z = this.z[l - 1]!
      const h = l < L ? this.h[l - 1]! : z
      for (let s = 0; s < n; s++) {
        const xo = s * nin
        const zo = s * nout
        for (let i = 0; i < nout; i++) {
          let acc = p[B + i]!
          const wr = W + i * nin
          for (let j = 0; j < nin; j++) acc += p[wr + j]! * prev[xo + j]!
          z[zo + i] = acc
          if (l < L) h[zo + i] = acc > 0 ? acc : SLOPE * acc
        }
      }
      prev = h
    }
    return this.z[L - 1]!.subarray(0, n * this.sizes[L]!)
  }

  /**
   * Backward pass for the last forward pass. `dOut` (n × out) is the loss's derivative with
   * respect to each output. Adds the weight gradient into `grad` when `accumulate`; writes the
   * input gradient (n × in) into `dIn` when given. Keeps each layer's δ for `penaltyBackward`.
   */
  backward(dOut: Float32Array, n: number, accumulate: boolean, dIn?: Float32Array): void {
    const L = this.layers
    const p = this.params
    const g = this.grad
    this.delta[L - 1]!.set(dOut.subarray(0, n * this.sizes[L]!))
    for (let l = L; l >= 1; l--) {
      const nin = this.sizes[l - 1]!
      const nout = this.sizes[l]!
      const W = this.wOff[l - 1]!
      const B = this.bOff[l - 1]!
      const d = this.delta[l - 1]!
      const prev = l > 1 ? this.h[l - 2]! : this.input
      if (accumulate) {
        for (let s = 0; s < n; s++) {
          for (let i = 0; i < nout; i++) {
            const di = d[s * nout + i]!
            if (di === 0) continue
            g[B + i]! += di
            const wr = W + i * nin
            const xo = s * nin
            for (let j = 0; j < nin; j++) g[wr + j]! += di * prev[xo + j]!
          }
        }
      }
      if (l === 1 && !dIn) break
      // e = Wᵀ δ, then through the activation of layer l-1 (or out as the input gradient).
      const out = l > 1 ? this.delta[l - 2]! : dIn!
      const zPrev = l > 1 ? this.z[l - 2]! : null
      for (let s = 0; s < n; s++) {
        for (let j = 0; j < nin; j++) {
          let acc = 0
          for (let i = 0; i < nout; i++) acc += p[W + i * nin + j]! * d[s * nout + i]!
          if (zPrev) acc *= zPrev[s * nin + j]! > 0 ? 1 : SLOPE
          out[s * nin + j] = acc
        }
      }
    }
  }

  /**
   * Adds d(Σ_s u_s · g_s)/dW into `grad`, where g_s is the input gradient of output 0 at sample s
   * found by the last `backward` (which must have run with dOut = 1 for every sample) and u_s
   * (n × in) is the penalty's derivative with respect to g_s. Biases get no gradient: g does not
   * depend on them (almost everywhere) for a piecewise-linear network.
   */
  penaltyBackward(u: Float32Array, n: number): void {
    const L = this.layers
    const p = this.params
    const g = this.grad
    let ebar = this.eA
    let next = this.eB
    ebar.set(u.subarray(0, n * this.sizes[0]!))
    for (let l = 1; l <= L; l++) {
      const nin = this.sizes[l - 1]!
      const nout = this.sizes[l]!
      const W = this.wOff[l - 1]!
      const d = this.delta[l - 1]!
      const z = this.z[l - 1]!
      for (let s = 0; s < n; s++) {
        for (let i = 0; i < nout; i++) {
          const di = d[s * nout + i]!
          const wr = W + i * nin
          let acc = 0
          for (let j = 0; j < nin; j++) {
            const ej = ebar[s * nin + j]!
            g[wr + j]! += di * ej
            acc += p[wr + j]! * ej
          }
          if (l < L) next[s * nout + i] = z[s * nout + i]! > 0 ? acc : SLOPE * acc
        }
      }
      const t = ebar
      ebar = next
      next = t
    }
  }
}
