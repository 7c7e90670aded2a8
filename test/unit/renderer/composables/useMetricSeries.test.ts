// @vitest-environment happy-dom
import { describe, expect, test, vi } from 'vitest'
import { nextTick, ref, shallowRef } from 'vue'
// The store module imports the api; this test needs only its pure helper.
vi.mock('../../../../src/renderer/src/api', () => ({ studio: {} }))

import { useMetricSeries, type XMode } from '../../../../src/renderer/src/composables/useMetricSeries'
import { appendMetrics } from '../../../../src/renderer/src/stores/training'
import { emaSmooth } from '../../../../src/renderer/src/utils/series'
import type { StepMetrics } from '../../../../src/shared/domain'
import { metric } from '../helpers/fixtures'

function setup(): {
  metrics: ReturnType<typeof shallowRef<StepMetrics[]>>
  version: { value: number }
  xMode: ReturnType<typeof ref<XMode>>
  smoothing: ReturnType<typeof ref<number>>
  series: ReturnType<typeof useMetricSeries>
} {
  const metrics = shallowRef<StepMetrics[]>([])
  const version = ref(0)
  const xMode = ref<XMode>('step')
  const smoothing = ref(0.5)
  const series = useMetricSeries(metrics, version, xMode, smoothing)
  return { metrics, version, xMode, smoothing, series }
}

describe('useMetricSeries', () => {
  test('appending batches gives the same points as smoothing everything at once (100,000 records)', async () => {
    const s = setup()
    const all: StepMetrics[] = []
    s.metrics.value = all
    for (let start = 0; start < 100_000; start += 2_500) {
      appendMetrics(
        all,
        Array.from({ length: 2_500 }, (_, i) => metric(start + i, { lossG: Math.sin((start + i) / 50) }))
      )
      s.version.value++
      await nextTick()
    }
    const got = s.series.value.points.lossG
    expect(got).toHaveLength(100_000)
    const want = emaSmooth(
      all.map((m) => ({ x: m.step, y: m.lossG })),
      0.5
    )
    for (const i of [0, 1, 999, 50_000, 99_999]) {
      expect(got[i]?.x).toBe(want[i]?.x)
      expect(got[i]?.y).toBeCloseTo(want[i]?.y ?? Number.NaN, 9)
    }
  })

  test('a rollback, a new x axis or new smoothing rebuilds', async () => {
    const s = setup()
    const all = [metric(0), metric(10), metric(20)]
    s.metrics.value = all
    await nextTick()
    appendMetrics(all, [metric(10, { lossD: 5 })])
    s.version.value++
    await nextTick()
    expect(s.series.value.points.lossD.map((p) => p.x)).toEqual([0, 10])
    s.xMode.value = 'time'
    await nextTick()
    expect(s.series.value.points.lossD.map((p) => p.x)).toEqual([0, 0.5])
    s.smoothing.value = 0
    await nextTick()
    expect(s.series.value.points.lossD[1]?.y).toBe(5)
  })
})
