import { shallowRef, watch, type Ref } from 'vue'
import type { StepMetrics } from '../../../shared/domain'
import { EmaSmoother, type XY } from '../utils/series'

/** Metric keys the charts draw. */
export type MetricKey =
  'lossD' | 'lossG' | 'dReal' | 'dFake' | 'imagesPerSec' | 'gradG' | 'gradD' | 'fd' | 'coverage'
const KEYS: MetricKey[] = [
  'lossD',
  'lossG',
  'dReal',
  'dFake',
  'imagesPerSec',
  'gradG',
  'gradD',
  'fd',
  'coverage'
]
/** Scores computed every sampleEvery steps: drawn as they are, never smoothed. */
const RAW = new Set<MetricKey>(['fd', 'coverage'])

/** A record's value for a key; undefined where the record has none (no score, older runs). */
function valueOf(m: StepMetrics, k: MetricKey): number | undefined {
  switch (k) {
    case 'gradG':
      return m.gradNorm?.g
    case 'gradD':
      return m.gradNorm?.d
    case 'fd':
      return m.quality?.fd
    case 'coverage':
      return m.quality?.classCoverage
    default:
      return m[k]
  }
}

/** X axis: training step, or seconds since the first record. */
export type XMode = 'step' | 'time'

/** Smoothed chart points per metric, with a version that changes when they do. */
export interface MetricSeries {
  points: Record<MetricKey, XY[]>
  version: number
}

/**
 * Turns the growing metrics array into chart points incrementally: new records are appended
 * (with the EMA carried on), and only a rollback, a new run, an x-axis or a smoothing change
 * rebuilds everything. Keeps per-update work proportional to what arrived, not to the run's length.
 */
export function useMetricSeries(
  metrics: Ref<readonly StepMetrics[]>,
  version: Ref<number>,
  xMode: Ref<XMode>,
  smoothing: Ref<number>
): Ref<MetricSeries> {
  const empty = (): Record<MetricKey, XY[]> =>
    Object.fromEntries(KEYS.map((k) => [k, [] as XY[]])) as unknown as Record<MetricKey, XY[]>
  const out = shallowRef<MetricSeries>({ points: empty(), version: 0 })
  let built = 0
  let source: readonly StepMetrics[] | null = null
  let firstStep = Number.NaN
  let lastBuiltStep = Number.NaN
  let mode: XMode = xMode.value
  let weight = smoothing.value
  let ema = fresh(weight)
  let pts = empty()

  function fresh(w: number): Record<MetricKey, EmaSmoother> {
    return Object.fromEntries(KEYS.map((k) => [k, new EmaSmoother(w)])) as unknown as Record<
      MetricKey,
      EmaSmoother
    >
  }

  function update(): void {
    const ms = metrics.value
    const w = smoothing.value
    const first = ms[0]
    const rebuild =
      ms !== source ||
      ms.length < built ||
      xMode.value !== mode ||
      w !== weight ||
      (first !== undefined && first.step !== firstStep) ||
      (built > 0 && (ms[built - 1] as StepMetrics | undefined)?.step !== lastBuiltStep)
    if (rebuild) {
      source = ms
      built = 0
      mode = xMode.value
      weight = w
      ema = fresh(w)
      pts = empty()
      firstStep = first?.step ?? Number.NaN
    }
    const t0 = first?.time ?? 0
    for (let i = built; i < ms.length; i++) {
      const m = ms[i] as StepMetrics
      const x = mode === 'step' ? m.step : (m.time - t0) / 1000
      for (const k of KEYS) {
        const y = valueOf(m, k)
        if (y === undefined) continue
        // A score belongs to the step it was computed at (the record may come a little later),
        // and is drawn as it is: it is computed every sampleEvery steps, not every record.
        if (RAW.has(k)) pts[k].push({ x: mode === 'step' ? (m.quality?.step ?? m.step) : x, y })
        else pts[k].push({ x, y: ema[k].next(y) })
      }
    }
    built = ms.length
    lastBuiltStep = (ms[built - 1] as StepMetrics | undefined)?.step ?? Number.NaN
    out.value = { points: pts, version: out.value.version + 1 }
  }

  watch([metrics, version, xMode, smoothing], update, { immediate: true })
  return out
}
