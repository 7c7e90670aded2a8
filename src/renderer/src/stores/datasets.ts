import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { studio } from '../api'
import type { DatasetReport, ImportProgress, RequestInput, ThumbnailPage } from '../api'
import type { DatasetInfo } from '../../../shared/domain'
import { useNotifyStore } from './notify'

export type { ThumbnailPage, DatasetReport }

/** Options of the import form (the contract's `datasets:import` input). */
export type ImportOptions = RequestInput<'datasets:import'>

/** Thumbnails shown on each dataset card. */
export const CARD_THUMBNAILS = 24

/** Datasets: the list, card thumbnails, imports in progress and health reports. */
export const useDatasetsStore = defineStore('datasets', () => {
  const notify = useNotifyStore()
  const items = ref<DatasetInfo[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const thumbnails = ref<Record<string, ThumbnailPage>>({})
  const reports = ref<Record<string, DatasetReport>>({})
  /** The import this window started, while it runs and after it ends (until dismissed). */
  const currentImport = ref<ImportProgress | null>(null)
  /** A folder picked in the app's File › Import Dataset… dialog, waiting for the import form. */
  const offeredSource = ref<string | null>(null)
  let unsubscribe: (() => void) | null = null

  const builtins = computed(() => items.value.filter((d) => d.builtin))
  const imported = computed(() => items.value.filter((d) => !d.builtin))
  const importing = computed(() => {
    const p = currentImport.value?.phase
    return p === 'scanning' || p === 'decoding' || p === 'writing'
  })

  function subscribe(): void {
    if (unsubscribe) return
    unsubscribe = studio.on.importProgress((p) => {
      if (currentImport.value && p.importId !== currentImport.value.importId) return
      currentImport.value = p
      if (p.phase === 'done') {
        notify.push('success', 'Import finished', `${p.datasetId}: ${p.done} of ${p.total} files imported.`)
        void refresh().then(() => loadReport(p.datasetId))
      } else if (p.phase === 'failed') {
        notify.push('error', 'Import failed', p.message ?? `Importing ${p.datasetId} failed.`)
      } else if (p.phase === 'cancelled') {
        notify.push('info', 'Import cancelled', `${p.datasetId} was not imported.`)
      }
    })
  }

  async function refresh(): Promise<void> {
    subscribe()
    loading.value = true
    try {
      items.value = await studio.datasets.list()
      loaded.value = true
      await Promise.all(items.value.map((d) => loadThumbnails(d.id)))
    } catch (err) {
      notify.error('Could not list datasets', err)
    } finally {
      loading.value = false
    }
  }

  async function loadThumbnails(id: string): Promise<void> {
    if (thumbnails.value[id]) return
    try {
      thumbnails.value[id] = await studio.datasets.thumbnails({ id, offset: 0, limit: CARD_THUMBNAILS })
    } catch (err) {
      notify.error(`Could not load thumbnails of ${id}`, err)
    }
  }

  async function loadReport(id: string): Promise<DatasetReport | null> {
    try {
      const r = await studio.datasets.report({ id })
      reports.value[id] = r
      return r
    } catch (err) {
      notify.error(`Could not load the report of ${id}`, err)
      return null
    }
  }

  async function startImport(opts: ImportOptions): Promise<boolean> {
    subscribe()
    try {
      const { importId } = await studio.datasets.import(opts)
      // Events for this id may already have arrived; keep the newest.
      if (currentImport.value?.importId !== importId) {
        currentImport.value = { importId, datasetId: opts.name, phase: 'scanning', done: 0, total: 0 }
      }
      return true
    } catch (err) {
      notify.error('Could not start the import', err)
      return false
    }
  }

  async function cancelImport(): Promise<void> {
    const cur = currentImport.value
    if (!cur) return
    try {
      await studio.datasets.cancelImport({ importId: cur.importId })
    } catch (err) {
      notify.error('Could not cancel the import', err)
    }
  }

  function dismissImport(): void {
    if (!importing.value) currentImport.value = null
  }

  async function remove(id: string): Promise<void> {
    try {
      await studio.datasets.remove({ id })
      delete thumbnails.value[id]
      delete reports.value[id]
      notify.push('success', 'Dataset removed', `${id} was deleted.`)
      await refresh()
    } catch (err) {
      notify.error(`Could not remove ${id}`, err)
    }
  }

  function dispose(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  /** Opens the import form with `source` filled in (the Datasets view shows the form). */
  function offerImport(source: string): void {
    offeredSource.value = source
  }

  /** The offered folder, once: the import form takes it when it opens. */
  function takeOfferedSource(): string | null {
    const s = offeredSource.value
    offeredSource.value = null
    return s
  }

  return {
    offeredSource,
    offerImport,
    takeOfferedSource,
    items,
    loaded,
    loading,
    thumbnails,
    reports,
    currentImport,
    builtins,
    imported,
    importing,
    refresh,
    loadThumbnails,
    loadReport,
    startImport,
    cancelImport,
    dismissImport,
    remove,
    dispose
  }
})
