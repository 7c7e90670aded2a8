/**
 * The Train form and the CLI start from the schema defaults; those must be the MNIST default
 * preset's values (bench/QUALITY.md chose them), and every preset must be valid.
 */
import { describe, expect, it } from 'vitest'
import { settingsSchema } from '../../../src/shared/contract'
import { PRESETS, defaultHyperparams, hyperparamsSchema } from '../../../src/shared/hyperparams'

describe('presets', () => {
  it('the MNIST default preset is exactly the defaults of the form and the CLI', () => {
    const preset = PRESETS.find((p) => p.id === 'mnist-default')
    expect(preset).toBeDefined()
    expect(hyperparamsSchema.parse(preset?.values)).toEqual(defaultHyperparams())
    expect(PRESETS[0]?.id).toBe('mnist-default')
    // A fresh install's Train view opens the preset named in the settings: the same one.
    expect(settingsSchema.parse({}).lastPreset).toBe('mnist-default')
  })

  it('every preset parses, and the imported-folder preset is 64×64', () => {
    for (const p of PRESETS) expect(hyperparamsSchema.safeParse(p.values).success, p.id).toBe(true)
    expect(hyperparamsSchema.parse(PRESETS.find((p) => p.id === 'your-images-64')?.values).imageSize).toBe(64)
    expect(hyperparamsSchema.parse(PRESETS.find((p) => p.id === 'fashion-mnist')?.values).dataset).toBe(
      'fashion-mnist'
    )
  })
})
