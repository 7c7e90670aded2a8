/**
 * Messages between the serving process (StudioService) and a trainer worker process. Plain,
 * structured-clone-safe data only: nothing tensor-shaped crosses the boundary.
 */
import type { BackendChoice, HyperparamsInput, LiveHyperparams } from '../../shared/hyperparams'
import type { BackendReport, RunEvent, RunRecord, RunStatus } from '../../shared/domain'
import type { WireError } from '../../shared/errors'
import type { ProgressInfo, SessionMode } from '../engine/session-types'

/** Parent → worker. */
export type ToWorker =
  /** Open a session in runDir and train. Answered by `ready` (or `error` then exit). */
  | {
      type: 'start'
      dataDir: string
      runDir: string
      mode: SessionMode
      backend?: BackendChoice
      /** The `threads` setting (0 = one per physical core). */
      threads?: number
    }
  | { type: 'pause' }
  /** Continue a paused session in this same process. */
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'update'; live: LiveHyperparams }
  /** Rename the run (the session owns run.json while it lives, so the rename goes through it). */
  | { type: 'rename'; name: string }
  /** A short throwaway dry run; answered by `estimate`. */
  | {
      type: 'estimate'
      dataDir: string
      scratchDir: string
      config: HyperparamsInput
      steps: number
      backend?: BackendChoice
      threads?: number
    }
  /** Load the compute backend and report it; answered by `backend`. */
  | { type: 'probe'; backend?: BackendChoice; threads?: number }
  /** The parent has read everything up to the worker's `exiting`: the worker may exit now. */
  | { type: 'exit-ack' }

/** Worker → parent. */
export type FromWorker =
  /** The session is open and training is about to begin. */
  | { type: 'ready'; record: RunRecord; backend: BackendReport | null; pid: number }
  /** Logged steps since the last message (the worker coalesces to limit IPC traffic). */
  | { type: 'progress'; items: ProgressInfo[] }
  | { type: 'sample'; step: number; path: string }
  | { type: 'event'; event: RunEvent }
  | { type: 'status'; status: RunStatus; step: number; message?: string }
  /** A failure; `fatal` ones are followed by the worker's exit. */
  | { type: 'error'; error: WireError; fatal: boolean }
  | { type: 'estimate'; msPerStep: number; imagesPerSec: number; steps: number; backend: string }
  | { type: 'backend'; report: BackendReport }
  /**
   * The worker's last message: it exits (with `code`) once the parent answers `exit-ack`. Electron
   * closes a utility process's port before it emits `exit`, dropping messages the parent has not
   * read yet, so a worker that simply exited could lose its final `status` and be recorded crashed.
   * The launchers answer it themselves (`acknowledgeExit`); services never see it.
   */
  | { type: 'exiting'; code: number }

/** Statuses after which the worker exits on its own. */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['stopped', 'finished', 'crashed']

/** Cheap runtime check of a message from a worker (a worker is ours, but a crash may garble). */
export function isFromWorker(msg: unknown): msg is FromWorker {
  return !!msg && typeof msg === 'object' && typeof (msg as { type?: unknown }).type === 'string'
}

/** True for the worker's `exiting` message (answered by the launcher, not forwarded). */
export function isExiting(msg: unknown): msg is Extract<FromWorker, { type: 'exiting' }> {
  return isFromWorker(msg) && msg.type === 'exiting'
}

/** The launchers' half of the exit handshake: answers `exiting` and reports whether it did. */
export function acknowledgeExit(msg: unknown, send: (m: ToWorker) => void): boolean {
  if (!isExiting(msg)) return false
  send({ type: 'exit-ack' })
  return true
}
