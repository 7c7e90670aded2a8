/**
 * A training session: one run directory, one trainer, the step loop with logging, sample grids,
 * checkpoints, pause/resume/stop and live hyperparameter changes. The CLI and the trainer worker
 * both drive training through this (see session-types.ts).
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import {
  NO_CLASSIFIER_MESSAGE,
  type QualityScore,
  type RunEvent,
  type RunQuality,
  type RunRecord,
  type RunStatus,
  type StepMetrics
} from '../../shared/domain'
import { StudioError, describeIoError } from '../../shared/errors'
import {
  hyperparamsSchema,
  type Hyperparams,
  type HyperparamsInput,
  type LiveHyperparams
} from '../../shared/hyperparams'
import { describeZodError } from '../../shared/zod-issues'
import { encodePng, tileGrid } from '../imaging/png'
import { APP_VERSION } from '../version'
import { currentBackend, loadBackend } from './backend'
import { backendFields, threadChange } from './run-threads'
import { CHECKPOINT_FORMAT_VERSION, checkpointName, type CheckpointState } from './checkpoint/format'
import { readBest, writeBest } from './checkpoint/best'
import { findLatestCheckpoint, readCheckpoint, type LoadedCheckpoint } from './checkpoint/reader'
import { readHostTensors, restoreTensors, resumeMismatches } from './checkpoint/trainer-io'
import { removeStaleTemps, saveCheckpoint, type WriteHook } from './checkpoint/writer'
import { loadTrainingData } from './data/datasets'
import { buildArchs } from './models'
import { TrainingGuard } from './guard'
import { HealthCoach } from './health'
import { loadQualityClassifier, scoreImages, type QualityClassifier } from './quality'
import {
  RUN_FILES,
  appendEvents,
  appendMetrics,
  newRunDirProblem,
  readRunRecord,
  sampleFileName,
  trimMetrics,
  writeFileAtomic,
  writeRunRecord
} from './runs/store'
import type { SessionListener, SessionOptions, TrainingSessionApi } from './session-types'
import { SAMPLE_GRID, GanTrainer } from './trainer'
import { tf } from './tf'

function parseConfig(input: unknown): Hyperparams {
  const r = hyperparamsSchema.safeParse(input)
  if (!r.success) {
    throw new StudioError('invalid-input', describeZodError(r.error))
  }
  return r.data
}

/** Test hook: `GAN_STUDIO_CRASH_AT=<stage>` kills this process at that checkpoint-write stage. */
function crashHookFromEnv(): WriteHook | undefined {
  const at = process.env.GAN_STUDIO_CRASH_AT
  if (!at) return undefined
  const afterStep = Number(process.env.GAN_STUDIO_CRASH_AFTER_STEP ?? 0)
  return (stage: string) => {
    if (stage === at && currentStep >= afterStep) process.kill(process.pid, 'SIGKILL')
  }
}
let currentStep = 0

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export class TrainingSession implements TrainingSessionApi {
  private pauseRequested = false
  private stopRequested = false
  private pendingLive: LiveHyperparams | undefined
  /** Callers of snapshot() waiting for the step in progress to end. */
  private snapshotWaiters: Array<(ok: boolean) => void> = []
  private running = false
  private lastCheckpointStep = -1
  private lastSampleStep = -1
  /** Non-finite guard, health coach and quality score (engine/guard, health, quality). */
  private readonly guard = new TrainingGuard()
  private coach: HealthCoach | undefined
  private qualityClassifier: QualityClassifier | null | undefined
  private pendingQuality: QualityScore | undefined
  /** Best FD of the run so far (its checkpoint is named by checkpoints/best.json). */
  private bestFd: number | undefined
  /** Set when the latest score beat bestFd: a checkpoint of this step becomes the best one. */
  private newBest: QualityScore | undefined
  private hook: WriteHook | undefined = crashHookFromEnv()

  /** The run's record without its config: that is always the trainer's (see `record`). */
  private stored: Omit<RunRecord, 'config'>

  private constructor(
    readonly runDir: string,
    record: RunRecord,
    private readonly trainer: GanTrainer
  ) {
    const { config: _config, ...rest } = record
    this.stored = rest
    this.lastCheckpointStep = trainer.step
  }

  /**
   * The run's record. Its config is the trainer's own, read each time: live edits and the NaN
   * guard's halved learning rates change the trainer, and run.json, written from this, follows.
   */
  get record(): RunRecord {
    return { ...this.stored, config: this.trainer.config }
  }

  /** Replaces the record's bookkeeping (name, status, ...); its config stays the trainer's. */
  set record(r: RunRecord) {
    const { config: _config, ...rest } = r
    this.stored = rest
  }

  get config(): Hyperparams {
    return this.trainer.config
  }

  /** Opens a new, resumed or branched session (see SessionMode). */
  static async open(opts: SessionOptions): Promise<TrainingSession> {
    const backend = currentBackend() ?? (await loadBackend(opts.backend ?? 'auto', undefined, opts.threads))
    if (opts.backend && opts.backend !== 'auto' && backend.active !== opts.backend)
      await loadBackend(opts.backend, undefined, opts.threads)
    const active = currentBackend() ?? backend
    const runDir = path.resolve(opts.runDir)
    const mode = opts.mode
    const ckptDir = path.join(runDir, RUN_FILES.checkpoints)

    if (mode.kind === 'resume') {
      const record = await readRunRecord(runDir)
      if (!record)
        throw new StudioError(
          'not-found',
          `${runDir} holds no run (no run.json): pass the folder given as --out when it started`
        )
      await removeStaleTemps(ckptDir)
      const found = await findLatestCheckpoint(ckptDir)
      if (!found) throw new StudioError('not-found', `${runDir} has no complete checkpoint to resume from`)
      const ckpt = found.checkpoint
      const config = parseConfig({
        ...ckpt.state.config,
        ...(mode.config ?? {}),
        ...(mode.steps ? { steps: mode.steps } : {})
      })
      const data = await loadTrainingData(record.dataDir ?? opts.dataDir, config.dataset, config.imageSize)
      config.imageSize = data.index.shape[0] as Hyperparams['imageSize']
      const archs = buildArchs(config, data.index.shape, data.labels ? data.index.labelNames.length : 0)
      const problems = resumeMismatches(ckpt.state, config, archs, data.index)
      if (problems.length > 0 && !mode.force) {
        throw new StudioError(
          'conflict',
          `Cannot resume ${record.name}: ${problems.join('; ')}. Use --force to resume anyway, or branch a new run.`
        )
      }
      const trainer = await GanTrainer.create(config, data, archs)
      try {
        restoreTensors(trainer, ckpt)
      } catch (err) {
        trainer.dispose()
        throw new StudioError('conflict', `Cannot resume ${record.name}: ${(err as Error).message}`)
      }
      // History after the checkpoint is replayed by the resumed run: drop it so charts have no duplicates.
      await trimMetrics(runDir, ckpt.state.step)
      const session = new TrainingSession(
        runDir,
        { ...record, config, step: ckpt.state.step, ...backendFields(active) },
        trainer
      )
      for (const s of found.skipped)
        await session.emit({
          kind: 'warning',
          step: ckpt.state.step,
          time: Date.now(),
          message: `Skipped damaged checkpoint: ${s.reason}`
        })
      if (found.skipped.length > 0) {
        await session.emit({
          kind: 'warning',
          step: ckpt.state.step,
          time: Date.now(),
          message: `Resumed from ${ckpt.name} (the newer checkpoint was damaged)`
        })
      }
      const threadsNote = threadChange(record, active)
      if (threadsNote) await session.emit({ ...threadsNote, step: ckpt.state.step, time: Date.now() })
      if (ckpt.state.backend !== active.active) {
        await session.emit({
          kind: 'warning',
          step: ckpt.state.step,
          time: Date.now(),
          message: `Checkpoint saved on ${ckpt.state.backend}, resuming on ${active.active}: results continue but are not bit-identical`
        })
      }
      session.resumedFrom = ckpt.name
      session.bestFd = (await readBest(ckptDir))?.fd
      session.useHook(opts.checkpointHook)
      return session
    }

    const dirProblem = await newRunDirProblem(runDir)
    if (dirProblem) throw new StudioError(dirProblem.code, dirProblem.message)
    let parentCkpt: LoadedCheckpoint | undefined
    let input: HyperparamsInput
    if (mode.kind === 'branch') {
      try {
        parentCkpt = await readCheckpoint(path.resolve(mode.from))
      } catch (err) {
        throw new StudioError('not-found', `Cannot branch from ${mode.from}: ${(err as Error).message}`)
      }
      input = { ...parentCkpt.state.config, ...(mode.config ?? {}) }
    } else {
      input = mode.config
    }
    const config = parseConfig(input)
    // The size asked for, or the dataset's own; either way the run records the size it trains at.
    const data = await loadTrainingData(opts.dataDir, config.dataset, config.imageSize)
    config.imageSize = data.index.shape[0] as Hyperparams['imageSize']
    const archs = buildArchs(config, data.index.shape, data.labels ? data.index.labelNames.length : 0)
    if (parentCkpt) {
      const problems = resumeMismatches(parentCkpt.state, config, archs, data.index)
      if (problems.length > 0 && !(mode.kind === 'branch' && mode.force)) {
        throw new StudioError(
          'conflict',
          `Cannot branch from ${parentCkpt.name}: ${problems.join('; ')}. Use --force to branch anyway.`
        )
      }
    }
    const trainer = await GanTrainer.create(config, data, archs)
    if (parentCkpt) restoreTensors(trainer, parentCkpt)
    await fs.mkdir(path.join(runDir, RUN_FILES.samples), { recursive: true })
    await fs.mkdir(ckptDir, { recursive: true })
    const now = new Date().toISOString()
    const record: RunRecord = {
      id: path.basename(runDir),
      name: mode.name ?? `${config.dataset} ${config.model}`,
      created: now,
      updated: now,
      config,
      dataset: {
        id: data.index.id,
        fingerprint: data.index.fingerprint,
        count: data.index.count,
        shape: data.index.shape
      },
      ...backendFields(active),
      status: 'paused',
      step: trainer.step,
      appVersion: APP_VERSION,
      dataDir: path.resolve(opts.dataDir),
      ...(parentCkpt
        ? {
            parent: {
              runId: parentCkpt.state.runId,
              checkpoint: path.resolve(mode.kind === 'branch' ? mode.from : ''),
              step: parentCkpt.state.step
            }
          }
        : {})
    }
    await writeRunRecord(runDir, record)
    const session = new TrainingSession(runDir, record, trainer)
    session.useHook(opts.checkpointHook)
    return session
  }

  private useHook(hook: SessionOptions['checkpointHook']): void {
    if (hook) this.hook = (stage) => hook(stage, this.trainer.step)
  }

  /** Set when the session was resumed from disk: the checkpoint's name. */
  resumedFrom: string | undefined

  private listener: SessionListener = {}

  /** Events recorded while opening (e.g. a damaged checkpoint skipped), replayed to run()'s listener. */
  private readonly openingEvents: RunEvent[] = []

  private async emit(e: RunEvent): Promise<void> {
    await appendEvents(this.runDir, [e])
    if (this.listener.event) this.listener.event(e)
    else this.openingEvents.push(e)
  }

  private async setStatus(status: RunStatus, message?: string): Promise<void> {
    const { message: _old, ...rest } = this.stored
    this.stored = {
      ...rest,
      status,
      step: this.trainer.step,
      updated: new Date().toISOString(),
      ...(message === undefined ? {} : { message })
    }
    await writeRunRecord(this.runDir, this.record)
    this.listener.status?.(status, message)
  }

  pause(): void {
    if (this.running) this.pauseRequested = true
  }

  stop(): void {
    if (this.running) this.stopRequested = true
  }

  /**
   * Checkpoints the current weights for the explorer: between two steps while training, at once
   * while paused (the pause already wrote one at this step). Returns the checkpoint's name.
   */
  async snapshot(): Promise<{ checkpoint: string; step: number }> {
    const ok = this.running
      ? await new Promise<boolean>((resolve) => this.snapshotWaiters.push(resolve))
      : await this.checkpoint()
    if (!ok)
      throw new StudioError(
        'io',
        this.record.message ?? 'Could not write a checkpoint of the current weights'
      )
    return { checkpoint: checkpointName(this.trainer.step), step: this.trainer.step }
  }

  private async answerSnapshots(): Promise<boolean> {
    const waiters = this.snapshotWaiters.splice(0)
    if (waiters.length === 0) return true
    const ok = await this.checkpoint()
    for (const w of waiters) w(ok)
    return ok
  }

  update(live: LiveHyperparams): void {
    this.pendingLive = { ...(this.pendingLive ?? {}), ...live }
    if (!this.running) void this.applyLive()
  }

  private async applyLive(): Promise<void> {
    const live = this.pendingLive
    if (!live) return
    this.pendingLive = undefined
    const before: Record<string, unknown> = {}
    for (const k of Object.keys(live) as Array<keyof LiveHyperparams>) before[k] = this.trainer.config[k]
    await this.setLive(live)
    const changes = Object.entries(live).map(([k, v]) => `${k} ${String(before[k])} → ${String(v)}`)
    await this.emit({
      kind: 'hyperparams',
      step: this.trainer.step,
      time: Date.now(),
      message: `Changed ${changes.join(', ')}`,
      data: { before, after: live }
    })
  }

  /** The one way live hyperparameters change: the trainer (and so its optimizers), then run.json. */
  private async setLive(live: LiveHyperparams): Promise<void> {
    this.trainer.setLive(live)
    await writeRunRecord(this.runDir, this.record)
  }

  async run(listener: SessionListener = {}): Promise<RunStatus> {
    if (this.running) throw new StudioError('conflict', 'This run is already training')
    this.listener = listener
    for (const e of this.openingEvents.splice(0)) listener.event?.(e)
    this.running = true
    this.pauseRequested = false
    this.stopRequested = false
    const t = this.trainer
    const cfg = (): Hyperparams => t.config
    try {
      const firstRun =
        t.step === 0 && this.record.status === 'paused' && !this.resumedFrom && this.lastSampleStep < 0
      await this.setStatus('running')
      await this.emit({
        kind: firstRun ? 'start' : 'resume',
        step: t.step,
        time: Date.now(),
        ...(this.resumedFrom ? { message: `from ${this.resumedFrom}` } : {})
      })
      this.resumedFrom = undefined
      if (firstRun) await this.writeSample()
      let windowStart = performance.now()
      let windowSteps = 0
      while (t.step < cfg().steps) {
        if (this.pauseRequested || this.stopRequested) break
        if (this.pendingLive) await this.applyLive()
        t.trainStep()
        currentStep = t.step
        windowSteps += 1
        const s = t.step
        const sampleStep = s % cfg().sampleEvery === 0 || s === cfg().steps
        if (sampleStep) await this.scoreQuality()
        if (s % cfg().logEvery === 0 || s === cfg().steps) {
          const avg = await t.readAverages()
          if (avg.nonFinite > 0) {
            if (!(await this.recoverNonFinite(avg.nonFinite))) return this.record.status
            windowStart = performance.now()
            windowSteps = 0
            continue
          }
          const now = performance.now()
          const ms = (now - windowStart) / Math.max(1, windowSteps)
          windowStart = now
          windowSteps = 0
          const m: StepMetrics = {
            step: s,
            epoch: t.epoch,
            lossD: avg.lossD,
            lossG: avg.lossG,
            dReal: avg.dReal,
            dFake: avg.dFake,
            msPerStep: ms,
            imagesPerSec: (cfg().batchSize * 1000) / ms,
            time: Date.now(),
            ...(this.pendingQuality ? { quality: this.pendingQuality } : {}),
            ...(avg.gradNorm ? { gradNorm: avg.gradNorm } : {})
          }
          this.pendingQuality = undefined
          await appendMetrics(this.runDir, [m])
          await this.coachWarnings(
            (this.coach ??= new HealthCoach(cfg().loss)).onMetrics({
              ...m,
              ...(m.gradNorm ? { gradG: m.gradNorm.g, gradD: m.gradNorm.d } : {})
            })
          )
          this.listener.progress?.({
            ...m,
            totalSteps: cfg().steps,
            etaSeconds: ((cfg().steps - s) * ms) / 1000
          })
        }
        if (sampleStep) await this.writeSample()
        if (this.newBest && !(await this.keepBest())) return this.record.status
        if (s % cfg().checkpointEvery === 0 && s !== cfg().steps) {
          const ok = await this.checkpoint()
          if (!ok) return this.record.status
        }
        if (!(await this.answerSnapshots())) return this.record.status
        await yieldToEventLoop()
      }
      const final: RunStatus = this.stopRequested ? 'stopped' : this.pauseRequested ? 'paused' : 'finished'
      const saved = await this.checkpoint()
      // A snapshot asked for during the last step is this final checkpoint.
      for (const w of this.snapshotWaiters.splice(0)) w(saved)
      if (!saved) return this.record.status
      await this.emit({
        kind: final === 'paused' ? 'pause' : final === 'stopped' ? 'stop' : 'finish',
        step: t.step,
        time: Date.now()
      })
      await this.setStatus(final)
      return final
    } finally {
      this.running = false
      // The loop ended another way (a failed checkpoint, a rollback): no snapshot at this step.
      for (const w of this.snapshotWaiters.splice(0)) w(false)
    }
  }

  /** Writes the fixed-latent grid for the current step. */
  private async writeSample(): Promise<void> {
    const t = this.trainer
    if (this.lastSampleStep === t.step) return
    this.lastSampleStep = t.step
    const [h, w, c] = t.data.index.shape
    const pixels = await t.renderSamples()
    await this.coachWarnings(
      (this.coach ??= new HealthCoach(t.config.loss)).onSample(t.step, pixels, SAMPLE_GRID)
    )
    const grid = tileGrid(pixels, SAMPLE_GRID, h, w, c, 8, 1, 1, 0)
    const png = encodePng(grid.pixels, grid.width, grid.height, c as 1 | 3, {
      Software: `GAN Studio ${APP_VERSION}`,
      'gan-studio': JSON.stringify({
        kind: 'sample-grid',
        run: this.record.id,
        step: t.step,
        seed: t.config.seed,
        ema: t.config.ema > 0
      })
    })
    const file = path.join(this.runDir, RUN_FILES.samples, sampleFileName(t.step))
    await writeFileAtomic(file, png)
    this.listener.sample?.({ step: t.step, path: file })
  }

  /** Records the health coach's findings as `warning` events (data.code, data.suggestion). */
  private async coachWarnings(findings: ReturnType<HealthCoach['onMetrics']>): Promise<void> {
    for (const f of findings) {
      await this.emit({
        kind: 'warning',
        step: this.trainer.step,
        time: Date.now(),
        message: `${f.message} ${f.suggestion}`,
        data: { code: f.code, suggestion: f.suggestion, ...f.evidence }
      })
    }
  }

  /** Non-finite updates were skipped: roll back (or stop after too many). False when stopped. */
  private async recoverNonFinite(skipped: number): Promise<boolean> {
    const out = await this.guard.recover(this.trainer, this.runDir, skipped)
    if (!out.stop) await this.setLive(out.live)
    await this.emit(out.event)
    if (out.stop) {
      await this.setStatus('stopped', out.message)
      return false
    }
    this.lastCheckpointStep = out.restoredStep
    this.lastSampleStep = Math.min(this.lastSampleStep, out.restoredStep)
    this.pendingQuality = undefined
    this.newBest = undefined
    this.coach?.rewind(out.restoredStep)
    currentStep = this.trainer.step
    return true
  }

  /** GAN Studio FD and class coverage of 256 generated images, when the dataset has a classifier. */
  private async scoreQuality(): Promise<void> {
    const t = this.trainer
    if (this.qualityClassifier === undefined) {
      const [h, w, c] = t.data.index.shape
      this.qualityClassifier = null
      try {
        const clf = await loadQualityClassifier(t.data.index.id)
        const [ch, cw, cc] = clf?.manifest.input ?? []
        if (clf && ch === h && cw === w && cc === c) this.qualityClassifier = clf
        else clf?.dispose()
      } catch (err) {
        await this.emit({
          kind: 'warning',
          step: t.step,
          time: Date.now(),
          message: `Quality score unavailable: ${(err as Error).message}`
        })
      }
    }
    const clf = this.qualityClassifier
    if (!clf) {
      if (!this.record.quality?.unavailable) await this.setQuality({ unavailable: NO_CLASSIFIER_MESSAGE })
      return
    }
    const images = t.renderQualityImages(256)
    try {
      const q: QualityScore = { step: t.step, ...(await scoreImages(clf, images)) }
      this.pendingQuality = q
      const isBest = Number.isFinite(q.fd) && (this.bestFd === undefined || q.fd < this.bestFd)
      if (isBest) this.newBest = q
      const prevBest = this.record.quality?.best
      await this.setQuality({
        latest: { fd: q.fd, step: q.step, classCoverage: q.classCoverage },
        ...(isBest ? { best: { fd: q.fd, step: q.step } } : prevBest ? { best: prevBest } : {})
      })
    } finally {
      images.dispose()
    }
  }

  /** Records the run's quality summary in run.json (one small atomic write per score). */
  private async setQuality(quality: RunQuality): Promise<void> {
    this.stored = { ...this.stored, quality }
    await writeRunRecord(this.runDir, this.record)
  }

  /**
   * A new best FD: checkpoint this step (unless just saved) and point best.json at it, so the
   * best model survives a later collapse and pruning. False when the checkpoint failed (paused).
   */
  private async keepBest(): Promise<boolean> {
    const q = this.newBest
    this.newBest = undefined
    if (!q || q.step !== this.trainer.step) return true
    if (!(await this.checkpoint())) return false
    const dir = path.join(this.runDir, RUN_FILES.checkpoints)
    const name = checkpointName(q.step)
    await writeBest(dir, { name, step: q.step, fd: q.fd })
    this.bestFd = q.fd
    await this.emit({
      kind: 'checkpoint',
      step: q.step,
      time: Date.now(),
      message: `${name} is the best so far (GAN Studio FD ${q.fd.toFixed(2)}): kept until a better one comes`,
      data: { best: true, fd: q.fd }
    })
    return true
  }

  /**
   * Saves a checkpoint of the current step. A failure (disk full, read-only folder, non-finite
   * weights) pauses the run with the reason; earlier checkpoints stay as they were.
   */
  async checkpoint(): Promise<boolean> {
    const t = this.trainer
    if (this.lastCheckpointStep === t.step && t.step > 0) return true
    const state: CheckpointState = {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      step: t.step,
      cursor: t.cursor(),
      config: t.config,
      archs: t.archs,
      dataset: { id: t.data.index.id, fingerprint: t.data.index.fingerprint },
      backend: (currentBackend()?.active ?? 'cpu') as CheckpointState['backend'],
      appVersion: APP_VERSION,
      tfjsVersion: tf.version_core,
      time: new Date().toISOString(),
      runId: this.record.id
    }
    try {
      const tensors = await readHostTensors(t)
      await saveCheckpoint(path.join(this.runDir, RUN_FILES.checkpoints), state, tensors, {
        keep: t.config.keep,
        hook: this.hook
      })
      this.lastCheckpointStep = t.step
      await this.emit({ kind: 'checkpoint', step: t.step, time: Date.now(), message: checkpointName(t.step) })
      return true
    } catch (err) {
      const io = describeIoError((err as NodeJS.ErrnoException).code)
      const message = `Could not save checkpoint ${checkpointName(t.step)}: ${io?.problem ?? (err as Error).message}. Training paused; earlier checkpoints are intact. ${io?.fix ?? 'Fix the cause and resume.'}`
      await this.emit({ kind: 'error', step: t.step, time: Date.now(), message }).catch(() => undefined)
      this.stored = { ...this.stored, status: 'paused', message, step: t.step }
      await writeRunRecord(this.runDir, this.record).catch(() => undefined)
      this.listener.status?.('paused', message)
      return false
    }
  }

  /** The trainer, for in-process tools (explorer on a live run, tests). */
  get engine(): GanTrainer {
    return this.trainer
  }

  dispose(): void {
    this.qualityClassifier?.dispose()
    this.trainer.dispose()
  }
}

/** Opens a session; see SessionOptions. */
export async function openSession(opts: SessionOptions): Promise<TrainingSession> {
  return TrainingSession.open(opts)
}
