/** The worker's message handling, driven directly with a hand-run timer queue. */
import { describe, expect, test } from 'vitest'
import { DEFAULT_CONFIG } from '../../../../src/renderer/src/playground/config'
import { PlaygroundHost } from '../../../../src/renderer/src/playground/host'
import type { FromWorker } from '../../../../src/renderer/src/playground/protocol'

function harness(): { host: PlaygroundHost; sent: FromWorker[]; runTimers: (max?: number) => number } {
  const sent: FromWorker[] = []
  const timers: (() => void)[] = []
  let clock = 0
  const host = new PlaygroundHost({
    post: (msg) => sent.push(msg),
    later: (fn) => void timers.push(fn),
    now: () => (clock += 1)
  })
  const runTimers = (max = 1000): number => {
    let n = 0
    while (timers.length && n < max) {
      timers.shift()!()
      n++
    }
    return n
  }
  return { host, sent, runTimers }
}

const SMALL = {
  ...DEFAULT_CONFIG,
  generator: { depth: 1, width: 8 },
  discriminator: { depth: 1, width: 8 },
  batchSize: 16
}

function frames(sent: FromWorker[]): Extract<FromWorker, { type: 'frame' }>[] {
  return sent.filter((m): m is Extract<FromWorker, { type: 'frame' }> => m.type === 'frame')
}

describe('PlaygroundHost', () => {
  test('reset sends the state and a step-0 picture; step trains exactly one step', () => {
    const { host, sent } = harness()
    host.handle({ type: 'reset', config: SMALL })
    expect(sent.map((m) => m.type)).toEqual(['state', 'frame'])
    expect(frames(sent)[0]!.picture.step).toBe(0)
    host.handle({ type: 'step' })
    const f = frames(sent).at(-1)!
    expect(f.picture.step).toBe(1)
    expect(f.metrics.map((m) => m.step)).toEqual([1])
    expect(f.playing).toBe(false)
  })

  test('play trains in slices with a picture after each; pause stops it', () => {
    const { host, sent, runTimers } = harness()
    host.handle({ type: 'reset', config: SMALL })
    host.handle({ type: 'speed', stepsPerFrame: 3 })
    host.handle({ type: 'play' })
    runTimers(4)
    const playing = frames(sent).slice(1)
    expect(playing.map((f) => f.picture.step)).toEqual([3, 6, 9, 12])
    expect(playing.every((f) => f.playing)).toBe(true)
    host.handle({ type: 'pause' })
    expect(runTimers()).toBeLessThanOrEqual(1)
    expect(frames(sent).at(-1)!.picture.step).toBe(12)
    expect(frames(sent).at(-1)!.playing).toBe(false)
  })

  test('a bad config is refused with a message and the previous run stays', () => {
    const { host, sent } = harness()
    host.handle({ type: 'reset', config: SMALL })
    host.handle({ type: 'step' })
    host.handle({ type: 'reset', config: { ...SMALL, target: 'drawn', drawn: [] } })
    const err = sent.at(-1)
    expect(err).toEqual({ type: 'error', message: expect.stringContaining('Draw at least one point') })
    host.handle({ type: 'step' })
    expect(frames(sent).at(-1)!.picture.step).toBe(2)
  })

  test('a live change comes back in the state with its step', () => {
    const { host, sent } = harness()
    host.handle({ type: 'reset', config: SMALL })
    host.handle({ type: 'step' })
    host.handle({ type: 'change', change: { setting: 'lrD', value: 0.01 } })
    const state = sent.at(-1)
    expect(state).toMatchObject({
      type: 'state',
      config: { optD: { lr: 0.01 } },
      initial: { optD: { lr: SMALL.optD.lr } },
      edits: [{ step: 1, change: { setting: 'lrD', value: 0.01 } }]
    })
  })

  test('an unknown scenario is refused with its name', () => {
    const { host, sent } = harness()
    host.handle({ type: 'scenario', id: 'nope' })
    expect(sent).toEqual([{ type: 'error', message: 'There is no scenario "nope".' }])
  })
})
