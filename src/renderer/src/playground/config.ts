/**
 * A playground run's configuration: everything that, with the seed, decides every number. The
 * shareable JSON file is `{ format, version, config }`; `parseRunFile` checks it field by field
 * and names the first problem in words a user can act on.
 */
import { z } from 'zod'
import { LOSS_KINDS } from './losses'
import { OPTIMIZER_KINDS } from './optimizers'
import { TARGET_KINDS } from './targets'

export const UPDATE_MODES = ['simultaneous', 'alternating'] as const
export type UpdateMode = (typeof UPDATE_MODES)[number]

/** Bounds of the form fields; the schema and the form share them. */
export const LIMITS = {
  depth: { min: 1, max: 4 },
  width: { min: 4, max: 128 },
  lr: { min: 1e-5, max: 1 },
  dSteps: { min: 1, max: 10 },
  batchSize: { min: 8, max: 512 },
  penalty: { min: 0, max: 100 },
  drawn: { max: 2000 }
} as const

const net = z.object({
  depth: z.number().int().min(LIMITS.depth.min).max(LIMITS.depth.max),
  width: z.number().int().min(LIMITS.width.min).max(LIMITS.width.max)
})
const opt = z.object({
  kind: z.enum(OPTIMIZER_KINDS),
  lr: z.number().min(LIMITS.lr.min).max(LIMITS.lr.max)
})

export const playgroundConfigSchema = z
  .object({
    target: z.enum(TARGET_KINDS),
    /** The points drawn with the mouse (target "drawn"), in plane coordinates. */
    drawn: z
      .array(z.tuple([z.number().finite(), z.number().finite()]))
      .max(LIMITS.drawn.max)
      .default([]),
    seed: z.number().int().min(0).max(0xffffffff),
    latentDim: z.union([z.literal(1), z.literal(2)]),
    generator: net,
    discriminator: net,
    loss: z.enum(LOSS_KINDS),
    /** λ of WGAN-GP or γ of R1; unused by the other losses. */
    penalty: z.number().min(LIMITS.penalty.min).max(LIMITS.penalty.max),
    optG: opt,
    optD: opt,
    dSteps: z.number().int().min(LIMITS.dSteps.min).max(LIMITS.dSteps.max),
    updates: z.enum(UPDATE_MODES),
    batchSize: z.number().int().min(LIMITS.batchSize.min).max(LIMITS.batchSize.max)
  })
  .refine((c) => c.target !== 'drawn' || c.drawn.length > 0, {
    message: 'the target is "drawn" but no points were drawn',
    path: ['drawn']
  })

export type PlaygroundConfig = z.infer<typeof playgroundConfigSchema>

/** Settings that change during a run without a reset (and are replayed from a saved run). */
export const liveChangeSchema = z.discriminatedUnion('setting', [
  z.object({ setting: z.literal('lrG'), value: opt.shape.lr }),
  z.object({ setting: z.literal('lrD'), value: opt.shape.lr }),
  z.object({
    setting: z.literal('dSteps'),
    value: z.number().int().min(LIMITS.dSteps.min).max(LIMITS.dSteps.max)
  }),
  z.object({
    setting: z.literal('penalty'),
    value: z.number().min(LIMITS.penalty.min).max(LIMITS.penalty.max)
  }),
  z.object({ setting: z.literal('updates'), value: z.enum(UPDATE_MODES) })
])
export type LiveChange = z.infer<typeof liveChangeSchema>

/** A live change and the step from which it applies. */
export const liveEditSchema = z.object({ step: z.number().int().min(0), change: liveChangeSchema })
export type LiveEdit = z.infer<typeof liveEditSchema>

export const DEFAULT_CONFIG: PlaygroundConfig = {
  target: 'ring',
  drawn: [],
  seed: 1,
  latentDim: 2,
  generator: { depth: 2, width: 32 },
  discriminator: { depth: 2, width: 32 },
  loss: 'ns',
  penalty: 1,
  optG: { kind: 'adam', lr: 0.002 },
  optD: { kind: 'adam', lr: 0.002 },
  dSteps: 1,
  updates: 'simultaneous',
  batchSize: 128
}

export const RUN_FILE_FORMAT = 'gan-studio-playground'
export const RUN_FILE_VERSION = 1

export interface RunFile {
  format: typeof RUN_FILE_FORMAT
  version: typeof RUN_FILE_VERSION
  config: PlaygroundConfig
  /** The step the run was at when saved; reopening replays from step 0 with the same seed. */
  step: number
  /** Live changes made during the run, replayed at their steps. */
  edits: LiveEdit[]
}

/** The JSON text of a run file. */
export function runFileText(config: PlaygroundConfig, step: number, edits: LiveEdit[]): string {
  const file: RunFile = { format: RUN_FILE_FORMAT, version: RUN_FILE_VERSION, config, step, edits }
  return JSON.stringify(file, null, 2)
}

/** Reads a run file's text; throws an Error whose message says what is wrong and what to do. */
export function parseRunFile(text: string): RunFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new Error('This file is not JSON. Choose a playground run saved with "Save run (JSON)".')
  }
  const head = z.object({ format: z.literal(RUN_FILE_FORMAT), version: z.number() }).safeParse(raw)
  if (!head.success)
    throw new Error('This JSON file is not a playground run. Choose a file saved with "Save run (JSON)".')
  if (head.data.version !== RUN_FILE_VERSION)
    throw new Error(
      `This playground run has format version ${head.data.version}; this GAN Studio reads version ${RUN_FILE_VERSION}.`
    )
  const body = z
    .object({
      config: playgroundConfigSchema,
      step: z.number().int().min(0).default(0),
      edits: z.array(liveEditSchema).max(10_000).default([])
    })
    .safeParse(raw)
  if (!body.success) {
    const issue = body.error.issues[0]
    const where = issue && issue.path.length ? issue.path.join('.') : 'config'
    throw new Error(
      `This playground run has a bad value at ${where}: ${issue?.message ?? 'invalid'}. Fix or re-save the file.`
    )
  }
  return {
    format: RUN_FILE_FORMAT,
    version: RUN_FILE_VERSION,
    config: body.data.config,
    step: body.data.step,
    edits: body.data.edits
  }
}

/** A deep copy as plain data: Vue's reactive proxies cannot be structured-cloned or posted. */
export function plainCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}
