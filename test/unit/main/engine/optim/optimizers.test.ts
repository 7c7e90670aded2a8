/**
 * Each optimizer against a reference on a small problem: tf.train.rmsprop and tf.train.momentum
 * where tfjs has one, a float64 transcription of the paper's update otherwise (optimistic Adam,
 * Extra-Adam). The problem is a least-squares fit with a fixed target, so gradients change with
 * the weights and every step depends on the slots carried from the one before.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loadBackend } from '../../../../../src/main/engine/backend'
import { Adam } from '../../../../../src/main/engine/optim/adam'
import { ExtraAdam } from '../../../../../src/main/engine/optim/extragradient'
import { Momentum } from '../../../../../src/main/engine/optim/momentum'
import type { Optimizer } from '../../../../../src/main/engine/optim/optimizer'
import { OptimisticAdam } from '../../../../../src/main/engine/optim/optimistic-adam'
import { RmsProp } from '../../../../../src/main/engine/optim/rmsprop'
import { tf } from '../../../../../src/main/engine/tf'

const W0 = [0.5, -1.2, 2.0, 0.1]
const TARGET = [1, 2, -1, 0.3]
const STEPS = 6

/** Loss 0.5·Σ c_i (w_i - t_i)², curvature c varies per coordinate; gradient c·(w - t). */
const CURV = [1, 3, 0.5, 8]
function gradOf(w: number[]): number[] {
  return w.map((x, i) => (CURV[i] as number) * (x - (TARGET[i] as number)))
}
function lossOf(w: tf.Variable): tf.Scalar {
  return tf.mul(
    0.5,
    tf.sum(tf.mul(tf.tensor1d(CURV), tf.square(tf.sub(w, tf.tensor1d(TARGET)))))
  ) as tf.Scalar
}

function runOurs(make: (weights: Map<string, tf.Variable>) => Optimizer): number[] {
  const w = tf.variable(tf.tensor1d(W0))
  const weights = new Map([['dense0/kernel', w]])
  const opt = make(weights)
  for (let s = 0; s < STEPS; s++) {
    const grads = (): Record<string, tf.Tensor> => {
      const { value, grads } = tf.variableGrads(() => lossOf(w), [w])
      value.dispose()
      return { 'dense0/kernel': grads[w.name] as tf.Tensor }
    }
    let g = grads()
    if (opt.extrapolate) {
      const undo = opt.extrapolate(weights, g)
      tf.dispose(Object.values(g))
      g = grads()
      undo()
    }
    opt.apply(weights, g)
    tf.dispose(Object.values(g))
  }
  const out = Array.from(w.dataSync())
  opt.dispose()
  w.dispose()
  return out
}

function close(a: number[], b: number[], rel = 1e-5): void {
  expect(a.length).toBe(b.length)
  a.forEach((x, i) => {
    const y = b[i] as number
    expect(Math.abs(x - y), `coordinate ${i}: ${x} vs ${y}`).toBeLessThanOrEqual(
      rel * Math.max(1, Math.abs(y))
    )
  })
}

describe('optimizers against references', () => {
  beforeAll(async () => {
    await loadBackend('cpu')
  })

  it('RMSProp equals tf.train.rmsprop (no momentum, not centred)', () => {
    const ours = runOurs((ws) => new RmsProp({ lr: 0.05, decay: 0.9, epsilon: 1e-8 }, ws))
    const w = tf.variable(tf.tensor1d(W0))
    const ref = tf.train.rmsprop(0.05, 0.9, 0, 1e-8, false)
    for (let s = 0; s < STEPS; s++) ref.minimize(() => lossOf(w), false, [w])
    const expected = Array.from(w.dataSync())
    ref.dispose()
    w.dispose()
    close(ours, expected)
    // The problem moves the weights: a no-op optimizer would fail this comparison.
    expect(Math.abs((expected[0] as number) - (W0[0] as number))).toBeGreaterThan(0.1)
  })

  it('SGD with momentum equals tf.train.momentum', () => {
    const ours = runOurs((ws) => new Momentum({ lr: 0.02, momentum: 0.9 }, ws))
    const w = tf.variable(tf.tensor1d(W0))
    const ref = tf.train.momentum(0.02, 0.9, false)
    for (let s = 0; s < STEPS; s++) ref.minimize(() => lossOf(w), false, [w])
    const expected = Array.from(w.dataSync())
    ref.dispose()
    w.dispose()
    close(ours, expected)
  })

  /** Adam's direction with this project's efficient-form bias correction, in float64. */
  function adamDirection(
    m: number[],
    v: number[],
    g: number[],
    t: number,
    b1: number,
    b2: number
  ): { m: number[]; v: number[]; d: number[] } {
    const m1 = m.map((x, i) => b1 * x + (1 - b1) * (g[i] as number))
    const v1 = v.map((x, i) => b2 * x + (1 - b2) * (g[i] as number) ** 2)
    const c = Math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    return { m: m1, v: v1, d: m1.map((x, i) => (x / (Math.sqrt(v1[i] as number) + 1e-8)) * c) }
  }

  it('optimistic Adam follows w ← w - 2η·d_t + η·d_{t-1} (Daskalakis et al. 2018)', () => {
    const lr = 0.05
    const ours = runOurs((ws) => new OptimisticAdam({ lr, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }, ws))
    let w = [...W0]
    let m = W0.map(() => 0)
    let v = W0.map(() => 0)
    let prev = W0.map(() => 0)
    for (let t = 1; t <= STEPS; t++) {
      const a = adamDirection(m, v, gradOf(w), t, 0.5, 0.9)
      w = w.map((x, i) => x - lr * (2 * (a.d[i] as number) - (prev[i] as number)))
      m = a.m
      v = a.v
      prev = a.d
    }
    close(ours, w)
    // …and differs from plain Adam on the same problem.
    const adam = runOurs((ws) => new Adam({ lr, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }, ws))
    expect(Math.abs((adam[3] as number) - (ours[3] as number))).toBeGreaterThan(1e-3)
  })

  it('Extra-Adam: step from w with the gradient at the extrapolated point (Gidel et al. 2019)', () => {
    const lr = 0.05
    const ours = runOurs((ws) => new ExtraAdam({ lr, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }, ws))
    let w = [...W0]
    let m = W0.map(() => 0)
    let v = W0.map(() => 0)
    let t = 0
    for (let s = 0; s < STEPS; s++) {
      t += 1
      const a = adamDirection(m, v, gradOf(w), t, 0.5, 0.9)
      const wHalf = w.map((x, i) => x - lr * (a.d[i] as number))
      t += 1
      const b = adamDirection(a.m, a.v, gradOf(wHalf), t, 0.5, 0.9)
      w = w.map((x, i) => x - lr * (b.d[i] as number))
      m = b.m
      v = b.v
    }
    close(ours, w)
  })

  it('a false ok flag leaves weights and every slot unchanged', () => {
    for (const make of [
      (ws: Map<string, tf.Variable>): Optimizer => new RmsProp({ lr: 0.1, decay: 0.9, epsilon: 1e-8 }, ws),
      (ws: Map<string, tf.Variable>): Optimizer => new Momentum({ lr: 0.1, momentum: 0.9 }, ws),
      (ws: Map<string, tf.Variable>): Optimizer =>
        new OptimisticAdam({ lr: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }, ws)
    ]) {
      const w = tf.variable(tf.tensor1d(W0))
      const ws = new Map([['k', w]])
      const opt = make(ws)
      const ok = tf.scalar(false, 'bool')
      const g = tf.tensor1d([NaN, 1, 1, 1])
      opt.apply(ws, { k: g }, { ok })
      expect(Array.from(w.dataSync())).toEqual(Array.from(Float32Array.from(W0)))
      for (const s of opt.slots().values()) expect(Array.from(s.dataSync())).toEqual([0, 0, 0, 0])
      expect([...opt.slots().keys()].every((k) => k.startsWith('k/'))).toBe(true)
      tf.dispose([ok, g, w])
      opt.dispose()
    }
  })
})
