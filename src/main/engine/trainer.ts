/**
 * The GAN step loop's state and one training step: D updates (dSteps of them) then one G update,
 * each with its own optimizer (optim/create.ts), then the EMA. All randomness comes from one Rng, so the same seed on
 * the same backend gives the same numbers, and `snapshot()`/`restore()` continue a run exactly.
 */
import type { GradientNorms } from '../../shared/domain'
import type { Hyperparams, LiveHyperparams } from '../../shared/hyperparams'
import { StudioError } from '../../shared/errors'
import { applyAugment, drawAugmentParams, type AugmentParams } from './augment/diffaugment'
import type { CachedDataset } from './data/cache'
import {
  cachedSecondOrderCheck,
  checkSecondOrderGradients,
  gradientPenalty,
  r1Penalty,
  wganRefusal
} from './gp'
import { discriminatorLoss, generatorLoss, meanScore } from './losses'
import type { GanArchs } from './models'
import { Network } from './models/network'
import { createOptimizer } from './optim/create'
import type { Optimizer } from './optim/optimizer'
import { Ema } from './optim/ema'
import { Rng, type RngState } from './rng'
import { tf } from './tf'

/** Where the trainer is: everything besides tensors that a checkpoint must hold. */
export interface TrainerCursor {
  step: number
  epoch: number
  /** Seed of this epoch's permutation of the dataset. */
  epochSeed: number
  /** Next index into the permutation. */
  position: number
  rng: RngState
  /** Update counts of each network's optimizer (named for Adam, the first one; any kind now). */
  adamSteps: { generator: number; discriminator: number }
  emaUpdates: number
}

/** Averages of the step metrics since the last read. */
export interface StepAverages {
  lossD: number
  lossG: number
  dReal: number
  dFake: number
  steps: number
  /** Updates skipped since the last read because a loss or gradient was NaN or infinite. */
  nonFinite: number
  /** Mean gradient norms since the last read (absent when tracking is off). */
  gradNorm?: GradientNorms
}

/** A weight's layer: its name without the last part (`bn2/gamma` → `bn2`). */
export function layerOf(weightName: string): string {
  const i = weightName.lastIndexOf('/')
  return i < 0 ? weightName : weightName.slice(0, i)
}

/** Metric slots in the accumulator before the gradient norms. */
const METRIC_SLOTS = 5

/** Number of images in the fixed-latent sample grid. */
export const SAMPLE_GRID = 64

export class GanTrainer {
  readonly G: Network
  readonly D: Network
  readonly optG: Optimizer
  readonly optD: Optimizer
  readonly ema?: Ema
  readonly rng: Rng
  step = 0
  epoch = 0
  private epochSeed: number
  private perm: Uint32Array
  private position = 0
  /**
   * Test hook: the real batch drawn while training this step (0-based) gets a NaN pixel, once.
   * Exercises the non-finite guard end to end.
   */
  poisonBatchAtStep: number | undefined
  /**
   * Sum since the last read, on the device, of [lossD, lossG, dReal, dFake, skipped updates,
   * |∇G|, |∇D|, G's layer norms…, D's layer norms…]: one host read returns all of it.
   */
  private acc: tf.Variable
  /** Layer names in the accumulator's per-layer slots. */
  private readonly gLayers: string[]
  private readonly dLayers: string[]
  /**
   * Computes gradient norms on the device each update (default). Benchmarks turn it off to
   * measure what it costs; the norms are then absent from readAverages().
   */
  trackGradients = true
  private accSteps = 0
  /** Steps since the last read whose gradient norms are in the accumulator. */
  private gradSteps = 0
  private readonly fixedZ: tf.Tensor2D
  private readonly pixels: number
  private readonly gNames: Map<string, string>
  private readonly dNames: Map<string, string>
  /** Class count of a conditional run (0 otherwise). */
  readonly classes: number
  /** Labels of the real batch nextBatch() drew last (conditional runs). */
  private batchLabels: Int32Array | undefined

  /** The run's hyperparameters; only `setLive` changes them. */
  get config(): Hyperparams {
    return this.current
  }
  private current: Hyperparams
  /**
   * Builds a trainer after the async checks it needs (WGAN-GP's second-order gradient check reads
   * back with `await data()`, which the webgpu backend requires).
   */
  static async create(config: Hyperparams, data: CachedDataset, archs: GanArchs): Promise<GanTrainer> {
    if (config.loss === 'wgan-gp' || config.r1Gamma > 0)
      await checkSecondOrderGradients({ conv: archs.discriminator.layers.some((l) => l.kind === 'conv') })
    return new GanTrainer(config, data, archs)
  }

  constructor(
    config: Hyperparams,
    readonly data: CachedDataset,
    readonly archs: GanArchs
  ) {
    this.current = config
    const n = data.index.count
    if (config.batchSize > n) {
      throw new Error(
        `Batch size ${config.batchSize} is larger than the dataset (${n} images): use a batch of at most ${n}`
      )
    }
    this.classes = archs.generator.conditioning?.classes ?? 0
    if (this.classes > 0 && !data.labels) {
      throw new StudioError(
        'invalid-input',
        `Conditional training needs a labelled dataset, but '${data.index.id}' has no labels: import it with labels from sub-folders, or turn conditional off`
      )
    }
    if (config.loss === 'wgan-gp' || config.r1Gamma > 0) {
      const conv = archs.discriminator.layers.some((l) => l.kind === 'conv')
      const check = cachedSecondOrderCheck(conv)
      if (!check)
        throw new Error(
          'construct wgan-gp and R1 trainers with GanTrainer.create: it checks second-order gradients first'
        )
      const what = config.loss === 'wgan-gp' ? 'WGAN-GP' : 'The R1 penalty'
      if (!check.ok) throw new StudioError('unavailable', wganRefusal(tf.getBackend(), conv, check, what))
    }
    this.rng = new Rng(config.seed)
    this.G = new Network('generator', archs.generator, this.rng)
    this.D = new Network('discriminator', archs.discriminator, this.rng)
    // The learning rates are read from this.config at each update, never copied: a live change
    // (setLive) has one place to go.
    const trainer = this as GanTrainer
    this.optG = createOptimizer(
      config,
      'generator',
      this.G.weights,
      () => trainer.config.lrG * trainer.lrFactor()
    )
    this.optD = createOptimizer(
      config,
      'discriminator',
      this.D.weights,
      () => trainer.config.lrD * trainer.lrFactor()
    )
    if (config.ema > 0) this.ema = new Ema(config.ema, this.G)
    this.epochSeed = this.rng.nextUint32()
    this.perm = new Rng(this.epochSeed).permutation(n)
    this.gLayers = [...new Set([...this.G.weights.keys()].map(layerOf))]
    this.dLayers = [...new Set([...this.D.weights.keys()].map(layerOf))]
    this.acc = tf.tidy(() => tf.variable(tf.zeros([this.accSize()]), false))
    const [h, w, c] = data.index.shape
    this.pixels = h * w * c
    // The sample grid's latents come from their own stream: the same grid for the whole run.
    const zRng = new Rng((config.seed ^ 0x5a3c9e1d) >>> 0)
    this.fixedZ = tf.tensor2d(zRng.normalArray(SAMPLE_GRID * config.latentDim), [
      SAMPLE_GRID,
      config.latentDim
    ])
    this.gNames = new Map([...this.G.weights].map(([k, v]) => [v.name, k]))
    this.dNames = new Map([...this.D.weights].map(([k, v]) => [v.name, k]))
  }

  /** The next real batch, scaled to [-1, 1], as [B, H, W, C]. Advances the data cursor. */
  private nextBatch(): tf.Tensor4D {
    const { batchSize } = this.config
    const n = this.data.index.count
    if (this.position + batchSize > n) {
      this.epoch += 1
      this.epochSeed = this.rng.nextUint32()
      this.perm = new Rng(this.epochSeed).permutation(n)
      this.position = 0
    }
    const px = this.pixels
    const out = new Float32Array(batchSize * px)
    const src = this.data.images
    const labels = this.classes > 0 ? new Int32Array(batchSize) : undefined
    for (let b = 0; b < batchSize; b++) {
      const i = this.perm[this.position + b] as number
      const off = i * px
      const dst = b * px
      for (let k = 0; k < px; k++) out[dst + k] = (src[off + k] as number) / 127.5 - 1
      if (labels) labels[b] = this.data.labels?.[i] ?? 0
    }
    this.batchLabels = labels
    if (this.poisonBatchAtStep === this.step) {
      this.poisonBatchAtStep = undefined
      out[0] = NaN
    }
    this.position += batchSize
    const [h, w, c] = this.data.index.shape
    return tf.tensor4d(out, [batchSize, h, w, c])
  }

  private latents(count: number): tf.Tensor2D {
    return tf.tensor2d(this.rng.normalArray(count * this.config.latentDim), [count, this.config.latentDim])
  }

  /** One-hot labels [n, classes] (conditional runs), or undefined. */
  private oneHot(labels: Int32Array | undefined): tf.Tensor2D | undefined {
    if (!labels || this.classes === 0) return undefined
    return tf.tidy(
      () => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), this.classes), 'float32') as tf.Tensor2D
    )
  }

  /** Random labels for generated images, drawn from the run's Rng (conditional runs only). */
  private fakeLabels(count: number): Int32Array | undefined {
    if (this.classes === 0) return undefined
    const out = new Int32Array(count)
    for (let i = 0; i < count; i++) out[i] = this.rng.int(this.classes)
    return out
  }

  /** DiffAugment parameters for a batch, when augmentation is on. */
  private augmentParams(): AugmentParams | undefined {
    const policies = this.config.diffAugment
    if (policies.length === 0) return undefined
    const [h, w] = this.data.index.shape
    return drawAugmentParams(policies, this.config.batchSize, [h, w], this.rng)
  }

  private augmented(x: tf.Tensor, p: AugmentParams | undefined): tf.Tensor {
    return p ? applyAugment(x, p, this.config.diffAugment) : x
  }

  /** The learning-rate schedule's factor at this step: 1, or 1 − step/steps (linear decay). */
  lrFactor(): number {
    const { lrDecay, steps } = this.config
    return lrDecay === 'linear' ? Math.max(0, 1 - this.step / steps) : 1
  }

  /**
   * Instance noise for one batch of D's inputs, drawn from the run's Rng (so resume stays exact):
   * N(0, σ²) with σ = instanceNoise · (1 − step/instanceNoiseSteps), or undefined when off or
   * faded out.
   */
  private instanceNoise(): tf.Tensor4D | undefined {
    const { instanceNoise, instanceNoiseSteps } = this.config
    const std = instanceNoise * Math.max(0, 1 - this.step / instanceNoiseSteps)
    if (!(std > 0)) return undefined
    const [h, w, c] = this.data.index.shape
    const n = this.config.batchSize
    return tf.tensor4d(this.rng.normalArray(n * h * w * c, std), [n, h, w, c])
  }

  private noised(x: tf.Tensor, noise: tf.Tensor | undefined): tf.Tensor {
    return noise ? tf.add(x, noise) : x
  }

  private accSize(): number {
    return METRIC_SLOTS + 2 + this.gLayers.length + this.dLayers.length
  }

  /**
   * The guard's device-side numbers for one gradient: the squared global norm (plus the loss) is
   * checked for NaN/∞ with x - x == 0 (kernels every backend has), so a non-finite update can be
   * skipped inside the optimizer with tf.where and no host read; with clipNorm > 0 the scale
   * min(1, clipNorm / |g|). With `layers`, also the norms [global, per layer…] for the metrics,
   * from the same per-weight sums. The caller disposes everything returned.
   */
  private guardTensors(
    grads: Record<string, tf.Tensor>,
    loss: tf.Scalar,
    layers?: string[]
  ): { ok: tf.Tensor; scale?: tf.Tensor; norms?: tf.Tensor1D } {
    return tf.tidy(() => {
      const entries = Object.entries(grads).map(([k, g]) => [k, tf.sum(tf.square(g))] as const)
      const parts = entries.map(([, p]) => p)
      const normSq = parts.length > 0 ? tf.addN(parts) : tf.scalar(0)
      const probe = tf.add(normSq, loss)
      const ok = tf.equal(tf.sub(probe, probe), 0)
      const clip = this.config.clipNorm
      const scale = clip > 0 ? tf.minimum(1, tf.div(clip, tf.add(tf.sqrt(normSq), 1e-6))) : undefined
      let norms: tf.Tensor1D | undefined
      if (layers) {
        const perLayer = layers.map((layer) => {
          const mine = entries.filter(([k]) => layerOf(k) === layer).map(([, p]) => p)
          return mine.length > 0 ? tf.addN(mine) : tf.scalar(0)
        })
        norms = tf.sqrt(tf.stack([normSq, ...perLayer])) as tf.Tensor1D
      }
      return { ok, ...(scale ? { scale } : {}), ...(norms ? { norms } : {}) }
    })
  }

  /**
   * One guarded update of `net` by `opt` on the loss `lossFn` (called once, or twice for the
   * extragradient step: at the weights, then at the extrapolated weights, on the same batch and
   * with the other network fixed). Returns the loss (of the evaluation the update used), the 0/1
   * "skipped" scalar and, when tracking, the gradient norms at the current weights. The caller
   * disposes all three. For extragradient on G, BatchNorm's running statistics see both passes.
   */
  private update(
    opt: Optimizer,
    net: Network,
    lossFn: () => tf.Scalar,
    names: Map<string, string>,
    layers: string[]
  ): { value: tf.Scalar; skipped: tf.Scalar; norms?: tf.Tensor1D } {
    const vars = [...net.weights.values()]
    let { value, grads } = tf.variableGrads(lossFn, vars)
    let named = this.byName(grads, names)
    let guard = this.guardTensors(named, value, this.trackGradients ? layers : undefined)
    const norms = guard.norms
    if (opt.extrapolate) {
      const undo = opt.extrapolate(net.weights, named, {
        ok: guard.ok,
        ...(guard.scale ? { scale: guard.scale } : {})
      })
      tf.dispose([value, guard.ok, guard.scale, ...Object.values(grads)])
      ;({ value, grads } = tf.variableGrads(lossFn, vars))
      undo()
      named = this.byName(grads, names)
      guard = this.guardTensors(named, value)
    }
    opt.apply(net.weights, named, { ok: guard.ok, ...(guard.scale ? { scale: guard.scale } : {}) })
    const skipped = tf.tidy(() => tf.sub(1, tf.cast(guard.ok, 'float32')) as tf.Scalar)
    tf.dispose([guard.ok, guard.scale, ...Object.values(grads)])
    return { value, skipped, ...(norms ? { norms } : {}) }
  }

  /** Renames a variableGrads result from tfjs variable names to our weight names. */
  private byName(grads: tf.NamedTensorMap, names: Map<string, string>): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {}
    for (const [tfName, g] of Object.entries(grads)) {
      const key = names.get(tfName)
      if (key) out[key] = g
    }
    return out
  }

  /**
   * One training step: dSteps discriminator updates, one generator update, EMA. Options act here:
   * spectral norm (one power iteration per D update), DiffAugment on everything D sees, the
   * WGAN-GP and R1 penalties, class conditioning, gradient clipping, the non-finite guard and the
   * gradient norms (summed on the device with the losses).
   */
  trainStep(): void {
    const cfg = this.config
    let dReal: tf.Scalar | undefined
    let dFake: tf.Scalar | undefined
    let lossD: tf.Scalar | undefined
    let skipped: tf.Scalar = tf.scalar(0)
    let dNorms: tf.Tensor | undefined
    for (let k = 0; k < cfg.dSteps; k++) {
      tf.dispose(lossD)
      this.D.powerIterate()
      const real = this.nextBatch()
      const yReal = this.oneHot(this.batchLabels)
      const z = this.latents(cfg.batchSize)
      const yFake = this.oneHot(this.fakeLabels(cfg.batchSize))
      const fake = tf.tidy(() => this.G.apply(z, { training: true, ...(yFake ? { labels: yFake } : {}) }))
      const augReal = this.augmentParams()
      const augFake = this.augmentParams()
      const noiseReal = this.instanceNoise()
      const noiseFake = this.instanceNoise()
      const eps =
        cfg.loss === 'wgan-gp'
          ? Float32Array.from({ length: cfg.batchSize }, () => this.rng.uniform())
          : undefined
      const dOnReal = (x: tf.Tensor): tf.Tensor =>
        this.D.apply(x, { training: true, ...(yReal ? { labels: yReal } : {}) })
      const dLoss = (): tf.Scalar => {
        // Called twice by the extragradient step: the scores of the evaluation used are kept.
        tf.dispose([dReal, dFake])
        const r = this.noised(this.augmented(real, augReal), noiseReal)
        const f = this.noised(this.augmented(fake, augFake), noiseFake)
        const rOut = dOnReal(r)
        const fOut = this.D.apply(f, { training: true, ...(yFake ? { labels: yFake } : {}) })
        dReal = tf.keep(meanScore(cfg.loss, rOut))
        dFake = tf.keep(meanScore(cfg.loss, fOut))
        let loss = discriminatorLoss(cfg.loss, rOut, fOut)
        // Interpolates between real and fake pair up labels with the real ones (as in cGAN-GP codes).
        if (eps) loss = tf.add(loss, tf.mul(cfg.gpWeight, gradientPenalty(dOnReal, r, f, eps)))
        if (cfg.r1Gamma > 0) loss = tf.add(loss, tf.mul(cfg.r1Gamma / 2, r1Penalty(dOnReal, r)))
        return loss
      }
      const u = this.update(this.optD, this.D, dLoss, this.dNames, this.dLayers)
      const s2 = tf.add(skipped, u.skipped) as tf.Scalar
      if (u.norms) {
        const n2 = dNorms ? tf.add(dNorms, u.norms) : u.norms
        if (dNorms) tf.dispose([dNorms, u.norms])
        dNorms = n2
      }
      tf.dispose([real, z, fake, yReal, yFake, skipped, u.skipped])
      tf.dispose([noiseReal, noiseFake].filter((t) => t !== undefined))
      skipped = s2
      lossD = u.value
    }
    const z = this.latents(cfg.batchSize)
    const yFake = this.oneHot(this.fakeLabels(cfg.batchSize))
    const augFake = this.augmentParams()
    const noiseG = this.instanceNoise()
    const gLoss = (): tf.Scalar => {
      const labels = yFake ? { labels: yFake } : {}
      const fake = this.noised(
        this.augmented(this.G.apply(z, { training: true, ...labels }), augFake),
        noiseG
      )
      return generatorLoss(cfg.loss, this.D.apply(fake, { training: true, ...labels }))
    }
    const g = this.update(this.optG, this.G, gLoss, this.gNames, this.gLayers)
    const lossG = g.value
    tf.dispose([z, yFake])
    noiseG?.dispose()
    this.ema?.update(this.G)
    const acc = this.acc
    tf.tidy(() => {
      const metrics = tf.stack([
        lossD as tf.Scalar,
        lossG,
        dReal as tf.Scalar,
        dFake as tf.Scalar,
        tf.add(skipped, g.skipped)
      ])
      const rest = this.accSize() - METRIC_SLOTS
      const grads =
        g.norms && dNorms
          ? // [|∇G|, |∇D|, G layers…, D layers…]; D's summed over its dSteps updates → mean.
            tf.concat([
              tf.slice(g.norms, 0, 1),
              tf.div(tf.slice(dNorms, 0, 1), cfg.dSteps),
              tf.slice(g.norms, 1),
              tf.div(tf.slice(dNorms, 1), cfg.dSteps)
            ])
          : tf.zeros([rest])
      acc.assign(tf.add(acc, tf.concat([metrics, grads])))
    })
    tf.dispose([lossD, lossG, dReal, dFake, skipped, g.skipped, g.norms, dNorms])
    this.accSteps += 1
    if (g.norms) this.gradSteps += 1
    this.step += 1
  }

  /** Reads the step-metric averages since the last call (one host read) and resets them. */
  async readAverages(): Promise<StepAverages> {
    const v = await this.acc.data()
    const n = Math.max(1, this.accSteps)
    const out: StepAverages = {
      lossD: (v[0] ?? NaN) / n,
      lossG: (v[1] ?? NaN) / n,
      dReal: (v[2] ?? NaN) / n,
      dFake: (v[3] ?? NaN) / n,
      steps: this.accSteps,
      nonFinite: v[4] ?? 0
    }
    if (this.gradSteps > 0) {
      const gs = this.gradSteps
      const at = (i: number): number => (v[i] ?? NaN) / gs
      const layers = (names: string[], from: number): Record<string, number> =>
        Object.fromEntries(names.map((name, i) => [name, at(from + i)]))
      const gFrom = METRIC_SLOTS + 2
      out.gradNorm = {
        g: at(METRIC_SLOTS),
        d: at(METRIC_SLOTS + 1),
        gLayers: layers(this.gLayers, gFrom),
        dLayers: layers(this.dLayers, gFrom + this.gLayers.length)
      }
    }
    tf.tidy(() => this.acc.assign(tf.zeros([this.accSize()])))
    this.accSteps = 0
    this.gradSteps = 0
    return out
  }

  /**
   * Class labels of the fixed sample grid (conditional runs): the 8×8 grid shows one class per
   * row, row r being class r mod classes.
   */
  gridLabels(count = SAMPLE_GRID): Int32Array | undefined {
    if (this.classes === 0) return undefined
    return Int32Array.from({ length: count }, (_, i) => Math.floor(i / 8) % this.classes)
  }

  /**
   * Images for the quality score: `count` images from a fixed latent stream of their own (the
   * run's Rng is untouched), EMA weights when enabled, labels cycling through the classes.
   * Returns [-1, 1] images [count, H, W, C]; the caller disposes them.
   */
  renderQualityImages(count: number): tf.Tensor4D {
    const zRng = new Rng((this.config.seed ^ 0x0a11ce55) >>> 0)
    const labels =
      this.classes > 0 ? Int32Array.from({ length: count }, (_, i) => i % this.classes) : undefined
    const y = this.oneHot(labels)
    const out = tf.tidy(() => {
      const z = tf.tensor2d(zRng.normalArray(count * this.config.latentDim), [count, this.config.latentDim])
      return this.G.apply(z, {
        training: false,
        weights: this.ema?.shadow,
        ...(y ? { labels: y } : {})
      }) as tf.Tensor4D
    })
    y?.dispose()
    return out
  }

  /** Renders the fixed-latent grid (EMA weights when enabled) as uint8 pixels [64, H, W, C]. */
  async renderSamples(): Promise<Uint8Array> {
    const y = this.oneHot(this.gridLabels())
    const t = tf.tidy(() => {
      const x = this.G.apply(this.fixedZ, {
        training: false,
        weights: this.ema?.shadow,
        ...(y ? { labels: y } : {})
      })
      return tf.cast(tf.clipByValue(tf.round(tf.mul(tf.add(x, 1), 127.5)), 0, 255), 'int32')
    })
    y?.dispose()
    const data = await t.data()
    t.dispose()
    return Uint8Array.from(data)
  }

  /** Changes live hyperparameters from the next step on (the optimizers read their rates from here). */
  setLive(v: LiveHyperparams): void {
    this.current = { ...this.current, ...v }
  }

  /** Everything besides tensors that resuming needs. */
  cursor(): TrainerCursor {
    return {
      step: this.step,
      epoch: this.epoch,
      epochSeed: this.epochSeed,
      position: this.position,
      rng: this.rng.state(),
      adamSteps: { generator: this.optG.t, discriminator: this.optD.t },
      emaUpdates: this.ema?.updates ?? 0
    }
  }

  /** Puts the cursor back (tensors are restored separately, by name). */
  restoreCursor(c: TrainerCursor): void {
    this.step = c.step
    this.epoch = c.epoch
    this.epochSeed = c.epochSeed
    this.perm = new Rng(c.epochSeed).permutation(this.data.index.count)
    this.position = c.position
    this.rng.setState(c.rng)
    this.optG.t = c.adamSteps.generator
    this.optD.t = c.adamSteps.discriminator
    if (this.ema) this.ema.updates = c.emaUpdates
  }

  /** Every tensor a checkpoint holds, grouped as they are saved. */
  tensorGroups(): Record<'generator' | 'discriminator' | 'ema' | 'optimizers', Map<string, tf.Variable>> {
    const optimizers = new Map<string, tf.Variable>()
    for (const [k, t] of this.optG.slots()) optimizers.set(`generator/${k}`, t)
    for (const [k, t] of this.optD.slots()) optimizers.set(`discriminator/${k}`, t)
    return {
      generator: this.G.allTensors(),
      discriminator: this.D.allTensors(),
      ema: this.ema?.shadow ?? new Map(),
      optimizers
    }
  }

  dispose(): void {
    this.G.dispose()
    this.D.dispose()
    this.optG.dispose()
    this.optD.dispose()
    this.ema?.dispose()
    this.acc.dispose()
    this.fixedZ.dispose()
  }
}
