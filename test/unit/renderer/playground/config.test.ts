/** The shareable run file: written, read back, and refused with a message that says what is wrong. */
import { describe, expect, test } from 'vitest'
import {
  DEFAULT_CONFIG,
  parseRunFile,
  playgroundConfigSchema,
  runFileText
} from '../../../../src/renderer/src/playground/config'
import { coverage } from '../../../../src/renderer/src/playground/metrics'
import { Rng } from '../../../../src/renderer/src/playground/rng'
import { TARGET_KINDS, drawnAnchors, makeTarget } from '../../../../src/renderer/src/playground/targets'

describe('run file', () => {
  test('round-trips config, step and live edits', () => {
    const config = {
      ...DEFAULT_CONFIG,
      target: 'drawn' as const,
      drawn: [[0.5, -1] as [number, number]],
      seed: 42
    }
    const edits = [{ step: 12, change: { setting: 'dSteps' as const, value: 3 } }]
    const back = parseRunFile(runFileText(config, 77, edits))
    expect(back.config).toEqual(config)
    expect(back.step).toBe(77)
    expect(back.edits).toEqual(edits)
  })

  const file = (config: unknown): string =>
    JSON.stringify({ format: 'gan-studio-playground', version: 1, config })
  test.each([
    { name: 'not JSON', text: '{not json', message: 'This file is not JSON' },
    { name: 'another JSON file', text: '{"a":1}', message: 'This JSON file is not a playground run' },
    {
      name: 'a newer format',
      text: '{"format":"gan-studio-playground","version":9,"config":{}}',
      message: 'format version 9; this GAN Studio reads version 1'
    },
    {
      name: 'a batch size out of range',
      text: file({ ...DEFAULT_CONFIG, batchSize: 5000 }),
      message: 'bad value at config.batchSize'
    },
    {
      name: 'a drawn target without points',
      text: file({ ...DEFAULT_CONFIG, target: 'drawn' }),
      message: 'bad value at config.drawn: the target is "drawn" but no points were drawn'
    }
  ])('refuses $name', ({ text, message }) => {
    expect(() => parseRunFile(text)).toThrow(message)
  })

  test('the default config is valid', () => {
    expect(playgroundConfigSchema.parse(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG)
  })
})

describe('targets and coverage', () => {
  test('every target samples inside the picture and has its modes', () => {
    const counts: Record<string, number> = {}
    for (const kind of TARGET_KINDS) {
      const t = makeTarget(kind, [
        [0, 0],
        [1, 1]
      ])
      const out = new Float32Array(2000)
      t.sample(1000, new Rng(1), out)
      for (const v of out) expect(Math.abs(v)).toBeLessThan(3)
      counts[kind] = t.modes.length / 2
      // Real samples cover every mode of their own target.
      expect(coverage(out, 1000, t.modes, t.sigma).covered).toBe(t.modes.length / 2)
    }
    expect(counts).toEqual({ ring: 8, grid: 25, moons: 8, spiral: 8, gaussian: 1, drawn: 2 })
  })

  test('drawn points need at least one point', () => {
    expect(() => makeTarget('drawn', [])).toThrow('Draw at least one point')
  })

  test('anchors of drawn points spread out (farthest-point order)', () => {
    const pts = Float32Array.from([0, 0, 0.1, 0, 2, 0, 2.1, 0, 0, 2])
    expect(Array.from(drawnAnchors(pts))).toEqual([0, 0, 2.1, 0, 0, 2, 0.1, 0, 2, 0].map(Math.fround))
  })

  test('a mode counts within 3σ; quality is the share of points near some mode', () => {
    const modes = Float32Array.from([0, 0, 5, 5])
    const pts = Float32Array.from([0.29, 0, 0.31, 0, 9, 9, 5, 5.2])
    expect(coverage(pts, 4, modes, 0.1)).toEqual({ covered: 2, modes: 2, quality: 0.5 })
  })
})
