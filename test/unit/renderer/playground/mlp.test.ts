/** The hand-written backprop against finite differences (float64 reference through the same params). */
import { describe, expect, test } from 'vitest'
import { Mlp } from '../../../../src/renderer/src/playground/mlp'
import { Rng } from '../../../../src/renderer/src/playground/rng'

/** Finite-difference derivative of f with respect to params[i]. */
function fd(net: Mlp, i: number, f: () => number, h = 1e-2): number {
  const keep = net.params[i]!
  net.params[i] = keep + h
  const up = f()
  net.params[i] = keep - h
  const down = f()
  net.params[i] = keep
  return (up - down) / (2 * h)
}

function inputs(n: number, d: number, seed: number): Float32Array {
  const r = new Rng(seed)
  return Float32Array.from({ length: n * d }, () => r.range(-1.5, 1.5))
}

describe('Mlp', () => {
  test('refuses layer sizes that are not positive integers', () => {
    expect(() => new Mlp([2, 0, 1], new Rng(1))).toThrow(
      'Expected layer sizes of at least two positive integers, but got [2, 0, 1]'
    )
  })

  test('weight and input gradients match finite differences', () => {
    const net = new Mlp([2, 5, 4, 1], new Rng(3))
    const x = inputs(6, 2, 9)
    // Loss: Σ out², so dOut = 2·out.
    const loss = (): number => Array.from(net.forward(x, 6)).reduce((s, o) => s + o * o, 0)
    const out = net.forward(x, 6)
    const dOut = Float32Array.from(out, (o) => 2 * o)
    const dIn = new Float32Array(12)
    net.grad.fill(0)
    net.backward(dOut, 6, true, dIn)
    for (let i = 0; i < net.params.length; i += 3) expect(net.grad[i]).toBeCloseTo(fd(net, i, loss, 1e-3), 2)
    // Input gradient of sample 2, coordinate 1.
    const keep = x[5]!
    x[5] = keep + 1e-3
    const up = loss()
    x[5] = keep - 1e-3
    const down = loss()
    x[5] = keep
    expect(dIn[5]).toBeCloseTo((up - down) / 2e-3, 2)
  })

  test('penaltyBackward gives the weight gradient of Σ‖∇ₓ out‖²', () => {
    const net = new Mlp([2, 6, 6, 1], new Rng(5))
    const n = 5
    const x = inputs(n, 2, 11)
    const ones = new Float32Array(n).fill(1)
    const g = new Float32Array(2 * n)
    const penalty = (): number => {
      net.forward(x, n)
      net.backward(ones, n, false, g)
      return Array.from(g).reduce((s, v) => s + v * v, 0)
    }
    penalty()
    net.grad.fill(0)
    net.penaltyBackward(
      Float32Array.from(g, (v) => 2 * v),
      n
    )
    let checked = 0
    for (let i = 0; i < net.params.length; i++) {
      // Small steps keep every leaky-ReLU on the same side, where the penalty is smooth.
      const want = fd(net, i, penalty, 1e-3)
      expect(net.grad[i]).toBeCloseTo(want, 2)
      if (Math.abs(want) > 1e-3) checked++
    }
    expect(checked).toBeGreaterThan(20)
  })
})
