/**
 * THE contract between the UI and the studio: every request (`domain:verb`), its payload schema
 * and result type, and every event the UI can receive. Electron IPC (preload + src/main/ipc) and
 * the WebSocket server (src/main/serve + src/renderer/src/api/ws-transport.ts) are two thin
 * transports over this one table; no channel string appears anywhere else.
 *
 * Payloads are validated on the receiving side with the schemas below (unknown fields rejected).
 * Results are plain data (JSON-safe) and typed only. Errors cross as `{ code, message }`.
 *
 * No Node, DOM or electron imports here: the renderer, the preload and main all import this file.
 */
import { z } from 'zod'
import {
  BACKEND_CHOICES,
  hyperparamsSchema,
  liveHyperparamsSchema,
  type BackendChoice,
  type Hyperparams
} from './hyperparams'
import type {
  BackendReport,
  CheckpointInfo,
  DatasetInfo,
  RunEvent,
  RunRecord,
  RunStatus,
  StepMetrics
} from './domain'
import { ERROR_CODES as ERROR_CODE_LIST, StudioError, type WireError } from './errors'
import { describeZodError } from './zod-issues'

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** Characters an id (run, dataset, checkpoint, import) may use; ids become path segments. */
export const ID_PATTERN = /^[A-Za-z0-9._-]+$/

/**
 * An id that is safe as one path segment inside the data dir: letters, digits, `.`, `_`, `-`,
 * not starting with `.`, never containing `..`, at most 128 characters.
 */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(ID_PATTERN, 'use only letters, digits, dot, dash or underscore')
  .refine((s) => !s.includes('..'), 'must not contain ".."')
  // `.` would name the parent folder itself, and a leading dot hides files: refuse both.
  .refine((s) => !s.startsWith('.'), 'must not start with "."')

/** A run's display name: free text, one line. */
const runNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(120)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')

const emptySchema = z.object({}).strict()
const runRef = z.object({ runId: idSchema }).strict()

/** Sizes an import can resize to. */
export const IMPORT_SIZES = [28, 32, 64, 128] as const
/** How an import fits a non-square image into the square. */
export const IMPORT_FIT_MODES = ['crop', 'letterbox', 'stretch'] as const

/** Latent vectors or seeds the explorer generates from. Seeds are reproducible; latents are exact. */
/**
 * Largest base64 payload of `explorer:openImage`. The renderer sends only the chunks before the
 * image data, and GAN Studio's biggest provenance (64 latents of 1024 numbers) is about 2 MB in
 * base64; anything larger is refused before it is decoded.
 */
export const OPEN_IMAGE_MAX_CHARS = 4 * 1024 * 1024

const latentSourceSchema = z
  .object({
    seeds: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
      )
      .min(1)
      .max(64)
      .optional(),
    latents: z
      .array(z.array(z.number().finite().min(-100).max(100)).min(1).max(1024))
      .min(1)
      .max(64)
      .optional()
  })
  .strict()

const truncationSchema = z.number().min(0).max(4).default(1)

/** How two latents are joined: straight line or great circle. */
const interpolationModeSchema = z.enum(['linear', 'slerp']).default('slerp')

/**
 * Which generator an explorer or export request renders with: a run, one of its checkpoints (the
 * newest when omitted), its EMA or raw weights, and the class of a conditional model. Every
 * explorer and export request carries this one object, so an export renders exactly what the
 * explorer showed.
 */
export const modelRefSchema = z
  .object({
    runId: idSchema,
    checkpoint: idSchema.optional(),
    /** EMA weights (when the checkpoint has them) or the raw generator weights. */
    ema: z.boolean().default(true),
    /** Class of a conditional model (0 when omitted); unconditional models ignore it. */
    label: z.number().int().min(0).max(65535).optional()
  })
  .strict()
/** A model reference as the UI sends it. */
export type ModelRefInput = z.input<typeof modelRefSchema>
/** A model reference after validation (defaults filled in). */
export type ModelRefPayload = z.output<typeof modelRefSchema>

// ---------------------------------------------------------------------------------------------
// Settings (one schema: electron-store in the app, settings.json under serve and the CLI)
// ---------------------------------------------------------------------------------------------

/**
 * Views of the app, by route name (src/renderer/src/router.ts): the native menu lists exactly
 * these, and a test checks each is a route. A new view adds its name here and its route there.
 */
export const VIEWS = ['datasets', 'train', 'runs', 'explore', 'playground', 'settings'] as const
export type ViewName = (typeof VIEWS)[number]

/** Saved window placement (desktop app only). */
export const windowBoundsSchema = z
  .object({
    x: z.number().int().min(-100_000).max(100_000).optional(),
    y: z.number().int().min(-100_000).max(100_000).optional(),
    width: z.number().int().min(400).max(20_000).default(1280),
    height: z.number().int().min(300).max(20_000).default(800),
    maximized: z.boolean().default(false)
  })
  .strict()

/**
 * App settings. Every key has a default, so a missing or broken key is replaced by its default
 * on load instead of failing the whole file.
 */
export const settingsSchema = z
  .object({
    /** Compute backend for new runs; `auto` takes the first that loads. */
    backend: z.enum(BACKEND_CHOICES).default('auto'),
    theme: z.enum(['system', 'light', 'dark']).default('system'),
    lastView: z.enum(VIEWS).default('datasets'),
    /** Preset the Train form starts from. */
    lastPreset: z.string().max(64).default('mnist-default'),
    /** Runs that may train at the same time (each is its own process). */
    maxConcurrentRuns: z.number().int().min(1).max(8).default(1),
    /** Compute threads of the wasm backend in new runs; 0 = one per physical core. */
    threads: z.number().int().min(0).max(256).default(0),
    confirmDelete: z.boolean().default(true),
    window: windowBoundsSchema.default({ width: 1280, height: 800, maximized: false })
  })
  .strict()
export type Settings = z.infer<typeof settingsSchema>

/** The defaults, as a complete object. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({})
}

/** A change to some settings; the other keys keep their values. */
export const settingsPatchSchema = z
  .object({
    backend: z.enum(BACKEND_CHOICES).optional(),
    theme: z.enum(['system', 'light', 'dark']).optional(),
    lastView: z.enum(VIEWS).optional(),
    lastPreset: z.string().max(64).optional(),
    maxConcurrentRuns: z.number().int().min(1).max(8).optional(),
    threads: z.number().int().min(0).max(256).optional(),
    confirmDelete: z.boolean().optional(),
    window: windowBoundsSchema.partial().strict().optional()
  })
  .strict()
export type SettingsPatch = z.infer<typeof settingsPatchSchema>

// ---------------------------------------------------------------------------------------------
// Result and event types
// ---------------------------------------------------------------------------------------------

/** A message for the user that is not the answer to a request (e.g. settings were repaired). */
export interface Notice {
  id: string
  level: 'info' | 'warning' | 'error'
  message: string
  time: number
}

/** What `app:info` returns: versions, compute backend and where data lives. */
export interface AppInfo {
  appVersion: string
  versions: { node: string; electron?: string; chrome?: string; v8?: string; tfjs?: string }
  /** The compute backend the trainer loads, once probed; null with `backendError` if none loads. */
  backend: BackendReport | null
  backendError?: string
  dataDir: string
  transport: 'electron' | 'serve'
  platform: string
  /** Notices raised before the UI connected (settings repaired, runs found crashed...). */
  notices: Notice[]
}

/** Progress of one dataset import. */
export interface ImportProgress {
  importId: string
  datasetId: string
  phase: 'scanning' | 'decoding' | 'writing' | 'done' | 'failed' | 'cancelled'
  done: number
  total: number
  /** Current file or, when failed, why. */
  message?: string
}

/** The health report of an imported dataset. */
export interface DatasetReport {
  id: string
  count: number
  /** Files that were not imported, and why. */
  skipped: Array<{ file: string; reason: string }>
  /** Groups of files with identical content. */
  duplicates: string[][]
  classBalance: Array<{ label: string; count: number }>
  /** Source image sizes before resizing. */
  sizes: Array<{ width: number; height: number; count: number }>
  notes: string[]
}

/** One page of dataset thumbnails; `src` is usable as an `<img src>` (a data: URL). */
export interface ThumbnailPage {
  total: number
  offset: number
  items: Array<{ index: number; label?: string; src: string }>
}

/** A run as the run list shows it. */
export interface RunSummary extends RunRecord {
  /** True while a trainer process owns the run. */
  live: boolean
}

/** Everything the run page needs at once. */
export interface RunDetail {
  record: RunRecord
  live: boolean
  checkpoints: CheckpointInfo[]
  samples: SampleRef[]
}

/** A sample grid image. `path` is relative to the data dir; turn it into a URL with `studio.fileUrl`. */
export interface SampleRef {
  step: number
  path: string
}

/** A file the studio wrote for the user (exports). `path` is relative to the data dir. */
export interface FileRef {
  path: string
  bytes: number
}

/** Result of `export:save`: where the files went, or `canceled` when the user closed the dialog. */
export interface SavedFiles {
  canceled: boolean
  /** Absolute paths of the copies. */
  saved: string[]
}

/** Result of `training:estimate`. */
export interface Estimate {
  msPerStep: number
  imagesPerSec: number
  steps: number
  backend: string
  /** Seconds the configured number of steps would take at that speed. */
  totalSeconds: number
}

/** Batched metrics of one live run (at most a few messages a second). */
export interface TrainingProgress {
  runId: string
  metrics: StepMetrics[]
  totalSteps: number
  etaSeconds: number
}

/** A new sample grid of a live run. */
export interface TrainingSample {
  runId: string
  step: number
  path: string
}

/** A run changed status (running, paused, stopped, crashed, finished). */
export interface TrainingStatus {
  runId: string
  status: RunStatus
  step: number
  message?: string
}

/**
 * A command from the desktop app's native menu for the UI to carry out (never sent under serve;
 * src/renderer/src/composables/useAppCommands.ts carries them out). `import-dataset` carries the
 * folder the user picked in the native dialog; `export` saves the explorer's current image.
 */
export type AppCommand =
  { action: 'navigate'; view: ViewName } | { action: 'import-dataset'; source: string } | { action: 'export' }

/** A line appended to a run's events.jsonl. */
export interface RunEventMessage {
  runId: string
  event: RunEvent
}

// ---------------------------------------------------------------------------------------------
// The request table
// ---------------------------------------------------------------------------------------------

/** One request: its payload schema, its (phantom) result type and what it does. */
export interface RequestSpec<P extends z.ZodType, R> {
  payload: P
  doc: string
  /** Type-only marker of the result; never read at runtime. */
  readonly result?: R
}

function request<R>(): <P extends z.ZodType>(payload: P, doc: string) => RequestSpec<P, R> {
  return (payload, doc) => ({ payload, doc })
}

/** Every request the UI can make. Keys are `domain:verb`; the client groups them by domain. */
export const requests = {
  /** Versions, compute backend report, data dir, pending notices. */
  'app:info': request<AppInfo>()(
    emptySchema,
    'Versions, compute backend report, data dir and pending notices.'
  ),

  /** Current settings. */
  'settings:get': request<Settings>()(emptySchema, 'Current settings.'),
  /** Changes some settings; returns all of them. */
  'settings:update': request<Settings>()(
    settingsPatchSchema,
    'Changes some settings and returns all of them.'
  ),

  /** Built-in and imported datasets. */
  'datasets:list': request<DatasetInfo[]>()(emptySchema, 'Built-in and imported datasets.'),
  /**
   * Imports a folder of images (or MNIST-style IDX files) as dataset `name`. `source` is a folder
   * on the machine running the studio; it is only read. Returns at once; progress arrives as
   * `datasets:importProgress` events.
   */
  'datasets:import': request<{ importId: string }>()(
    z
      .object({
        source: z.string().min(1).max(4096),
        name: idSchema,
        size: z.union([z.literal(28), z.literal(32), z.literal(64), z.literal(128)]).default(64),
        channels: z.union([z.literal(1), z.literal(3)]).default(3),
        fit: z.enum(IMPORT_FIT_MODES).default('crop'),
        /** `folders`: the label is the first-level sub-folder name; `none`: unlabelled. */
        labels: z.enum(['none', 'folders']).default('none'),
        /** Letterbox bar colour, `#rrggbb`. */
        padColor: z
          .string()
          .regex(/^#[0-9a-f]{6}$/i)
          .optional(),
        /** Colour transparent pixels are flattened on, `#rrggbb`. */
        background: z
          .string()
          .regex(/^#[0-9a-f]{6}$/i)
          .optional()
      })
      .strict(),
    'Starts importing a folder; progress arrives as datasets:importProgress events.'
  ),
  /** Cancels a running import; the partial dataset is discarded. */
  'datasets:cancelImport': request<void>()(
    z.object({ importId: idSchema }).strict(),
    'Cancels a running import.'
  ),
  /** The health report of an imported dataset. */
  'datasets:report': request<DatasetReport>()(
    z.object({ id: idSchema }).strict(),
    'Health report of a dataset.'
  ),
  /** One page of thumbnails of a dataset. */
  'datasets:thumbnails': request<ThumbnailPage>()(
    z
      .object({
        id: idSchema,
        offset: z.number().int().min(0).max(100_000_000).default(0),
        limit: z.number().int().min(1).max(256).default(64)
      })
      .strict(),
    'One page of dataset thumbnails.'
  ),
  /** Deletes an imported dataset (built-ins cannot be removed, only their cache). */
  'datasets:remove': request<void>()(z.object({ id: idSchema }).strict(), 'Deletes an imported dataset.'),

  /** Every run, newest first. */
  'runs:list': request<RunSummary[]>()(emptySchema, 'Every run, newest first.'),
  /** One run with its checkpoints and samples. */
  'runs:get': request<RunDetail>()(runRef, 'One run with its checkpoints and samples.'),
  /** Logged metrics after `sinceStep` (all when omitted); rebuilds a chart after a reload. */
  'runs:metrics': request<StepMetrics[]>()(
    z
      .object({
        runId: idSchema,
        sinceStep: z.number().int().min(-1).max(1e12).default(-1),
        limit: z.number().int().min(1).max(1_000_000).default(100_000)
      })
      .strict(),
    'Logged metrics with step > sinceStep.'
  ),
  /** The run's event log (pause, resume, hyperparameter changes, warnings, crashes). */
  'runs:events': request<RunEvent[]>()(runRef, "The run's event log."),
  /** The run's sample grids, oldest first. */
  'runs:samples': request<SampleRef[]>()(runRef, "The run's sample grids, oldest first."),
  /** Deletes a run that is not live. */
  'runs:delete': request<void>()(runRef, 'Deletes a run that is not live.'),
  /** Renames a run. */
  'runs:rename': request<RunRecord>()(
    z.object({ runId: idSchema, name: runNameSchema }).strict(),
    'Renames a run.'
  ),

  /**
   * Starts a new run (or a branch of another run's checkpoint when `from` is given) in its own
   * trainer process.
   */
  'training:start': request<RunRecord>()(
    z
      .object({
        config: hyperparamsSchema,
        name: runNameSchema.optional(),
        backend: z.enum(BACKEND_CHOICES).optional(),
        from: z
          .object({ runId: idSchema, checkpoint: idSchema, force: z.boolean().default(false) })
          .strict()
          .optional()
      })
      .strict(),
    'Starts a new run (or a branch) in its own trainer process.'
  ),
  /** Pauses a live run after the current step (a checkpoint is written). */
  'training:pause': request<void>()(runRef, 'Pauses a live run after the current step.'),
  /** Resumes a paused run, or a stopped/crashed one from its last checkpoint in a new process. */
  'training:resume': request<void>()(
    z.object({ runId: idSchema, steps: z.number().int().min(1).max(10_000_000).optional() }).strict(),
    'Resumes a paused, stopped or crashed run from where it is or its last checkpoint.'
  ),
  /** Stops a live run after the current step (a final checkpoint is written). */
  'training:stop': request<void>()(runRef, 'Stops a live run after the current step.'),
  /** Changes live hyperparameters of a running run from the next step on. */
  'training:update': request<void>()(
    z.object({ runId: idSchema, live: liveHyperparamsSchema }).strict(),
    'Changes live hyperparameters from the next step on.'
  ),
  /**
   * Writes a checkpoint of a running or paused run's current weights now (between two steps) so
   * the explorer can open them; returns its name and step.
   */
  'training:snapshot': request<{ checkpoint: string; step: number }>()(
    runRef,
    "Checkpoints a live run's current weights now, for the explorer."
  ),
  /** A short dry run of a configuration in a throwaway process; measures ms/step. */
  'training:estimate': request<Estimate>()(
    z
      .object({
        config: hyperparamsSchema,
        steps: z.number().int().min(1).max(50).default(5),
        backend: z.enum(BACKEND_CHOICES).optional()
      })
      .strict(),
    'Short dry run that measures ms/step.'
  ),

  /** The run's complete checkpoints, newest first. */
  'checkpoints:list': request<CheckpointInfo[]>()(runRef, "The run's checkpoints."),
  /** Pins (keeps forever) or unpins a checkpoint. */
  'checkpoints:pin': request<CheckpointInfo[]>()(
    z.object({ runId: idSchema, checkpoint: idSchema, pinned: z.boolean() }).strict(),
    'Pins or unpins a checkpoint; returns the list.'
  ),

  /** Generates images from a checkpoint (latest when omitted); PNG data URLs, one per seed/latent. */
  'explorer:generate': request<{ images: string[] }>()(
    z
      .object({
        model: modelRefSchema,
        source: latentSourceSchema,
        truncation: truncationSchema
      })
      .strict(),
    'Generates images from seeds or latents; PNG data URLs.'
  ),
  /** Frames along a path between two latents; PNG data URLs. */
  'explorer:interpolate': request<{ frames: string[] }>()(
    z
      .object({
        model: modelRefSchema,
        from: latentSourceSchema,
        to: latentSourceSchema,
        frames: z.number().int().min(2).max(120).default(16),
        mode: interpolationModeSchema,
        truncation: truncationSchema
      })
      .strict(),
    'Frames interpolated between two latents.'
  ),

  /** Writes a PNG grid into `<dataDir>/exports/`. */
  'export:png': request<FileRef>()(
    z
      .object({
        model: modelRefSchema,
        source: latentSourceSchema,
        truncation: truncationSchema,
        columns: z.number().int().min(1).max(64).default(8),
        scale: z.number().int().min(1).max(16).default(1)
      })
      .strict(),
    'Writes a PNG grid into the exports folder.'
  ),
  /** Writes an animated GIF of an interpolation into `<dataDir>/exports/`. */
  'export:gif': request<FileRef>()(
    z
      .object({
        model: modelRefSchema,
        from: latentSourceSchema,
        to: latentSourceSchema,
        frames: z.number().int().min(2).max(240).default(32),
        fps: z.number().int().min(1).max(60).default(12),
        mode: interpolationModeSchema,
        truncation: truncationSchema,
        scale: z.number().int().min(1).max(16).default(2)
      })
      .strict(),
    'Writes an interpolation GIF into the exports folder.'
  ),
  /** Writes the generator as a tfjs model (model.json + weights) into `<dataDir>/exports/`. */
  'export:model': request<FileRef>()(
    z.object({ model: modelRefSchema }).strict(),
    'Writes the generator as a tfjs model into the exports folder.'
  ),

  /**
   * Desktop app only: asks where to save exported files (the native save dialog for one file, a
   * folder picker for several) and copies them there. Under serve the browser downloads instead.
   */
  'export:save': request<SavedFiles>()(
    z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(16) }).strict(),
    'Saves exported files where the user picks (native dialog, desktop app).'
  ),

  /** Facts about the generator the explorer would use: sizes, EMA, conditional, checkpoint and step. */
  'explorer:info': request<{
    runId: string
    checkpoint: string
    step: number
    latentDim: number
    imageShape: [number, number, number]
    ema: boolean
    conditional: boolean
    labels?: string[]
    datasetId: string
    model: string
  }>()(
    z.object({ model: modelRefSchema }).strict(),
    "The explorer's generator: latent size, image shape, EMA, classes."
  ),
  /** GANSpace directions: unit latent directions (PCA of the first layer, regressed to latent space). */
  'explorer:directions': request<{ directions: number[][]; explained: number[]; scale: number[] }>()(
    z
      .object({
        model: modelRefSchema,
        count: z.number().int().min(1).max(32).default(8)
      })
      .strict(),
    'Principal latent directions (GANSpace) with explained variance and slider scale.'
  ),
  /** A sample's nearest training images (L2 in pixel space; PNG data URLs) and a memorisation flag. */
  'explorer:nearest': request<{
    sample: string
    neighbours: Array<{ index: number; rms: number; image: string; label?: number }>
    memorised: boolean
    threshold: number
  }>()(
    z
      .object({
        model: modelRefSchema,
        source: latentSourceSchema,
        truncation: truncationSchema,
        count: z.number().int().min(1).max(32).default(8)
      })
      .strict(),
    'Nearest training images of one sample.'
  ),
  /** The run's saved latents (bookmarks), oldest first. */
  'explorer:bookmarks': request<
    Array<{ id: string; name: string; latent: number[]; seed?: number; created: number }>
  >()(runRef, "The run's latent bookmarks."),
  /** Replaces the run's bookmarks; returns them. */
  'explorer:saveBookmarks': request<
    Array<{ id: string; name: string; latent: number[]; seed?: number; created: number }>
  >()(
    z
      .object({
        runId: idSchema,
        bookmarks: z
          .array(
            z
              .object({
                id: idSchema,
                name: runNameSchema,
                latent: z.array(z.number().finite().min(-100).max(100)).min(1).max(1024),
                seed: z
                  .number()
                  .int()
                  .min(0)
                  .max(2 ** 31 - 1)
                  .optional(),
                created: z.number().int().min(0)
              })
              .strict()
          )
          .max(500)
      })
      .strict(),
    "Saves the run's latent bookmarks."
  ),
  /**
   * Reads an exported PNG's provenance (base64 bytes) so the explorer can restore its latents. The
   * client sends `pngHead(bytes)`: the text chunks, without the image data.
   */
  'explorer:openImage': request<{
    runId?: string
    checkpoint?: string
    step?: number
    /** Whether the image was rendered with the EMA weights (absent in older exports). */
    ema?: boolean
    /** Class of a conditional model. */
    label?: number
    seeds?: number[]
    latents: number[][]
    truncation: number
    kind: string
    interpolation?: { mode: 'linear' | 'slerp'; steps: number }
  }>()(
    z
      .object({
        png: z
          .string()
          .min(8)
          .max(
            OPEN_IMAGE_MAX_CHARS,
            'The image is too large to read here: send only its chunks before the image data (pngHead)'
          )
      })
      .strict(),
    "An exported PNG's provenance (run, seeds, latents, truncation)."
  ),
  /** Writes an interpolation strip PNG (with its interpolation parameters) into `<dataDir>/exports/`. */
  'export:strip': request<FileRef>()(
    z
      .object({
        model: modelRefSchema,
        from: latentSourceSchema,
        to: latentSourceSchema,
        frames: z.number().int().min(2).max(120).default(16),
        mode: interpolationModeSchema,
        truncation: truncationSchema,
        scale: z.number().int().min(1).max(8).default(2)
      })
      .strict(),
    'Writes an interpolation strip PNG into the exports folder.'
  ),
  /** The latent vectors of seeds for a run's generator (the UI edits them and generates from latents). */
  'explorer:latents': request<{ latents: number[][] }>()(
    z
      .object({
        model: modelRefSchema,
        seeds: z
          .array(
            z
              .number()
              .int()
              .min(0)
              .max(2 ** 31 - 1)
          )
          .min(1)
          .max(64)
      })
      .strict(),
    'Latent vectors of seeds.'
  )
} as const

/** The table's type. */
export type Requests = typeof requests
/** Every request name. */
export type RequestName = keyof Requests
/** What the sender may pass (defaults filled in on the receiving side). */
export type RequestInput<K extends RequestName> = z.input<Requests[K]['payload']>
/** What the receiving side works with after validation. */
export type RequestPayload<K extends RequestName> = z.output<Requests[K]['payload']>
/** What the request resolves to. */
export type RequestResult<K extends RequestName> =
  Requests[K] extends RequestSpec<z.ZodType, infer R> ? R : never

/** Every request name, for transports that bind the whole table. */
export const REQUEST_NAMES = Object.keys(requests) as RequestName[]

/** True when `name` is a request of the contract (guards a transport against arbitrary names). */
export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requests, name)
}

/**
 * Validates a payload on the receiving side; throws `invalid-input` with every bad field named.
 * Unknown request names are `invalid-input` too.
 */
export function parseRequest<K extends RequestName>(name: K, payload: unknown): RequestPayload<K> {
  if (!isRequestName(name))
    throw new StudioError('invalid-input', `Unknown request '${String(name).slice(0, 60)}'`)
  const schema = requests[name].payload as z.ZodType
  const r = schema.safeParse(payload === undefined ? {} : payload)
  if (!r.success) {
    const issues = describeZodError(r.error, { whole: '(payload)' })
    throw new StudioError('invalid-input', `Invalid ${name} request: ${issues}`)
  }
  return r.data as RequestPayload<K>
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** Every event the UI can receive, with its data type. */
export interface EventMap {
  /** Batched metrics of a live run (at most ~4 messages a second per run). */
  'training:progress': TrainingProgress
  /** A new sample grid was written. */
  'training:sample': TrainingSample
  /** A run changed status (including `crashed` when its trainer process died). */
  'training:status': TrainingStatus
  /** An entry of a run's event log (pause, resume, hyperparameters, warning, rollback...). */
  'run:event': RunEventMessage
  /** Progress of a dataset import. */
  'datasets:importProgress': ImportProgress
  /** A message for the user (settings repaired, a backend fell back...). */
  'app:notice': Notice
  /** A native-menu command (desktop app only). */
  'app:command': AppCommand
}
export type EventName = keyof EventMap

/** Which `studio.on.X` subscribes to which event. */
export const EVENT_HANDLERS = {
  progress: 'training:progress',
  sample: 'training:sample',
  status: 'training:status',
  runEvent: 'run:event',
  importProgress: 'datasets:importProgress',
  notice: 'app:notice',
  command: 'app:command'
} as const satisfies Record<string, EventName>
export type EventHandlerName = keyof typeof EVENT_HANDLERS

/** Every event name, for transports that forward the whole set. */
export const EVENT_NAMES = Object.values(EVENT_HANDLERS) as EventName[]

/** True when `name` is an event of the contract. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as string[]).includes(name)
}

// ---------------------------------------------------------------------------------------------
// The typed client
// ---------------------------------------------------------------------------------------------

type DomainOf<K> = K extends `${infer D}:${string}` ? D : never
type VerbOf<K, D extends string> = K extends `${D}:${infer V}` ? V : never
/** Payload-less requests take no argument; others take their input type. */
// `{}` here means "an empty payload object is acceptable", which is exactly the test wanted.
type Method<K extends RequestName> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- see the comment above
  {} extends RequestInput<K>
    ? (payload?: RequestInput<K>) => Promise<RequestResult<K>>
    : (payload: RequestInput<K>) => Promise<RequestResult<K>>

/** Requests grouped by domain: `studio.training.start(...)`, `studio.runs.list()`. */
export type StudioRequests = {
  [D in DomainOf<RequestName>]: { [V in VerbOf<RequestName, D>]: Method<`${D}:${V}` & RequestName> }
}

/** Subscriptions: `studio.on.progress(cb)` returns its unsubscribe function. */
export type StudioEvents = {
  [H in EventHandlerName]: (cb: (data: EventMap[(typeof EVENT_HANDLERS)[H]]) => void) => () => void
}

/** The whole UI-facing API: `window.studio` in the app, the WebSocket client in a browser. */
export type StudioApi = StudioRequests & {
  on: StudioEvents
  /**
   * URL of a file inside the data dir (sample grids, exports) for `<img src>`/download links:
   * `app://data/...` in the app, `/files/...?token=` under serve.
   */
  fileUrl(path: string): string
  /** Which transport this is. */
  readonly transport: 'electron' | 'serve'
}

/** What a transport returns for one request: a value or a wire error, never a thrown object. */
export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: WireError }

/** Sends one request over a transport; resolves with the envelope. */
export type Invoke = (name: RequestName, payload: unknown) => Promise<Envelope>
/** Subscribes to one event over a transport; returns the unsubscribe function. */
export type Subscribe = (name: EventName, cb: (data: unknown) => void) => () => void

/**
 * Builds the typed `StudioApi` from the table, so both transports expose exactly the same thing.
 * A failed request rejects with a `StudioError` carrying the wire code.
 */
export function createClient(
  invoke: Invoke,
  subscribe: Subscribe,
  opts: {
    fileUrl: (path: string) => string
    transport: 'electron' | 'serve'
    /**
     * What a failed request rejects with; a `StudioError` by default. The preload rejects with
     * the plain `{ code, message }` because Electron's contextBridge keeps only the message of an
     * Error; `reviveErrors` turns it back into a StudioError on the page's side.
     */
    toError?: (error: WireError) => unknown
  }
): StudioApi {
  const toError = opts.toError ?? ((e: WireError): unknown => new StudioError(e.code, e.message))
  const groups: Record<string, Record<string, (payload?: unknown) => Promise<unknown>>> = {}
  for (const name of REQUEST_NAMES) {
    const [domain, verb] = name.split(':') as [string, string]
    const group = (groups[domain] ??= {})
    group[verb] = async (payload?: unknown): Promise<unknown> => {
      const env = await invoke(name, payload ?? {})
      if (env.ok) return env.value
      throw toError({ code: env.error.code, message: env.error.message })
    }
  }
  const on: Record<string, (cb: (data: unknown) => void) => () => void> = {}
  for (const [handler, event] of Object.entries(EVENT_HANDLERS)) {
    on[handler] = (cb) => {
      if (typeof cb !== 'function')
        throw new StudioError('invalid-input', `studio.on.${handler} needs a callback`)
      return subscribe(event, cb)
    }
  }
  return { ...groups, on, fileUrl: opts.fileUrl, transport: opts.transport } as unknown as StudioApi
}

/**
 * Wraps an API whose requests reject with plain `{ code, message }` objects (window.studio, across
 * Electron's contextBridge) so they reject with `StudioError` like the WebSocket client does.
 */
export function reviveErrors(api: StudioApi): StudioApi {
  const revive = (err: unknown): never => {
    const e = err as { code?: unknown; message?: unknown } | undefined
    const code =
      typeof e?.code === 'string' && (ERROR_CODE_LIST as readonly string[]).includes(e.code)
        ? (e.code as WireError['code'])
        : 'internal'
    throw new StudioError(code, typeof e?.message === 'string' ? e.message : String(err))
  }
  const out: Record<string, unknown> = { on: api.on, fileUrl: api.fileUrl, transport: api.transport }
  for (const name of REQUEST_NAMES) {
    const [domain, verb] = name.split(':') as [string, string]
    const source = (api as unknown as Record<string, Record<string, (p?: unknown) => Promise<unknown>>>)[
      domain
    ]
    const fn = source?.[verb]
    if (!fn) continue
    const group = (out[domain] ??= {}) as Record<string, (p?: unknown) => Promise<unknown>>
    group[verb] = (p?: unknown) => fn(p).catch(revive)
  }
  return out as unknown as StudioApi
}

// ---------------------------------------------------------------------------------------------
// WebSocket wire format (serve mode)
// ---------------------------------------------------------------------------------------------

/** Browser → server: one request. `id` pairs the reply. */
export interface WsRequest {
  id: number
  method: RequestName
  payload: unknown
}

/** Server → browser: a reply or an event. */
export type WsServerMessage =
  ({ type: 'reply'; id: number } & Envelope) | { type: 'event'; event: EventName; data: unknown }

/** Query parameter and header carrying the serve token. */
export const SERVE_TOKEN_PARAM = 'token'
/** Path of the WebSocket endpoint under serve. */
export const SERVE_WS_PATH = '/ws'
/** Path prefix of data-dir files under serve (`/files/runs/<id>/samples/...`). */
export const SERVE_FILES_PATH = '/files/'
/** Host of data-dir files over the app:// protocol (`app://data/runs/<id>/samples/...`). */
export const APP_DATA_HOST = 'data'
/** Host of the renderer's own files over the app:// protocol. */
export const APP_RENDERER_HOST = 'renderer'

/** Re-exported for payload builders in the UI. */
export type { BackendChoice, Hyperparams }
