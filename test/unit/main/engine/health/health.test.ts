/**
 * The health coach on scripted metric traces: each trouble raises exactly its warning, once per
 * episode; a healthy trace, and a real healthy run's metrics (a 600-step dcgan MNIST run, width
 * 0.5, batch 32, wasm, logEvery 5, kept in fixtures/), raise none.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  HealthCoach,
  gridStatistics,
  type HealthFinding,
  type MetricPoint,
  type SamplePoint
} from '../../../../../src/main/engine/health'
import type { LossKind } from '../../../../../src/shared/hyperparams'

/** Deterministic noise in [-1, 1]. */
function noise(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0
    return (a / 4294967296) * 2 - 1
  }
}

function run(points: MetricPoint[], samples: SamplePoint[] = [], loss: LossKind = 'ns'): string[] {
  const coach = new HealthCoach(loss)
  const found: HealthFinding[] = []
  // Interleave as the session does: samples at their steps, metrics at theirs.
  const events = [
    ...points.map((p) => ({ step: p.step, p })),
    ...samples.map((s) => ({ step: s.step, s }))
  ].sort((x, y) => x.step - y.step)
  for (const e of events) {
    if ('p' in e) found.push(...coach.onMetrics(e.p))
    else found.push(...coach.onSampleStats(e.s))
  }
  for (const f of found) {
    expect(f.message.length).toBeGreaterThan(20)
    expect(f.suggestion.length).toBeGreaterThan(20)
  }
  return found.map((f) => f.code)
}

function healthy(n: number, seed = 1): MetricPoint[] {
  const r = noise(seed)
  return Array.from({ length: n }, (_, i) => ({
    step: (i + 1) * 10,
    lossD: 1.2 + 0.08 * r(),
    lossG: 0.95 + 0.08 * r(),
    dReal: 0.58 + 0.03 * r(),
    dFake: 0.44 + 0.03 * r()
  }))
}

function healthySamples(n: number): SamplePoint[] {
  return Array.from({ length: n }, (_, i) => ({
    step: i * 100,
    diversity: i === 0 ? 0.02 : Math.min(0.3, 0.1 + 0.05 * i),
    change: i === 0 ? NaN : 0.05
  }))
}

describe('health coach', () => {
  it('a healthy trace raises nothing', () => {
    expect(run(healthy(200), healthySamples(20))).toEqual([])
  })

  it('a real healthy run (reference metrics.jsonl) raises nothing', () => {
    const file = path.join(__dirname, 'fixtures', 'reference-mnist-dcgan.metrics.jsonl')
    const points = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as MetricPoint)
    expect(points.length).toBeGreaterThanOrEqual(100)
    // That run's sample grids, measured with gridStatistics from its PNGs (step, diversity, change).
    const grids: Array<[number, number, number]> = [
      [0, 0.002, NaN],
      [50, 0.084, 0.2079],
      [100, 0.152, 0.1238],
      [150, 0.286, 0.1589],
      [200, 0.372, 0.1862],
      [250, 0.329, 0.1299],
      [300, 0.302, 0.0875],
      [350, 0.295, 0.0495],
      [400, 0.287, 0.05],
      [450, 0.295, 0.0385],
      [500, 0.306, 0.023],
      [550, 0.31, 0.0293],
      [600, 0.322, 0.019]
    ]
    const samples = grids.map(([step, diversity, change]) => ({ step, diversity, change }))
    expect(run(points, samples)).toEqual([])
  })

  it('D winning: D loss near 0 for a window', () => {
    const pts = healthy(30).concat(
      Array.from({ length: 30 }, (_, i) => ({
        step: 310 + i * 10,
        lossD: 0.03 - i * 0.0005,
        lossG: 4,
        dReal: 0.99,
        dFake: 0.1
      }))
    )
    expect(run(pts)).toEqual(['d-winning'])
  })

  it('D winning uses the LSGAN threshold for lsgan and stays quiet for wgan-gp', () => {
    const pts = Array.from({ length: 30 }, (_, i) => ({
      step: i * 10,
      lossD: 0.02 - i * 0.0001,
      lossG: 0.5,
      dReal: 1,
      dFake: 0
    }))
    expect(run(pts, [], 'lsgan')).toEqual([])
    expect(run(pts, [], 'hinge')).toEqual(['d-winning'])
    expect(run(pts, [], 'wgan-gp')).toEqual([])
  })

  it('G not learning: G loss rising while D(G(z)) goes to 0', () => {
    const pts = Array.from({ length: 40 }, (_, i) => ({
      step: i * 10,
      lossD: 0.3 - i * 0.001,
      lossG: 1 + i * 0.15,
      dReal: 0.9,
      dFake: Math.max(0.005, 0.3 - i * 0.01)
    }))
    expect(run(pts)).toEqual(['g-not-learning'])
  })

  it('no progress: flat losses and unchanged samples', () => {
    const pts = Array.from({ length: 30 }, (_, i) => ({
      step: i * 10,
      lossD: 0.6931,
      lossG: 0.6931,
      dReal: 0.5,
      dFake: 0.5
    }))
    const samples = Array.from({ length: 5 }, (_, i) => ({
      step: i * 60,
      diversity: 0.2,
      change: i === 0 ? NaN : 0.0004
    }))
    expect(run(pts, samples)).toEqual(['no-progress'])
    // The same flat losses with samples still changing are fine.
    const moving = samples.map((s) => ({ ...s, change: 0.02 }))
    expect(run(pts, moving)).toEqual([])
  })

  it('mode collapse: grid diversity falls sharply from its peak, once per episode', () => {
    const div = [0.02, 0.2, 0.3, 0.31, 0.25, 0.1, 0.09, 0.08]
    const samples = div.map((d, i) => ({ step: i * 100, diversity: d, change: 0.05 }))
    expect(run([], samples)).toEqual(['mode-collapse'])
    // Low diversity from the start (a generator still at init) is not collapse.
    expect(
      run(
        [],
        [0.02, 0.03, 0.01, 0.01].map((d, i) => ({ step: i * 100, diversity: d, change: 0.05 }))
      )
    ).toEqual([])
  })

  it('oscillation: D loss swinging up and down', () => {
    const pts = healthy(10).concat(
      Array.from({ length: 25 }, (_, i) => ({
        step: 110 + i * 10,
        lossD: i % 2 === 0 ? 0.4 : 1.6,
        lossG: 1,
        dReal: 0.6,
        dFake: 0.4
      }))
    )
    expect(run(pts)).toEqual(['oscillation'])
  })

  it('a warning fires again only after its condition cleared', () => {
    const bad = (from: number): MetricPoint[] =>
      Array.from({ length: 25 }, (_, i) => ({
        step: from + i * 10,
        lossD: 0.01,
        lossG: 3,
        dReal: 1,
        dFake: 0.1
      }))
    const pts = [...bad(0), ...healthy(25).map((p) => ({ ...p, step: p.step + 250 })), ...bad(600)]
    expect(run(pts)).toEqual(['d-winning', 'd-winning'])
  })

  it('grid statistics: identical images have zero diversity, different ones do not', () => {
    const same = new Uint8Array(4 * 16).fill(100)
    expect(gridStatistics(same, 4).diversity).toBe(0)
    const diff = Uint8Array.from({ length: 64 }, (_, i) => (i < 16 ? 0 : 255))
    const s = gridStatistics(diff, 4, same)
    expect(s.diversity).toBeCloseTo(0.5, 5)
    expect(s.change).toBeGreaterThan(0)
  })
})
