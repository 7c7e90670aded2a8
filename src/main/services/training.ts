/**
 * Live runs: one trainer worker process per active run. Turns worker messages into contract
 * events (progress batched to at most 4 messages a second per run), waits for the status a
 * command asks for, and marks a run crashed when its process dies.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { EventMap, EventName } from '../../shared/contract'
import type { BackendReport, RunRecord, RunStatus, StepMetrics } from '../../shared/domain'
import { StudioError, type WireError } from '../../shared/errors'
import type { BackendChoice, HyperparamsInput, LiveHyperparams } from '../../shared/hyperparams'
import type { SessionMode } from '../engine/session-types'
import type { FromWorker, ToWorker } from '../worker/protocol'
import { markCrashed, relativeSamplePath } from './run-files'
import type { WorkerHandle, WorkerLauncher } from './worker-launcher'

/** Minimum time between two progress messages of one run (≤ 4 messages a second). */
export const PROGRESS_INTERVAL_MS = 250
/** How long a command waits for the worker to reach the asked-for state. */
const COMMAND_TIMEOUT_MS = 10 * 60_000

/** Sends a contract event to every connected UI. */
export type Emit = <E extends EventName>(name: E, data: EventMap[E]) => void

interface Waiter {
  until: (run: LiveRun) => boolean
  resolve: () => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

/** One run with a live trainer process. */
export class LiveRun {
  status: RunStatus | 'starting' = 'starting'
  step = 0
  totalSteps = 0
  etaSeconds = 0
  record: RunRecord | undefined
  exited = false
  lastError: WireError | undefined
  private pending: StepMetrics[] = []
  private lastFlush = 0
  private flushTimer: NodeJS.Timeout | undefined
  private waiters: Waiter[] = []

  constructor(
    readonly runId: string,
    readonly runDir: string,
    readonly handle: WorkerHandle,
    private readonly emit: Emit,
    private readonly dataDir: string,
    private readonly now: () => number
  ) {}

  /** Queues metrics and sends them at most every PROGRESS_INTERVAL_MS. */
  addProgress(items: Array<StepMetrics & { totalSteps: number; etaSeconds: number }>): void {
    for (const { totalSteps, etaSeconds, ...m } of items) {
      this.pending.push(m)
      this.totalSteps = totalSteps
      this.etaSeconds = etaSeconds
      this.step = Math.max(this.step, m.step)
    }
    if (this.flushTimer) return
    const wait = Math.max(0, this.lastFlush + PROGRESS_INTERVAL_MS - this.now())
    this.flushTimer = setTimeout(() => this.flush(), wait)
  }

  /** Sends queued metrics now (before a status or sample event, so order is kept). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    if (this.pending.length === 0) return
    const metrics = this.pending
    this.pending = []
    this.lastFlush = this.now()
    this.emit('training:progress', {
      runId: this.runId,
      metrics,
      totalSteps: this.totalSteps,
      etaSeconds: this.etaSeconds
    })
  }

  /** Resolves when `until` holds (checked after every worker message and at exit). */
  waitFor(until: (run: LiveRun) => boolean, what: string): Promise<void> {
    if (until(this)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer)
        reject(
          new StudioError(
            'unavailable',
            `The trainer did not ${what} within ${COMMAND_TIMEOUT_MS / 60000} minutes`
          )
        )
      }, COMMAND_TIMEOUT_MS)
      this.waiters.push({ until, resolve, reject, timer })
    })
  }

  /** Re-checks waiters; after exit, the unmet ones fail with the worker's error. */
  settle(): void {
    for (const w of [...this.waiters]) {
      if (w.until(this)) {
        clearTimeout(w.timer)
        this.waiters = this.waiters.filter((x) => x !== w)
        w.resolve()
      } else if (this.exited) {
        clearTimeout(w.timer)
        this.waiters = this.waiters.filter((x) => x !== w)
        const err = this.lastError
        w.reject(
          err
            ? new StudioError(err.code, err.message)
            : new StudioError('internal', 'The trainer process ended unexpectedly')
        )
      }
    }
  }

  send(msg: ToWorker): void {
    this.handle.send(msg)
  }

  /** Data-dir-relative path of a sample file, for `studio.fileUrl`. */
  samplePath(abs: string): string {
    return relativeSamplePath(this.dataDir, this.runDir, abs)
  }
}

/** Options of `TrainingManager`. */
export interface TrainingManagerOptions {
  dataDir: string
  launcher: WorkerLauncher
  emit: Emit
  now: () => number
  /** Called with the backend report a worker loaded. */
  onBackend?: (report: BackendReport) => void
  /** The `threads` setting, read at each worker start (0 = one per physical core). */
  threads?: () => number
}

/** Owns every live run of one service. */
export class TrainingManager {
  private readonly live = new Map<string, LiveRun>()

  constructor(private readonly opts: TrainingManagerOptions) {}

  get(runId: string): LiveRun | undefined {
    return this.live.get(runId)
  }

  isLive(runId: string): boolean {
    return this.live.has(runId)
  }

  /** How many runs are live (paused ones included: they hold a process and memory). */
  count(): number {
    return this.live.size
  }

  ids(): string[] {
    return [...this.live.keys()]
  }

  /**
   * Launches a worker for `runDir` in `mode` and resolves with the run record once the session is
   * open (or rejects with the worker's error).
   */
  async launch(
    runId: string,
    runDir: string,
    mode: SessionMode,
    backend: BackendChoice | undefined
  ): Promise<RunRecord> {
    if (this.live.has(runId)) throw new StudioError('conflict', `Run ${runId} is already training`)
    const handle = this.opts.launcher.launch()
    const run = new LiveRun(runId, runDir, handle, this.opts.emit, this.opts.dataDir, this.opts.now)
    this.live.set(runId, run)
    handle.onMessage((msg) => this.onMessage(run, msg))
    handle.onExit((code, signal) => void this.onExit(run, code, signal))
    const threads = this.opts.threads?.()
    handle.send({ type: 'start', dataDir: this.opts.dataDir, runDir, mode, backend, threads })
    await run.waitFor((r) => r.record !== undefined, 'open the run')
    const record = run.record as RunRecord
    // The session opens as `paused` and starts training right after `ready`: report it as running.
    return { ...record, status: run.status === 'starting' ? 'running' : run.status }
  }

  private onMessage(run: LiveRun, msg: FromWorker): void {
    const emit = this.opts.emit
    switch (msg.type) {
      case 'ready':
        run.record = msg.record
        run.step = msg.record.step
        run.totalSteps = msg.record.config.steps
        if (msg.backend) this.opts.onBackend?.(msg.backend)
        break
      case 'progress':
        run.addProgress(msg.items)
        break
      case 'sample':
        run.flush()
        emit('training:sample', { runId: run.runId, step: msg.step, path: run.samplePath(msg.path) })
        break
      case 'event':
        run.flush()
        emit('run:event', { runId: run.runId, event: msg.event })
        break
      case 'status':
        run.flush()
        // The session reports some statuses twice (listener and run() result); tell the UI once.
        if (run.status !== msg.status || msg.message) {
          run.status = msg.status
          run.step = msg.step
          emit('training:status', {
            runId: run.runId,
            status: msg.status,
            step: msg.step,
            ...(msg.message ? { message: msg.message } : {})
          })
        }
        break
      case 'error':
        run.lastError = msg.error
        break
      default:
        break
    }
    run.settle()
  }

  private async onExit(run: LiveRun, code: number | null, signal: string | null): Promise<void> {
    run.flush()
    this.live.delete(run.runId)
    const clean = run.status === 'stopped' || run.status === 'finished'
    if (!clean && run.record) {
      const why = run.lastError?.message ?? describeExit(code, signal, run.handle.stderrTail())
      const message = `The trainer process ended unexpectedly (${why}). Resume continues from the last checkpoint.`
      try {
        const marked = await markCrashed(run.runDir, message, this.opts.now())
        if (marked) {
          run.status = 'crashed'
          this.opts.emit('run:event', { runId: run.runId, event: marked.event })
          this.opts.emit('training:status', {
            runId: run.runId,
            status: 'crashed',
            step: marked.record.step,
            message
          })
        }
      } catch (err) {
        run.lastError = { code: 'io', message: `Could not record the crash: ${(err as Error).message}` }
      }
    } else if (!run.record) {
      // The session never opened (bad dataset, bad config): leave no empty run folder behind.
      await removeIfEmpty(run.runDir)
    }
    run.exited = true
    run.settle()
  }

  private require(runId: string): LiveRun {
    const run = this.live.get(runId)
    if (!run) throw new StudioError('conflict', `Run ${runId} is not training`)
    return run
  }

  /** Asks a live run to pause and waits until it has (a checkpoint is written). */
  async pause(runId: string): Promise<void> {
    const run = this.require(runId)
    if (run.status === 'paused') return
    run.send({ type: 'pause' })
    await run.waitFor((r) => r.status !== 'running' && r.status !== 'starting', 'pause')
  }

  /** Continues a paused live run in its own process. */
  async resumeLive(runId: string): Promise<void> {
    const run = this.require(runId)
    if (run.status === 'running') return
    run.send({ type: 'resume' })
    await run.waitFor((r) => r.status === 'running' || r.exited, 'resume')
  }

  /** Asks a live run to stop and waits for its process to end. */
  async stop(runId: string): Promise<void> {
    const run = this.require(runId)
    run.send({ type: 'stop' })
    await run.waitFor((r) => r.exited, 'stop')
  }

  update(runId: string, live: LiveHyperparams): void {
    this.require(runId).send({ type: 'update', live })
  }

  rename(runId: string, name: string): void {
    this.require(runId).send({ type: 'rename', name })
  }

  /** Stops every live run (they checkpoint); kills any that has not ended after `graceMs`. */
  async stopAll(graceMs = 60_000): Promise<void> {
    await Promise.all(
      [...this.live.values()].map(async (run) => {
        const kill = setTimeout(() => run.handle.kill('SIGKILL'), graceMs)
        try {
          run.send({ type: 'stop' })
          await run.waitFor((r) => r.exited, 'stop')
        } catch {
          // A run that fails to stop is killed by the timer above; it will resume from its checkpoint.
        } finally {
          clearTimeout(kill)
        }
      })
    )
  }

  /** Runs a one-off worker job (estimate, probe) and returns the first answer `pick` accepts. */
  async oneShot<T>(msg: ToWorker, pick: (m: FromWorker) => T | undefined, timeoutMs: number): Promise<T> {
    if ((msg.type === 'probe' || msg.type === 'estimate') && msg.threads === undefined)
      msg = { ...msg, threads: this.opts.threads?.() }
    const handle = this.opts.launcher.launch()
    return new Promise<T>((resolve, reject) => {
      let done = false
      let lastError: WireError | undefined
      const finish = (fn: () => void): void => {
        if (done) return
        done = true
        clearTimeout(timer)
        fn()
      }
      const timer = setTimeout(() => {
        handle.kill('SIGKILL')
        finish(() =>
          reject(
            new StudioError(
              'unavailable',
              `The trainer did not answer within ${Math.round(timeoutMs / 1000)} s`
            )
          )
        )
      }, timeoutMs)
      handle.onMessage((m) => {
        if (m.type === 'error') lastError = m.error
        const v = pick(m)
        if (v !== undefined) finish(() => resolve(v))
      })
      handle.onExit((code, signal) =>
        finish(() =>
          reject(
            lastError
              ? new StudioError(lastError.code, lastError.message)
              : new StudioError(
                  'internal',
                  `The trainer process ended (${describeExit(code, signal, handle.stderrTail())})`
                )
          )
        )
      )
      handle.send(msg)
    })
  }
}

function describeExit(code: number | null, signal: string | null, stderr: string): string {
  const last = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop()
  const how = signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`
  return last ? `${how}: ${last.slice(0, 200)}` : how
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    const names = await fs.readdir(dir)
    if (names.length === 0) await fs.rmdir(dir)
  } catch {
    // Nothing to clean up.
  }
}

/** A fresh, unique scratch folder name under `<dataDir>/tmp`. */
export function scratchDir(dataDir: string): string {
  return path.join(dataDir, 'tmp', `estimate-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`)
}

export type { HyperparamsInput }
