import type { Chart, Plugin } from 'chart.js'

/** A vertical marker: pause, resume, a hyperparameter change, a warning... */
export interface ChartMarker {
  x: number
  label: string
  color: string
}

/** Options of the marker plugin (`options.plugins.studioMarkers`). */
export interface MarkerPluginOptions {
  items: ChartMarker[]
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends import('chart.js').ChartType> {
    studioMarkers?: MarkerPluginOptions & { _type?: TType }
  }
}

/** How near (px) the pointer must be to a marker line to show its label. */
const HOVER_PX = 5

interface MarkerState {
  hovered: ChartMarker[]
  pointerX: number
  pointerY: number
}

const state = new WeakMap<Chart, MarkerState>()

/**
 * Draws dashed vertical lines for run events and, when the pointer is on one, a small tooltip
 * naming them. Chart.js tooltips belong to data points, so markers get their own.
 */
export const markerPlugin: Plugin<'line', MarkerPluginOptions> = {
  id: 'studioMarkers',
  defaults: { items: [] },
  afterEvent(chart, args, options) {
    const e = args.event
    const s = state.get(chart) ?? { hovered: [], pointerX: 0, pointerY: 0 }
    const before = s.hovered.length
    if (e.type === 'mouseout' || e.x === null || e.y === null) s.hovered = []
    else {
      const xs = chart.scales.x
      s.pointerX = e.x
      s.pointerY = e.y
      s.hovered = xs
        ? (options.items ?? []).filter(
            (m) => Math.abs(xs.getPixelForValue(m.x) - (e.x as number)) <= HOVER_PX
          )
        : []
    }
    state.set(chart, s)
    if (before !== 0 || s.hovered.length !== 0) args.changed = true
  },
  afterDatasetsDraw(chart, _args, options) {
    const xs = chart.scales.x
    const area = chart.chartArea
    if (!xs || !area) return
    const ctx = chart.ctx
    ctx.save()
    ctx.lineWidth = 1
    ctx.setLineDash([4, 3])
    for (const m of options.items ?? []) {
      const px = xs.getPixelForValue(m.x)
      if (px < area.left || px > area.right) continue
      ctx.strokeStyle = m.color
      ctx.beginPath()
      ctx.moveTo(px, area.top)
      ctx.lineTo(px, area.bottom)
      ctx.stroke()
      // A small flag at the top so a marker is visible even where it overlaps a line.
      ctx.fillStyle = m.color
      ctx.fillRect(px - 2, area.top, 4, 6)
    }
    ctx.setLineDash([])
    const s = state.get(chart)
    if (s && s.hovered.length) {
      const lines = s.hovered.map((m) => m.label)
      ctx.font = '12px system-ui, sans-serif'
      const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 12
      const h = lines.length * 16 + 8
      let x = s.pointerX + 10
      if (x + w > area.right) x = s.pointerX - w - 10
      const y = Math.max(area.top, Math.min(s.pointerY - h / 2, area.bottom - h))
      ctx.fillStyle = 'rgba(20, 20, 24, 0.92)'
      ctx.fillRect(x, y, w, h)
      ctx.fillStyle = '#fff'
      ctx.textBaseline = 'top'
      lines.forEach((l, i) => ctx.fillText(l, x + 6, y + 5 + i * 16))
    }
    ctx.restore()
  }
}
