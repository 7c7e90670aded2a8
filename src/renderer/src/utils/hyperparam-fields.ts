import type { z } from 'zod'
import { hyperparamsSchema, liveHyperparamsSchema, type Hyperparams } from '../../../shared/hyperparams'
import { fieldShape } from '../../../shared/schema-fields'

/** A field of the Train form, derived from the shared schema (kind, choices, limits, default). */
export interface HyperparamField {
  key: keyof Hyperparams
  label: string
  /** `select` for enums and literal unions, `multi` for arrays of an enum. */
  kind: 'number' | 'text' | 'select' | 'boolean' | 'multi'
  options: Array<string | number>
  min?: number
  max?: number
  integer: boolean
  advanced: boolean
  /** May change while the run trains (`training:update`). */
  live: boolean
  hint?: string
}

/** Visible labels; the main ones are fixed by the product brief, in this order. */
const MAIN_LABELS: Partial<Record<keyof Hyperparams, string>> = {
  dataset: 'Dataset',
  model: 'Model',
  imageSize: 'Image size',
  latentDim: 'Latent size',
  batchSize: 'Batch size',
  lrG: 'Generator learning rate',
  lrD: 'Discriminator learning rate',
  beta1: 'Beta 1',
  dSteps: 'D steps per G step',
  loss: 'Loss',
  seed: 'Seed',
  steps: 'Steps',
  sampleEvery: 'Sample every',
  checkpointEvery: 'Checkpoint every'
}

const ADVANCED_LABELS: Partial<Record<keyof Hyperparams, string>> = {
  width: 'Width multiplier',
  widthD: 'Discriminator width',
  beta2: 'Beta 2',
  lrDecay: 'Learning-rate decay',
  ema: 'EMA decay',
  spectralNorm: 'Spectral norm',
  diffAugment: 'DiffAugment',
  conditional: 'Conditional',
  clipNorm: 'Clip norm',
  gpWeight: 'Gradient penalty weight',
  r1Gamma: 'R1 penalty weight',
  instanceNoise: 'Instance noise',
  instanceNoiseSteps: 'Instance noise steps',
  optimizerG: 'Generator optimizer',
  optimizerD: 'Discriminator optimizer',
  momentum: 'SGD momentum',
  rmsDecay: 'RMSProp decay',
  keep: 'Keep checkpoints',
  logEvery: 'Log every'
}

const HINTS: Partial<Record<keyof Hyperparams, string>> = {
  width: 'Multiplies the DCGAN channel counts.',
  widthD: 'D’s own width multiplier; 0 is the same as G’s.',
  instanceNoise: 'Noise std added to every image D sees (images span −1 to 1); 0 is off.',
  instanceNoiseSteps: 'Steps over which the instance noise fades to 0.',
  ema: '0 turns the generator EMA off.',
  clipNorm: 'Global-norm gradient clipping; 0 is off.',
  gpWeight: 'Used by the WGAN-GP loss only.',
  r1Gamma: 'Penalises D’s gradient on real images (Mescheder et al. 2018); 0 is off.',
  momentum: 'Used by the SGD-with-momentum optimizer only.',
  rmsDecay: 'Used by the RMSProp optimizer only.',
  keep: 'Pinned checkpoints are kept in addition.',
  lrDecay: 'Linear: both rates fall to 0 at the last step (extending a run re-plans it).',
  logEvery: 'Steps between metric records.',
  conditional: 'Needs a labelled dataset.'
}

/** Readable names of select options. */
export const OPTION_LABELS: Record<string, string> = {
  dcgan: 'DCGAN',
  mlp: 'MLP (tiny)',
  ns: 'Non-saturating',
  hinge: 'Hinge',
  lsgan: 'Least squares (LSGAN)',
  'wgan-gp': 'WGAN-GP',
  adam: 'Adam',
  rmsprop: 'RMSProp',
  'sgd-momentum': 'SGD with momentum',
  'optimistic-adam': 'Optimistic Adam',
  extragradient: 'Extragradient (Extra-Adam)',
  translation: 'Translation',
  cutout: 'Cutout',
  color: 'Colour',
  none: 'None',
  linear: 'Linear to 0'
}

type Introspected = Pick<HyperparamField, 'kind' | 'options' | 'min' | 'max' | 'integer'>

/** The form's view of a field: the shared reading of the schema, with anything else as text. */
function introspect(schema: z.ZodType): Introspected {
  const f = fieldShape(schema)
  const r: Introspected = {
    kind: f.kind === 'other' ? 'text' : f.kind,
    options: f.options,
    integer: f.integer
  }
  if (f.min !== undefined) r.min = f.min
  if (f.max !== undefined) r.max = f.max
  return r
}

function limitsHint(f: Introspected): string | undefined {
  if (f.kind !== 'number') return undefined
  if (f.min !== undefined && f.max !== undefined) return `${f.min} to ${f.max}`
  return undefined
}

/** Every field of the shared schema, main ones first in the brief's order, then the advanced ones. */
export function hyperparamFields(): HyperparamField[] {
  const shape = hyperparamsSchema.shape as Record<keyof Hyperparams, z.ZodType>
  const liveKeys = new Set(Object.keys(liveHyperparamsSchema.shape))
  const keys = Object.keys(shape) as Array<keyof Hyperparams>
  const ordered = [
    ...(Object.keys(MAIN_LABELS) as Array<keyof Hyperparams>),
    ...keys.filter((k) => !(k in MAIN_LABELS))
  ]
  return ordered.map((key) => {
    const info = introspect(shape[key])
    const advanced = !(key in MAIN_LABELS)
    const label = MAIN_LABELS[key] ?? ADVANCED_LABELS[key] ?? key
    const field: HyperparamField = { key, label, advanced, live: liveKeys.has(key), ...info }
    const hint = HINTS[key] ?? limitsHint(info)
    if (hint) field.hint = hint
    return field
  })
}
