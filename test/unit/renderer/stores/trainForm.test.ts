// @vitest-environment happy-dom
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeStudio, type FakeStudio } from '../helpers/fake-studio'

const fake: FakeStudio = vi.hoisted(() => ({}) as FakeStudio)
vi.mock('../../../../src/renderer/src/api', () => ({
  get studio() {
    return fake.api
  },
  onConnection: (cb: (up: boolean) => void) => fake.onConnection(cb)
}))

import { FIELDS, presetConfig, useTrainFormStore } from '../../../../src/renderer/src/stores/trainForm'
import { PRESETS, defaultHyperparams, hyperparamsSchema } from '../../../../src/shared/hyperparams'

beforeEach(() => {
  Object.assign(fake, createFakeStudio())
  setActivePinia(createPinia())
})

describe('form fields from the shared schema', () => {
  test('every schema key has a field; the main ones carry the exact labels', () => {
    expect(FIELDS.map((f) => f.key).sort()).toEqual(Object.keys(hyperparamsSchema.shape).sort())
    expect(FIELDS.filter((f) => !f.advanced).map((f) => f.label)).toEqual([
      'Dataset',
      'Model',
      'Image size',
      'Latent size',
      'Batch size',
      'Generator learning rate',
      'Discriminator learning rate',
      'Beta 1',
      'D steps per G step',
      'Loss',
      'Seed',
      'Steps',
      'Sample every',
      'Checkpoint every'
    ])
    const byKey = Object.fromEntries(FIELDS.map((f) => [f.key, f]))
    expect(byKey.loss?.options).toEqual(['ns', 'hinge', 'lsgan', 'wgan-gp'])
    expect(byKey.imageSize?.options).toEqual([28, 32, 64, 128])
    expect(byKey.batchSize).toMatchObject({ kind: 'number', min: 1, max: 1024, integer: true })
    expect(byKey.diffAugment?.kind).toBe('multi')
    expect(byKey.spectralNorm?.kind).toBe('boolean')
    expect(
      FIELDS.filter((f) => f.live)
        .map((f) => f.key)
        .sort()
    ).toEqual(['checkpointEvery', 'dSteps', 'lrD', 'lrG', 'sampleEvery'])
  })
})

describe('useTrainFormStore', () => {
  test('starts from the MNIST default preset (the schema defaults) and is valid', () => {
    const form = useTrainFormStore()
    expect(form.presetId).toBe('mnist-default')
    expect(form.valid).toBe(true)
    expect(form.config).toEqual(presetConfig('mnist-default'))
    expect(form.config).toEqual(defaultHyperparams())
  })

  test('presets set their values on top of the defaults and keep the dataset', () => {
    const form = useTrainFormStore()
    form.setField('dataset', 'fashion-mnist')
    form.applyPreset('dcgan')
    expect(form.config?.latentDim).toBe(100)
    expect(form.config?.batchSize).toBe(64)
    expect(form.config?.dataset).toBe('fashion-mnist')
    form.applyPreset('small-dataset')
    expect(form.config?.diffAugment).toEqual(['translation', 'cutout', 'color'])
    expect(PRESETS.map((p) => p.label)).toEqual(
      expect.arrayContaining(['Quick demo', 'DCGAN (Radford et al.)', 'Small dataset'])
    )
  })

  test('bad values give per-field messages from the schema and no config', () => {
    const form = useTrainFormStore()
    form.setField('batchSize', '0')
    expect(form.valid).toBe(false)
    expect(form.config).toBeNull()
    expect(form.issues.batchSize).toBe('Must be at least 1')
    form.setField('batchSize', 'abc')
    expect(form.issues.batchSize).toBe('Enter a number')
    form.setField('batchSize', '')
    expect(form.issues.batchSize).toBe('Enter a value')
    form.setField('batchSize', '2.5')
    expect(form.issues.batchSize).toBe('Must be a whole number')
    form.setField('batchSize', '16')
    expect(form.valid).toBe(true)
    form.setField('lrG', '0')
    expect(form.issues.lrG).toBe('Must be more than 0')
    form.setField('lrG', '2')
    expect(form.issues.lrG).toBe('Must be at most 1')
  })

  test('liveChanges lists only changed live fields', () => {
    const form = useTrainFormStore()
    const current = presetConfig('mnist-default')
    expect(form.liveChanges(current)).toEqual({})
    form.setField('lrG', '0.0001')
    form.setField('seed', '99')
    expect(form.liveChanges(current)).toEqual({ lrG: 0.0001 })
  })

  test('the estimate comes from training:estimate; a failure is notified', async () => {
    const form = useTrainFormStore()
    fake
      .fn('training', 'estimate')
      .mockResolvedValue({ msPerStep: 120, imagesPerSec: 266, steps: 5, backend: 'wasm', totalSeconds: 36 })
    await form.runEstimate()
    expect(fake.fn('training', 'estimate')).toHaveBeenCalledWith({ config: form.config, steps: 5 })
    expect(form.estimate?.msPerStep).toBe(120)
  })
})
