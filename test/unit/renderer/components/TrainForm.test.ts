// @vitest-environment happy-dom
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { mount, flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { createFakeStudio, type FakeStudio } from '../helpers/fake-studio'
import { runRecord } from '../helpers/fixtures'

const fake: FakeStudio = vi.hoisted(() => ({}) as FakeStudio)
vi.mock('../../../../src/renderer/src/api', () => ({
  get studio() {
    return fake.api
  },
  onConnection: (cb: (up: boolean) => void) => fake.onConnection(cb)
}))

import TrainHyperparamsForm from '../../../../src/renderer/src/components/train/TrainHyperparamsForm.vue'
import TrainControls from '../../../../src/renderer/src/components/train/TrainControls.vue'
import { useDatasetsStore } from '../../../../src/renderer/src/stores/datasets'

let pinia: Pinia

function mountTrain(): VueWrapper {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:p(.*)*', component: { render: () => null } }]
  })
  const Host = defineComponent({ render: () => h('div', [h(TrainControls), h(TrainHyperparamsForm)]) })
  return mount(Host, { global: { plugins: [pinia, router] }, attachTo: document.body })
}

function button(w: VueWrapper, name: string): HTMLButtonElement {
  const b = w.findAll('button').find((x) => x.text() === name)
  if (!b) throw new Error(`no button ${name}`)
  return b.element as HTMLButtonElement
}

/** The control a visible label points at, as getByLabel finds it. */
function byLabel(w: VueWrapper, text: string): HTMLInputElement | HTMLSelectElement {
  const label = w.findAll('label').find((l) => l.text() === text)
  if (!label) throw new Error(`no label ${text}`)
  const id = label.attributes('for')
  const el = id ? document.getElementById(id) : null
  if (!el) throw new Error(`label ${text} points at nothing`)
  return el as HTMLInputElement | HTMLSelectElement
}

beforeEach(() => {
  Object.assign(fake, createFakeStudio())
  pinia = createPinia()
  setActivePinia(pinia)
  document.body.innerHTML = ''
  useDatasetsStore().items = [
    { id: 'mnist', name: 'MNIST digits', builtin: true, count: 10000, shape: [28, 28, 1], labels: [] },
    { id: 'cats', name: 'cats', builtin: false, count: 300, shape: [64, 64, 3], labels: [] }
  ]
})

describe('Train form and controls', () => {
  test('every required field has a visible label tied to its control', () => {
    const w = mountTrain()
    for (const label of [
      'Preset',
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
    ]) {
      expect(byLabel(w, label)).toBeTruthy()
    }
    const preset = byLabel(w, 'Preset') as HTMLSelectElement
    expect([...preset.options].map((o) => o.text)).toEqual(
      expect.arrayContaining(['Quick demo', 'DCGAN (Radford et al.)', 'Small dataset'])
    )
    expect([...(byLabel(w, 'Dataset') as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      'mnist',
      'cats'
    ])
    expect(w.find('details summary').text()).toBe('Advanced')
    w.unmount()
  })

  test('a bad batch size shows the schema message inline and disables Start training', async () => {
    const w = mountTrain()
    expect(button(w, 'Start training').disabled).toBe(false)
    const batch = byLabel(w, 'Batch size') as HTMLInputElement
    batch.value = '0'
    batch.dispatchEvent(new Event('input'))
    await nextTick()
    expect(document.getElementById('hp-batchSize-msg')?.textContent?.trim()).toBe('Must be at least 1')
    expect(batch.getAttribute('aria-invalid')).toBe('true')
    expect(button(w, 'Start training').disabled).toBe(true)
    w.unmount()
  })

  test('choosing a preset fills the form', async () => {
    const w = mountTrain()
    const preset = byLabel(w, 'Preset') as HTMLSelectElement
    preset.value = 'dcgan'
    preset.dispatchEvent(new Event('change'))
    await nextTick()
    expect((byLabel(w, 'Latent size') as HTMLInputElement).value).toBe('100')
    expect((byLabel(w, 'Batch size') as HTMLInputElement).value).toBe('64')
    w.unmount()
  })

  test('start, then the live region names the state; only live fields stay editable', async () => {
    fake.fn('training', 'start').mockResolvedValue(runRecord('r1'))
    fake.fn('settings', 'update').mockResolvedValue({})
    const w = mountTrain()
    const status = w.find('[role="status"]')
    expect(status.text()).toMatch(/^Idle/)
    button(w, 'Start training').click()
    await flushPromises()
    expect(fake.fn('training', 'start')).toHaveBeenCalledOnce()
    expect(status.text()).toBe('Running: step 0 of 300')
    expect(button(w, 'Start training').disabled).toBe(true)
    expect(button(w, 'Pause').disabled).toBe(false)
    expect((byLabel(w, 'Batch size') as HTMLInputElement).disabled).toBe(true)
    expect((byLabel(w, 'Generator learning rate') as HTMLInputElement).disabled).toBe(false)
    fake.emit('training:status', { runId: 'r1', status: 'paused', step: 42 })
    await nextTick()
    expect(status.text()).toBe('Paused at step 42 of 300')
    expect(button(w, 'Resume').disabled).toBe(false)
    expect(button(w, 'Pause').disabled).toBe(true)
    w.unmount()
  })

  test('changing a learning rate while training sends training:update', async () => {
    fake
      .fn('training', 'start')
      .mockImplementation(async ({ config }: { config: ReturnType<typeof runRecord>['config'] }) =>
        runRecord('r2', { config })
      )
    fake.fn('training', 'update').mockResolvedValue(undefined)
    const w = mountTrain()
    button(w, 'Start training').click()
    await flushPromises()
    const lr = byLabel(w, 'Generator learning rate') as HTMLInputElement
    lr.value = '0.0001'
    lr.dispatchEvent(new Event('input'))
    await nextTick()
    button(w, 'Apply changes').click()
    await flushPromises()
    expect(fake.fn('training', 'update')).toHaveBeenCalledWith({ runId: 'r2', live: { lrG: 0.0001 } })
    w.unmount()
  })

  test('learning rates the NaN guard halved show in the form, with nothing left to apply', async () => {
    fake
      .fn('training', 'start')
      .mockImplementation(async ({ config }: { config: ReturnType<typeof runRecord>['config'] }) =>
        runRecord('r4', { config })
      )
    const w = mountTrain()
    button(w, 'Start training').click()
    await flushPromises()
    const lrG = byLabel(w, 'Generator learning rate') as HTMLInputElement
    const lrD = byLabel(w, 'Discriminator learning rate') as HTMLInputElement
    expect([Number(lrG.value), Number(lrD.value)]).toEqual([2e-4, 4e-4])
    fake.emit('run:event', {
      runId: 'r4',
      event: {
        kind: 'rollback',
        step: 20,
        time: 1,
        data: { before: { lrG: 2e-4, lrD: 4e-4 }, after: { lrG: 1e-4, lrD: 2e-4 } }
      }
    })
    await flushPromises()
    expect([Number(lrG.value), Number(lrD.value)]).toEqual([1e-4, 2e-4])
    expect(w.findAll('button').some((b) => b.text() === 'Apply changes' && !b.element.disabled)).toBe(false)
    w.unmount()
  })
})
