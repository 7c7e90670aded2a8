import { computed, ref, type ComputedRef, type Ref } from 'vue'
import { studio } from '../../api'
import type { RunSummary } from '../../api'
import type { CheckpointInfo } from '../../../../shared/domain'
import { requestTokens } from '../../utils/request-token'
import type { ExplorerInfo, Guard, ModelRef } from './types'

/** Which generator the explorer shows: run, checkpoint, EMA or raw weights, class. */
export interface ExplorerModel {
  runs: Ref<RunSummary[]>
  runId: Ref<string | null>
  checkpoints: Ref<CheckpointInfo[]>
  checkpoint: Ref<string | null>
  ema: Ref<boolean>
  label: Ref<number>
  info: Ref<ExplorerInfo | null>
  /** The one model reference every explorer and export request carries. */
  modelRef: ComputedRef<ModelRef | null>
  /** True while the open run has a trainer process (its current weights can be explored). */
  live: ComputedRef<boolean>
  snapshotting: Ref<boolean>
  listRuns(): Promise<RunSummary[] | null>
  /**
   * Opens a run at the checkpoint named `at.checkpoint`, or the newest at or before `at.step`, or
   * its best-FD checkpoint, or its newest. Resolves false when a newer selection replaced this one.
   */
  selectRun(id: string, at?: { step?: number | null; checkpoint?: string }): Promise<boolean>
  selectCheckpoint(name: string): Promise<boolean>
  /** Reads the generator's facts for the current reference; false when stale or failed. */
  loadInfo(): Promise<boolean>
  /** Asks the trainer of the open run for a checkpoint of its current weights and opens it. */
  exploreCurrentWeights(): Promise<boolean>
}

/**
 * The model half of the explorer. `onModelChange` runs after every change of run or checkpoint
 * (before the new facts load) so the picks can reset; replies of a replaced selection are dropped.
 */
export function useExplorerModel(guard: Guard, onRunChange: () => void): ExplorerModel {
  const runs = ref<RunSummary[]>([])
  const runId = ref<string | null>(null)
  const checkpoints = ref<CheckpointInfo[]>([])
  const checkpoint = ref<string | null>(null)
  const ema = ref(true)
  const label = ref(0)
  const info = ref<ExplorerInfo | null>(null)
  const snapshotting = ref(false)
  const selection = requestTokens()
  const infoTokens = requestTokens()

  const modelRef = computed<ModelRef | null>(() =>
    runId.value && checkpoint.value
      ? {
          runId: runId.value,
          checkpoint: checkpoint.value,
          ema: ema.value,
          ...(info.value?.conditional ? { label: label.value } : {})
        }
      : null
  )
  const live = computed(() => runs.value.find((r) => r.id === runId.value)?.live ?? false)

  async function listRuns(): Promise<RunSummary[] | null> {
    const list = await guard('Could not list runs', () => studio.runs.list())
    if (list) runs.value = list
    return list
  }

  async function selectRun(
    id: string,
    at: { step?: number | null; checkpoint?: string } = {}
  ): Promise<boolean> {
    const current = selection.next()
    infoTokens.invalidate()
    runId.value = id
    checkpoint.value = null
    info.value = null
    onRunChange()
    const cks = await guard('Could not list checkpoints', () => studio.checkpoints.list({ runId: id }))
    if (!current()) return false
    checkpoints.value = cks ?? []
    // A sample's step (from Train or Runs) may fall between checkpoints: take the newest one at or
    // before it; the list is newest first. Without a name or a step, the run's best-FD checkpoint,
    // if any, so that a late collapse never hides the best model.
    const byName = at.checkpoint ? checkpoints.value.find((c) => c.name === at.checkpoint) : undefined
    const step = at.step ?? null
    const byStep = step !== null ? checkpoints.value.find((c) => c.step <= step) : undefined
    const best = checkpoints.value.find((c) => c.bestFd !== undefined)
    checkpoint.value = (byName ?? byStep ?? best ?? checkpoints.value[0])?.name ?? null
    return loadInfo()
  }

  async function selectCheckpoint(name: string): Promise<boolean> {
    selection.invalidate()
    checkpoint.value = name
    return loadInfo()
  }

  async function loadInfo(): Promise<boolean> {
    const current = infoTokens.next()
    const m = modelRef.value
    if (!m) {
      info.value = null
      return false
    }
    // Facts do not depend on the class; asking without it keeps one reply per checkpoint and EMA.
    const i = await guard('Could not load the generator', () =>
      studio.explorer.info({ model: { runId: m.runId, checkpoint: m.checkpoint, ema: m.ema } })
    )
    if (!current()) return false
    info.value = i
    if (!i) return false
    if (label.value >= (i.labels?.length ?? 0)) label.value = 0
    return true
  }

  async function exploreCurrentWeights(): Promise<boolean> {
    const id = runId.value
    if (!id) return false
    snapshotting.value = true
    try {
      const snap = await guard('Could not read the current weights', () =>
        studio.training.snapshot({ runId: id })
      )
      if (!snap || runId.value !== id) return false
      return await selectRun(id, { checkpoint: snap.checkpoint })
    } finally {
      snapshotting.value = false
    }
  }

  return {
    runs,
    runId,
    checkpoints,
    checkpoint,
    ema,
    label,
    info,
    modelRef,
    live,
    snapshotting,
    listRuns,
    selectRun,
    selectCheckpoint,
    loadInfo,
    exploreCurrentWeights
  }
}
