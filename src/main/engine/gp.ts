/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017) and the check that the active backend can
 * train it. The penalty needs ∇ₓD(x̂) inside D's loss, and that loss is then differentiated again
 * with respect to D's weights: a gradient of a gradient. Every kernel on that path needs a
 * gradient of its own gradient kernels. Where a backend's kernels lack one (or get it wrong), the
 * result would be silently wrong, so `checkSecondOrderGradients` compares the analytic
 * second-order gradient with finite differences on a tiny D before such a run starts.
 */
import type { ArchSpec } from './models/arch'
import { Network } from './models/network'
import { Rng } from './rng'
import { tf } from './tf'

/**
 * Comparisons are piecewise constant, so their gradient is zero. tfjs registers none, and the
 * backward pass of LeakyReLU/ReLU uses them: without these, differentiating a gradient through
 * an activation throws "gradient function not found for Greater".
 */
function registerComparisonGradients(): void {
  for (const kernelName of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'Step']) {
    if (tf.getGradient(kernelName)) continue
    tf.registerGradient({
      kernelName,
      inputsToSave: kernelName === 'Step' ? ['x'] : ['a', 'b'],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const out: Record<string, () => tf.Tensor> = {}
        const names = kernelName === 'Step' ? ['x'] : ['a', 'b']
        names.forEach((n, i) => {
          out[n] = () => tf.zerosLike(saved[i] as tf.Tensor)
        })
        return out
      }
    })
  }
}
registerComparisonGradients()

/**
 * Gradient penalty E[(|∇ₓD(x̂)|₂ - 1)²] on interpolates x̂ = εx + (1-ε)x̃, ε ~ U(0,1) per sample.
 * `d` maps images to scores; call inside the D loss (its result is differentiated again).
 */
export function gradientPenalty(
  d: (x: tf.Tensor) => tf.Tensor,
  real: tf.Tensor,
  fake: tf.Tensor,
  eps: Float32Array
): tf.Scalar {
  const b = real.shape[0] ?? 0
  const e = tf.tensor(eps, [b, ...real.shape.slice(1).map(() => 1)])
  const xHat = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake))
  const g = tf.grad((x: tf.Tensor) => tf.sum(d(x)))(xHat)
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(tf.reshape(g, [b, -1])), 1), 1e-12))
  return tf.mean(tf.square(tf.sub(norms, 1))) as tf.Scalar
}

/**
 * R1 penalty (Mescheder, Geiger & Nowozin 2018, "Which Training Methods for GANs do actually
 * Converge?"): E[|∇ₓD(x)|²] on real images, without the γ/2 factor (the trainer applies it).
 * It pushes D's gradient to zero on the data, which makes training converge locally where
 * unregularised GANs circle. Second-order like WGAN-GP's penalty: call inside D's loss.
 */
export function r1Penalty(d: (x: tf.Tensor) => tf.Tensor, real: tf.Tensor): tf.Scalar {
  const b = real.shape[0] ?? 0
  const g = tf.grad((x: tf.Tensor) => tf.sum(d(x)))(real)
  return tf.mean(tf.sum(tf.square(tf.reshape(g, [b, -1])), 1)) as tf.Scalar
}

/** Outcome of the second-order gradient check. */
export interface SecondOrderCheck {
  ok: boolean
  /** Largest relative error of the directional derivatives (analytic vs central difference). */
  maxRelError: number
  /** Why the check failed (empty when ok). */
  reason: string
}

/** A tiny D with the layer kinds the real ones use: conv (stride 2, same), LeakyReLU, dense. */
function tinyDiscriminator(conv: boolean): ArchSpec {
  return conv
    ? {
        input: [6, 6, 2],
        layers: [
          { kind: 'conv', filters: 3, kernel: 4, stride: 2, bias: true },
          { kind: 'lrelu', alpha: 0.2 },
          { kind: 'flatten' },
          { kind: 'dense', units: 1, bias: true }
        ]
      }
    : {
        input: [4, 4, 1],
        layers: [
          { kind: 'flatten' },
          { kind: 'dense', units: 6, bias: true },
          { kind: 'lrelu', alpha: 0.2 },
          { kind: 'dense', units: 1, bias: true }
        ]
      }
}

const cache = new Map<string, SecondOrderCheck>()

/**
 * Checks, once per process per backend and layer set, that the active backend differentiates the
 * gradient penalty correctly: the analytic gradient of the penalty w.r.t. a tiny D's weights,
 * projected on three random directions, must match central differences (in float64-free float32,
 * so the tolerance is 2 %). Measured: cpu and wasm (with the project's conv kernels) both pass,
 * max relative error 1.6e-3 with conv, 2e-4 dense-only. `conv` includes a conv layer (the dcgan D); without it only dense
 * layers are checked (the mlp D).
 */
export async function checkSecondOrderGradients(opts: { conv?: boolean } = {}): Promise<SecondOrderCheck> {
  const conv = opts.conv ?? true
  const hit = cachedSecondOrderCheck(conv)
  if (hit) return hit
  const result = await runCheck(conv)
  cache.set(cacheKey(conv), result)
  return result
}

function cacheKey(conv: boolean): string {
  return `${tf.getBackend()}:${conv ? 'conv' : 'dense'}`
}

/** The verdict of an earlier `checkSecondOrderGradients` on the active backend, if any. */
export function cachedSecondOrderCheck(conv: boolean): SecondOrderCheck | undefined {
  return cache.get(cacheKey(conv))
}

// Reads back with `await data()`: the webgpu backend cannot read synchronously in Node.
async function runCheck(conv: boolean): Promise<SecondOrderCheck> {
  const rng = new Rng(1234)
  const arch = tinyDiscriminator(conv)
  const net = new Network('discriminator', arch, rng)
  const shape = [3, ...arch.input]
  const size = shape.reduce((a, b) => a * b, 1)
  const real = tf.tensor(rng.normalArray(size), shape)
  const fake = tf.tensor(rng.normalArray(size), shape)
  const eps = new Float32Array([0.3, 0.6, 0.8])
  const vars = [...net.weights.values()]
  // Larger weights than the GAN init so the penalty has a well-scaled, non-trivial gradient.
  tf.tidy(() => {
    for (const v of vars) v.assign(tf.mul(v, 25))
  })
  const penalty = (): tf.Scalar => gradientPenalty((x) => net.apply(x, { training: true }), real, fake, eps)
  try {
    const { value, grads } = tf.variableGrads(penalty, vars)
    value.dispose()
    // Unit-norm directions: a small total move keeps LeakyReLU's kinks (where the penalty jumps)
    // out of the finite-difference interval.
    const dirs = [0, 1, 2].map(() => {
      const d = vars.map((v) => rng.normalArray(v.size))
      const norm = Math.sqrt(d.reduce((a, x) => a + x.reduce((b, y) => b + y * y, 0), 0))
      return d.map((x) => x.map((y) => y / norm))
    })
    // A weight the penalty does not depend on (D's last bias) gets no gradient: zero.
    const gradValues = await Promise.all(vars.map((v) => grads[v.name]?.data() ?? null))
    const analytic: number[] = []
    for (const dir of dirs) {
      let s = 0
      vars.forEach((_v, i) => {
        const gv = gradValues[i]
        if (!gv) return
        const d = dir[i] as Float32Array
        for (let k = 0; k < gv.length; k++) s += (gv[k] as number) * (d[k] as number)
      })
      analytic.push(s)
    }
    tf.dispose(Object.values(grads))
    const originals = (await Promise.all(vars.map((v) => v.data()))).map((a) => Float32Array.from(a))
    const at = async (dir: Float32Array[], h: number): Promise<number> => {
      vars.forEach((v, i) => {
        const o = originals[i] as Float32Array
        const d = dir[i] as Float32Array
        const moved = new Float32Array(o.length)
        for (let k = 0; k < o.length; k++) moved[k] = (o[k] as number) + h * (d[k] as number)
        tf.tidy(() => v.assign(tf.tensor(moved, v.shape)))
      })
      const p = tf.tidy(penalty)
      const value = (await p.data())[0] as number
      p.dispose()
      return value
    }
    let maxRelError = 0
    for (const [i, dir] of dirs.entries()) {
      const a = analytic[i] as number
      // Two step sizes; the better one counts (float32 round-off vs. a rare kink).
      const rels: number[] = []
      for (const h of [2e-3, 5e-4]) {
        const numeric = ((await at(dir, h)) - (await at(dir, -h))) / (2 * h)
        rels.push(Math.abs(a - numeric) / Math.max(1e-2, Math.abs(a), Math.abs(numeric)))
      }
      const rel = Math.min(...rels)
      if (!Number.isFinite(rel)) maxRelError = Infinity
      else maxRelError = Math.max(maxRelError, rel)
    }
    const ok = maxRelError < 0.02
    return {
      ok,
      maxRelError,
      reason: ok
        ? ''
        : `the gradient of the gradient differs from finite differences by ${(maxRelError * 100).toFixed(1)} %`
    }
  } catch (err) {
    return {
      ok: false,
      maxRelError: Infinity,
      reason: `computing the gradient of the gradient failed: ${(err as Error).message}`
    }
  } finally {
    net.dispose()
    tf.dispose([real, fake])
  }
}

/** Clears the per-process cache (tests that switch backends or inject faults). */
export function clearSecondOrderCache(): void {
  cache.clear()
}

/**
 * The refusal message for a backend that cannot train a gradient penalty (WGAN-GP's, or R1 when
 * `what` says so) with the given model.
 */
export function wganRefusal(
  backend: string,
  conv: boolean,
  check: SecondOrderCheck,
  what: 'WGAN-GP' | 'The R1 penalty' = 'WGAN-GP'
): string {
  const layers = conv ? 'conv layers' : 'dense layers'
  const options = [
    ...(backend === 'cpu' ? [] : ['--backend cpu']),
    ...(conv ? ['the mlp model'] : []),
    ...(what === 'WGAN-GP' ? ['the hinge loss'] : ['r1Gamma 0'])
  ]
  const alternatives = `use ${options.length > 1 ? `${options.slice(0, -1).join(', ')} or ${options[options.length - 1] ?? ''}` : (options[0] ?? '')}`
  return `${what} needs second-order gradients, which the ${backend} backend cannot compute for ${layers} (${check.reason}); ${alternatives}`
}
