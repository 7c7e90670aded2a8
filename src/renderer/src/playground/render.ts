/**
 * Draws a playground picture with canvas 2D: D's heatmap (a 48×48 image scaled up with
 * smoothing), the warped latent grid, real points, generated points and G's gradient arrows.
 * One path per layer keeps a 512-point picture to a handful of draw calls.
 */
import type { Picture } from './engine'
import { VIEW_EXTENT } from './targets'

export interface Layers {
  heatmap: boolean
  grid: boolean
  real: boolean
  fake: boolean
  arrows: boolean
}

export const COLORS = {
  real: '#1b9e77',
  fake: '#7b3294',
  arrow: '#3b2a4d',
  grid: 'rgba(60, 60, 80, 0.35)',
  background: '#ffffff',
  /** Heatmap ends: D says "fake" (0) and "real" (1). */
  low: [231, 212, 232] as const,
  high: [204, 235, 197] as const
}

/** Plane coordinates to canvas pixels for a square canvas of `size` pixels. */
export function toPixel(x: number, y: number, size: number): [number, number] {
  return [((x + VIEW_EXTENT) / (2 * VIEW_EXTENT)) * size, ((VIEW_EXTENT - y) / (2 * VIEW_EXTENT)) * size]
}

/** Canvas pixels to plane coordinates. */
export function toPlane(px: number, py: number, size: number): [number, number] {
  return [(px / size) * 2 * VIEW_EXTENT - VIEW_EXTENT, VIEW_EXTENT - (py / size) * 2 * VIEW_EXTENT]
}

/** RGBA pixels of the heatmap, for an ImageData of heatmapSize². */
export function heatmapPixels(p: Picture): Uint8ClampedArray<ArrayBuffer> {
  const n = p.heatmapSize * p.heatmapSize
  const px = new Uint8ClampedArray(4 * n)
  for (let i = 0; i < n; i++) {
    const t = p.heatmap[i]!
    px[4 * i] = COLORS.low[0] + (COLORS.high[0] - COLORS.low[0]) * t
    px[4 * i + 1] = COLORS.low[1] + (COLORS.high[1] - COLORS.low[1]) * t
    px[4 * i + 2] = COLORS.low[2] + (COLORS.high[2] - COLORS.low[2]) * t
    px[4 * i + 3] = 255
  }
  return px
}

export class PictureRenderer {
  private heat: HTMLCanvasElement | OffscreenCanvas | null = null

  /** Draws `p` (or only the drawn points, before the first picture) on a square canvas. */
  draw(
    ctx: CanvasRenderingContext2D,
    size: number,
    p: Picture | null,
    layers: Layers,
    drawn: readonly (readonly [number, number])[]
  ): void {
    ctx.save()
    ctx.fillStyle = COLORS.background
    ctx.fillRect(0, 0, size, size)
    if (p && layers.heatmap) this.drawHeatmap(ctx, size, p)
    if (p && layers.grid) this.drawGrid(ctx, size, p)
    if (p && layers.real) this.drawPoints(ctx, size, p.real, COLORS.real, 2.2)
    if (drawn.length && (!p || !layers.real)) {
      const pts = Float32Array.from(drawn.flatMap((d) => [d[0], d[1]]))
      this.drawPoints(ctx, size, pts, COLORS.real, 2.5)
    }
    if (p && layers.arrows) this.drawArrows(ctx, size, p)
    if (p && layers.fake) this.drawPoints(ctx, size, p.fake, COLORS.fake, 2.2)
    ctx.restore()
  }

  private drawHeatmap(ctx: CanvasRenderingContext2D, size: number, p: Picture): void {
    const H = p.heatmapSize
    if (!this.heat || this.heat.width !== H) {
      this.heat =
        typeof OffscreenCanvas !== 'undefined'
          ? new OffscreenCanvas(H, H)
          : Object.assign(document.createElement('canvas'), { width: H, height: H })
    }
    const hctx = this.heat.getContext('2d') as
      CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
    if (!hctx) return
    hctx.putImageData(new ImageData(heatmapPixels(p), H, H), 0, 0)
    ctx.imageSmoothingEnabled = true
    ctx.drawImage(this.heat, 0, 0, size, size)
  }

  private drawGrid(ctx: CanvasRenderingContext2D, size: number, p: Picture): void {
    ctx.strokeStyle = COLORS.grid
    ctx.lineWidth = 1
    ctx.beginPath()
    for (let l = 0; l < p.gridLines; l++) {
      for (let i = 0; i < p.gridPointsPerLine; i++) {
        const k = l * p.gridPointsPerLine + i
        const [x, y] = toPixel(p.grid[2 * k]!, p.grid[2 * k + 1]!, size)
        if (i === 0) ctx.moveTo(x, y)
        else ctx.lineTo(x, y)
      }
    }
    ctx.stroke()
  }

  private drawPoints(
    ctx: CanvasRenderingContext2D,
    size: number,
    pts: Float32Array,
    color: string,
    r: number
  ): void {
    ctx.fillStyle = color
    ctx.beginPath()
    for (let i = 0; i < pts.length / 2; i++) {
      const [x, y] = toPixel(pts[2 * i]!, pts[2 * i + 1]!, size)
      ctx.moveTo(x + r, y)
      ctx.arc(x, y, r, 0, 2 * Math.PI)
    }
    ctx.fill()
  }

  private drawArrows(ctx: CanvasRenderingContext2D, size: number, p: Picture): void {
    // One scale for the whole picture: the longest arrow is 28 px, so relative sizes stay readable.
    let max = 0
    for (let i = 0; i < p.arrows.length / 2; i++)
      max = Math.max(max, Math.hypot(p.arrows[2 * i]!, p.arrows[2 * i + 1]!))
    if (!(max > 0) || !Number.isFinite(max)) return
    const scale = 28 / max
    ctx.strokeStyle = COLORS.arrow
    ctx.globalAlpha = 0.55
    ctx.lineWidth = 1
    ctx.beginPath()
    for (let i = 0; i < p.fake.length / 2; i++) {
      const [x, y] = toPixel(p.fake[2 * i]!, p.fake[2 * i + 1]!, size)
      const dx = p.arrows[2 * i]! * scale
      const dy = -p.arrows[2 * i + 1]! * scale
      ctx.moveTo(x, y)
      ctx.lineTo(x + dx, y + dy)
    }
    ctx.stroke()
    ctx.globalAlpha = 1
  }
}
