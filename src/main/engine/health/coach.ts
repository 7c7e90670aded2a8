/**
 * The health coach: a small stateful wrapper the session calls at each logged step and each
 * sample grid. It keeps short traces, runs the detectors (detectors.ts) and returns each finding
 * once per episode: a code that fired stays quiet until its condition has cleared, so a long
 * stretch of the same trouble gives one warning, not one per record.
 */
import type { LossKind } from '../../../shared/hyperparams'
import {
  HEALTH_THRESHOLDS,
  detectDWinning,
  detectExplodingGradients,
  detectGNotLearning,
  detectModeCollapse,
  detectNoProgress,
  detectOscillation,
  detectVanishingGradients,
  gridStatistics,
  type HealthCode,
  type HealthFinding,
  type MetricPoint,
  type SamplePoint
} from './detectors'

/** Records kept: enough for every detector's window, with room to spare. */
const KEEP = HEALTH_THRESHOLDS.window * 4

export class HealthCoach {
  private trace: MetricPoint[] = []
  private samples: SamplePoint[] = []
  private lastGrid: Uint8Array | undefined
  /** Codes that fired and whose condition still holds. */
  private readonly active = new Set<HealthCode>()

  constructor(private loss: LossKind) {}

  /** Feeds one logged record; returns new findings (non-finite records are ignored). */
  onMetrics(p: MetricPoint): HealthFinding[] {
    if (!Number.isFinite(p.lossD) || !Number.isFinite(p.lossG)) return []
    this.trace.push({
      step: p.step,
      lossD: p.lossD,
      lossG: p.lossG,
      dReal: p.dReal,
      dFake: p.dFake,
      ...(p.gradG !== undefined ? { gradG: p.gradG } : {}),
      ...(p.gradD !== undefined ? { gradD: p.gradD } : {})
    })
    if (this.trace.length > KEEP) this.trace.splice(0, this.trace.length - KEEP)
    return this.settle(
      [
        'd-winning',
        'g-not-learning',
        'oscillation',
        'no-progress',
        'exploding-gradients',
        'vanishing-gradients'
      ],
      [
        detectDWinning(this.trace, this.loss),
        detectGNotLearning(this.trace, this.loss),
        detectOscillation(this.trace),
        detectNoProgress(this.trace, this.samples),
        detectExplodingGradients(this.trace),
        detectVanishingGradients(this.trace)
      ]
    )
  }

  /** Feeds one rendered sample grid (uint8 pixels of `n` images); returns new findings. */
  onSample(step: number, pixels: Uint8Array, n: number): HealthFinding[] {
    const { diversity, change } = gridStatistics(pixels, n, this.lastGrid)
    this.lastGrid = pixels.slice()
    return this.onSampleStats({ step, diversity, change })
  }

  /** Same as onSample, from precomputed statistics (tests, replays). */
  onSampleStats(s: SamplePoint): HealthFinding[] {
    this.samples.push(s)
    if (this.samples.length > KEEP) this.samples.splice(0, this.samples.length - KEEP)
    return this.settle(['mode-collapse'], [detectModeCollapse(this.samples)])
  }

  /** Forgets everything after `step` (a rollback or resume rewound the run). */
  rewind(step: number): void {
    this.trace = this.trace.filter((p) => p.step <= step)
    this.samples = this.samples.filter((s) => s.step <= step)
    this.lastGrid = undefined
    this.active.clear()
  }

  private settle(codes: HealthCode[], results: Array<HealthFinding | undefined>): HealthFinding[] {
    const out: HealthFinding[] = []
    codes.forEach((code, i) => {
      const f = results[i]
      if (!f) {
        this.active.delete(code)
      } else if (!this.active.has(code)) {
        this.active.add(code)
        out.push(f)
      }
    })
    return out
  }
}
