/**
 * The GAN step loop's state and one training step: D updates (dSteps of them) then one G update,
 * each with its own Adam, then the EMA. All randomness comes from one Rng, so the same seed on
 * the same backend gives the same numbers, and `snapshot()`/`restore()` continue a run exactly.
 */
import type { Hyperparams } from '../../shared/hyperparams'
import type { CachedDataset } from './data/cache'
import { discriminatorLoss, generatorLoss, meanScore } from './losses'
import type { GanArchs } from './models'
import { Network } from './models/network'
import { Adam } from './optim/adam'
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
}

/** Number of images in the fixed-latent sample grid. */
export const SAMPLE_GRID = 64

export class GanTrainer {
  readonly G: Network
  readonly D: Network
  readonly optG: Adam
  readonly optD: Adam
  readonly ema?: Ema
  readonly rng: Rng
  step = 0
  epoch = 0
  private epochSeed: number
  private perm: Uint32Array
  private position = 0
  /** Sum of [lossD, lossG, dReal, dFake] since the last read, on the device. */
  private acc: tf.Variable
  private accSteps = 0
  private readonly fixedZ: tf.Tensor2D
  private readonly pixels: number
  private readonly gNames: Map<string, string>
  private readonly dNames: Map<string, string>

  constructor(
    public config: Hyperparams,
    readonly data: CachedDataset,
    readonly archs: GanArchs
  ) {
    const n = data.index.count
    if (config.batchSize > n) {
      throw new Error(`Batch size ${config.batchSize} is larger than the dataset (${n} images): use a batch of at most ${n}`)
    }
    this.rng = new Rng(config.seed)
    this.G = new Network('generator', archs.generator, this.rng)
    this.D = new Network('discriminator', archs.discriminator, this.rng)
    const adam = (lr: number): { lr: number; beta1: number; beta2: number; epsilon: number } => ({
      lr,
      beta1: config.beta1,
      beta2: config.beta2,
      epsilon: 1e-8
    })
    this.optG = new Adam(adam(config.lrG), this.G.weights)
    this.optD = new Adam(adam(config.lrD), this.D.weights)
    if (config.ema > 0) this.ema = new Ema(config.ema, this.G)
    this.epochSeed = this.rng.nextUint32()
    this.perm = new Rng(this.epochSeed).permutation(n)
    this.acc = tf.tidy(() => tf.variable(tf.zeros([4]), false))
    const [h, w, c] = data.index.shape
    this.pixels = h * w * c
    // The sample grid's latents come from their own stream: the same grid for the whole run.
    const zRng = new Rng((config.seed ^ 0x5a3c9e1d) >>> 0)
    this.fixedZ = tf.tensor2d(zRng.normalArray(SAMPLE_GRID * config.latentDim), [SAMPLE_GRID, config.latentDim])
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
    for (let b = 0; b < batchSize; b++) {
      const i = this.perm[this.position + b] as number
      const off = i * px
      const dst = b * px
      for (let k = 0; k < px; k++) out[dst + k] = (src[off + k] as number) / 127.5 - 1
    }
    this.position += batchSize
    const [h, w, c] = this.data.index.shape
    return tf.tensor4d(out, [batchSize, h, w, c])
  }

  private latents(count: number): tf.Tensor2D {
    return tf.tensor2d(this.rng.normalArray(count * this.config.latentDim), [count, this.config.latentDim])
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

  /** One training step: dSteps discriminator updates, one generator update, EMA. */
  trainStep(): void {
    const cfg = this.config
    const dVars = [...this.D.weights.values()]
    const gVars = [...this.G.weights.values()]
    let dReal: tf.Scalar | undefined
    let dFake: tf.Scalar | undefined
    let lossD: tf.Scalar | undefined
    for (let k = 0; k < cfg.dSteps; k++) {
      tf.dispose([dReal, dFake, lossD])
      const real = this.nextBatch()
      const z = this.latents(cfg.batchSize)
      const fake = tf.tidy(() => this.G.apply(z, { training: true }))
      const { value, grads } = tf.variableGrads(() => {
        const rOut = this.D.apply(real, { training: true })
        const fOut = this.D.apply(fake, { training: true })
        dReal = tf.keep(meanScore(cfg.loss, rOut))
        dFake = tf.keep(meanScore(cfg.loss, fOut))
        return discriminatorLoss(cfg.loss, rOut, fOut)
      }, dVars)
      this.optD.apply(this.D.weights, this.byName(grads, this.dNames))
      tf.dispose([real, z, fake, ...Object.values(grads)])
      lossD = value
    }
    const z = this.latents(cfg.batchSize)
    const { value: lossG, grads } = tf.variableGrads(() => {
      const fOut = this.D.apply(this.G.apply(z, { training: true }), { training: true })
      return generatorLoss(cfg.loss, fOut)
    }, gVars)
    this.optG.apply(this.G.weights, this.byName(grads, this.gNames))
    tf.dispose([z, ...Object.values(grads)])
    this.ema?.update(this.G)
    const acc = this.acc
    tf.tidy(() => {
      acc.assign(tf.add(acc, tf.stack([lossD as tf.Scalar, lossG, dReal as tf.Scalar, dFake as tf.Scalar])))
    })
    tf.dispose([lossD, lossG, dReal, dFake])
    this.accSteps += 1
    this.step += 1
  }

  /** Reads the step-metric averages since the last call (one host read) and resets them. */
  async readAverages(): Promise<StepAverages> {
    const v = await this.acc.data()
    const n = Math.max(1, this.accSteps)
    const out = { lossD: (v[0] ?? NaN) / n, lossG: (v[1] ?? NaN) / n, dReal: (v[2] ?? NaN) / n, dFake: (v[3] ?? NaN) / n, steps: this.accSteps }
    tf.tidy(() => this.acc.assign(tf.zeros([4])))
    this.accSteps = 0
    return out
  }

  /** Renders the fixed-latent grid (EMA weights when enabled) as uint8 pixels [64, H, W, C]. */
  async renderSamples(): Promise<Uint8Array> {
    const t = tf.tidy(() => {
      const x = this.G.apply(this.fixedZ, { training: false, weights: this.ema?.shadow })
      return tf.cast(tf.clipByValue(tf.round(tf.mul(tf.add(x, 1), 127.5)), 0, 255), 'int32')
    })
    const data = await t.data()
    t.dispose()
    return Uint8Array.from(data)
  }

  /** Changes learning rates and D steps from the next step on. */
  setLive(v: { lrG?: number; lrD?: number; dSteps?: number }): void {
    if (v.lrG !== undefined) this.optG.config.lr = v.lrG
    if (v.lrD !== undefined) this.optD.config.lr = v.lrD
    this.config = { ...this.config, ...v }
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
