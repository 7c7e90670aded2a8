/**
 * Exploding and vanishing gradients: each raises exactly its one warning, once per episode, at
 * the thresholds of docs/TRAINING-HEALTH.md; healthy norms (and records without norms) raise none.
 */
import { describe, expect, it } from 'vitest'
import { HEALTH_THRESHOLDS, HealthCoach, type MetricPoint } from '../../../../../src/main/engine/health'

function trace(n: number, grad: (i: number) => { g: number; d: number }): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    step: (i + 1) * 10,
    lossD: 1.2 + 0.05 * Math.sin(i * 1.7),
    lossG: 0.9 + 0.05 * Math.cos(i * 1.3),
    dReal: 0.55,
    dFake: 0.45,
    gradG: grad(i).g,
    gradD: grad(i).d
  }))
}

function codes(points: MetricPoint[]): string[] {
  const coach = new HealthCoach('ns')
  return points.flatMap((p) => coach.onMetrics(p)).map((f) => f.code)
}

describe('gradient health', () => {
  const wobble = (i: number): number => 1 + 0.3 * Math.sin(i * 2.1)

  it('healthy norms raise nothing', () => {
    expect(codes(trace(60, (i) => ({ g: 0.8 * wobble(i), d: 2 * wobble(i + 1) })))).toEqual([])
  })

  it('a tenfold jump of D’s norm over the last records raises exploding-gradients once', () => {
    const n = 40
    const jump = (i: number): number => (i >= 30 ? 40 : 2 * wobble(i))
    const found = codes(trace(n, (i) => ({ g: 0.8, d: jump(i) })))
    expect(found).toEqual(['exploding-gradients'])
  })

  it('just under the ratio raises nothing', () => {
    const ratio = HEALTH_THRESHOLDS.explodeRatio
    const found = codes(trace(40, (i) => ({ g: 0.8, d: i >= 30 ? 2 * ratio * 0.9 : 2 })))
    expect(found).toEqual([])
  })

  it('a generator norm below the limit for a whole window raises vanishing-gradients once', () => {
    const found = codes(trace(60, (i) => ({ g: i >= 10 ? 1e-6 : 0.5, d: 1 })))
    expect(found).toEqual(['vanishing-gradients'])
  })

  it('records without norms (older runs) raise nothing', () => {
    const points = trace(40, () => ({ g: 1e-9, d: 1e-9 })).map(({ gradG: _g, gradD: _d, ...p }) => p)
    expect(codes(points)).toEqual([])
  })
})
