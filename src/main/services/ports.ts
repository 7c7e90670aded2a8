/**
 * What StudioService needs from the parts other engineers own (dataset import, explorer,
 * export). Each is an interface so the service can be built and tested before they land; a
 * missing port answers `unavailable` with a clear message.
 */
import type { DatasetInfo } from '../../shared/domain'
import type { DatasetReport, FileRef, ImportProgress, RequestPayload, ThumbnailPage } from '../../shared/contract'

/** Dataset listing, import and reports (src/main/services/datasets). */
export interface DatasetsPort {
  list(): Promise<DatasetInfo[]>
  /**
   * Imports `source` as dataset `name`; reports progress; stops with a `cancelled` error when the
   * signal aborts. Resolves with the new dataset.
   */
  import(
    opts: Omit<RequestPayload<'datasets:import'>, 'source' | 'name'> & { source: string; name: string },
    onProgress: (p: Omit<ImportProgress, 'importId' | 'datasetId'>) => void,
    signal: AbortSignal
  ): Promise<DatasetInfo>
  report(id: string): Promise<DatasetReport>
  thumbnails(id: string, offset: number, limit: number): Promise<ThumbnailPage>
  remove(id: string): Promise<void>
}

/** Image generation from checkpoints (explorer). */
export interface ExplorerPort {
  generate(p: RequestPayload<'explorer:generate'>): Promise<{ images: string[] }>
  interpolate(p: RequestPayload<'explorer:interpolate'>): Promise<{ frames: string[] }>
}

/** Files written for the user (export). Paths returned are relative to the data dir. */
export interface ExportPort {
  png(p: RequestPayload<'export:png'>): Promise<FileRef>
  gif(p: RequestPayload<'export:gif'>): Promise<FileRef>
  model(p: RequestPayload<'export:model'>): Promise<FileRef>
}
