import { z } from 'zod'
import { zodIssues, type FieldIssue } from './zod-issues'

/**
 * The one hyperparameter schema. The CLI, the IPC/WebSocket validation and the Train form all
 * read it, so a limit or a default lives here and nowhere else.
 */

/** Model families the engine can build. */
export const MODEL_KINDS = ['dcgan', 'mlp'] as const
export type ModelKind = (typeof MODEL_KINDS)[number]

/** GAN objectives. `ns` is the non-saturating loss of Goodfellow et al. with logits. */
export const LOSS_KINDS = ['ns', 'hinge', 'lsgan', 'wgan-gp'] as const
export type LossKind = (typeof LOSS_KINDS)[number]

/**
 * Optimizers, chosen per network. `optimistic-adam` is Daskalakis et al. 2018; `extragradient`
 * is the extragradient step with Adam as its base (Gidel et al. 2019, "Extra-Adam").
 */
export const OPTIMIZER_KINDS = [
  'adam',
  'rmsprop',
  'sgd-momentum',
  'optimistic-adam',
  'extragradient'
] as const
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number]

/** Image sizes the dcgan family supports. */
export const IMAGE_SIZES = [28, 32, 64, 128] as const
export type ImageSize = (typeof IMAGE_SIZES)[number]

/** DiffAugment policies (Zhao et al. 2020). */
export const AUGMENT_KINDS = ['translation', 'cutout', 'color'] as const
export type AugmentKind = (typeof AUGMENT_KINDS)[number]

/** Compute backends, in the order `auto` tries them. */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKEND_NAMES)[number]
export const BACKEND_CHOICES = ['auto', ...BACKEND_NAMES] as const
export type BackendChoice = (typeof BACKEND_CHOICES)[number]

const int = (min: number, max: number): z.ZodNumber => z.number().int().min(min).max(max)
const lr = z.number().gt(0).max(1)

/** Hyperparameters of one training run. Every field has a default; see `defaultHyperparams`. */
export const hyperparamsSchema = z
  .object({
    /** Dataset id: `mnist`, `fashion-mnist` or the name of an imported dataset. */
    dataset: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'use letters, digits, dot, dash or underscore')
      .default('mnist'),
    model: z.enum(MODEL_KINDS).default('dcgan'),
    /**
     * Size the run trains at. Omitted: the dataset's own size (the run records it). Another size
     * resizes the dataset's images when the run opens.
     */
    imageSize: z.union([z.literal(28), z.literal(32), z.literal(64), z.literal(128)]).optional(),
    /** Width multiplier for the dcgan channel counts (both networks, unless widthD is set). */
    width: z.number().min(0.125).max(4).default(0.5),
    /** The discriminator's own width multiplier; 0 means the same as `width`. */
    widthD: z.number().min(0).max(4).default(0),
    latentDim: int(1, 1024).default(64),
    batchSize: int(1, 1024).default(32),
    lrG: lr.default(2e-4),
    lrD: lr.default(4e-4),
    beta1: z.number().min(0).lt(1).default(0.5),
    /**
     * `linear`: both learning rates fall linearly from their value to 0 at the run's last step
     * (`steps`; extending a run re-plans the fall to the new last step). `none` keeps them constant.
     */
    lrDecay: z.enum(['none', 'linear']).default('linear'),
    beta2: z.number().min(0).lt(1).default(0.999),
    /** Optimizer of the generator (Adam's beta1/beta2 also drive optimistic Adam and extragradient). */
    optimizerG: z.enum(OPTIMIZER_KINDS).default('adam'),
    /** Optimizer of the discriminator. */
    optimizerD: z.enum(OPTIMIZER_KINDS).default('adam'),
    /** Momentum of `sgd-momentum`. */
    momentum: z.number().min(0).lt(1).default(0.9),
    /** Decay of RMSProp's running mean square. */
    rmsDecay: z.number().min(0).lt(1).default(0.9),
    dSteps: int(1, 10).default(1),
    loss: z.enum(LOSS_KINDS).default('ns'),
    /** WGAN-GP gradient-penalty weight. */
    gpWeight: z.number().min(0).max(1000).default(10),
    /**
     * R1 penalty weight γ (Mescheder et al. 2018): D's loss gains γ/2·E[|∇ₓD(x)|²] on real
     * images. Works with every loss; 0 turns it off.
     */
    r1Gamma: z.number().min(0).max(1000).default(0),
    /**
     * Instance noise (Sønderby et al. 2016; Arjovsky & Bottou 2017): Gaussian noise of this
     * standard deviation (images are in [-1, 1]) is added to every image D sees, real and fake,
     * and annealed linearly to 0 over `instanceNoiseSteps` steps. 0 turns it off.
     */
    instanceNoise: z.number().min(0).max(2).default(0),
    /** Steps over which instance noise fades to 0 (fixed, so extending a run does not change it). */
    instanceNoiseSteps: int(1, 10_000_000).default(2000),
    seed: int(0, 2 ** 31 - 1).default(1),
    steps: int(1, 10_000_000).default(4000),
    sampleEvery: int(1, 1_000_000).default(100),
    checkpointEvery: int(1, 1_000_000).default(500),
    /** How many checkpoints to keep (pinned ones are kept in addition). */
    keep: int(1, 1000).default(5),
    /** Steps between metric records. */
    logEvery: int(1, 100_000).default(10),
    /** EMA decay of the generator's weights; 0 turns EMA off. */
    ema: z.number().min(0).lt(1).default(0.999),
    spectralNorm: z.boolean().default(false),
    diffAugment: z.array(z.enum(AUGMENT_KINDS)).max(3).default([]),
    conditional: z.boolean().default(false),
    /** Global-norm gradient clipping; 0 turns it off. */
    clipNorm: z.number().min(0).max(1e6).default(0)
  })
  .strict()

export type Hyperparams = z.infer<typeof hyperparamsSchema>
export type HyperparamsInput = z.input<typeof hyperparamsSchema>

/** Hyperparameters that may change while a run is live; each change is recorded as an event. */
export const liveHyperparamsSchema = z
  .object({
    lrG: lr.optional(),
    lrD: lr.optional(),
    dSteps: int(1, 10).optional(),
    sampleEvery: int(1, 1_000_000).optional(),
    checkpointEvery: int(1, 1_000_000).optional()
  })
  .strict()
export type LiveHyperparams = z.infer<typeof liveHyperparamsSchema>

/** The defaults, as a complete object. */
export function defaultHyperparams(): Hyperparams {
  return hyperparamsSchema.parse({})
}

/** Validates hyperparameters; returns the parsed value or one issue per bad field. */
export function validateHyperparams(
  input: unknown
): { ok: true; value: Hyperparams } | { ok: false; issues: FieldIssue[] } {
  const r = hyperparamsSchema.safeParse(input)
  if (r.success) return { ok: true, value: r.data }
  return { ok: false, issues: zodIssues(r.error) }
}

/** Named starting points shown in the Train form's "Preset" select. */
export const PRESETS: ReadonlyArray<{
  id: string
  label: string
  description: string
  values: HyperparamsInput
}> = [
  {
    id: 'mnist-default',
    label: 'MNIST default',
    description:
      'The defaults of the Train form and the CLI, chosen by the sweep in bench/QUALITY.md for clean MNIST digits.',
    values: { dataset: 'mnist' }
  },
  {
    id: 'quick-demo',
    label: 'Quick demo',
    description:
      'The MNIST default, cut to 900 steps (under 2 minutes on 2 cores): digits take shape while you watch.',
    values: {
      steps: 900,
      sampleEvery: 50,
      checkpointEvery: 200,
      logEvery: 5
    }
  },
  {
    id: 'dcgan',
    label: 'DCGAN (Radford et al.)',
    description: 'Adam 2e-4, beta1 0.5, batch 64, latent 100: the settings of the DCGAN paper.',
    values: {
      model: 'dcgan',
      width: 1,
      latentDim: 100,
      batchSize: 64,
      lrG: 2e-4,
      lrD: 2e-4,
      lrDecay: 'none',
      beta1: 0.5,
      steps: 5000
    }
  },
  {
    id: 'small-dataset',
    label: 'Small dataset',
    description: 'For a few hundred images: DiffAugment, a narrower model, EMA and more steps.',
    values: {
      model: 'dcgan',
      width: 0.5,
      batchSize: 32,
      diffAugment: ['translation', 'cutout', 'color'],
      ema: 0.999,
      steps: 5000
    }
  },
  {
    id: 'fashion-mnist',
    label: 'Fashion-MNIST',
    description: 'The MNIST default on Fashion-MNIST, trained longer (bench/QUALITY.md).',
    values: { dataset: 'fashion-mnist', steps: 8000 }
  },
  {
    id: 'your-images-64',
    label: 'Your images (64×64 RGB)',
    description:
      'For an imported folder of colour images at 64×64: DiffAugment, spectral norm in D and the hinge loss (bench/QUALITY.md).',
    values: {
      model: 'dcgan',
      imageSize: 64,
      width: 0.5,
      batchSize: 32,
      loss: 'hinge',
      spectralNorm: true,
      diffAugment: ['translation', 'color'],
      steps: 5000
    }
  },
  {
    id: 'ttur',
    label: 'TTUR (Heusel et al.)',
    description: 'Two time-scale update rule: D learns 4x faster than G (1e-4 / 4e-4), beta1 0.',
    values: { lrG: 1e-4, lrD: 4e-4, beta1: 0, beta2: 0.9, lrDecay: 'none' }
  }
]
