/**
 * The train command's hyperparameter flags come from the schema: every field has one, its help
 * shows the schema's default and range, values round-trip to the schema's own, and a field the
 * schema gains gets a flag without an edit to the CLI.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseArgs } from '../../../../src/main/cli/args'
import { TRAIN_FLAGS, TRAIN_HELP } from '../../../../src/main/cli/commands/train'
import { flagName, hyperparamsFromFlags, schemaFlags } from '../../../../src/main/cli/hyperparam-flags'
import { defaultHyperparams, hyperparamsSchema, type Hyperparams } from '../../../../src/shared/hyperparams'
import { fieldShape } from '../../../../src/shared/schema-fields'

const FIELDS = Object.keys(hyperparamsSchema.shape) as Array<keyof Hyperparams>

/** The help line of one flag. */
function helpLine(flag: string): string {
  const line = TRAIN_HELP.split('\n').find((l) => l.trimStart().startsWith(`--${flag} `))
  if (!line) throw new Error(`--${flag} is not in the help`)
  return line
}

/** A value as it is typed on the command line. */
function asArg(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v)
}

describe('train flags from the hyperparameter schema', () => {
  it('every schema field has a flag, and its default typed back gives the schema default', () => {
    const defaults = defaultHyperparams()
    for (const field of FIELDS) {
      const flag = flagName(field)
      expect(TRAIN_FLAGS[flag], `--${flag} for ${field}`).toBeDefined()
      // An optional field (image size: the dataset's own) has no default to type back.
      if (defaults[field] === undefined) continue
      const argv = [`--${flag}=${asArg(defaults[field])}`]
      const got = hyperparamsFromFlags(parseArgs(argv, TRAIN_FLAGS).flags)
      expect(got, argv[0]).toEqual({ [field]: defaults[field] })
    }
  })

  it("the help shows each field's schema default and range", () => {
    const defaults = defaultHyperparams()
    for (const field of FIELDS) {
      const line = helpLine(flagName(field))
      const v = defaults[field]
      if (v === undefined) {
        expect(line, field).not.toContain('default')
        continue
      }
      expect(line, field).toContain(
        `default ${Array.isArray(v) ? (v.length ? v.join(',') : 'none') : String(v)}`
      )
      const shape = fieldShape(hyperparamsSchema.shape[field])
      if (shape.min !== undefined) expect(line, field).toMatch(new RegExp(`[ (≥>]${shape.min}[ ;)]`))
      if (shape.max !== undefined) expect(line, field).toMatch(new RegExp(`[ ≤<]${shape.max}[ ;)]`))
      for (const option of shape.options) expect(line, field).toContain(String(option))
    }
    expect(helpLine('lr-g')).toContain('> 0 and ≤ 1; default 0.0002')
    expect(helpLine('batch')).toContain('(1 to 1024; default 32)')
  })

  it("refuses a value outside the schema's range, naming the flag and the range", () => {
    expect(() => parseArgs(['--beta1', '1'], TRAIN_FLAGS)).toThrow(
      "--beta1: expected a number ≥ 0 and < 1, but got '1'"
    )
    expect(() => parseArgs(['--lr', '0'], TRAIN_FLAGS)).toThrow(
      "--lr: expected a number > 0 and ≤ 1, but got '0'"
    )
    expect(() => parseArgs(['--image-size', '30'], TRAIN_FLAGS)).toThrow('expected one of 28, 32, 64, 128')
    // What the flag parser cannot see, the schema still checks (the dataset id's pattern).
    expect(() => hyperparamsFromFlags(parseArgs(['--dataset', 'a b'], TRAIN_FLAGS).flags)).toThrow(
      /^--dataset: use letters, digits/
    )
    expect(hyperparamsFromFlags(parseArgs(['--lr', '0.001'], TRAIN_FLAGS).flags)).toEqual({
      lrG: 0.001,
      lrD: 0.001
    })
  })

  it('a field the schema gains gets a flag, with its type, range and default', () => {
    const grown = z
      .object({
        noiseStd: z.number().min(0).max(100).default(10),
        optimizer: z.enum(['adam', 'rmsprop']).default('adam'),
        warmupSteps: z.number().int().min(0).max(5000).default(0),
        schedule: z.object({ kind: z.string() }).optional()
      })
      .strict()
    const { flags, fieldOf } = schemaFlags(grown)
    expect(fieldOf).toEqual({
      'noise-std': 'noiseStd',
      optimizer: 'optimizer',
      'warmup-steps': 'warmupSteps',
      schedule: 'schedule'
    })
    expect(flags['noise-std']).toEqual({
      type: 'number',
      min: 0,
      max: 100,
      help: 'noise std (≥ 0 and ≤ 100; default 10)'
    })
    expect(flags.optimizer).toMatchObject({ type: 'enum', values: ['adam', 'rmsprop'] })
    expect(flags['warmup-steps']).toMatchObject({ type: 'int', min: 0, max: 5000 })
    expect(flags.schedule?.type).toBe('json')
    expect(parseArgs(['--schedule', '{"kind":"cosine"}'], flags).flags.schedule).toEqual({ kind: 'cosine' })
  })
})
