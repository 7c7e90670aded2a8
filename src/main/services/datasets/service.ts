/**
 * DatasetService: what the UI (over IPC or WebSocket) and the CLI call for datasets. Lists
 * built-in and imported datasets, runs imports in the background with throttled progress and a
 * cancel handle, serves health reports and thumbnail pages, removes imported datasets.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import type { ImportProgress, ThumbnailPage } from '../../../shared/contract'
import type { DatasetInfo } from '../../../shared/domain'
import { StudioError } from '../../../shared/errors'
import { builtinSpec } from '../../engine/data/builtin'
import { datasetDir, readDatasetIndex, type DatasetIndex } from '../../engine/data/cache'
import { listDatasets, loadDataset } from '../../engine/data/datasets'
import {
  importDataset,
  type ImportHooks,
  type ImportProgressEvent,
  type ImportRequest,
  type ImportResult
} from './import'
import { buildReport, type HealthReport } from './report'
import { thumbnailPage } from './thumbnails'

/** A running import: its id, its outcome, and how to stop it. */
export interface ImportHandle {
  importId: string
  datasetId: string
  /** Resolves with the result; rejects with a `StudioError` (`cancelled` after `cancel()`). */
  done: Promise<ImportResult>
  cancel: () => void
}

/** Most progress messages per second sent to the UI (the last one of each phase always goes). */
const PROGRESS_INTERVAL_MS = 100

export class DatasetService {
  private readonly running = new Map<string, { datasetId: string; controller: AbortController }>()

  constructor(
    private readonly dataDir: string,
    private readonly hooks: Pick<ImportHooks, 'decode' | 'decodeTimeoutMs'> = {}
  ) {}

  /** Built-in and imported datasets. */
  async list(): Promise<DatasetInfo[]> {
    return listDatasets(this.dataDir)
  }

  /**
   * Starts an import and returns at once. Progress goes to `onProgress` (at most ~10 a second, plus
   * a final `done`, `failed` or `cancelled`); `signal` or `handle.cancel()` stop it, leaving no dataset.
   */
  startImport(
    req: ImportRequest,
    onProgress?: (p: ImportProgress) => void,
    signal?: AbortSignal
  ): ImportHandle {
    const importId = `imp-${randomBytes(6).toString('hex')}`
    const datasetId = req.name
    for (const r of this.running.values())
      if (r.datasetId === datasetId)
        throw new StudioError(
          'conflict',
          `Dataset '${datasetId}' is already being imported; wait for it or cancel it.`
        )
    const controller = new AbortController()
    if (signal) {
      if (signal.aborted) controller.abort()
      else signal.addEventListener('abort', () => controller.abort(), { once: true })
    }
    this.running.set(importId, { datasetId, controller })
    let last = 0
    let lastPhase = ''
    const emit = (p: ImportProgress): void => {
      try {
        onProgress?.(p)
      } catch {
        // A failing listener must not break the import.
      }
    }
    const forward = (e: ImportProgressEvent): void => {
      const now = Date.now()
      const final = e.done === e.total
      if (e.phase === lastPhase && !final && now - last < PROGRESS_INTERVAL_MS) return
      last = now
      lastPhase = e.phase
      emit({
        importId,
        datasetId,
        phase: e.phase,
        done: e.done,
        total: e.total,
        ...(e.current ? { message: e.current } : {})
      })
    }
    const done = importDataset(this.dataDir, req, {
      ...this.hooks,
      onProgress: forward,
      signal: controller.signal
    }).then(
      (result) => {
        this.running.delete(importId)
        emit({ importId, datasetId, phase: 'done', done: result.index.count, total: result.index.count })
        return result
      },
      (err: unknown) => {
        this.running.delete(importId)
        const isCancel = err instanceof StudioError && err.code === 'cancelled'
        emit({
          importId,
          datasetId,
          phase: isCancel ? 'cancelled' : 'failed',
          done: 0,
          total: 0,
          message: err instanceof Error ? err.message : String(err)
        })
        throw err
      }
    )
    return { importId, datasetId, done, cancel: () => controller.abort() }
  }

  /** Cancels a running import by id; unknown or finished ids are ignored (the import is over anyway). */
  cancelImport(importId: string): void {
    this.running.get(importId)?.controller.abort()
  }

  /** The health report of a dataset (a simple one for built-ins, computed from their pixels). */
  async report(id: string): Promise<HealthReport> {
    const index = await this.indexOf(id)
    if (index.report && typeof index.report === 'object') return index.report as HealthReport
    const data = await loadDataset(this.dataDir, id)
    const [size, , channels] = data.index.shape
    const files = Array.from({ length: data.index.count }, (_, i) => ({
      path: `#${i}`,
      size: 0,
      mtimeMs: 0,
      status: 'imported' as const,
      index: i,
      width: size,
      height: size
    }))
    return buildReport({
      id,
      source: data.index.source,
      kind: 'idx',
      shape: [size, size, channels],
      files,
      dhashes: [],
      labelNames: data.index.labelNames,
      labels: data.labels,
      fit: 'crop'
    })
  }

  /** One page of thumbnails (PNG data: URLs), read from the dataset's pixels. */
  async thumbnails(id: string, offset = 0, limit = 64): Promise<ThumbnailPage> {
    let index = await readDatasetIndex(this.dataDir, id)
    if (!index && builtinSpec(id)) index = (await loadDataset(this.dataDir, id)).index
    if (!index) throw this.notFound(id)
    return thumbnailPage(this.dataDir, index, offset, Math.min(256, Math.max(1, limit)))
  }

  /** Deletes an imported dataset. Built-ins cannot be removed. */
  async remove(id: string): Promise<void> {
    if (builtinSpec(id))
      throw new StudioError('invalid-input', `'${id}' is a built-in dataset and cannot be removed.`)
    await this.indexOf(id)
    for (const r of this.running.values())
      if (r.datasetId === id)
        throw new StudioError('conflict', `Dataset '${id}' is being imported; cancel the import first.`)
    const dir = datasetDir(this.dataDir, id)
    // Rename first so a half-deleted folder is never mistaken for a dataset.
    const trash = `${dir}.old-${randomBytes(4).toString('hex')}`
    await fs.rename(dir, trash)
    await fs.rm(trash, { recursive: true, force: true })
  }

  private async indexOf(id: string): Promise<DatasetIndex> {
    const index = await readDatasetIndex(this.dataDir, id)
    if (index) return index
    if (builtinSpec(id)) return (await loadDataset(this.dataDir, id)).index
    throw this.notFound(id)
  }

  private notFound(id: string): StudioError {
    return new StudioError('not-found', `No dataset named '${id}'. List them with: gan-studio dataset list`)
  }
}
