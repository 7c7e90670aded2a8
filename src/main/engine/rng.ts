/**
 * The run's one seeded PRNG (sfc32). It drives weight init, batch order and latent sampling, and
 * its 128-bit state goes into every checkpoint, so a resumed run draws the same numbers the
 * uninterrupted one would have. Pure JS: the same on every backend.
 */

/** Serialisable PRNG state: four uint32 words. */
export type RngState = [number, number, number, number]

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) {
      ;[this.a, this.b, this.c, this.d] = seed.map((x) => x >>> 0) as RngState
    } else {
      // splitmix32 expands one seed into four well-mixed words.
      let s = seed >>> 0
      const next = (): number => {
        s = (s + 0x9e3779b9) >>> 0
        let z = s
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
        return (z ^ (z >>> 16)) >>> 0
      }
      this.a = next()
      this.b = next()
      this.c = next()
      this.d = next()
      for (let i = 0; i < 12; i++) this.nextUint32()
    }
  }

  /** The state to store in a checkpoint. */
  state(): RngState {
    // normal() keeps no spare value, so these four words are the whole state.
    return [this.a, this.b, this.c, this.d]
  }

  /** Puts back a state taken by state(). */
  setState(s: RngState): void {
    ;[this.a, this.b, this.c, this.d] = s.map((x) => x >>> 0) as RngState
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0
    this.c = (this.c + t) >>> 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n)
  }

  /** Standard normal. Draws pairs and never keeps a spare, so state() alone captures the stream. */
  normal(): number {
    let u = this.uniform()
    while (u <= 1e-12) u = this.uniform()
    const v = this.uniform()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Fills a new Float32Array with N(0, std²) values. */
  normalArray(n: number, std = 1): Float32Array {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = this.normal() * std
    return out
  }

  /** A permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n)
    for (let i = 0; i < n; i++) p[i] = i
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = p[i] as number
      p[i] = p[j] as number
      p[j] = t
    }
    return p
  }
}

/** Latent vectors for explicit seeds: seed k always gives the same z, independent of any run state. */
export function latentForSeed(seed: number, latentDim: number): Float32Array {
  return new Rng((seed ^ 0x5eed1a7e) >>> 0).normalArray(latentDim)
}
