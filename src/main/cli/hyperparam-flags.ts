/**
 * The `train` command's hyperparameter flags, generated from the shared schema: one flag per
 * field, its type, choices, range and default read from the schema (see shared/schema-fields), so
 * a new field gets a flag and a changed default or limit reaches the help without an edit here.
 * Only the flag names that predate this (`--batch`, `--latent`, `--diffaugment`) and the
 * one-line descriptions are written by hand.
 */
import type { z } from 'zod'
import { hyperparamsSchema, type Hyperparams, type HyperparamsInput } from '../../shared/hyperparams'
import { fieldShape, type FieldShape } from '../../shared/schema-fields'
import { zodIssues } from '../../shared/zod-issues'
import { UsageError, type FlagSpec, type ParsedFlags } from './args'

/** Flag names that are not the field's name in kebab case (kept so existing commands still work). */
const FLAG_NAMES: Partial<Record<string, string>> = {
  batchSize: 'batch',
  latentDim: 'latent',
  diffAugment: 'diffaugment'
}

/** What each field means, in a few words; a field without one is described by its name. */
const DESCRIPTIONS: Partial<Record<keyof Hyperparams, string>> = {
  dataset: 'dataset id: mnist, fashion-mnist or an imported one',
  model: 'model family',
  imageSize: "size to train at, in pixels (omitted: the dataset's own size; another size resizes the images)",
  width: 'model width multiplier',
  latentDim: 'latent size',
  batchSize: 'batch size',
  lrG: 'generator learning rate',
  lrD: 'discriminator learning rate',
  beta1: 'Adam beta1',
  beta2: 'Adam beta2',
  dSteps: 'discriminator steps per generator step',
  loss: 'loss',
  gpWeight: 'WGAN-GP gradient-penalty weight',
  seed: 'random seed',
  steps: 'total training steps',
  sampleEvery: 'steps between sample grids',
  checkpointEvery: 'steps between checkpoints',
  keep: 'checkpoints to keep besides pinned ones',
  logEvery: 'steps between metric records',
  ema: 'EMA decay of G; 0 turns it off',
  spectralNorm: 'spectral normalisation in D',
  diffAugment: 'DiffAugment policies, comma-separated',
  conditional: 'class-conditional GAN (labelled datasets)',
  clipNorm: 'global-norm gradient clipping; 0 is off',
  optimizerG: 'generator optimizer',
  optimizerD: 'discriminator optimizer',
  momentum: 'momentum of sgd-momentum',
  rmsDecay: 'RMSProp mean-square decay',
  r1Gamma: 'R1 penalty weight gamma on real images; 0 is off',
  widthD: "discriminator's width multiplier; 0 = the same as --width",
  instanceNoise: 'std of noise added to D inputs (images in -1..1); 0 is off',
  instanceNoiseSteps: 'steps over which instance noise fades to 0',
  lrDecay: 'linear: both learning rates fall to 0 at the last step; none: constant'
}

/** `sampleEvery` → `sample-every`, `lrG` → `lr-g`. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

/** The flag name of a field. */
export function flagName(field: string): string {
  return FLAG_NAMES[field] ?? kebab(field)
}

function formatValue(v: unknown): string {
  if (Array.isArray(v)) return v.length ? v.join(',') : 'none'
  return String(v)
}

/** "from 1 to 1024", "> 0 and ≤ 1", "one of a, b": what the schema allows, in words. */
export function allowed(shape: FieldShape): string {
  if (shape.kind === 'select' || shape.kind === 'multi')
    return `${shape.kind === 'multi' ? 'any of' : 'one of'} ${shape.options.join(', ')}`
  if (shape.kind !== 'number') return ''
  const { min, max } = shape
  if (shape.integer && min !== undefined && max !== undefined) return `${min} to ${max}`
  const lo = min !== undefined ? `${shape.minExclusive ? '>' : '≥'} ${min}` : ''
  const hi = max !== undefined ? `${shape.maxExclusive ? '<' : '≤'} ${max}` : ''
  return [lo, hi].filter(Boolean).join(' and ')
}

function specOf(shape: FieldShape, help: string): FlagSpec {
  switch (shape.kind) {
    case 'number':
      if (shape.integer) return { type: 'int', min: shape.min, max: shape.max, help }
      return {
        type: 'number',
        min: shape.min,
        max: shape.max,
        exclusiveMin: shape.minExclusive,
        exclusiveMax: shape.maxExclusive,
        help
      }
    case 'boolean':
      return { type: 'bool', help }
    case 'select':
      return {
        type: 'enum',
        values: shape.options.map(String),
        numeric: shape.options.every((o) => typeof o === 'number'),
        help
      }
    case 'multi':
      return { type: 'list', values: shape.options.map(String), help }
    case 'text':
      return { type: 'string', help }
    default:
      return { type: 'json', help: `${help} (JSON)` }
  }
}

/** One flag per field of `schema` (the hyperparameter schema unless a test gives another). */
export function schemaFlags(schema: z.ZodObject = hyperparamsSchema): {
  flags: Record<string, FlagSpec>
  fieldOf: Record<string, string>
} {
  const flags: Record<string, FlagSpec> = {}
  const fieldOf: Record<string, string> = {}
  for (const [field, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const shape = fieldShape(fieldSchema)
    const name = flagName(field)
    const range = allowed(shape)
    const parts = [
      ...(range ? [range] : []),
      ...(shape.default !== undefined ? [`default ${formatValue(shape.default)}`] : [])
    ]
    const description = DESCRIPTIONS[field as keyof Hyperparams] ?? kebab(field).replace(/-/g, ' ')
    flags[name] = specOf(shape, parts.length ? `${description} (${parts.join('; ')})` : description)
    fieldOf[name] = field
  }
  return { flags, fieldOf }
}

const GENERATED = schemaFlags()

/** The hyperparameter flags of `gan-studio train`, and `--lr`: both learning rates, as lrG allows. */
export const HYPERPARAM_FLAGS: Record<string, FlagSpec> = {
  ...GENERATED.flags,
  lr: specOf(
    fieldShape(hyperparamsSchema.shape.lrG),
    `both learning rates, --lr-g and --lr-d (${allowed(fieldShape(hyperparamsSchema.shape.lrG))})`
  )
}

/**
 * The hyperparameters given on the command line (only those given), checked against the schema;
 * `--lr` sets both learning rates. A bad value is a UsageError naming the flag.
 */
export function hyperparamsFromFlags(flags: ParsedFlags): Partial<HyperparamsInput> {
  const out: Record<string, unknown> = {}
  if (flags.lr !== undefined) {
    out.lrG = flags.lr
    out.lrD = flags.lr
  }
  for (const [flag, field] of Object.entries(GENERATED.fieldOf))
    if (flags[flag] !== undefined) out[field] = flags[flag]
  const parsed = hyperparamsSchema.partial().safeParse(out)
  if (!parsed.success) {
    const issue = zodIssues(parsed.error)[0]
    const field = issue?.field.split('.')[0] ?? ''
    throw new UsageError(`--${flagName(field)}: ${issue?.message ?? 'invalid value'}`)
  }
  return out as Partial<HyperparamsInput>
}
