import { defineStore } from 'pinia'
import { ref } from 'vue'
import { studio } from '../api'
import type { RunSummary } from '../api'
import type { CheckpointInfo, RunRecord, StepMetrics } from '../../../shared/domain'
import { useNotifyStore } from './notify'

export type { RunSummary }

/** Columns of the exported CSV, in the order of `StepMetrics`, then the score and gradient norms. */
const CSV_COLUMNS: Array<[string, (r: StepMetrics) => number | undefined]> = [
  ['step', (r) => r.step],
  ['epoch', (r) => r.epoch],
  ['lossD', (r) => r.lossD],
  ['lossG', (r) => r.lossG],
  ['dReal', (r) => r.dReal],
  ['dFake', (r) => r.dFake],
  ['msPerStep', (r) => r.msPerStep],
  ['imagesPerSec', (r) => r.imagesPerSec],
  ['time', (r) => r.time],
  // Empty on records without a score (FD is computed every sampleEvery steps, built-ins only).
  ['fd', (r) => r.quality?.fd],
  ['fdStep', (r) => r.quality?.step],
  ['classCoverage', (r) => r.quality?.classCoverage],
  ['gradNormG', (r) => r.gradNorm?.g],
  ['gradNormD', (r) => r.gradNorm?.d]
]

/** Metrics as CSV text with a header row. */
export function metricsToCsv(rows: readonly StepMetrics[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')]
  for (const r of rows) lines.push(CSV_COLUMNS.map(([, get]) => String(get(r) ?? '')).join(','))
  return lines.join('\n') + '\n'
}

/** The Runs view: the run list, checkpoints, comparisons and run actions. */
export const useRunsStore = defineStore('runs', () => {
  const notify = useNotifyStore()
  const items = ref<RunSummary[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const checkpoints = ref<Record<string, CheckpointInfo[]>>({})
  /** Full metrics of runs being compared, by run id. */
  const compared = ref<Record<string, StepMetrics[]>>({})
  let unsubscribe: (() => void) | null = null

  function subscribe(): void {
    if (unsubscribe) return
    // Keep the table's status and step current without polling.
    unsubscribe = studio.on.status((s) => {
      const run = items.value.find((r) => r.id === s.runId)
      if (run) {
        run.status = s.status
        run.step = s.step
      } else void refresh()
    })
  }

  async function refresh(): Promise<void> {
    subscribe()
    loading.value = true
    try {
      items.value = await studio.runs.list()
      loaded.value = true
    } catch (err) {
      notify.error('Could not list runs', err)
    } finally {
      loading.value = false
    }
  }

  async function rename(runId: string, name: string): Promise<RunRecord | null> {
    try {
      const rec = await studio.runs.rename({ runId, name })
      const run = items.value.find((r) => r.id === runId)
      if (run) run.name = rec.name
      return rec
    } catch (err) {
      notify.error('Could not rename the run', err)
      return null
    }
  }

  async function remove(runId: string): Promise<boolean> {
    try {
      await studio.runs.delete({ runId })
      items.value = items.value.filter((r) => r.id !== runId)
      delete compared.value[runId]
      notify.push('success', 'Run deleted', `${runId} was deleted.`)
      return true
    } catch (err) {
      notify.error('Could not delete the run', err)
      return false
    }
  }

  async function resume(runId: string): Promise<boolean> {
    const run = items.value.find((r) => r.id === runId)
    try {
      // A finished run needs a larger total; train as many steps again.
      const steps =
        run && run.status === 'finished' ? { steps: run.step + Math.max(run.config.steps, 1) } : {}
      await studio.training.resume({ runId, ...steps })
      await refresh()
      return true
    } catch (err) {
      notify.error('Could not resume the run', err)
      return false
    }
  }

  async function loadCheckpoints(runId: string): Promise<CheckpointInfo[]> {
    try {
      const list = await studio.checkpoints.list({ runId })
      checkpoints.value[runId] = list
      return list
    } catch (err) {
      notify.error('Could not list checkpoints', err)
      return []
    }
  }

  async function pin(runId: string, checkpoint: string, pinned: boolean): Promise<void> {
    try {
      checkpoints.value[runId] = await studio.checkpoints.pin({ runId, checkpoint, pinned })
    } catch (err) {
      notify.error('Could not change the pin', err)
    }
  }

  /** Starts a new run from a checkpoint of `runId` with that run's configuration. */
  async function branch(runId: string, checkpoint: string, name?: string): Promise<RunRecord | null> {
    const run = items.value.find((r) => r.id === runId)
    if (!run) return null
    try {
      const rec = await studio.training.start({
        config: run.config,
        from: { runId, checkpoint, force: false },
        ...(name ? { name } : {})
      })
      await refresh()
      return rec
    } catch (err) {
      notify.error('Could not branch the run', err)
      return null
    }
  }

  async function loadMetrics(runId: string): Promise<StepMetrics[] | null> {
    try {
      return await studio.runs.metrics({ runId })
    } catch (err) {
      notify.error(`Could not load the metrics of ${runId}`, err)
      return null
    }
  }

  /** Loads the metrics of the runs to overlay; drops the others. */
  async function compare(runIds: readonly string[]): Promise<void> {
    const next: Record<string, StepMetrics[]> = {}
    await Promise.all(
      runIds.map(async (id) => {
        const m = compared.value[id] ?? (await loadMetrics(id))
        if (m) next[id] = m
      })
    )
    compared.value = next
  }

  async function exportCsv(runId: string): Promise<string | null> {
    const rows = await loadMetrics(runId)
    return rows ? metricsToCsv(rows) : null
  }

  function dispose(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return {
    items,
    loaded,
    loading,
    checkpoints,
    compared,
    refresh,
    rename,
    remove,
    resume,
    loadCheckpoints,
    pin,
    branch,
    compare,
    exportCsv,
    dispose
  }
})
