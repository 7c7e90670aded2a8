/**
 * The scripted scenarios give their stated results from their fixed seed: the collapse scenario
 * covers fewer than 8 modes of the ring, the balanced one all 8. The engine is deterministic, so
 * the exact numbers are pinned too: a change to the engine that moves them must say so here.
 */
import { describe, expect, test } from 'vitest'
import { GanPlayground } from '../../../../src/renderer/src/playground/engine'
import { SCENARIOS, scenarioById } from '../../../../src/renderer/src/playground/scenarios'

function run(id: string): { covered: number; modes: number; quality: number } {
  const s = scenarioById(id)
  if (!s) throw new Error(`no scenario ${id}`)
  const e = new GanPlayground(s.config)
  for (let i = 0; i < s.steps; i++) e.trainStep()
  expect(e.step).toBe(s.steps)
  return e.coverage()
}

describe('playground scenarios', () => {
  test('ids are unique and every scenario config is valid for its target', () => {
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length)
    for (const s of SCENARIOS) expect(() => new GanPlayground(s.config)).not.toThrow()
  })

  test('ring + G outruns D (simultaneous Adam, lr G 10× D) collapses: 0 of 8 modes', () => {
    const c = run('ring-g-outruns-d')
    expect(c.modes).toBe(8)
    expect(c.covered).toBeLessThan(8)
    expect(c.covered).toBe(0)
    expect(c.quality).toBe(0)
  })

  test('ring + alternating Adam, 2 D steps per G step covers 8 of 8 modes', () => {
    const c = run('ring-balanced')
    expect(c.modes).toBe(8)
    expect(c.covered).toBe(8)
    expect(c.quality).toBeCloseTo(0.363, 3)
  })
})
