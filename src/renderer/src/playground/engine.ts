/**
 * The 2-D GAN: generator and discriminator MLPs, their optimizers, the update schedule
 * (simultaneous or alternating, D steps per G step, extragradient look-aheads) and the picture
 * (points, D's heatmap, G's gradient arrows, the warped latent grid). Plain TypeScript on
 * Float32Arrays: it runs in the playground's Web Worker and, unchanged, in the unit tests.
 *
 * Determinism: four PRNG streams of the one seed (weights, training batches, display points,
 * real display points). Drawing a picture reads the networks but draws no training randomness,
 * so a run's numbers do not depend on how often it was looked at.
 */
import type { LiveChange, LiveEdit, PlaygroundConfig } from './config'
import { discriminatorLoss, generatorLoss, heatValue } from './losses'
import { coverage, type Coverage } from './metrics'
import { Mlp } from './mlp'
import { Optimizer } from './optimizers'
import { Rng, subSeed } from './rng'
import { makeTarget, VIEW_EXTENT, type Target } from './targets'

/** Generated (and real) points shown and scored. */
export const DISPLAY_POINTS = 512
/** Heatmap cells per side. */
export const HEATMAP_SIZE = 48

/** What one step measured. */
export interface StepMetrics {
  step: number
  lossD: number
  lossG: number
  /** Global L2 norm of the gradient of the last D (G) update. */
  gradNormD: number
  gradNormG: number
}

/** Everything the picture needs, as typed arrays (transferable to the main thread). */
export interface Picture {
  step: number
  /** Real points, x, y pairs. */
  real: Float32Array
  /** Generated points for the fixed display latents, x, y pairs. */
  fake: Float32Array
  /** −∂(G's loss)/∂x at each generated point: where G's loss pushes it. */
  arrows: Float32Array
  /** D's output over the plane, row-major from the top-left, each in [0, 1]. */
  heatmap: Float32Array
  heatmapSize: number
  /** The warped latent grid: `gridLines` polylines of `gridPointsPerLine` points each. */
  grid: Float32Array
  gridLines: number
  gridPointsPerLine: number
  coverage: Coverage
}

function sameSetting(a: LiveChange, b: LiveChange): boolean {
  return a.setting === b.setting
}

function l2(a: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!
  return Math.sqrt(s)
}

export class GanPlayground {
  /** The run's settings; the live ones (learning rates, D steps, update order, penalty) change in place. */
  readonly config: PlaygroundConfig
  /** The settings the run started with: with `edits`, what a saved run file holds. */
  readonly initial: PlaygroundConfig
  /** Live changes made so far, by step: saved with the run so that a reopened run replays them. */
  readonly edits: LiveEdit[] = []
  private pending: LiveEdit[]
  readonly target: Target
  readonly G: Mlp
  readonly D: Mlp
  readonly optG: Optimizer
  readonly optD: Optimizer
  step = 0
  /** Set when a loss or gradient stopped being finite: training stops there. */
  diverged = false
  last: StepMetrics = { step: 0, lossD: NaN, lossG: NaN, gradNormD: NaN, gradNormG: NaN }

  private readonly rng: Rng
  private readonly B: number
  private readonly k: number
  private readonly real: Float32Array
  private readonly z: Float32Array
  private readonly fake: Float32Array
  private readonly eps: Float32Array
  private readonly mix: Float32Array
  private readonly dOut: Float32Array
  private readonly ones: Float32Array
  private readonly dX: Float32Array
  private readonly gD: Float32Array
  private readonly gG: Float32Array
  private readonly displayZ: Float32Array
  private readonly displayReal: Float32Array

  constructor(config: PlaygroundConfig, edits: readonly LiveEdit[] = []) {
    this.initial = structuredClone(config)
    this.config = structuredClone(config)
    this.pending = [...edits].sort((a, b) => a.step - b.step)
    this.target = makeTarget(config.target, config.drawn)
    const init = new Rng(subSeed(config.seed, 0))
    this.rng = new Rng(subSeed(config.seed, 1))
    this.k = config.latentDim
    const g = config.generator
    const d = config.discriminator
    this.G = new Mlp([this.k, ...Array<number>(g.depth).fill(g.width), 2], init)
    this.D = new Mlp([2, ...Array<number>(d.depth).fill(d.width), 1], init)
    this.optG = new Optimizer(config.optG.kind, config.optG.lr, this.G.params.length)
    this.optD = new Optimizer(config.optD.kind, config.optD.lr, this.D.params.length)
    const B = (this.B = config.batchSize)
    const N = Math.max(B, DISPLAY_POINTS, HEATMAP_SIZE * HEATMAP_SIZE)
    this.real = new Float32Array(2 * B)
    this.z = new Float32Array(this.k * B)
    this.fake = new Float32Array(2 * N)
    this.eps = new Float32Array(B)
    this.mix = new Float32Array(2 * B)
    this.dOut = new Float32Array(N)
    this.ones = new Float32Array(N).fill(1)
    this.dX = new Float32Array(2 * N)
    this.gD = new Float32Array(this.D.params.length)
    this.gG = new Float32Array(this.G.params.length)
    const show = new Rng(subSeed(config.seed, 2))
    this.displayZ = new Float32Array(this.k * DISPLAY_POINTS)
    for (let i = 0; i < this.displayZ.length; i++) this.displayZ[i] = show.range(-1, 1)
    this.displayReal = new Float32Array(2 * DISPLAY_POINTS)
    this.target.sample(DISPLAY_POINTS, new Rng(subSeed(config.seed, 3)), this.displayReal)
    this.applyDue()
  }

  /** Changes a live setting from the next step on, and records it. */
  change(c: LiveChange): void {
    const edit = { step: this.step, change: c }
    // Two changes of one setting at one step: the later one is the one that counts.
    const i = this.edits.findIndex((e) => e.step === this.step && sameSetting(e.change, c))
    if (i >= 0) this.edits.splice(i, 1)
    this.edits.push(edit)
    this.apply(c)
  }

  private apply(c: LiveChange): void {
    switch (c.setting) {
      case 'lrG':
        this.config.optG.lr = this.optG.lr = c.value
        return
      case 'lrD':
        this.config.optD.lr = this.optD.lr = c.value
        return
      case 'dSteps':
        this.config.dSteps = c.value
        return
      case 'penalty':
        this.config.penalty = c.value
        return
      case 'updates':
        this.config.updates = c.value
        return
    }
  }

  /** Replays the saved edits that fall on the current step. */
  private applyDue(): void {
    while (this.pending.length && this.pending[0]!.step <= this.step) {
      const e = this.pending.shift()!
      this.edits.push(e)
      this.apply(e.change)
    }
  }

  /** A fresh batch: real points, latents (uniform in [−1, 1]), WGAN-GP mixing weights. */
  drawBatch(): void {
    this.target.sample(this.B, this.rng, this.real)
    for (let i = 0; i < this.z.length; i++) this.z[i] = this.rng.range(-1, 1)
    if (this.config.loss === 'wgan-gp') for (let i = 0; i < this.B; i++) this.eps[i] = this.rng.uniform()
  }

  /** Fills D.grad for the current batch; returns D's loss (with the penalty). Public for gradient checks. */
  gradD(): number {
    const { D, G, B } = this
    const loss = this.config.loss
    D.grad.fill(0)
    let total = discriminatorLoss(loss, D.forward(this.real, B), B, true, this.dOut)
    D.backward(this.dOut, B, true)
    this.fake.set(G.forward(this.z, B))
    total += discriminatorLoss(loss, D.forward(this.fake, B), B, false, this.dOut)
    D.backward(this.dOut, B, true)
    if (loss === 'wgan-gp' || loss === 'r1') {
      // WGAN-GP: λ(‖∇D(x̂)‖ − 1)² at x̂ between real and fake; R1: (γ/2)‖∇D(x)‖² at real x.
      const at = loss === 'wgan-gp' ? this.mix : this.real
      if (loss === 'wgan-gp')
        for (let s = 0; s < B; s++) {
          const e = this.eps[s]!
          this.mix[2 * s] = e * this.real[2 * s]! + (1 - e) * this.fake[2 * s]!
          this.mix[2 * s + 1] = e * this.real[2 * s + 1]! + (1 - e) * this.fake[2 * s + 1]!
        }
      D.forward(at, B)
      D.backward(this.ones, B, false, this.dX)
      const w = this.config.penalty
      let pen = 0
      for (let s = 0; s < B; s++) {
        const gx = this.dX[2 * s]!
        const gy = this.dX[2 * s + 1]!
        const norm = Math.sqrt(gx * gx + gy * gy)
        let c: number
        if (loss === 'wgan-gp') {
          pen += w * (norm - 1) * (norm - 1)
          c = norm > 0 ? (2 * w * (norm - 1)) / norm : 0
        } else {
          pen += 0.5 * w * norm * norm
          c = w
        }
        this.dX[2 * s] = (c * gx) / B
        this.dX[2 * s + 1] = (c * gy) / B
      }
      total += pen / B
      D.penaltyBackward(this.dX, B)
    }
    return total
  }

  /** Fills G.grad for the current batch's latents; returns G's loss. Public for gradient checks. */
  gradG(): number {
    const { D, G, B } = this
    G.grad.fill(0)
    this.fake.set(G.forward(this.z, B))
    const loss = generatorLoss(this.config.loss, D.forward(this.fake, B), B, this.dOut)
    D.backward(this.dOut, B, false, this.dX)
    G.backward(this.dX, B, true)
    return loss
  }

  private updateD(): number {
    const loss = this.gradD()
    if (this.optD.needsExtrapolation) {
      this.optD.extrapolate(this.D.params, this.D.grad)
      this.gradD()
    }
    this.last.gradNormD = l2(this.D.grad)
    this.optD.update(this.D.params, this.D.grad)
    return loss
  }

  private updateG(): number {
    const loss = this.gradG()
    if (this.optG.needsExtrapolation) {
      this.optG.extrapolate(this.G.params, this.G.grad)
      this.gradG()
    }
    this.last.gradNormG = l2(this.G.grad)
    this.optG.update(this.G.params, this.G.grad)
    return loss
  }

  /** Both networks from the same point; extragradient networks look ahead together. */
  private updateBoth(): [number, number] {
    const lossD = this.gradD()
    this.gD.set(this.D.grad)
    const lossG = this.gradG()
    this.gG.set(this.G.grad)
    const egD = this.optD.needsExtrapolation
    const egG = this.optG.needsExtrapolation
    if (egD) this.optD.extrapolate(this.D.params, this.gD)
    if (egG) this.optG.extrapolate(this.G.params, this.gG)
    if (egD) {
      this.gradD()
      this.gD.set(this.D.grad)
    }
    if (egG) {
      this.gradG()
      this.gG.set(this.G.grad)
    }
    this.last.gradNormD = l2(this.gD)
    this.last.gradNormG = l2(this.gG)
    this.optD.update(this.D.params, this.gD)
    this.optG.update(this.G.params, this.gG)
    return [lossD, lossG]
  }

  /**
   * One training step: `dSteps` D updates and one G update. Simultaneous: the last D update and
   * the G update use gradients taken at the same point. Alternating: G updates after D, against
   * the updated D, on a fresh batch.
   */
  trainStep(): StepMetrics {
    if (this.diverged) return this.last
    const { dSteps, updates } = this.config
    let lossD = NaN
    let lossG = NaN
    for (let i = 0; i < dSteps; i++) {
      this.drawBatch()
      if (updates === 'simultaneous' && i === dSteps - 1) [lossD, lossG] = this.updateBoth()
      else lossD = this.updateD()
    }
    if (updates === 'alternating') {
      this.drawBatch()
      lossG = this.updateG()
    }
    this.step++
    this.applyDue()
    this.last = { ...this.last, step: this.step, lossD, lossG }
    const finite = (x: number): boolean => Number.isFinite(x)
    if (![lossD, lossG, this.last.gradNormD, this.last.gradNormG].every(finite)) this.diverged = true
    return this.last
  }

  /** Generated points for the display latents (a copy). */
  generatedPoints(): Float32Array {
    return this.G.forward(this.displayZ, DISPLAY_POINTS).slice()
  }

  /** Mode coverage and quality of the display points. */
  coverage(fake: Float32Array = this.generatedPoints()): Coverage {
    return coverage(fake, DISPLAY_POINTS, this.target.modes, this.target.sigma)
  }

  /** The picture at the current step. Every array is new: the caller may transfer them. */
  picture(): Picture {
    const { D, G } = this
    const N = DISPLAY_POINTS
    const fake = this.generatedPoints()
    // Per-point arrows: the gradient of G's loss at each point, not divided by the batch size.
    const out = D.forward(fake, N)
    generatorLoss(this.config.loss, out, N, this.dOut)
    D.backward(this.dOut, N, false, this.dX)
    const arrows = new Float32Array(2 * N)
    for (let i = 0; i < 2 * N; i++) arrows[i] = -this.dX[i]! * N

    const H = HEATMAP_SIZE
    const cells = new Float32Array(2 * H * H)
    for (let r = 0; r < H; r++)
      for (let c = 0; c < H; c++) {
        const i = r * H + c
        cells[2 * i] = -VIEW_EXTENT + ((c + 0.5) * 2 * VIEW_EXTENT) / H
        cells[2 * i + 1] = VIEW_EXTENT - ((r + 0.5) * 2 * VIEW_EXTENT) / H
      }
    const o = D.forward(cells, H * H)
    const heatmap = new Float32Array(H * H)
    for (let i = 0; i < H * H; i++) heatmap[i] = heatValue(this.config.loss, o[i]!)
    if (this.config.loss === 'wgan-gp') {
      // The critic has no fixed scale: spread this picture's range over [0, 1].
      let lo = Infinity
      let hi = -Infinity
      for (const v of heatmap) {
        lo = Math.min(lo, v)
        hi = Math.max(hi, v)
      }
      const span = hi - lo || 1
      for (let i = 0; i < heatmap.length; i++) heatmap[i] = (heatmap[i]! - lo) / span
    }

    // The latent grid: a line through [−1, 1] for k = 1; 9 + 9 lines over [−1, 1]² for k = 2.
    const per = this.k === 1 ? 129 : 33
    const lines = this.k === 1 ? 1 : 18
    const zs = new Float32Array(lines * per * this.k)
    for (let l = 0; l < lines; l++)
      for (let p = 0; p < per; p++) {
        const t = -1 + (2 * p) / (per - 1)
        const base = (l * per + p) * this.k
        if (this.k === 1) zs[base] = t
        else {
          const fixed = -1 + (2 * (l % 9)) / 8
          zs[base] = l < 9 ? t : fixed
          zs[base + 1] = l < 9 ? fixed : t
        }
      }
    const grid = G.forward(zs, lines * per).slice()

    return {
      step: this.step,
      real: this.displayReal.slice(),
      fake,
      arrows,
      heatmap,
      heatmapSize: H,
      grid,
      gridLines: lines,
      gridPointsPerLine: per,
      coverage: this.coverage(fake)
    }
  }
}
