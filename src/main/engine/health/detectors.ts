/**
 * Training-health detectors: pure functions over metric traces and sample-grid statistics. Each
 * returns a finding (code, plain-language message, suggestion) or undefined. `HealthCoach`
 * (coach.ts) feeds them and turns findings into `warning` events. The thresholds, also in
 * docs/TRAINING-HEALTH.md:
 *
 * | code             | raised when (over the last `window` logged records)                                               | losses          |
 * |------------------|---------------------------------------------------------------------------------------------------|-----------------|
 * | `d-winning`      | every lossD < `dWinningLossD` (0.05 ns/hinge, 0.01 lsgan)                                          | ns, hinge, lsgan |
 * | `g-not-learning` | mean lossG of the last quarter > 1.5 × that of the first quarter and mean D(G(z)) < 0.05          | ns              |
 * | `no-progress`    | lossD and lossG each vary by < 1 % (std / |mean|) and the last 3 sample grids changed < 0.5 / 255 | all             |
 * | `mode-collapse`  | grid diversity < 0.4 × its peak, the peak ≥ 0.1 and not from the first grid                        | all             |
 * | `oscillation`    | lossD changes direction on ≥ 70 % of records and its mean |step| > 0.5 × mean |lossD|             | all             |
 * | `exploding-gradients` | a network's mean gradient norm over the last 3 records > 10 × its median over the window's earlier records, and > 1 | all |
 * | `vanishing-gradients` | a network's gradient norm < 1e-4 on every record of the window                            | all             |
 *
 * `window` is 20 logged records (200 steps at the default logEvery 10); no detector speaks before
 * a full window (or 3 sample grids) exists, so the first steps of a run never warn.
 */
import type { LossKind } from '../../../shared/hyperparams'

/** One logged record, as StepMetrics has it. */
export interface MetricPoint {
  step: number
  lossD: number
  lossG: number
  dReal: number
  dFake: number
  /** Global gradient norms of G and D (StepMetrics.gradNorm), when logged. */
  gradG?: number
  gradD?: number
}

/** Statistics of one rendered sample grid. */
export interface SamplePoint {
  step: number
  /** Mean pairwise RMS distance between the grid's images, pixels scaled to [0, 1]. */
  diversity: number
  /** Mean absolute pixel change from the previous grid, in [0, 1] (NaN for the first). */
  change: number
}

export const HEALTH_CODES = [
  'd-winning',
  'g-not-learning',
  'no-progress',
  'mode-collapse',
  'oscillation',
  'exploding-gradients',
  'vanishing-gradients'
] as const
export type HealthCode = (typeof HEALTH_CODES)[number]

/** A detector's verdict: what is wrong, in words, and what to try. */
export interface HealthFinding {
  code: HealthCode
  message: string
  suggestion: string
  /** The numbers behind the verdict, for the event's data. */
  evidence: Record<string, number>
}

/** Every threshold in one place (see the table above). */
export const HEALTH_THRESHOLDS = {
  window: 20,
  dWinningLossD: { ns: 0.05, hinge: 0.05, lsgan: 0.01 } as Partial<Record<LossKind, number>>,
  gRiseRatio: 1.5,
  gDeadDFake: 0.05,
  flatRelStd: 0.01,
  flatSampleChange: 0.5 / 255,
  flatSampleGrids: 3,
  collapseRatio: 0.4,
  collapseMinPeak: 0.1,
  oscillationTurns: 0.7,
  oscillationAmplitude: 0.5,
  /** Records at the end of the window compared with the rest of it. */
  explodeRecent: 3,
  explodeRatio: 10,
  explodeMinNorm: 1,
  vanishNorm: 1e-4
} as const

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length
}

function std(xs: readonly number[]): number {
  const m = mean(xs)
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)))
}

function lastWindow(trace: readonly MetricPoint[]): MetricPoint[] | undefined {
  const n = HEALTH_THRESHOLDS.window
  if (trace.length < n) return undefined
  const w = trace.slice(-n)
  return w.every((p) => Number.isFinite(p.lossD) && Number.isFinite(p.lossG)) ? w : undefined
}

/** D wins: its loss stays near zero, so G gets almost no useful gradient. */
export function detectDWinning(trace: readonly MetricPoint[], loss: LossKind): HealthFinding | undefined {
  const limit = HEALTH_THRESHOLDS.dWinningLossD[loss]
  const w = lastWindow(trace)
  if (limit === undefined || !w) return undefined
  if (!w.every((p) => p.lossD < limit)) return undefined
  return {
    code: 'd-winning',
    message: `The discriminator is winning: its loss has stayed below ${limit} for the last ${w.length} records, so the generator gets almost no signal.`,
    suggestion:
      'Lower lrD (or use the TTUR preset the other way round), add DiffAugment, turn on spectral normalisation, or try the hinge loss.',
    evidence: { meanLossD: mean(w.map((p) => p.lossD)), limit }
  }
}

/** G is not learning: its loss climbs while D rejects every fake (non-saturating loss only). */
export function detectGNotLearning(trace: readonly MetricPoint[], loss: LossKind): HealthFinding | undefined {
  if (loss !== 'ns') return undefined
  const w = lastWindow(trace)
  if (!w) return undefined
  const q = Math.max(1, Math.floor(w.length / 4))
  const first = mean(w.slice(0, q).map((p) => p.lossG))
  const last = mean(w.slice(-q).map((p) => p.lossG))
  const dFake = mean(w.slice(-q).map((p) => p.dFake))
  if (!(last > HEALTH_THRESHOLDS.gRiseRatio * first && dFake < HEALTH_THRESHOLDS.gDeadDFake)) return undefined
  return {
    code: 'g-not-learning',
    message: `The generator is not learning: its loss rose from ${first.toFixed(2)} to ${last.toFixed(2)} while D(G(z)) fell to ${dFake.toFixed(3)}.`,
    suggestion:
      'Raise lrG or lower lrD, reduce D steps per G step, or branch from an earlier checkpoint with spectral normalisation on.',
    evidence: { lossGFirst: first, lossGLast: last, dFake }
  }
}

/** No progress: losses flat and samples unchanged. */
export function detectNoProgress(
  trace: readonly MetricPoint[],
  samples: readonly SamplePoint[]
): HealthFinding | undefined {
  const w = lastWindow(trace)
  const k = HEALTH_THRESHOLDS.flatSampleGrids
  if (!w || samples.length < k + 1) return undefined
  const rel = (xs: number[]): number => std(xs) / Math.max(1e-8, Math.abs(mean(xs)))
  const relD = rel(w.map((p) => p.lossD))
  const relG = rel(w.map((p) => p.lossG))
  const changes = samples.slice(-k).map((s) => s.change)
  const maxChange = Math.max(...changes)
  if (!(
    relD < HEALTH_THRESHOLDS.flatRelStd &&
    relG < HEALTH_THRESHOLDS.flatRelStd &&
    maxChange < HEALTH_THRESHOLDS.flatSampleChange
  ))
    return undefined
  return {
    code: 'no-progress',
    message: `Training has stalled: both losses vary by under 1 % and the last ${k} sample grids are practically identical.`,
    suggestion:
      'Check the learning rates are not tiny (a rollback halves them), raise lrG and lrD, or stop here if the samples already look right.',
    evidence: { relStdD: relD, relStdG: relG, maxSampleChange: maxChange }
  }
}

/** Mode collapse: the fixed-latent grid's images become alike. */
export function detectModeCollapse(samples: readonly SamplePoint[]): HealthFinding | undefined {
  if (samples.length < 3) return undefined
  const cur = samples[samples.length - 1] as SamplePoint
  let peak = -Infinity
  let peakIndex = -1
  samples.slice(0, -1).forEach((s, i) => {
    if (s.diversity > peak) {
      peak = s.diversity
      peakIndex = i
    }
  })
  if (peakIndex < 1 || peak < HEALTH_THRESHOLDS.collapseMinPeak) return undefined
  if (!(cur.diversity < HEALTH_THRESHOLDS.collapseRatio * peak)) return undefined
  return {
    code: 'mode-collapse',
    message: `Possible mode collapse: the sample grid's diversity fell from ${peak.toFixed(3)} (step ${samples[peakIndex]?.step ?? 0}) to ${cur.diversity.toFixed(3)}; different latents now give similar images.`,
    suggestion:
      'Branch from the checkpoint before the drop with spectral normalisation, DiffAugment or a lower lrG; a conditional model or the hinge loss also help.',
    evidence: { diversity: cur.diversity, peak, peakStep: samples[peakIndex]?.step ?? 0 }
  }
}

/** Oscillation: lossD swings up and down by a large fraction of itself, record after record. */
export function detectOscillation(trace: readonly MetricPoint[]): HealthFinding | undefined {
  const w = lastWindow(trace)
  if (!w) return undefined
  const d = w.slice(1).map((p, i) => p.lossD - (w[i] as MetricPoint).lossD)
  let turns = 0
  for (let i = 1; i < d.length; i++)
    if (Math.sign(d[i] as number) !== Math.sign(d[i - 1] as number) && d[i] !== 0) turns += 1
  const turnShare = turns / Math.max(1, d.length - 1)
  const amplitude = mean(d.map(Math.abs)) / Math.max(1e-8, mean(w.map((p) => Math.abs(p.lossD))))
  if (!(
    turnShare >= HEALTH_THRESHOLDS.oscillationTurns && amplitude > HEALTH_THRESHOLDS.oscillationAmplitude
  ))
    return undefined
  return {
    code: 'oscillation',
    message: `The losses oscillate: D's loss changes direction on ${(turnShare * 100).toFixed(0)} % of records by about ${(amplitude * 100).toFixed(0)} % of its size.`,
    suggestion:
      'Lower both learning rates (try half), set beta1 to 0.5 or 0, or turn on EMA and spectral normalisation.',
    evidence: { turnShare, amplitude }
  }
}

/** Diversity and change of a sample grid from its uint8 pixels ([n, h, w, c], values 0..255). */
export function gridStatistics(
  pixels: Uint8Array,
  n: number,
  previous?: Uint8Array
): { diversity: number; change: number } {
  const size = pixels.length / n
  let total = 0
  let pairs = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0
      const a = i * size
      const b = j * size
      for (let k = 0; k < size; k++) {
        const d = ((pixels[a + k] as number) - (pixels[b + k] as number)) / 255
        s += d * d
      }
      total += Math.sqrt(s / size)
      pairs += 1
    }
  }
  let change = NaN
  if (previous && previous.length === pixels.length) {
    let s = 0
    for (let k = 0; k < pixels.length; k++) s += Math.abs((pixels[k] as number) - (previous[k] as number))
    change = s / pixels.length / 255
  }
  return { diversity: pairs > 0 ? total / pairs : 0, change }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/** The window's gradient norms of both networks, or undefined if any record lacks them. */
function gradientWindow(trace: readonly MetricPoint[]): { G: number[]; D: number[] } | undefined {
  const w = lastWindow(trace)
  if (!w) return undefined
  const G = w.map((p) => p.gradG ?? NaN)
  const D = w.map((p) => p.gradD ?? NaN)
  if (![...G, ...D].every(Number.isFinite)) return undefined
  return { G, D }
}

const NET_NAMES = { G: 'generator', D: 'discriminator' } as const

/** Exploding gradients: a network's gradient norm jumps an order of magnitude above its recent level. */
export function detectExplodingGradients(trace: readonly MetricPoint[]): HealthFinding | undefined {
  const w = gradientWindow(trace)
  if (!w) return undefined
  const k = HEALTH_THRESHOLDS.explodeRecent
  for (const net of ['D', 'G'] as const) {
    const xs = w[net]
    const before = median(xs.slice(0, -k))
    const recent = mean(xs.slice(-k))
    if (recent > HEALTH_THRESHOLDS.explodeRatio * before && recent > HEALTH_THRESHOLDS.explodeMinNorm) {
      return {
        code: 'exploding-gradients',
        message: `The ${NET_NAMES[net]}'s gradients are exploding: their norm jumped from about ${before.toPrecision(3)} to ${recent.toPrecision(3)} over the last ${k} records, and a NaN usually follows.`,
        suggestion: `Halve lr${net}, set clipNorm (try 1), or turn on spectral normalisation or the R1 penalty for D.`,
        evidence: { network: net === 'G' ? 0 : 1, medianBefore: before, recent, ratio: recent / before }
      }
    }
  }
  return undefined
}

/** Vanishing gradients: a network gets almost no gradient, so it has stopped learning. */
export function detectVanishingGradients(trace: readonly MetricPoint[]): HealthFinding | undefined {
  const w = gradientWindow(trace)
  if (!w) return undefined
  for (const net of ['G', 'D'] as const) {
    const xs = w[net]
    const limit = HEALTH_THRESHOLDS.vanishNorm
    if (xs.every((x) => x < limit)) {
      return {
        code: 'vanishing-gradients',
        message: `The ${NET_NAMES[net]}'s gradients have vanished: their norm stayed below ${limit} for the last ${xs.length} records, so it has practically stopped learning.`,
        suggestion:
          net === 'G'
            ? 'D is probably saturated: use the non-saturating or hinge loss, lower lrD, add DiffAugment or instance noise, or branch from before it happened.'
            : 'Raise lrD, check the learning rates were not halved by rollbacks, or branch from an earlier checkpoint.',
        evidence: { network: net === 'G' ? 0 : 1, max: Math.max(...xs), limit }
      }
    }
  }
  return undefined
}
