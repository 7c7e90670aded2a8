/**
 * What StudioService needs from the parts other engineers own (dataset import, explorer,
 * export). Each is an interface so the service can be built and tested before they land; a
 * missing port answers `unavailable` with a clear message.
 */
import type { DatasetInfo } from '../../shared/domain'
import type {
  DatasetReport,
  FileRef,
  ImportProgress,
  SavedFiles,
  RequestPayload,
  RequestResult,
  ThumbnailPage
} from '../../shared/contract'

/** What an import is asked to do (the dataset engine's ImportRequest). */
export interface DatasetImportRequest {
  source: string
  name: string
  options?: {
    size?: 28 | 32 | 64 | 128
    channels?: 1 | 3
    fit?: 'crop' | 'letterbox' | 'stretch'
    labels?: 'none' | 'folders'
    padColor?: string
    background?: string
  }
}

/** Dataset listing, import and reports: `DatasetService` (src/main/services/datasets) fits it. */
export interface DatasetsPort {
  list(): Promise<DatasetInfo[]>
  /** Starts an import and returns at once; progress goes to `onProgress` (already throttled). */
  startImport(
    req: DatasetImportRequest,
    onProgress?: (p: ImportProgress) => void,
    signal?: AbortSignal
  ): { importId: string; datasetId: string; done: Promise<unknown>; cancel: () => void }
  cancelImport(importId: string): void
  report(id: string): Promise<DatasetReport>
  thumbnails(id: string, offset?: number, limit?: number): Promise<ThumbnailPage>
  remove(id: string): Promise<void>
}

/** Image generation from checkpoints (explorer). */
export interface ExplorerPort {
  generate(p: RequestPayload<'explorer:generate'>): Promise<{ images: string[] }>
  interpolate(p: RequestPayload<'explorer:interpolate'>): Promise<{ frames: string[] }>
  info(p: RequestPayload<'explorer:info'>): Promise<RequestResult<'explorer:info'>>
  directions(p: RequestPayload<'explorer:directions'>): Promise<RequestResult<'explorer:directions'>>
  nearest(p: RequestPayload<'explorer:nearest'>): Promise<RequestResult<'explorer:nearest'>>
  openImage(p: RequestPayload<'explorer:openImage'>): Promise<RequestResult<'explorer:openImage'>>
  latents(p: RequestPayload<'explorer:latents'>): Promise<RequestResult<'explorer:latents'>>
  bookmarks(runId: string): Promise<RequestResult<'explorer:bookmarks'>>
  saveBookmarks(
    runId: string,
    list: RequestPayload<'explorer:saveBookmarks'>['bookmarks']
  ): Promise<RequestResult<'explorer:saveBookmarks'>>
}

/** Files written for the user (export). Paths returned are relative to the data dir. */
/**
 * Copies files the user asked to keep to a place they pick (the desktop app's native dialogs,
 * src/main/window/save-dialog.ts). Serve has none: the browser downloads instead.
 */
export interface SaveFilesPort {
  /** `files` are absolute sources inside the data dir, with the name each should be saved as. */
  save(files: Array<{ source: string; name: string }>): Promise<SavedFiles>
}

export interface ExportPort {
  png(p: RequestPayload<'export:png'>): Promise<FileRef>
  gif(p: RequestPayload<'export:gif'>): Promise<FileRef>
  model(p: RequestPayload<'export:model'>): Promise<FileRef>
  strip(p: RequestPayload<'export:strip'>): Promise<FileRef>
}
