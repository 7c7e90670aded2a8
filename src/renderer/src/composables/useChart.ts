import { markRaw, onScopeDispose, shallowRef, type Ref, watch } from 'vue'
import {
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration
} from 'chart.js'
import zoomPlugin from 'chartjs-plugin-zoom'
import { markerPlugin } from '../utils/chart-markers'

let registered = false
function register(): void {
  if (registered) return
  Chart.register(
    LineController,
    LineElement,
    PointElement,
    LinearScale,
    Tooltip,
    Legend,
    zoomPlugin,
    markerPlugin
  )
  registered = true
}

/**
 * Creates a Chart.js chart on a canvas once it is mounted and destroys it with the component's
 * scope. The instance is `markRaw`: Vue must not proxy Chart.js internals.
 */
export function useChart(
  canvas: Ref<HTMLCanvasElement | null>,
  config: () => ChartConfiguration<'line'>
): Ref<Chart<'line'> | null> {
  register()
  const chart = shallowRef<Chart<'line'> | null>(null)
  const stop = watch(
    canvas,
    (el) => {
      chart.value?.destroy()
      chart.value = null
      if (!el) return
      // happy-dom and other canvas-less environments have no 2D context: no chart, no crash.
      if (!el.getContext?.('2d')) return
      chart.value = markRaw(new Chart(el, config()))
    },
    { immediate: true, flush: 'post' }
  )
  onScopeDispose(() => {
    stop()
    chart.value?.destroy()
    chart.value = null
  })
  return chart
}
