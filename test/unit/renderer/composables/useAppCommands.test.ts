// @vitest-environment happy-dom
/**
 * The native menu's commands reach the UI: `app:command` has a subscriber while the shell lives,
 * navigate goes to the named route, Import Dataset… opens the form with the folder, Export… saves
 * the explorer's image through the app's dialog.
 */
import { effectScope } from 'vue'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { createFakeStudio, type FakeStudio } from '../helpers/fake-studio'

const fake: FakeStudio = vi.hoisted(() => ({}) as FakeStudio)
vi.mock('../../../../src/renderer/src/api', () => ({
  get studio() {
    return new Proxy(fake.api, {
      get: (t, k: string): unknown => (k === 'transport' ? 'electron' : (t as never)[k])
    })
  }
}))

import { routes } from '../../../../src/renderer/src/router'
import { useAppCommands } from '../../../../src/renderer/src/composables/useAppCommands'
import { useDatasetsStore } from '../../../../src/renderer/src/stores/datasets'
import { useExplorerStore } from '../../../../src/renderer/src/stores/explorer'
import { useNotifyStore } from '../../../../src/renderer/src/stores/notify'

let router: Router
beforeEach(async () => {
  Object.assign(fake, createFakeStudio())
  setActivePinia(createPinia())
  // The app's route table, with empty components so no view has to load.
  const stub = { render: (): null => null }
  const table = routes.map((r) => ('component' in r ? { ...r, component: stub } : r)) as typeof routes
  router = createRouter({ history: createMemoryHistory(), routes: table })
  await router.push('/datasets')
})

/** Lets the command's promise chain (router.push, awaited requests) settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0))
}

describe('useAppCommands', () => {
  it('subscribes for the life of its scope and navigates to the named view', async () => {
    const scope = effectScope()
    scope.run(() => useAppCommands(router))
    expect(fake.listenerCount()).toBe(1)
    fake.emit('app:command', { action: 'navigate', view: 'runs' })
    await settle()
    expect(router.currentRoute.value.name).toBe('runs')
    fake.emit('app:command', { action: 'navigate', view: 'explore' })
    await settle()
    expect(router.currentRoute.value.name).toBe('explore')
    scope.stop()
    expect(fake.listenerCount()).toBe(0)
  })

  it('opens the import form with the folder picked in the native dialog', async () => {
    const scope = effectScope()
    scope.run(() => useAppCommands(router))
    await router.push('/runs')
    fake.emit('app:command', { action: 'import-dataset', source: '/home/u/faces' })
    await settle()
    expect(router.currentRoute.value.name).toBe('datasets')
    expect(useDatasetsStore().takeOfferedSource()).toBe('/home/u/faces')
    scope.stop()
  })

  it('Export… without an open run says what to do; with one it saves through the dialog', async () => {
    const scope = effectScope()
    scope.run(() => useAppCommands(router))
    fake.emit('app:command', { action: 'export' })
    await settle()
    expect(router.currentRoute.value.name).toBe('explore')
    expect(useNotifyStore().history.at(-1)).toMatchObject({ title: 'Nothing to export yet' })

    const explorer = useExplorerStore()
    explorer.info = { runId: 'r1' } as never
    vi.spyOn(explorer, 'exportPng').mockResolvedValue({ path: 'exports/r1.png', bytes: 10 })
    fake.fn('export', 'save').mockResolvedValue({ canceled: false, saved: ['/tmp/r1.png'] })
    fake.emit('app:command', { action: 'export' })
    await settle()
    expect(fake.fn('export', 'save')).toHaveBeenCalledWith({ paths: ['exports/r1.png'] })
    scope.stop()
  })
})
