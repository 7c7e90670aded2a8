/**
 * The inference worker: a light process that loads generators from checkpoints and renders for
 * the explorer and exports, so latent → image never waits behind a training step in the trainer
 * worker, and the serving process never runs tfjs. One request at a time, in arrival order.
 *
 * Protocol (child_process.fork with advanced serialization, or Electron's parentPort):
 *   parent → worker  { id, method, args }   method ∈ INFERENCE_METHODS
 *   worker → parent  { id, ok: true, value } | { id, ok: false, error: { code, message } }
 * The backend comes from GAN_STUDIO_BACKEND (auto, tensorflow, wasm, cpu; default auto).
 */
import { INFERENCE_METHODS, InferenceEngine, type InferenceMethod } from '../engine/explorer/inference'
import { toWireError, type WireError } from '../../shared/errors'
import { BACKEND_CHOICES, type BackendChoice } from '../../shared/hyperparams'

/** A request to the worker. */
export interface InferenceRequest {
  id: number
  method: InferenceMethod
  args: unknown[]
}

/** The worker's reply. */
export type InferenceReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError }

interface ParentPort {
  postMessage(msg: unknown): void
  on(event: 'message', cb: (e: { data: unknown }) => void): void
}

function isRequest(m: unknown): m is InferenceRequest {
  const r = m as Partial<InferenceRequest> | null
  return !!r && typeof r.id === 'number' && typeof r.method === 'string' && Array.isArray(r.args)
}

function start(): void {
  const choice = process.env.GAN_STUDIO_BACKEND
  const backend: BackendChoice = (BACKEND_CHOICES as readonly string[]).includes(choice ?? '') ? (choice as BackendChoice) : 'auto'
  const engine = new InferenceEngine(backend)
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort
  const post = (msg: InferenceReply): void => {
    if (parentPort) parentPort.postMessage(msg)
    else process.send?.(msg)
  }
  let queue: Promise<void> = Promise.resolve()
  const handle = (m: unknown): void => {
    if (!isRequest(m)) return
    queue = queue.then(async () => {
      try {
        if (!(INFERENCE_METHODS as readonly string[]).includes(m.method)) throw new Error(`unknown inference method ${m.method}`)
        const fn = engine[m.method] as (...a: unknown[]) => Promise<unknown>
        post({ id: m.id, ok: true, value: await fn.apply(engine, m.args) })
      } catch (err) {
        post({ id: m.id, ok: false, error: toWireError(err) })
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
  // Load the backend while the first request is on its way.
  void engine.ready().catch(() => undefined)
}

start()
