/**
 * The inference worker: a light process that loads generators from checkpoints and renders for
 * the explorer and exports, so latent → image never waits behind a training step in the trainer
 * worker, and the serving process never runs tfjs. One request at a time, in arrival order.
 *
 * Protocol (child_process.fork with advanced serialization, or Electron's utilityProcess
 * parentPort; every message has a string `type`, like the trainer worker's, so the same launchers
 * carry it):
 *   parent → worker  { type: 'inference-init', backend, threads }  optional, before any request
 *   parent → worker  { type: 'inference', id, method, args }      method ∈ INFERENCE_METHODS
 *   worker → parent  { type: 'inference-reply', id, ok: true, value } | { ..., ok: false, error }
 * Without an init message the backend comes from GAN_STUDIO_BACKEND (default auto) and the thread
 * count from GAN_STUDIO_THREADS (default one per physical core).
 */
import { INFERENCE_METHODS, InferenceEngine, type InferenceMethod } from '../engine/explorer/inference'
import { toWireError, type WireError } from '../../shared/errors'
import { BACKEND_CHOICES, type BackendChoice } from '../../shared/hyperparams'

/** A request to the worker. */
export interface InferenceRequest {
  type: 'inference'
  id: number
  method: InferenceMethod
  args: unknown[]
}

/** The worker's reply. */
export type InferenceReply = { type: 'inference-reply'; id: number } & (
  { ok: true; value: unknown } | { ok: false; error: WireError }
)

/** Sets the compute backend before the first request. */
export interface InferenceInit {
  type: 'inference-init'
  backend: BackendChoice
  /** The `threads` setting (0 = one per physical core). */
  threads?: number
}

function threadsOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined
}

function backendOf(v: unknown): BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(String(v)) ? (v as BackendChoice) : 'auto'
}

interface ParentPort {
  postMessage(msg: unknown): void
  on(event: 'message', cb: (e: { data: unknown }) => void): void
}

function isRequest(m: unknown): m is InferenceRequest {
  const r = m as Partial<InferenceRequest> | null
  return (
    !!r &&
    r.type === 'inference' &&
    typeof r.id === 'number' &&
    typeof r.method === 'string' &&
    Array.isArray(r.args)
  )
}

function start(): void {
  let engine: InferenceEngine | undefined
  const engineFor = (backend?: BackendChoice, threads?: number): InferenceEngine => {
    engine ??= new InferenceEngine(backend ?? backendOf(process.env.GAN_STUDIO_BACKEND), threads)
    return engine
  }
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort
  const post = (msg: InferenceReply): void => {
    if (parentPort) parentPort.postMessage(msg)
    else process.send?.(msg)
  }
  let queue: Promise<void> = Promise.resolve()
  const handle = (m: unknown): void => {
    if ((m as Partial<InferenceInit> | null)?.type === 'inference-init') {
      // Load the backend while the first request is on its way.
      const init = m as InferenceInit
      void engineFor(backendOf(init.backend), threadsOf(init.threads))
        .ready()
        .catch(() => undefined)
      return
    }
    if (!isRequest(m)) return
    queue = queue.then(async () => {
      try {
        if (!(INFERENCE_METHODS as readonly string[]).includes(m.method))
          throw new Error(`unknown inference method ${m.method}`)
        const e = engineFor()
        const fn = e[m.method] as (...a: unknown[]) => Promise<unknown>
        post({ type: 'inference-reply', id: m.id, ok: true, value: await fn.apply(e, m.args) })
      } catch (err) {
        post({ type: 'inference-reply', id: m.id, ok: false, error: toWireError(err) })
      }
    })
  }
  if (parentPort) parentPort.on('message', (e) => handle(e.data))
  else if (process.send) process.on('message', handle)
  else {
    process.stderr.write('inference-worker: not started as a worker process (no IPC channel)\n')
    process.exit(2)
  }
  process.on('disconnect', () => process.exit(0))
}

start()
