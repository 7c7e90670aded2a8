import type { BackendName, Hyperparams } from './hyperparams'

/** Metrics of one logged step. Plain numbers only: they cross processes and go to metrics.jsonl. */
export interface StepMetrics {
  step: number
  epoch: number
  lossD: number
  lossG: number
  /** Mean D(x) on real images, as a probability for `ns` (sigmoid of the logit), raw score otherwise. */
  dReal: number
  /** Mean D(G(z)) on generated images, same scale as dReal. */
  dFake: number
  msPerStep: number
  imagesPerSec: number
  /** Wall-clock time of the record, ms since the epoch. */
  time: number
  /**
   * "GAN Studio FD" quality score of the latest sample interval (built-in datasets only), attached
   * to the first record at or after the step it was computed for. This app's own score: NOT
   * comparable to published FID.
   */
  quality?: QualityScore
  /** Mean gradient norms over the logged interval (computed on the device with the losses). */
  gradNorm?: GradientNorms
}

/**
 * L2 norms of each network's loss gradient w.r.t. its weights, before clipping: over all weights
 * and per layer (the weights sharing a name prefix: `conv1/kernel` + `conv1/bias` → `conv1`).
 * D's is the mean over its dSteps updates.
 */
export interface GradientNorms {
  g: number
  d: number
  gLayers: Record<string, number>
  dLayers: Record<string, number>
}

/** The app's quality score on a built-in dataset (engine/quality), computed at a sample interval. */
export interface QualityScore {
  /** Step the score was computed at (may precede the record that carries it). */
  step: number
  /** GAN Studio FD: Fréchet distance of a small classifier's features; lower is better. */
  fd: number
  /** Share of classes that get at least a quarter of their fair share of samples (0..1). */
  classCoverage: number
  /** Normalised entropy of the predicted classes (0..1, 1 = even). */
  classEvenness: number
  /** Generated images scored. */
  samples: number
}

export const RUN_STATUSES = ['running', 'paused', 'stopped', 'crashed', 'finished'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** Contents of `<runDir>/run.json`. */
export interface RunRecord {
  id: string
  name: string
  created: string
  updated: string
  config: Hyperparams
  dataset: { id: string; fingerprint: string; count: number; shape: [number, number, number] }
  backend: BackendName
  /** Threads the wasm backend trained with in the latest session (absent on other backends). */
  threads?: number
  status: RunStatus
  /** Last step that completed. */
  step: number
  /** For a branched run: where it came from. */
  parent?: { runId: string; checkpoint: string; step: number }
  /** Why the run stopped, crashed or paused on its own, in words. */
  message?: string
  appVersion: string
  /** Data dir whose datasets the run trains on (runs may live outside it, e.g. CLI --out). */
  dataDir?: string
  /** GAN Studio FD summary, kept current by the session at every score. */
  quality?: RunQuality
}

/** A run's quality-score summary (run.json), for the Runs table and `gan-studio runs`. */
export interface RunQuality {
  /** Lowest FD so far; its checkpoint is kept (checkpoints/best.json). */
  best?: { fd: number; step: number }
  /** The most recent score. */
  latest?: { fd: number; step: number; classCoverage: number }
  /** Why there is no score, in words (e.g. "no classifier for imported datasets"). */
  unavailable?: string
}

/** What the UI and CLI say where an imported dataset's quality score would be. */
export const NO_CLASSIFIER_MESSAGE = 'no classifier for imported datasets'

/** Datasets the app ships a quality-score classifier for (assets/classifiers/). */
export const SCORED_DATASETS: readonly string[] = ['mnist', 'fashion-mnist']

/** Why a run has no quality score, or undefined when it has (or will have) one. */
export function qualityUnavailable(run: Pick<RunRecord, 'quality' | 'dataset'>): string | undefined {
  return (
    run.quality?.unavailable ?? (SCORED_DATASETS.includes(run.dataset.id) ? undefined : NO_CLASSIFIER_MESSAGE)
  )
}

export const RUN_EVENT_KINDS = [
  'start',
  'pause',
  'resume',
  'stop',
  'finish',
  'crash',
  'checkpoint',
  'hyperparams',
  'warning',
  'rollback',
  'error'
] as const
export type RunEventKind = (typeof RUN_EVENT_KINDS)[number]

/** One line of `<runDir>/events.jsonl`. */
export interface RunEvent {
  kind: RunEventKind
  step: number
  time: number
  message?: string
  data?: Record<string, unknown>
}

/** A saved sample grid. */
export interface SampleInfo {
  step: number
  /** File name inside `<runDir>/samples/`. */
  file: string
}

/** A complete checkpoint on disk. */
export interface CheckpointInfo {
  name: string
  step: number
  pinned: boolean
  latest: boolean
  /** GAN Studio FD when this is the run's best checkpoint (checkpoints/best.json; never pruned). */
  bestFd?: number
  bytes: number
  time: number
}

/** What `doctor` and the status bar show about compute backends. */
export interface BackendAttempt {
  name: BackendName
  /** Which package or variant was tried, e.g. `@tensorflow/tfjs-node-gpu`. */
  variant: string
  ok: boolean
  /** Why it failed, in the loader's words (the real error message). */
  reason?: string
}

export interface BackendReport {
  active: BackendName
  variant: string
  attempts: BackendAttempt[]
  tfjsVersion: string
  cpuThreads: number
  /** Threads the wasm backend uses, when active. */
  wasmThreads?: number
  /** Why the wasm backend runs on fewer threads than asked (a thread pool that failed to start). */
  threadsProblem?: string
  simd?: boolean
  platform: string
  nodeVersion: string
  /** WebGPU adapters Dawn found here (all of them, also when another backend is active). */
  gpu?: GpuAdapterReport
  /** The adapter the webgpu backend trains on, when it is active. */
  gpuAdapter?: GpuAdapterSummary
}

/** One WebGPU adapter as Dawn describes it. */
export interface GpuAdapterSummary {
  vendor: string
  architecture: string
  device: string
  description: string
  /** A CPU rasteriser (lavapipe/llvmpipe, SwiftShader, WARP): never chosen by `auto`. */
  software: boolean
}

/** The adapters found, or why none were. */
export interface GpuAdapterReport {
  adapters: GpuAdapterSummary[]
  /** Why there are none (the webgpu package failed to load, no driver, ...). */
  note?: string
}

/** A dataset as listed for the UI and CLI. */
export interface DatasetInfo {
  id: string
  name: string
  builtin: boolean
  count: number
  /** [height, width, channels] */
  shape: [number, number, number]
  labels: string[]
  fingerprint?: string
  bytes?: number
  created?: string
  source?: string
}
