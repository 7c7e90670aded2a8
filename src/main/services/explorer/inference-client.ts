/**
 * The serving side of the inference worker: starts it on first use through a WorkerLauncher
 * (child_process.fork under serve and in tests; Electron's utilityProcess in the app, where
 * forking Node is disabled by the RunAsNode fuse), sends requests, pairs replies, restarts it
 * after a crash and rejects the calls that were in flight with a message saying so. It has the
 * same surface as the in-process InferenceEngine.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { StudioError } from '../../../shared/errors'
import type { BackendChoice } from '../../../shared/hyperparams'
import type { InferenceApi, InferenceMethod } from '../../engine/explorer/inference'
import type { InferenceInit, InferenceReply, InferenceRequest } from '../../worker/inference-worker'
import type { ToWorker } from '../../worker/protocol'
import {
  ForkWorkerLauncher,
  type ForkOptions,
  type WorkerHandle,
  type WorkerLauncher
} from '../worker-launcher'

/** How the client starts and talks to the worker. */
export interface InferenceWorkerOptions {
  /** Starts the worker process (default: fork the script from `defaultInferenceWorker`). */
  launcher?: WorkerLauncher
  /** Compute backend, sent to the worker when it starts (default auto). */
  backend?: BackendChoice | (() => BackendChoice)
  /** The `threads` setting, sent with the backend (default: the worker's GAN_STUDIO_THREADS, else physical cores). */
  threads?: () => number
  /** Longest one request may take (default 5 minutes: a big GIF or a model export). */
  timeoutMs?: number
}

function here(): string {
  return typeof __dirname !== 'undefined' ? __dirname : path.dirname(fileURLToPath(import.meta.url))
}

/** out/main/inference-worker.js next to the bundle, else the TypeScript source through tsx. */
export function defaultInferenceWorker(): ForkOptions {
  const dir = here()
  const built = path.join(dir, 'inference-worker.js')
  if (existsSync(built)) return { script: built }
  const src = [
    path.join(dir, '..', '..', 'worker', 'inference-worker.ts'),
    path.join(dir, '..', 'worker', 'inference-worker.ts')
  ].find((c) => existsSync(c))
  if (src) return { script: src, execArgv: ['--import', 'tsx'] }
  return { script: path.resolve(dir, '..', '..', '..', 'out', 'main', 'inference-worker.js') }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }

/** An InferenceApi backed by a worker process. */
export class InferenceWorkerClient {
  private handle: WorkerHandle | undefined
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly launcher: WorkerLauncher

  constructor(private readonly opts: InferenceWorkerOptions = {}) {
    this.launcher = opts.launcher ?? new ForkWorkerLauncher(defaultInferenceWorker())
  }

  /** Pid of the running worker (tests). */
  get pid(): number | undefined {
    return this.handle?.pid
  }

  private start(): WorkerHandle {
    if (this.handle) return this.handle
    const h = this.launcher.launch()
    this.handle = h
    h.onMessage((raw) => {
      const m = raw as unknown as InferenceReply
      if (m.type !== 'inference-reply') return
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      clearTimeout(p.timer)
      if (m.ok) p.resolve(m.value)
      else p.reject(new StudioError(m.error.code, m.error.message))
    })
    h.onExit((code, signal) => {
      if (this.handle === h) this.handle = undefined
      const tail = h.stderrTail().trim().split('\n').slice(-1)[0] ?? ''
      const why = signal ? `signal ${signal}` : `exit code ${code}`
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer)
        p.reject(
          new StudioError(
            'internal',
            `The image worker stopped (${why})${tail ? `: ${tail}` : ''}; try again.`
          )
        )
        this.pending.delete(id)
      }
    })
    const b = this.opts.backend
    const init: InferenceInit = {
      type: 'inference-init',
      backend: (typeof b === 'function' ? b() : b) ?? 'auto',
      threads: this.opts.threads?.()
    }
    h.send(init as unknown as ToWorker)
    return h
  }

  /** Calls one engine method in the worker. */
  call<M extends InferenceMethod>(
    method: M,
    ...args: Parameters<InferenceApi[M]>
  ): ReturnType<InferenceApi[M]> {
    const h = this.start()
    const id = this.nextId++
    const timeoutMs = this.opts.timeoutMs ?? 5 * 60_000
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(
          new StudioError(
            'internal',
            `The image worker did not answer ${method} within ${Math.round(timeoutMs / 1000)} s`
          )
        )
      }, timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
      const msg: InferenceRequest = { type: 'inference', id, method, args }
      // The launchers are typed for the trainer's protocol; both carry any message with a `type`.
      h.send(msg as unknown as ToWorker)
    }) as ReturnType<InferenceApi[M]>
  }

  /** The worker as an InferenceApi. */
  api(): InferenceApi {
    return {
      info: (...a) => this.call('info', ...a),
      generate: (...a) => this.call('generate', ...a),
      imagePngs: (...a) => this.call('imagePngs', ...a),
      gridPng: (...a) => this.call('gridPng', ...a),
      gif: (...a) => this.call('gif', ...a),
      directions: (...a) => this.call('directions', ...a),
      nearest: (...a) => this.call('nearest', ...a),
      exportModel: (...a) => this.call('exportModel', ...a),
      forget: (...a) => this.call('forget', ...a)
    }
  }

  /** Stops the worker. */
  close(): void {
    const h = this.handle
    this.handle = undefined
    h?.kill()
  }
}
