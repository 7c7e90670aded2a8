/**
 * The Playground view's state: one Web Worker that trains, the latest picture, the chart series
 * and the run's settings. The worker is created with the view and terminated with it.
 */
import { inject, onScopeDispose, ref, shallowRef, type InjectionKey, type Ref, type ShallowRef } from 'vue'
import { DEFAULT_CONFIG, plainCopy, type LiveChange, type LiveEdit, type PlaygroundConfig } from './config'
import type { Picture } from './engine'
import type { FromWorker, ScenarioResult, ToWorker } from './protocol'
import type { XY } from '../utils/series'

/** What the composable needs of a Worker (tests pass a stand-in). */
export interface WorkerLike {
  postMessage(msg: ToWorker): void
  terminate(): void
  onmessage: ((ev: MessageEvent<FromWorker>) => void) | null
  onerror: ((ev: ErrorEvent) => void) | null
}

export function createPlaygroundWorker(): WorkerLike {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }) as WorkerLike
}

/** Provide a factory under this key to give the view a stand-in worker (component tests). */
export const PLAYGROUND_WORKER: InjectionKey<() => WorkerLike> = Symbol('playground worker')

/** Chart points kept per line; beyond this every other point is dropped (the chart thins anyway). */
const MAX_POINTS = 20_000
const CHART_MS = 500

export interface MetricSeries {
  lossD: XY[]
  lossG: XY[]
  gradNormD: XY[]
  gradNormG: XY[]
}

export interface Playground {
  /** The settings in force (live edits included). */
  config: Ref<PlaygroundConfig>
  /** The settings the run started from, and its live edits: what "Save run" writes. */
  initial: Ref<PlaygroundConfig>
  edits: Ref<LiveEdit[]>
  picture: ShallowRef<Picture | null>
  step: Ref<number>
  playing: Ref<boolean>
  diverged: Ref<boolean>
  stepsPerSecond: Ref<number>
  series: MetricSeries
  /** Bumped when points were appended to `series`. */
  seriesVersion: Ref<number>
  error: Ref<string | null>
  scenarioRunning: Ref<string | null>
  scenarioResult: Ref<ScenarioResult | null>
  reset(config: PlaygroundConfig, edits?: LiveEdit[]): void
  play(): void
  pause(): void
  stepOnce(): void
  setSpeed(stepsPerFrame: number): void
  change(c: LiveChange): void
  runScenario(id: string): void
}

function thin(a: XY[]): void {
  if (a.length <= MAX_POINTS) return
  let j = 0
  for (let i = 0; i < a.length; i += 2) a[j++] = a[i]!
  a.length = j
}

export function usePlayground(
  create: () => WorkerLike = inject(PLAYGROUND_WORKER, createPlaygroundWorker, false)
): Playground {
  const config = ref<PlaygroundConfig>(structuredClone(DEFAULT_CONFIG))
  const initial = ref<PlaygroundConfig>(structuredClone(DEFAULT_CONFIG))
  const edits = ref<LiveEdit[]>([])
  const picture = shallowRef<Picture | null>(null)
  const step = ref(0)
  const playing = ref(false)
  const diverged = ref(false)
  const stepsPerSecond = ref(0)
  const series: MetricSeries = { lossD: [], lossG: [], gradNormD: [], gradNormG: [] }
  const seriesVersion = ref(0)
  const error = ref<string | null>(null)
  const scenarioRunning = ref<string | null>(null)
  const scenarioResult = ref<ScenarioResult | null>(null)

  // Chart.js redraws cost main-thread time: the charts follow twice a second while playing
  // (the picture keeps its own pace), and at once when training stops.
  let seriesTimer: ReturnType<typeof setTimeout> | null = null
  function bumpSeries(now: boolean): void {
    if (now) {
      if (seriesTimer) clearTimeout(seriesTimer)
      seriesTimer = null
      seriesVersion.value++
      return
    }
    seriesTimer ??= setTimeout(() => {
      seriesTimer = null
      seriesVersion.value++
    }, CHART_MS)
  }

  const worker = create()
  const send = (msg: ToWorker): void => worker.postMessage(msg)

  worker.onmessage = (ev): void => {
    const msg = ev.data
    switch (msg.type) {
      case 'state':
        config.value = msg.config
        initial.value = msg.initial
        edits.value = msg.edits
        return
      case 'frame': {
        picture.value = msg.picture
        step.value = msg.picture.step
        playing.value = msg.playing
        diverged.value = msg.diverged
        stepsPerSecond.value = msg.stepsPerSecond
        if (msg.metrics.length) {
          for (const m of msg.metrics) {
            series.lossD.push({ x: m.step, y: m.lossD })
            series.lossG.push({ x: m.step, y: m.lossG })
            series.gradNormD.push({ x: m.step, y: m.gradNormD })
            series.gradNormG.push({ x: m.step, y: m.gradNormG })
          }
          for (const a of Object.values(series)) thin(a)
          bumpSeries(!msg.playing)
        }
        if (!msg.playing) scenarioRunning.value = null
        return
      }
      case 'scenario-done':
        scenarioResult.value = msg.result
        scenarioRunning.value = null
        return
      case 'error':
        error.value = msg.message
        scenarioRunning.value = null
        return
    }
  }
  worker.onerror = (ev): void => {
    error.value = `The playground's worker failed: ${ev.message || 'unknown error'}. Reload the view to start it again.`
  }
  onScopeDispose(() => {
    worker.terminate()
    if (seriesTimer) clearTimeout(seriesTimer)
  })

  function clearSeries(): void {
    for (const a of Object.values(series)) a.length = 0
    bumpSeries(true)
  }

  return {
    config,
    initial,
    edits,
    picture,
    step,
    playing,
    diverged,
    stepsPerSecond,
    series,
    seriesVersion,
    error,
    scenarioRunning,
    scenarioResult,
    reset(c, e = []) {
      error.value = null
      scenarioResult.value = null
      clearSeries()
      // Plain data: a Vue proxy cannot be structured-cloned into the worker.
      send({ type: 'reset', config: plainCopy(c), edits: plainCopy(e) })
    },
    play() {
      error.value = null
      playing.value = true
      send({ type: 'play' })
    },
    pause() {
      playing.value = false
      send({ type: 'pause' })
    },
    stepOnce() {
      send({ type: 'step' })
    },
    setSpeed(n) {
      send({ type: 'speed', stepsPerFrame: n })
    },
    change(c) {
      send({ type: 'change', change: { ...c } as LiveChange })
    },
    runScenario(id) {
      error.value = null
      scenarioResult.value = null
      scenarioRunning.value = id
      clearSeries()
      playing.value = true
      send({ type: 'scenario', id })
    }
  }
}
