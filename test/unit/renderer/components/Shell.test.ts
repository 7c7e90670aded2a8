// @vitest-environment happy-dom
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { createFakeStudio, type FakeStudio } from '../helpers/fake-studio'

const fake: FakeStudio = vi.hoisted(() => ({}) as FakeStudio)
vi.mock('../../../../src/renderer/src/api', () => ({
  get studio() {
    return fake.api
  }
}))

import DatasetsView from '../../../../src/renderer/src/views/DatasetsView.vue'
import BaseLineChart from '../../../../src/renderer/src/components/BaseLineChart.vue'
import TheStatusBar from '../../../../src/renderer/src/components/TheStatusBar.vue'
import { NDialogProvider } from 'naive-ui'
import { h } from 'vue'
import { useAppStore } from '../../../../src/renderer/src/stores/app'
import { useNotifyStore } from '../../../../src/renderer/src/stores/notify'

let pinia: Pinia
beforeEach(() => {
  Object.assign(fake, createFakeStudio())
  pinia = createPinia()
  setActivePinia(pinia)
})

function router(): ReturnType<typeof createRouter> {
  return createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:p(.*)*', component: { render: () => null } }]
  })
}

describe('DatasetsView', () => {
  test('shows built-in datasets as cards with thumbnails, counts and labels; empty imports say what to do', async () => {
    fake.fn('datasets', 'list').mockResolvedValue([
      {
        id: 'mnist',
        name: 'MNIST digits',
        builtin: true,
        count: 10000,
        shape: [28, 28, 1],
        labels: ['0', '1']
      }
    ])
    fake
      .fn('datasets', 'thumbnails')
      .mockResolvedValue({ total: 10000, offset: 0, items: [{ index: 0, src: 'data:image/png;base64,AA' }] })
    const w = mount(
      { render: () => h(NDialogProvider, () => h(DatasetsView)) },
      { global: { plugins: [pinia, router()] } }
    )
    await flushPromises()
    const card = w.find('article')
    expect(card.find('h2').text()).toBe('MNIST digits')
    expect(card.text()).toContain('10,000')
    expect(card.text()).toContain('28 × 28 px')
    expect(card.text()).toContain('1 (grey)')
    expect(card.text()).toContain('0, 1')
    expect(card.findAll('img')).toHaveLength(1)
    expect(w.text()).toContain('No imported datasets yet')
    w.unmount()
  })

  test('a failing list is reported with the service message', async () => {
    fake.fn('datasets', 'list').mockRejectedValue(new Error('The data dir is not readable'))
    const w = mount(
      { render: () => h(NDialogProvider, () => h(DatasetsView)) },
      { global: { plugins: [pinia, router()] } }
    )
    await flushPromises()
    expect(useNotifyStore().history.at(-1)?.message).toBe('The data dir is not readable')
    w.unmount()
  })
})

describe('BaseLineChart', () => {
  test('names its canvas and describes the data without a 2D context', () => {
    const w = mount(BaseLineChart, {
      props: {
        label: 'Loss chart',
        title: 'Losses',
        xTitle: 'Step',
        series: [{ label: 'D loss', color: '#f00', points: [{ x: 0, y: 1.5 }] }]
      }
    })
    const canvas = w.find('canvas')
    expect(canvas.attributes('aria-label')).toBe('Loss chart')
    expect(canvas.attributes('role')).toBe('img')
    expect(canvas.attributes('data-points')).toBe('1')
    expect(canvas.text()).toContain('D loss 1.50')
    w.unmount()
  })
})

describe('TheStatusBar', () => {
  test('shows the backend, the run state, speed and ETA', async () => {
    fake.fn('app', 'info').mockResolvedValue({
      appVersion: '0.1.0',
      versions: { node: '20' },
      backend: {
        active: 'wasm',
        variant: '@tensorflow/tfjs-backend-wasm',
        attempts: [],
        tfjsVersion: '4',
        cpuThreads: 2,
        wasmThreads: 2,
        platform: 'linux',
        nodeVersion: '20'
      },
      dataDir: '/tmp',
      transport: 'serve',
      platform: 'linux',
      notices: [{ id: 'n', level: 'warning', message: 'Settings were repaired', time: 0 }]
    })
    fake.fn('settings', 'get').mockResolvedValue({ theme: 'system' })
    await useAppStore().load()
    const w = mount(TheStatusBar, { global: { plugins: [pinia] } })
    expect(w.text()).toContain('Backend: wasm (@tensorflow/tfjs-backend-wasm, 2 threads)')
    expect(w.text()).toContain('No run open')
    expect(useNotifyStore().history.map((n) => n.message)).toContain('Settings were repaired')
    w.unmount()
  })

  test('lists the WebGPU adapters (software ones marked) or why there are none', async () => {
    const backend = {
      active: 'wasm',
      variant: '@tensorflow/tfjs-backend-wasm',
      attempts: [],
      tfjsVersion: '4',
      cpuThreads: 2,
      platform: 'linux',
      nodeVersion: '20',
      gpu: {
        adapters: [
          {
            vendor: 'mesa',
            architecture: 'software',
            device: 'llvmpipe',
            description: 'llvmpipe',
            software: true
          }
        ]
      }
    }
    const info = {
      appVersion: '0.1.0',
      versions: { node: '20' },
      backend,
      dataDir: '/tmp',
      transport: 'serve'
    }
    fake.fn('app', 'info').mockResolvedValue({ ...info, platform: 'linux', notices: [] })
    fake.fn('settings', 'get').mockResolvedValue({ theme: 'system' })
    await useAppStore().load()
    const w = mount(TheStatusBar, { global: { plugins: [pinia] } })
    expect(w.text()).toContain('GPU: 0 hardware, 1 software adapter')
    const title = w.find('[title*="WebGPU adapters"]').attributes('title')
    expect(title).toContain(
      'llvmpipe (vendor mesa, architecture software; software: used only with --backend webgpu)'
    )
    w.unmount()

    const none = { ...backend, gpu: { adapters: [], note: 'Dawn found no Vulkan adapter: install a driver' } }
    fake.fn('app', 'info').mockResolvedValue({ ...info, backend: none, platform: 'linux', notices: [] })
    await useAppStore().load()
    const w2 = mount(TheStatusBar, { global: { plugins: [pinia] } })
    expect(w2.text()).toContain('GPU: none found')
    expect(w2.find('[title*="WebGPU adapters"]').attributes('title')).toContain(
      'none: Dawn found no Vulkan adapter: install a driver'
    )
    w2.unmount()
  })
})
