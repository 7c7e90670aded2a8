/**
 * The serving side of the inference worker: starts it on first use (child_process.fork), sends
 * requests, pairs replies, restarts it after a crash and rejects the calls that were in flight
 * with a message saying so. It has the same surface as the in-process InferenceEngine.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { StudioError } from '../../../shared/errors'
import type { InferenceApi, InferenceMethod } from '../../engine/explorer/inference'
import type { InferenceReply, InferenceRequest } from '../../worker/inference-worker'

/** How to start the worker script. */
export interface InferenceWorkerOptions {
  script: string
  execArgv?: string[]
  env?: NodeJS.ProcessEnv
  /** Longest one request may take (default 5 minutes: a big GIF or a model export). */
  timeoutMs?: number
}

function here(): string {
  return typeof __dirname !== 'undefined' ? __dirname : path.dirname(fileURLToPath(import.meta.url))
}

/** out/main/inference-worker.js next to the bundle, else the TypeScript source through tsx. */
export function defaultInferenceWorker(): InferenceWorkerOptions {
  const dir = here()
  const built = path.join(dir, 'inference-worker.js')
  if (existsSync(built)) return { script: built }
  const src = [path.join(dir, '..', '..', 'worker', 'inference-worker.ts'), path.join(dir, '..', 'worker', 'inference-worker.ts')].find((c) => existsSync(c))
  if (src) return { script: src, execArgv: ['--import', 'tsx'] }
  return { script: path.resolve(dir, '..', '..', '..', 'out', 'main', 'inference-worker.js') }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }

/** An InferenceApi backed by a worker process. */
export class InferenceWorkerClient {
  private child: ChildProcess | undefined
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private stderr = ''

  constructor(private readonly opts: InferenceWorkerOptions = defaultInferenceWorker()) {}

  /** Pid of the running worker (tests). */
  get pid(): number | undefined {
    return this.child?.pid
  }

  private start(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null && this.child.connected) return this.child
    const child = fork(this.opts.script, [], {
      execArgv: this.opts.execArgv ?? [],
      env: { ...process.env, ...this.opts.env, GAN_STUDIO_WORKER: '1' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc']
    })
    this.stderr = ''
    child.stderr?.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString()).slice(-2048)
    })
    child.on('message', (m: InferenceReply) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      clearTimeout(p.timer)
      if (m.ok) p.resolve(m.value)
      else p.reject(new StudioError(m.error.code, m.error.message))
    })
    const gone = (why: string): void => {
      if (this.child === child) this.child = undefined
      const tail = this.stderr.trim().split('\n').slice(-1)[0] ?? ''
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer)
        p.reject(new StudioError('internal', `The image worker stopped (${why})${tail ? `: ${tail}` : ''}; try again.`))
        this.pending.delete(id)
      }
    }
    child.once('exit', (code, signal) => gone(signal ? `signal ${signal}` : `exit code ${code}`))
    child.once('error', (err) => gone(err.message))
    this.child = child
    return child
  }

  /** Calls one engine method in the worker. */
  call<M extends InferenceMethod>(method: M, ...args: Parameters<InferenceApi[M]>): ReturnType<InferenceApi[M]> {
    const child = this.start()
    const id = this.nextId++
    const timeoutMs = this.opts.timeoutMs ?? 5 * 60_000
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new StudioError('internal', `The image worker did not answer ${method} within ${Math.round(timeoutMs / 1000)} s`))
      }, timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
      const msg: InferenceRequest = { id, method, args }
      child.send(msg)
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
    const c = this.child
    this.child = undefined
    if (c && c.exitCode === null) c.kill()
  }
}
