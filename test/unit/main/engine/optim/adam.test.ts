/**
 * Our name-keyed Adam against tfjs's own `tf.train.adam` on the same weights and gradients, and
 * against the first step written out by hand (m̂ = g, v̂ = g², so each weight moves by about lr
 * against the sign of its gradient).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBackend } from '../../../../../src/main/engine/backend'
import { Adam } from '../../../../../src/main/engine/optim/adam'
import { tf } from '../../../../../src/main/engine/tf'

const CONFIG = { lr: 0.01, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 }
const W0 = { a: [0.5, -1.5, 2, 0.25], b: [1, -0.75] }
/** Three steps of gradients per weight, of mixed sign and size. */
const GRADS: Array<Record<'a' | 'b', number[]>> = [
  { a: [0.3, -2, 0.05, 1], b: [-0.5, 4] },
  { a: [-0.1, 1, 0.2, 1], b: [0.25, -3] },
  { a: [0.7, 0.5, -0.4, -1], b: [1, 2] }
]

function variables(prefix: string): Map<string, tf.Variable> {
  return new Map(
    Object.entries(W0).map(([k, v]) => [
      k,
      tf.tidy(() => tf.variable(tf.tensor1d(v), true, `${prefix}/${k}`))
    ])
  )
}

async function values(ws: ReadonlyMap<string, tf.Variable>): Promise<number[][]> {
  return Promise.all([...ws.values()].map(async (w) => Array.from(await w.data())))
}

function expectClose(got: number[][], want: number[][], digits: number): void {
  expect(got.map((r) => r.length)).toEqual(want.map((r) => r.length))
  got.forEach((row, i) => row.forEach((v, j) => expect(v, `[${i}][${j}]`).toBeCloseTo(want[i]![j]!, digits)))
}

describe('Adam', () => {
  beforeAll(async () => {
    await loadBackend('cpu')
  })

  it('one step moves each weight by lr against the sign of its gradient', async () => {
    const ws = variables('hand')
    const adam = new Adam({ ...CONFIG }, ws)
    const grads = { a: tf.tensor1d(GRADS[0]!.a), b: tf.tensor1d(GRADS[0]!.b) }
    adam.apply(ws, grads)
    // lr · g / (|g| + ε) with bias correction folded in: lr · sign(g) to 1e-6 for these |g|.
    const want = (Object.keys(W0) as Array<'a' | 'b'>).map((k) =>
      W0[k].map((w, i) => w - CONFIG.lr * Math.sign(GRADS[0]![k][i]!))
    )
    expectClose(await values(ws), want, 6)
    expect(adam.t).toBe(1)
    for (const t of Object.values(grads)) t.dispose()
    adam.dispose()
    for (const w of ws.values()) w.dispose()
  })

  it('matches tf.train.adam step for step', async () => {
    const before = tf.memory().numTensors
    const ours = variables('ours')
    const theirs = variables('theirs')
    const adam = new Adam({ ...CONFIG }, ours)
    const reference = tf.train.adam(CONFIG.lr, CONFIG.beta1, CONFIG.beta2, CONFIG.epsilon)
    for (const step of GRADS) {
      const g = { a: tf.tensor1d(step.a), b: tf.tensor1d(step.b) }
      adam.apply(ours, g)
      reference.applyGradients([
        { name: 'theirs/a', tensor: g.a },
        { name: 'theirs/b', tensor: g.b }
      ])
      expectClose(await values(ours), await values(theirs), 6)
      g.a.dispose()
      g.b.dispose()
    }
    // And the moments agree with the textbook recursions m = β₁m + (1-β₁)g, v = β₂v + (1-β₂)g².
    const m = GRADS.reduce(
      (acc, s) => acc.map((x, i) => CONFIG.beta1 * x + (1 - CONFIG.beta1) * s.b[i]!),
      [0, 0]
    )
    const v = GRADS.reduce(
      (acc, s) => acc.map((x, i) => CONFIG.beta2 * x + (1 - CONFIG.beta2) * s.b[i]! ** 2),
      [0, 0]
    )
    expectClose(
      [Array.from(await adam.m.get('b')!.data()), Array.from(await adam.v.get('b')!.data())],
      [m, v],
      6
    )
    adam.dispose()
    reference.dispose()
    for (const w of [...ours.values(), ...theirs.values()]) w.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('a false `ok` leaves weights and moments as they were; `scale` scales the gradients first', async () => {
    const before = tf.memory().numTensors
    const g = { a: tf.tensor1d(GRADS[0]!.a), b: tf.tensor1d(GRADS[0]!.b) }
    const no = tf.scalar(false, 'bool')
    const half = tf.scalar(0.5)

    const gated = variables('gated')
    const skipped = new Adam({ ...CONFIG }, gated)
    skipped.apply(gated, g, { ok: no })
    expectClose(await values(gated), [W0.a, W0.b], 7)
    expectClose(
      await values(skipped.m),
      [
        [0, 0, 0, 0],
        [0, 0]
      ],
      7
    )

    // Halved gradients halve m and quarter v, so the first step is the same lr · sign(g).
    const scaledWs = variables('scaled')
    const scaled = new Adam({ ...CONFIG }, scaledWs)
    scaled.apply(scaledWs, g, { scale: half })
    expectClose(
      await values(scaled.m),
      [
        GRADS[0]!.a.map((x) => (1 - CONFIG.beta1) * 0.5 * x),
        GRADS[0]!.b.map((x) => (1 - CONFIG.beta1) * 0.5 * x)
      ],
      7
    )
    expectClose(
      await values(scaledWs),
      (['a', 'b'] as const).map((k) => W0[k].map((w, i) => w - CONFIG.lr * Math.sign(GRADS[0]![k][i]!))),
      6
    )
    for (const t of [no, half, g.a, g.b, ...gated.values(), ...scaledWs.values()]) t.dispose()
    skipped.dispose()
    scaled.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
