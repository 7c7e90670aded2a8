import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef } from 'vue'
import { studio } from '../api'
import type {
  RequestInput,
  RunEventMessage,
  SampleRef,
  TrainingProgress,
  TrainingSample,
  TrainingStatus
} from '../api'
import type { Hyperparams, LiveHyperparams } from '../../../shared/hyperparams'
import type { RunEvent, RunRecord, RunStatus, StepMetrics } from '../../../shared/domain'
import { liveChangeOf } from '../../../shared/live-change'
import { useNotifyStore } from './notify'

/** The Train view's run state: a run status, or `idle` when no run is open. */
export type TrainState = RunStatus | 'idle'

/** Plain words for the live region and the status bar. */
export function describeState(state: TrainState, step: number, totalSteps: number, message?: string): string {
  const of = totalSteps > 0 ? ` of ${totalSteps}` : ''
  switch (state) {
    case 'idle':
      return 'Idle: no run yet. Choose settings and press Start training.'
    case 'running':
      return `Running: step ${step}${of}`
    case 'paused':
      return `Paused at step ${step}${of}${message ? `: ${message}` : ''}`
    case 'stopped':
      return `Stopped at step ${step}${of}${message ? `: ${message}` : ''}`
    case 'finished':
      return `Finished at step ${step}${of}`
    case 'crashed':
      return `Crashed at step ${step}${of}${message ? `: ${message}` : ''}`
  }
}

/** Appends metrics in step order; a step at or before the last one starts a new timeline there. */
export function appendMetrics(into: StepMetrics[], incoming: readonly StepMetrics[]): void {
  for (const m of incoming) {
    const last = into[into.length - 1]
    if (last && m.step <= last.step) {
      // A resume from an earlier checkpoint re-logs steps; the chart follows the new timeline.
      let cut = into.length
      while (cut > 0 && (into[cut - 1] as StepMetrics).step >= m.step) cut--
      into.length = cut
    }
    into.push(m)
  }
}

/**
 * The run the Train view shows: its record, every logged metric, its event log and sample grids,
 * kept current from the service's events. `metrics` is one raw array that only grows (no Vue
 * proxy over 100,000 objects); `metricsVersion` tells the charts to redraw.
 */
export const useTrainingStore = defineStore('training', () => {
  const notify = useNotifyStore()
  const runId = ref<string | null>(null)
  const record = ref<RunRecord | null>(null)
  const state = ref<TrainState>('idle')
  const step = ref(0)
  const totalSteps = ref(0)
  const message = ref<string | undefined>(undefined)
  const etaSeconds = ref<number | null>(null)
  const imagesPerSec = ref<number | null>(null)
  const metrics = shallowRef<StepMetrics[]>(markRaw([]))
  const metricsVersion = ref(0)
  const events = ref<RunEvent[]>([])
  const samples = ref<SampleRef[]>([])
  const busy = ref<null | 'start' | 'pause' | 'resume' | 'stop' | 'update' | 'open'>(null)
  let subscriptions: Array<() => void> = []
  /** Progress that arrived while a run was being loaded from disk; merged after the load. */
  let pending: TrainingProgress[] | null = null
  /**
   * Events of runs that are not open, kept while a `training:start` is in flight: the service
   * may announce the new run (status, first progress) before the start request's reply arrives.
   */
  let early: Array<{ runId: string; apply: () => void }> | null = null

  const description = computed(() => describeState(state.value, step.value, totalSteps.value, message.value))
  const active = computed(() => state.value === 'running' || state.value === 'paused')

  function applyProgress(p: TrainingProgress): void {
    appendMetrics(metrics.value, p.metrics)
    metricsVersion.value++
    totalSteps.value = p.totalSteps
    etaSeconds.value = p.etaSeconds
    const last = p.metrics[p.metrics.length - 1]
    if (last) {
      step.value = Math.max(last.step, step.value)
      imagesPerSec.value = last.imagesPerSec
    }
    // Progress only comes from a live, training process.
    if (state.value !== 'running' && state.value !== 'paused') state.value = 'running'
  }

  function applyStatus(s: TrainingStatus): void {
    state.value = s.status
    step.value = s.step
    message.value = s.message
    if (s.status !== 'running') etaSeconds.value = null
    if (record.value) record.value = { ...record.value, status: s.status, step: s.step }
    if (s.status === 'crashed')
      notify.push('error', 'Training crashed', s.message ?? `The run crashed at step ${s.step}.`)
  }

  function applySample(s: TrainingSample): void {
    if (!samples.value.some((x) => x.step === s.step))
      samples.value = [...samples.value, { step: s.step, path: s.path }]
  }

  function applyRunEvent(e: RunEventMessage): void {
    events.value = [...events.value, e.event]
    // A live change, the user's or the NaN guard's halved learning rates: the run now uses these.
    const live = liveChangeOf(e.event)
    if (live && record.value) record.value = { ...record.value, config: { ...record.value.config, ...live } }
    if (e.event.kind === 'warning' || e.event.kind === 'error') {
      notify.push(
        e.event.kind === 'error' ? 'error' : 'warning',
        `Run ${e.runId}`,
        e.event.message ?? e.event.kind
      )
    }
  }

  function subscribe(): void {
    if (subscriptions.length) return
    subscriptions = [
      studio.on.progress((p) => {
        if (p.runId !== runId.value)
          return void early?.push({ runId: p.runId, apply: () => applyProgress(p) })
        if (pending) pending.push(p)
        else applyProgress(p)
      }),
      studio.on.status((s) => {
        if (s.runId !== runId.value) return void early?.push({ runId: s.runId, apply: () => applyStatus(s) })
        applyStatus(s)
      }),
      studio.on.sample((s) => {
        if (s.runId !== runId.value) return void early?.push({ runId: s.runId, apply: () => applySample(s) })
        applySample(s)
      }),
      studio.on.runEvent((e) => {
        if (e.runId !== runId.value)
          return void early?.push({ runId: e.runId, apply: () => applyRunEvent(e) })
        applyRunEvent(e)
      })
    ]
  }

  function reset(): void {
    runId.value = null
    record.value = null
    state.value = 'idle'
    step.value = 0
    totalSteps.value = 0
    message.value = undefined
    etaSeconds.value = null
    imagesPerSec.value = null
    metrics.value = markRaw([])
    metricsVersion.value++
    events.value = []
    samples.value = []
  }

  /** Shows a run: rebuilds chart, events and samples from disk and follows it live. */
  async function open(id: string): Promise<boolean> {
    subscribe()
    reset()
    runId.value = id
    pending = []
    busy.value = 'open'
    try {
      const [detail, ms, evs] = await Promise.all([
        studio.runs.get({ runId: id }),
        studio.runs.metrics({ runId: id }),
        studio.runs.events({ runId: id })
      ])
      if (runId.value !== id) return false
      record.value = detail.record
      state.value = detail.record.status
      step.value = detail.record.step
      totalSteps.value = detail.record.config.steps
      message.value = detail.record.message
      samples.value = detail.samples
      events.value = evs
      const all = markRaw([] as StepMetrics[])
      appendMetrics(all, ms)
      metrics.value = all
      const last = all[all.length - 1]
      if (last) imagesPerSec.value = last.imagesPerSec
      const queued = pending
      pending = null
      for (const p of queued) applyProgress(p)
      metricsVersion.value++
      return true
    } catch (err) {
      pending = null
      notify.error(`Could not open run ${id}`, err)
      reset()
      return false
    } finally {
      busy.value = null
    }
  }

  /** Picks the run to show after a reload or restart: a live one first, else the newest. */
  async function restore(): Promise<void> {
    try {
      const runs = await studio.runs.list()
      const pick =
        runs.find((r) => r.live) ??
        runs.find((r) => r.status === 'running' || r.status === 'paused') ??
        runs[0]
      if (pick) await open(pick.id)
    } catch (err) {
      notify.error('Could not list runs', err)
    }
  }

  async function start(config: Hyperparams, name?: string): Promise<RunRecord | null> {
    subscribe()
    busy.value = 'start'
    early = []
    try {
      const payload: RequestInput<'training:start'> = { config }
      if (name) payload.name = name
      const rec = await studio.training.start(payload)
      reset()
      runId.value = rec.id
      record.value = rec
      // The record is written before the first step (status `paused`); the run is starting.
      state.value = 'running'
      step.value = rec.step
      totalSteps.value = rec.config.steps
      for (const e of early.splice(0)) if (e.runId === rec.id) e.apply()
      return rec
    } catch (err) {
      notify.error('Could not start training', err)
      return null
    } finally {
      early = null
      busy.value = null
    }
  }

  async function control(kind: 'pause' | 'resume' | 'stop'): Promise<void> {
    const id = runId.value
    if (!id) return
    busy.value = kind
    try {
      if (kind === 'pause') await studio.training.pause({ runId: id })
      else if (kind === 'resume') {
        // A finished run has no steps left; `steps` is the new total, so train as many again.
        const more =
          state.value === 'finished'
            ? { steps: step.value + Math.max(record.value?.config.steps ?? 0, 1) }
            : {}
        await studio.training.resume({ runId: id, ...more })
        if (state.value !== 'running') state.value = 'running'
      } else await studio.training.stop({ runId: id })
    } catch (err) {
      notify.error(`Could not ${kind} the run`, err)
    } finally {
      busy.value = null
    }
  }

  /** Changes live hyperparameters; the service records the change as an event. */
  async function updateLive(live: LiveHyperparams): Promise<boolean> {
    const id = runId.value
    if (!id || Object.keys(live).length === 0) return false
    busy.value = 'update'
    try {
      await studio.training.update({ runId: id, live })
      if (record.value) record.value = { ...record.value, config: { ...record.value.config, ...live } }
      notify.push(
        'success',
        'Hyperparameters changed',
        `Applied from the next step on: ${Object.keys(live).join(', ')}.`
      )
      return true
    } catch (err) {
      notify.error('Could not change hyperparameters', err)
      return false
    } finally {
      busy.value = null
    }
  }

  /** URL of a sample grid (or any data-dir file) for `<img src>`. */
  function fileUrl(path: string): string {
    return studio.fileUrl(path)
  }

  function dispose(): void {
    for (const u of subscriptions) u()
    subscriptions = []
  }

  return {
    runId,
    record,
    state,
    step,
    totalSteps,
    message,
    etaSeconds,
    imagesPerSec,
    metrics,
    metricsVersion,
    events,
    samples,
    busy,
    description,
    active,
    open,
    restore,
    start,
    pause: (): Promise<void> => control('pause'),
    resume: (): Promise<void> => control('resume'),
    stop: (): Promise<void> => control('stop'),
    updateLive,
    fileUrl,
    reset,
    dispose
  }
})
