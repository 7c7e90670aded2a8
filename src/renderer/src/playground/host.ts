/**
 * The worker's side of the playground: owns one GanPlayground, runs steps in slices while
 * playing and posts a picture after each slice, at most ~30 a second. No DOM and no Worker
 * globals: worker.ts binds it to `self`, tests drive it directly.
 */
import type { LiveEdit, PlaygroundConfig } from './config'
import { GanPlayground, type Picture, type StepMetrics } from './engine'
import type { FromWorker, ToWorker } from './protocol'
import { scenarioById } from './scenarios'

/** Pictures a second while playing; the main thread draws each one on its next animation frame. */
const FRAME_MS = 1000 / 30
/** A slice never trains longer than this, so pause and step answer promptly. */
const SLICE_MS = 40

export interface HostIo {
  post(msg: FromWorker, transfer: Transferable[]): void
  /** setTimeout in the worker; tests pass their own. */
  later(fn: () => void, ms: number): void
  now(): number
}

function transferables(p: Picture): Transferable[] {
  return [p.real.buffer, p.fake.buffer, p.arrows.buffer, p.heatmap.buffer, p.grid.buffer] as ArrayBuffer[]
}

export class PlaygroundHost {
  private engine: GanPlayground | null = null
  private playing = false
  private ticking = false
  private stepsPerFrame = 5
  private metrics: StepMetrics[] = []
  private scenario: { id: string; until: number } | null = null
  private rate: { t: number; step: number }[] = []

  constructor(private readonly io: HostIo) {}

  handle(msg: ToWorker): void {
    try {
      switch (msg.type) {
        case 'reset':
          this.scenario = null
          this.reset(msg.config, msg.edits ?? [])
          return
        case 'play':
          if (!this.engine || this.engine.diverged) return this.frame()
          this.playing = true
          this.tick()
          return
        case 'pause':
          this.playing = false
          this.scenario = null
          this.frame()
          return
        case 'step':
          if (!this.engine) return
          this.playing = false
          this.scenario = null
          this.metrics.push({ ...this.engine.trainStep() })
          this.frame()
          return
        case 'speed':
          this.stepsPerFrame = Math.max(1, Math.min(500, Math.round(msg.stepsPerFrame)))
          return
        case 'change':
          if (!this.engine) return
          this.engine.change(msg.change)
          this.state()
          return
        case 'scenario': {
          const s = scenarioById(msg.id)
          if (!s) throw new Error(`There is no scenario "${msg.id}".`)
          this.reset(s.config, [])
          this.scenario = { id: s.id, until: s.steps }
          this.playing = true
          this.tick()
          return
        }
      }
    } catch (err) {
      this.playing = false
      this.io.post({ type: 'error', message: err instanceof Error ? err.message : String(err) }, [])
    }
  }

  private reset(config: PlaygroundConfig, edits: LiveEdit[]): void {
    // Built before the old run is dropped: a bad config leaves the old run in place.
    const engine = new GanPlayground(config, edits)
    this.engine = engine
    this.playing = false
    this.metrics = []
    this.rate = []
    this.state()
    this.frame()
  }

  private state(): void {
    const e = this.engine
    if (!e) return
    this.io.post(
      {
        type: 'state',
        config: structuredClone(e.config),
        initial: structuredClone(e.initial),
        edits: structuredClone(e.edits)
      },
      []
    )
  }

  private stepsPerSecond(): number {
    const first = this.rate[0]
    const last = this.rate[this.rate.length - 1]
    if (!this.playing || !first || !last || last.t === first.t) return 0
    return ((last.step - first.step) * 1000) / (last.t - first.t)
  }

  private frame(): void {
    const e = this.engine
    if (!e) return
    const picture = e.picture()
    this.io.post(
      {
        type: 'frame',
        picture,
        metrics: this.metrics,
        playing: this.playing,
        diverged: e.diverged,
        stepsPerSecond: this.stepsPerSecond()
      },
      transferables(picture)
    )
    this.metrics = []
  }

  /** One slice of training and one picture, then the next slice is scheduled. */
  private tick(): void {
    if (this.ticking) return
    this.ticking = true
    const run = (): void => {
      const e = this.engine
      if (!this.playing || !e) {
        this.ticking = false
        return
      }
      const start = this.io.now()
      let n = this.stepsPerFrame
      if (this.scenario) n = Math.min(Math.max(n, 20), this.scenario.until - e.step)
      for (let i = 0; i < n && !e.diverged; i++) {
        this.metrics.push({ ...e.trainStep() })
        if (this.io.now() - start > SLICE_MS) break
      }
      const now = this.io.now()
      this.rate.push({ t: now, step: e.step })
      while (this.rate.length > 2 && now - this.rate[0]!.t > 1000) this.rate.shift()
      const done = this.scenario && e.step >= this.scenario.until
      if (e.diverged || done) this.playing = false
      this.frame()
      if (done && this.scenario) {
        this.io.post(
          { type: 'scenario-done', result: { id: this.scenario.id, step: e.step, coverage: e.coverage() } },
          []
        )
        this.scenario = null
      }
      if (!this.playing) {
        this.ticking = false
        return
      }
      this.io.later(run, Math.max(0, FRAME_MS - (this.io.now() - start)))
    }
    this.io.later(run, 0)
  }
}
