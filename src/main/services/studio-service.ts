/**
 * StudioService: every contract request, implemented in plain Node over the engine's run store,
 * the dataset code and trainer worker processes. Both transports (Electron IPC and the serve
 * WebSocket) call `dispatch`, which validates the payload, runs the handler and returns an
 * envelope; events go to every `subscribe`d listener.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import {
  parseRequest,
  type AppInfo,
  type Envelope,
  type EventMap,
  type EventName,
  type Notice,
  type RequestName,
  type RequestPayload,
  type RequestResult,
  type RunSummary,
  type SampleRef
} from '../../shared/contract'
import type { BackendReport } from '../../shared/domain'
import { StudioError, toWireError } from '../../shared/errors'
import { listDatasets } from '../engine/data/datasets'
import {
  listRuns,
  listSamples,
  readEvents,
  readMetrics,
  runsDir,
  newRunId,
  writeRunRecord,
  RUN_FILES
} from '../engine/runs/store'
import { APP_VERSION } from '../version'
import type { DatasetsPort, ExplorerPort, ExportPort, SaveFilesPort } from './ports'
import { resolveInside } from './safe-path'
import {
  listCheckpointInfos,
  markCrashed,
  pinCheckpoint,
  requireRun,
  runDirOf,
  setRunStatus
} from './run-files'
import type { SettingsStore } from './settings'
import { TrainingManager, scratchDir, type Emit } from './training'
import type { WorkerLauncher } from './worker-launcher'

/** Time source; tests pass a fixed one. */
export interface Clock {
  now(): number
}

/** What a StudioService is built from. */
export interface StudioServiceOptions {
  dataDir: string
  settings: SettingsStore
  launcher: WorkerLauncher
  clock?: Clock
  transport: 'electron' | 'serve'
  /** Extra versions to report (Electron's process.versions in the app). */
  versions?: AppInfo['versions']
  datasets?: DatasetsPort
  explorer?: ExplorerPort
  exporter?: ExportPort
  /** The desktop app's save dialog (`export:save`); absent under serve. */
  saveFiles?: SaveFilesPort
}

type Handlers = { [K in RequestName]: (p: RequestPayload<K>) => Promise<RequestResult<K>> }
type Listener = <E extends EventName>(name: E, data: EventMap[E]) => void

const MAX_NOTICES = 20

/** The studio's one service object. */
export class StudioService {
  readonly dataDir: string
  private readonly listeners = new Set<Listener>()
  private readonly training: TrainingManager
  private readonly clock: Clock
  private readonly notices: Notice[] = []
  private backendReport: BackendReport | undefined
  private backendProbe: Promise<void> | undefined
  private backendError: string | undefined
  private readonly imports = new Map<string, () => void>()
  private closed = false

  constructor(private readonly opts: StudioServiceOptions) {
    this.dataDir = path.resolve(opts.dataDir)
    this.clock = opts.clock ?? { now: () => Date.now() }
    this.training = new TrainingManager({
      dataDir: this.dataDir,
      launcher: opts.launcher,
      emit: this.emit,
      now: () => this.clock.now(),
      onBackend: (r) => {
        this.backendReport = r
      },
      threads: () => opts.settings.get().threads
    })
    for (const problem of opts.settings.problems) this.notify('warning', problem)
  }

  /** Sends an event to every listener; a throwing listener does not affect the others. */
  private readonly emit: Emit = (name, data) => {
    for (const l of this.listeners) {
      try {
        l(name, data)
      } catch {
        // One broken transport (a closed socket) must not stop events to the others.
      }
    }
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Sends an event from outside the service (the native menu's `app:command`) to every UI. */
  broadcast<E extends EventName>(name: E, data: EventMap[E]): void {
    this.emit(name, data)
  }

  /** Records a notice for `app:info` and sends it as an `app:notice` event. */
  notify(level: Notice['level'], message: string): Notice {
    const n: Notice = { id: randomBytes(4).toString('hex'), level, message, time: this.clock.now() }
    this.notices.push(n)
    if (this.notices.length > MAX_NOTICES) this.notices.shift()
    this.emit('app:notice', n)
    return n
  }

  /**
   * Marks runs that say `running` but have no process (the app or machine went down while they
   * trained) as crashed, so they show a Resume button. Call once at start-up.
   */
  async recoverOrphans(): Promise<string[]> {
    const found: string[] = []
    for (const r of await listRuns(this.dataDir)) {
      if (r.status !== 'running' || this.training.isLive(r.id)) continue
      await markCrashed(
        runDirOf(this.dataDir, r.id),
        'The studio closed while this run was training. Resume continues from the last checkpoint.',
        this.clock.now()
      )
      found.push(r.id)
    }
    if (found.length > 0)
      this.notify(
        'warning',
        `${found.length} run${found.length > 1 ? 's were' : ' was'} interrupted when the studio last closed; resume ${found.length > 1 ? 'them' : 'it'} from the Runs view.`
      )
    return found
  }

  /**
   * Validates and runs one request; never throws. Unknown names, bad payloads and handler errors
   * all come back as `{ ok: false, error: { code, message } }`.
   */
  async dispatch(name: unknown, payload: unknown): Promise<Envelope> {
    try {
      if (this.closed) throw new StudioError('unavailable', 'The studio is shutting down')
      const n = name as RequestName
      const parsed = parseRequest(n, payload)
      const handler = this.handlers[n] as (p: unknown) => Promise<unknown>
      const value = await handler(parsed)
      return { ok: true, value: value === undefined ? null : value }
    } catch (err) {
      return { ok: false, error: toWireError(err) }
    }
  }

  /** Typed direct call (tests, in-process callers); throws StudioError. */
  async call<K extends RequestName>(name: K, payload: unknown = {}): Promise<RequestResult<K>> {
    const env = await this.dispatch(name, payload)
    if (!env.ok) throw new StudioError(env.error.code, env.error.message)
    return env.value as RequestResult<K>
  }

  /** Stops live runs (each writes a checkpoint), cancels imports; further requests are refused. */
  async close(graceMs?: number): Promise<void> {
    this.closed = true
    for (const cancel of this.imports.values()) cancel()
    await this.training.stopAll(graceMs)
    this.listeners.clear()
  }

  /** Pid of a live run's worker (tests kill it to simulate a crash). */
  workerPid(runId: string): number | undefined {
    return this.training.get(runId)?.handle.pid
  }

  private unavailable(what: string): never {
    throw new StudioError('unavailable', `${what} is not available in this build yet.`)
  }

  private async probeBackend(): Promise<void> {
    if (this.backendReport) return
    this.backendProbe ??= this.training
      .oneShot(
        { type: 'probe', backend: this.opts.settings.get().backend },
        (m) => (m.type === 'backend' ? m.report : undefined),
        120_000
      )
      .then((r) => {
        this.backendReport = r
        this.backendError = undefined
      })
      .catch((err: unknown) => {
        this.backendError = toWireError(err).message
        this.backendProbe = undefined // let a later app:info try again
      })
    await this.backendProbe
  }

  private datasetsPort(): DatasetsPort | undefined {
    return this.opts.datasets
  }

  private readonly handlers: Handlers = {
    'app:info': async () => {
      await this.probeBackend()
      return {
        appVersion: APP_VERSION,
        versions: {
          node: process.versions.node,
          ...(this.opts.versions ?? {}),
          ...(this.backendReport ? { tfjs: this.backendReport.tfjsVersion } : {})
        },
        backend: this.backendReport ?? null,
        ...(this.backendError ? { backendError: this.backendError } : {}),
        dataDir: this.dataDir,
        transport: this.opts.transport,
        platform: `${process.platform}-${process.arch}`,
        notices: [...this.notices]
      }
    },

    'settings:get': async () => this.opts.settings.get(),
    'settings:update': async (p) => {
      const before = this.opts.settings.get()
      const next = this.opts.settings.update(p)
      // The cached report describes the old backend or thread count: app:info probes again.
      if (next.backend !== before.backend || next.threads !== before.threads) {
        this.backendReport = undefined
        this.backendProbe = undefined
      }
      return next
    },

    'datasets:list': async () =>
      this.datasetsPort() ? this.datasetsPort()!.list() : listDatasets(this.dataDir),
    'datasets:import': async (p) => {
      const port = this.datasetsPort() ?? this.unavailable('Importing datasets')
      const { source, name, ...options } = p
      const handle = port.startImport({ source, name, options }, (prog) =>
        this.emit('datasets:importProgress', prog)
      )
      this.imports.set(handle.importId, () => handle.cancel())
      // The outcome reaches the UI as the final progress event; here only the bookkeeping ends.
      handle.done.catch(() => undefined).finally(() => this.imports.delete(handle.importId))
      return { importId: handle.importId }
    },
    'datasets:cancelImport': async (p) => {
      const cancel = this.imports.get(p.importId)
      if (!cancel) throw new StudioError('not-found', `No import '${p.importId}' is running`)
      cancel()
    },
    'datasets:report': async (p) => (this.datasetsPort() ?? this.unavailable('Dataset reports')).report(p.id),
    'datasets:thumbnails': async (p) =>
      (this.datasetsPort() ?? this.unavailable('Dataset thumbnails')).thumbnails(p.id, p.offset, p.limit),
    'datasets:remove': async (p) => {
      const inUse = this.training.ids().filter((id) => this.training.get(id)?.record?.config.dataset === p.id)
      if (inUse.length > 0)
        throw new StudioError(
          'conflict',
          `Dataset '${p.id}' is in use by a live run (${inUse.join(', ')}); stop it first`
        )
      await (this.datasetsPort() ?? this.unavailable('Removing datasets')).remove(p.id)
    },

    'runs:list': async () => {
      const runs = await listRuns(this.dataDir)
      return runs.map((r): RunSummary => ({ ...r, live: this.training.isLive(r.id) }))
    },
    'runs:get': async (p) => {
      const { runDir, record } = await requireRun(this.dataDir, p.runId)
      const [checkpoints, samples] = await Promise.all([
        listCheckpointInfos(runDir),
        this.samplesOf(p.runId, runDir)
      ])
      return { record, live: this.training.isLive(p.runId), checkpoints, samples }
    },
    'runs:metrics': async (p) => {
      const { runDir } = await requireRun(this.dataDir, p.runId)
      return (await readMetrics(runDir, p.sinceStep)).slice(0, p.limit)
    },
    'runs:events': async (p) => readEvents((await requireRun(this.dataDir, p.runId)).runDir),
    'runs:samples': async (p) => this.samplesOf(p.runId, (await requireRun(this.dataDir, p.runId)).runDir),
    'runs:delete': async (p) => {
      const { runDir } = await requireRun(this.dataDir, p.runId)
      if (this.training.isLive(p.runId))
        throw new StudioError('conflict', 'This run is training; stop it before deleting it')
      // A symlinked run folder is unlinked, never followed (fs.rm does not follow the top link).
      await fs.rm(runDir, { recursive: true, force: true })
    },
    'runs:rename': async (p) => {
      const { runDir, record } = await requireRun(this.dataDir, p.runId)
      const live = this.training.get(p.runId)
      const next = { ...record, name: p.name, updated: new Date(this.clock.now()).toISOString() }
      if (live) {
        // The worker's session rewrites run.json on every status change: rename through it.
        this.training.rename(p.runId, p.name)
        return next
      }
      await writeRunRecord(runDir, next)
      return next
    },

    'training:start': async (p) => {
      const limit = this.opts.settings.get().maxConcurrentRuns
      if (this.training.count() >= limit) {
        throw new StudioError(
          'conflict',
          `${this.training.count()} run(s) already training (the limit is ${limit}); pause or stop one, or raise the limit in Settings`
        )
      }
      const runId = newRunId(new Date(this.clock.now()))
      const runDir = runDirOf(this.dataDir, runId)
      await fs.mkdir(runsDir(this.dataDir), { recursive: true })
      const backend = p.backend ?? this.opts.settings.get().backend
      if (p.from) {
        const parent = await requireRun(this.dataDir, p.from.runId)
        const ckpts = await listCheckpointInfos(parent.runDir)
        if (!ckpts.some((c) => c.name === p.from!.checkpoint))
          throw new StudioError(
            'not-found',
            `Run ${p.from.runId} has no complete checkpoint '${p.from.checkpoint}'`
          )
        const from = path.join(parent.runDir, RUN_FILES.checkpoints, p.from.checkpoint)
        return this.training.launch(
          runId,
          runDir,
          { kind: 'branch', from, config: p.config, name: p.name, force: p.from.force },
          backend
        )
      }
      return this.training.launch(runId, runDir, { kind: 'new', config: p.config, name: p.name }, backend)
    },
    'training:pause': async (p) => {
      await requireRun(this.dataDir, p.runId)
      if (!this.training.isLive(p.runId)) throw new StudioError('conflict', 'This run is not training')
      await this.training.pause(p.runId)
    },
    'training:resume': async (p) => {
      const { runDir, record } = await requireRun(this.dataDir, p.runId)
      const live = this.training.get(p.runId)
      if (live && !p.steps) return this.training.resumeLive(p.runId)
      if (live) {
        // A new total needs a new session: stop this one (it checkpoints), then resume from disk.
        await this.training.stop(p.runId)
      }
      if (record.status === 'finished' && !(p.steps && p.steps > record.step)) {
        throw new StudioError(
          'conflict',
          `This run finished at step ${record.step}; give a larger total number of steps to continue it`
        )
      }
      const limit = this.opts.settings.get().maxConcurrentRuns
      if (this.training.count() >= limit)
        throw new StudioError(
          'conflict',
          `${this.training.count()} run(s) already training (the limit is ${limit})`
        )
      await this.training.launch(
        p.runId,
        runDir,
        { kind: 'resume', ...(p.steps ? { steps: p.steps } : {}) },
        this.opts.settings.get().backend
      )
    },
    'training:stop': async (p) => {
      const { runDir, record } = await requireRun(this.dataDir, p.runId)
      if (this.training.isLive(p.runId)) return this.training.stop(p.runId)
      if (record.status === 'paused' || record.status === 'crashed') {
        await setRunStatus(runDir, record, 'stopped', this.clock.now())
        this.emit('training:status', { runId: p.runId, status: 'stopped', step: record.step })
        return
      }
      throw new StudioError('conflict', `This run is not training (it is ${record.status})`)
    },
    'training:update': async (p) => {
      await requireRun(this.dataDir, p.runId)
      const live = this.training.get(p.runId)
      if (!live)
        throw new StudioError(
          'conflict',
          'This run is not training; resume it to change live hyperparameters'
        )
      if (Object.keys(p.live).length === 0) return
      this.training.update(p.runId, p.live)
    },
    'training:estimate': async (p) => {
      const scratch = scratchDir(this.dataDir)
      try {
        const r = await this.training.oneShot(
          {
            type: 'estimate',
            dataDir: this.dataDir,
            scratchDir: scratch,
            config: p.config,
            steps: p.steps,
            backend: p.backend ?? this.opts.settings.get().backend
          },
          (m) => (m.type === 'estimate' ? m : undefined),
          5 * 60_000
        )
        return {
          msPerStep: r.msPerStep,
          imagesPerSec: r.imagesPerSec,
          steps: r.steps,
          backend: r.backend,
          totalSeconds: (r.msPerStep * p.config.steps) / 1000
        }
      } finally {
        await fs.rm(scratch, { recursive: true, force: true })
      }
    },

    'checkpoints:list': async (p) => listCheckpointInfos((await requireRun(this.dataDir, p.runId)).runDir),
    'checkpoints:pin': async (p) =>
      pinCheckpoint((await requireRun(this.dataDir, p.runId)).runDir, p.checkpoint, p.pinned),

    'explorer:generate': async (p) => {
      await requireRun(this.dataDir, p.runId)
      return (this.opts.explorer ?? this.unavailable('The latent explorer')).generate(p)
    },
    'explorer:interpolate': async (p) => {
      await requireRun(this.dataDir, p.runId)
      return (this.opts.explorer ?? this.unavailable('The latent explorer')).interpolate(p)
    },
    'export:png': async (p) => {
      await requireRun(this.dataDir, p.runId)
      return (this.opts.exporter ?? this.unavailable('PNG export')).png(p)
    },
    'export:gif': async (p) => {
      await requireRun(this.dataDir, p.runId)
      return (this.opts.exporter ?? this.unavailable('GIF export')).gif(p)
    },
    'export:model': async (p) => {
      await requireRun(this.dataDir, p.runId)
      return (this.opts.exporter ?? this.unavailable('Model export')).model(p)
    },
    'explorer:info': async (p) => (this.opts.explorer ?? this.unavailable('The latent explorer')).info(p),
    'explorer:directions': async (p) =>
      (this.opts.explorer ?? this.unavailable('Latent directions')).directions(p),
    'explorer:nearest': async (p) =>
      (this.opts.explorer ?? this.unavailable('Nearest training images')).nearest(p),
    'explorer:bookmarks': async (p) =>
      (this.opts.explorer ?? this.unavailable('Bookmarks')).bookmarks(p.runId),
    'explorer:saveBookmarks': async (p) =>
      (this.opts.explorer ?? this.unavailable('Bookmarks')).saveBookmarks(p.runId, p.bookmarks),
    'explorer:openImage': async (p) =>
      (this.opts.explorer ?? this.unavailable('Opening images')).openImage(p),
    'export:strip': async (p) => (this.opts.exporter ?? this.unavailable('Strip export')).strip(p),
    'export:save': async (p) => {
      const port = this.opts.saveFiles
      if (!port)
        throw new StudioError(
          'unavailable',
          'Saving through a dialog is part of the desktop app; in a browser the file downloads instead.'
        )
      // Only what the studio exported for the user may be copied out, nothing else of the data dir.
      const exportsDir = path.join(this.dataDir, 'exports')
      await fs.mkdir(exportsDir, { recursive: true })
      const files = []
      for (const rel of p.paths) {
        const inner = rel.startsWith('exports/') ? rel.slice('exports/'.length) : undefined
        if (inner === undefined)
          throw new StudioError('invalid-input', `Only files in the exports folder can be saved, not ${rel}`)
        const source = await resolveInside(exportsDir, inner)
        if (!(await fs.stat(source)).isFile()) throw new StudioError('invalid-input', `${rel} is not a file`)
        files.push({ source, name: path.basename(source) })
      }
      return port.save(files)
    },
    'explorer:latents': async (p) =>
      (this.opts.explorer ?? this.unavailable('The latent explorer')).latents(p)
  }

  private async samplesOf(runId: string, runDir: string): Promise<SampleRef[]> {
    return (await listSamples(runDir)).map((s) => ({
      step: s.step,
      path: `runs/${runId}/${RUN_FILES.samples}/${s.file}`
    }))
  }
}
