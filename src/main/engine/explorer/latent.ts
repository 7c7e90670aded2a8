/**
 * Latent-space maths for the explorer: latents for seeds, linear and spherical interpolation,
 * truncation and seed-range parsing. Pure JS on Float32Arrays, so the renderer-facing service,
 * the CLI and the worker all compute exactly the same vectors.
 */
import { latentForSeed } from '../rng'

/** How two latents are joined. */
export type InterpolationMode = 'linear' | 'slerp'

function checkSameLength(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length)
    throw new Error(`Expected latents of the same size, but got ${a.length} and ${b.length}`)
}

function norm(v: Float32Array): number {
  let s = 0
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2
  return Math.sqrt(s)
}

/** Latent vectors for seeds: seed k is the same z in every process and every run of this size. */
export function latentsForSeeds(seeds: readonly number[], latentDim: number): Float32Array[] {
  return seeds.map((s) => latentForSeed(s, latentDim))
}

/** (1 - t)·a + t·b; t = 0 and t = 1 return exact copies of the endpoints. */
export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  checkSameLength(a, b)
  if (t === 0) return Float32Array.from(a)
  if (t === 1) return Float32Array.from(b)
  const out = new Float32Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = (1 - t) * (a[i] as number) + t * (b[i] as number)
  return out
}

/**
 * A unit vector orthogonal to the unit vector `u`: Gram-Schmidt on the basis vector where `u` is
 * smallest, so the choice is deterministic (used to pick a great circle between antipodes).
 */
function orthogonalUnit(u: Float32Array): Float64Array {
  let k = 0
  for (let i = 1; i < u.length; i++) if (Math.abs(u[i] as number) < Math.abs(u[k] as number)) k = i
  const p = new Float64Array(u.length)
  const uk = u[k] as number
  for (let i = 0; i < u.length; i++) p[i] = (i === k ? 1 : 0) - uk * (u[i] as number)
  let n = 0
  for (let i = 0; i < p.length; i++) n += (p[i] as number) ** 2
  n = Math.sqrt(n)
  for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) / n
  return p
}

/**
 * Spherical interpolation: the direction moves along the great circle from a to b at constant
 * angular speed while the length moves linearly from |a| to |b|, so equal-norm endpoints keep
 * their norm all the way (a Gaussian latent stays in the shell the generator was trained on).
 * Identical or parallel endpoints fall back to lerp; antipodal ones take a fixed great circle.
 * t = 0 and t = 1 return exact copies of the endpoints.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  checkSameLength(a, b)
  if (t === 0) return Float32Array.from(a)
  if (t === 1) return Float32Array.from(b)
  const na = norm(a)
  const nb = norm(b)
  if (na === 0 || nb === 0) return lerp(a, b, t)
  let dot = 0
  for (let i = 0; i < a.length; i++) dot += ((a[i] as number) / na) * ((b[i] as number) / nb)
  dot = Math.min(1, Math.max(-1, dot))
  const omega = Math.acos(dot)
  const length = (1 - t) * na + t * nb
  const out = new Float32Array(a.length)
  if (omega < 1e-6) return lerp(a, b, t)
  if (Math.PI - omega < 1e-6) {
    // Antipodes: every great circle joins them; take the one through a fixed orthogonal direction.
    const u = Float32Array.from(a, (v) => v / na)
    const p = orthogonalUnit(u)
    const c = Math.cos(Math.PI * t)
    const s = Math.sin(Math.PI * t)
    for (let i = 0; i < a.length; i++) out[i] = length * (c * (u[i] as number) + s * (p[i] as number))
    return out
  }
  const so = Math.sin(omega)
  const wa = Math.sin((1 - t) * omega) / so
  const wb = Math.sin(t * omega) / so
  for (let i = 0; i < a.length; i++)
    out[i] = length * (wa * ((a[i] as number) / na) + wb * ((b[i] as number) / nb))
  return out
}

/** `steps` latents from a to b inclusive (t = i / (steps - 1)). */
export function interpolatePath(
  a: Float32Array,
  b: Float32Array,
  steps: number,
  mode: InterpolationMode
): Float32Array[] {
  if (!Number.isInteger(steps) || steps < 2)
    throw new Error(`Expected steps to be an integer ≥ 2, but got ${steps}`)
  const f = mode === 'slerp' ? slerp : lerp
  return Array.from({ length: steps }, (_, i) => f(a, b, i / (steps - 1)))
}

/**
 * The truncation trick: moves z towards the mean by ψ (z' = mean + ψ·(z − mean)). The prior's
 * mean is zero, so without `mean` this scales towards zero; ψ = 1 leaves z unchanged.
 */
export function truncate(z: Float32Array, psi: number, mean?: Float32Array): Float32Array {
  if (!(psi >= 0)) throw new Error(`Expected truncation to be a number ≥ 0, but got ${psi}`)
  if (psi === 1) return Float32Array.from(z)
  if (mean) checkSameLength(z, mean)
  const out = new Float32Array(z.length)
  for (let i = 0; i < z.length; i++) {
    const m = mean ? (mean[i] as number) : 0
    out[i] = m + psi * ((z[i] as number) - m)
  }
  return out
}

/** Adds Σ αᵢ·dᵢ to z (direction sliders). */
export function moveAlong(
  z: Float32Array,
  directions: readonly Float32Array[],
  amounts: readonly number[]
): Float32Array {
  const out = Float32Array.from(z)
  directions.forEach((d, k) => {
    checkSameLength(z, d)
    const a = amounts[k] ?? 0
    if (a !== 0) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + a * (d[i] as number)
  })
  return out
}

/** Most seeds one request may name (an 8×8 grid is 64). */
export const MAX_SEEDS = 4096

/**
 * Parses "7", "1-64" or "1,2,10-12" into seeds; throws an Error with one line naming the problem
 * (a range must run upwards: "5-1" is refused).
 */
export function parseSeeds(text: string): number[] {
  const out: number[] = []
  for (const part of text.split(',').map((s) => s.trim())) {
    if (part === '') throw new Error(`expected seeds like 1-64 or 1,2,5, but got '${text}'`)
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (!m) throw new Error(`expected seeds like 1-64 or 1,2,5, but got '${part}'`)
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    if (from > 2 ** 31 - 1 || to > 2 ** 31 - 1)
      throw new Error(`seeds go up to ${2 ** 31 - 1}, but got '${part}'`)
    if (to < from)
      throw new Error(`the seed range '${part}' runs backwards; write it low-high, e.g. ${to}-${from}`)
    if (out.length + (to - from + 1) > MAX_SEEDS)
      throw new Error(`at most ${MAX_SEEDS} seeds at a time, but '${text}' names more`)
    for (let s = from; s <= to; s++) out.push(s)
  }
  return out
}
