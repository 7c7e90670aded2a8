/**
 * The engine's face to its callers (the CLI `train` command and the trainer worker process): one
 * training session owns one run directory. Implemented by session.ts.
 */
import type { BackendChoice, Hyperparams, HyperparamsInput, LiveHyperparams } from '../../shared/hyperparams'
import type { RunEvent, RunRecord, RunStatus, StepMetrics } from '../../shared/domain'

/** How a session starts. */
export type SessionMode =
  /** A new run in an empty (or absent) run directory. */
  | { kind: 'new'; config: HyperparamsInput; name?: string }
  /** Continue the run in runDir from its latest complete checkpoint; `steps` raises the total. */
  | { kind: 'resume'; steps?: number; force?: boolean; config?: Partial<HyperparamsInput> }
  /** A new run in runDir starting from another run's checkpoint directory; records the parent. */
  | { kind: 'branch'; from: string; config?: Partial<HyperparamsInput>; name?: string; force?: boolean }

export interface SessionOptions {
  dataDir: string
  runDir: string
  mode: SessionMode
  backend?: BackendChoice
  /** The `threads` setting for the wasm backend (0 = one per physical core; default GAN_STUDIO_THREADS or 0). */
  threads?: number
  /**
   * Called at each stage of every checkpoint write (see checkpoint/writer.ts). Tests use it to
   * simulate a full disk; `GAN_STUDIO_CRASH_AT` does the same with a real SIGKILL.
   */
  checkpointHook?: (stage: string, step: number) => void | Promise<void>
}

/** A progress record: the logged step's metrics plus where the run is going. */
export interface ProgressInfo extends StepMetrics {
  totalSteps: number
  /** Seconds left at the current speed. */
  etaSeconds: number
}

/** Callbacks a session reports through; all optional. */
export interface SessionListener {
  progress?(p: ProgressInfo): void
  sample?(s: { step: number; path: string }): void
  event?(e: RunEvent): void
  status?(status: RunStatus, message?: string): void
}

/** What a session can be asked to do while it runs. */
export interface TrainingSessionApi {
  readonly record: RunRecord
  readonly config: Hyperparams
  /** Trains until the total step count, a pause or a stop; resolves with the resulting status. */
  run(listener?: SessionListener): Promise<RunStatus>
  /** Finish the current step, write a checkpoint, keep state in memory; run() resolves 'paused'. */
  pause(): void
  /** Finish the current step, write a final checkpoint; run() resolves 'stopped'. */
  stop(): void
  /** Change live hyperparameters from the next step on; recorded as a `hyperparams` event. */
  update(live: LiveHyperparams): void
  /** Frees every tensor the session holds. */
  dispose(): void
}
