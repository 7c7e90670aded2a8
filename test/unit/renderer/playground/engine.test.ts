/** The 2-D GAN engine: gradients against finite differences, determinism, live edits replayed. */
import { describe, expect, test } from 'vitest'
import { DEFAULT_CONFIG, type PlaygroundConfig } from '../../../../src/renderer/src/playground/config'
import { DISPLAY_POINTS, GanPlayground, HEATMAP_SIZE } from '../../../../src/renderer/src/playground/engine'
import type { LossKind } from '../../../../src/renderer/src/playground/losses'

const SMALL: PlaygroundConfig = {
  ...DEFAULT_CONFIG,
  generator: { depth: 1, width: 8 },
  discriminator: { depth: 2, width: 8 },
  batchSize: 16
}

/** Central difference of `f` in params[i]. */
function fd(params: Float32Array, i: number, f: () => number, h = 1e-3): number {
  const keep = params[i]!
  params[i] = keep + h
  const up = f()
  params[i] = keep - h
  const down = f()
  params[i] = keep
  return (up - down) / (2 * h)
}

/**
 * Expects an analytic derivative to match a central difference. A leaky-ReLU kink inside the
 * difference interval spoils it, so a second, smaller interval gets a chance (float32 forbids
 * making the interval tiny).
 */
function expectDerivative(got: number, params: Float32Array, i: number, f: () => number): void {
  const ok = (want: number): boolean => Math.abs(got - want) <= 5e-3 + 0.02 * Math.abs(want)
  const coarse = fd(params, i, f, 1e-3)
  if (ok(coarse)) return
  const fine = fd(params, i, f, 2.5e-4)
  expect(got, `parameter ${i}: finite differences ${coarse} (h=1e-3), ${fine} (h=2.5e-4)`).toBeCloseTo(
    fine,
    2
  )
}

describe('GanPlayground gradients', () => {
  test.each(['ns', 'hinge', 'lsgan', 'wgan-gp', 'r1'] as LossKind[])(
    "%s: D's and G's gradients match finite differences",
    (loss) => {
      const e = new GanPlayground({ ...SMALL, loss, penalty: 2 })
      for (let i = 0; i < 5; i++) e.trainStep()
      e.drawBatch()
      e.gradD()
      const gD = e.D.grad.slice()
      let big = 0
      for (let i = 0; i < e.D.params.length; i++) {
        expectDerivative(gD[i]!, e.D.params, i, () => e.gradD())
        if (Math.abs(gD[i]!) > 1e-3) big++
      }
      expect(big).toBeGreaterThan(10)
      e.gradG()
      const gG = e.G.grad.slice()
      for (let i = 0; i < e.G.params.length; i++) expectDerivative(gG[i]!, e.G.params, i, () => e.gradG())
    }
  )
})

describe('GanPlayground determinism', () => {
  test('same seed, same numbers; another seed, other numbers; pictures change nothing', () => {
    const a = new GanPlayground(SMALL)
    const b = new GanPlayground(SMALL)
    const c = new GanPlayground({ ...SMALL, seed: 2 })
    for (let i = 0; i < 25; i++) {
      a.trainStep()
      b.trainStep()
      c.trainStep()
      // Looking at b must not change its run.
      if (i % 3 === 0) b.picture()
    }
    expect(Array.from(b.G.params)).toEqual(Array.from(a.G.params))
    expect(Array.from(b.D.params)).toEqual(Array.from(a.D.params))
    expect(b.last).toEqual(a.last)
    expect(Array.from(c.G.params)).not.toEqual(Array.from(a.G.params))
  })

  test('every optimizer and both update orders train to finite numbers', () => {
    for (const kind of ['adam', 'rmsprop', 'sgdm', 'optimistic-adam', 'extragradient'] as const)
      for (const updates of ['simultaneous', 'alternating'] as const) {
        const e = new GanPlayground({
          ...SMALL,
          updates,
          dSteps: 2,
          optG: { kind, lr: 0.002 },
          optD: { kind, lr: 0.002 }
        })
        const before = e.G.params.slice()
        for (let i = 0; i < 5; i++) e.trainStep()
        expect(e.diverged, `${kind} ${updates}`).toBe(false)
        expect(e.step).toBe(5)
        expect(Array.from(e.G.params)).not.toEqual(Array.from(before))
      }
  })

  test('a live change is recorded with its step and replayed by a new run', () => {
    const a = new GanPlayground(SMALL)
    for (let i = 0; i < 10; i++) a.trainStep()
    a.change({ setting: 'lrG', value: 0.01 })
    a.change({ setting: 'updates', value: 'alternating' })
    for (let i = 0; i < 10; i++) a.trainStep()
    expect(a.edits).toEqual([
      { step: 10, change: { setting: 'lrG', value: 0.01 } },
      { step: 10, change: { setting: 'updates', value: 'alternating' } }
    ])
    expect(a.initial.optG.lr).toBe(SMALL.optG.lr)
    expect(a.config.optG.lr).toBe(0.01)

    const b = new GanPlayground(a.initial, a.edits)
    for (let i = 0; i < 20; i++) b.trainStep()
    expect(Array.from(b.G.params)).toEqual(Array.from(a.G.params))
    // Without the edits the run differs.
    const c = new GanPlayground(a.initial)
    for (let i = 0; i < 20; i++) c.trainStep()
    expect(Array.from(c.G.params)).not.toEqual(Array.from(a.G.params))
  })

  test('a run that blows up stops as diverged instead of drawing NaNs', () => {
    const e = new GanPlayground({ ...SMALL, optG: { kind: 'sgdm', lr: 1 }, optD: { kind: 'sgdm', lr: 1 } })
    for (let i = 0; i < 300 && !e.diverged; i++) e.trainStep()
    expect(e.diverged).toBe(true)
    const at = e.step
    e.trainStep()
    expect(e.step).toBe(at)
  })
})

describe('GanPlayground picture', () => {
  test('has every layer at the documented sizes', () => {
    const e = new GanPlayground(SMALL)
    e.trainStep()
    const p = e.picture()
    expect(p.step).toBe(1)
    expect(p.real).toHaveLength(2 * DISPLAY_POINTS)
    expect(p.fake).toHaveLength(2 * DISPLAY_POINTS)
    expect(p.arrows).toHaveLength(2 * DISPLAY_POINTS)
    expect(p.heatmap).toHaveLength(HEATMAP_SIZE * HEATMAP_SIZE)
    expect(Math.min(...p.heatmap)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...p.heatmap)).toBeLessThanOrEqual(1)
    expect(p.gridLines * p.gridPointsPerLine * 2).toBe(p.grid.length)
    expect(p.gridLines).toBe(18)
    expect(p.coverage.modes).toBe(8)
    const line = new GanPlayground({ ...SMALL, latentDim: 1 }).picture()
    expect(line.gridLines).toBe(1)
  })

  test('the arrows point where G moves the points: a small step along them lowers G loss', () => {
    const e = new GanPlayground(SMALL)
    for (let i = 0; i < 20; i++) e.trainStep()
    const p = e.picture()
    // Per-point G loss (ns): softplus(−D(x)); moving x by +ε·arrow must lower the mean.
    const lossAt = (pts: Float32Array): number => {
      const out = e.D.forward(pts, DISPLAY_POINTS)
      let s = 0
      for (const o of out) s += Math.log1p(Math.exp(-o))
      return s / DISPLAY_POINTS
    }
    const moved = p.fake.map((v, i) => v + 1e-3 * p.arrows[i]!)
    expect(lossAt(moved)).toBeLessThan(lossAt(p.fake))
  })
})
