/**
 * Starts trainer worker processes. The service only sees `WorkerLauncher`; under serve and the
 * CLI it is `ForkWorkerLauncher` (child_process.fork), in the app an Electron utilityProcess
 * adapter in src/main/ipc/ (the only place that may import electron).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { acknowledgeExit, isExiting, isFromWorker, type FromWorker, type ToWorker } from '../worker/protocol'

/** One running worker process. */
export interface WorkerHandle {
  readonly pid: number | undefined
  send(msg: ToWorker): void
  /** Registers the message listener (one per handle). */
  onMessage(cb: (msg: FromWorker) => void): void
  /** Called once when the process is gone, with its exit code or the signal that ended it. */
  onExit(cb: (code: number | null, signal: string | null) => void): void
  /** Lines the worker wrote to stderr (kept for crash messages). */
  stderrTail(): string
  kill(signal?: NodeJS.Signals): void
}

/** Starts worker processes. */
export interface WorkerLauncher {
  launch(): WorkerHandle
}

/** How to start the worker script with child_process.fork. */
export interface ForkOptions {
  /** The worker entry: `out/main/trainer-worker.js`, or the .ts source when `execArgv` loads tsx. */
  script: string
  execArgv?: string[]
  env?: NodeJS.ProcessEnv
  /**
   * Scheduling niceness of the worker (0 = same as the server). A slightly nicer trainer loses
   * CPU contention to the process serving the UI, which keeps the UI's event loop responsive
   * when training saturates the cores; it costs the trainer nothing when cores are free.
   */
  nice?: number
}

/**
 * The environment of every worker process (trainer and inference, fork and utilityProcess).
 * TF_FORCE_GPU_ALLOW_GROWTH: tfjs-node-gpu's TensorFlow otherwise reserves almost all GPU memory
 * in the first process that touches the GPU, so the inference worker or a second run would fail
 * to allocate; growth makes each take what it uses. A value the user set explicitly wins.
 */
export function workerEnv(base: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...base,
    TF_FORCE_GPU_ALLOW_GROWTH: base.TF_FORCE_GPU_ALLOW_GROWTH ?? 'true',
    ...extra,
    GAN_STUDIO_WORKER: '1'
  }
}

/** Default niceness of trainer processes (see ForkOptions.nice). */
export const TRAINER_NICE = 5

/** Lowers a process's priority by `nice`; best effort (some platforms or sandboxes refuse). */
export function deprioritise(pid: number | undefined, nice: number = TRAINER_NICE): void {
  if (pid === undefined || nice === 0) return
  try {
    os.setPriority(pid, Math.min(19, os.getPriority(process.pid) + nice))
  } catch {
    // Not allowed here: the trainer simply runs at normal priority.
  }
}

function here(): string {
  // The bundled CJS output has __dirname; the ESM/tsx source has import.meta.url.
  return typeof __dirname !== 'undefined' ? __dirname : path.dirname(fileURLToPath(import.meta.url))
}

/**
 * Where the trainer worker is: next to the bundle (out/main/trainer-worker.js) when running
 * built, else the TypeScript source run through tsx (tests, `tsx` scripts).
 */
export function defaultWorkerScript(): ForkOptions {
  const dir = here()
  const built = path.join(dir, 'trainer-worker.js')
  if (existsSync(built)) return { script: built }
  const candidates = [
    path.join(dir, '..', 'worker', 'trainer-worker.ts'),
    path.join(dir, 'trainer-worker.ts')
  ]
  const src = candidates.find((c) => existsSync(c))
  if (src) return { script: src, execArgv: ['--import', 'tsx'] }
  const root = path.resolve(dir, '..', '..', '..')
  return { script: path.join(root, 'out', 'main', 'trainer-worker.js') }
}

/** Keeps the last few KB a worker wrote to stderr. */
class Tail {
  private text = ''
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-4096)
  }
  get(): string {
    return this.text
  }
}

/** child_process.fork launcher (serve, CLI, tests). */
export class ForkWorkerLauncher implements WorkerLauncher {
  constructor(private readonly opts: ForkOptions = defaultWorkerScript()) {}

  launch(): WorkerHandle {
    const child: ChildProcess = fork(this.opts.script, [], {
      execArgv: this.opts.execArgv ?? [],
      env: workerEnv(process.env, this.opts.env),
      // Advanced serialization keeps typed arrays intact and is cheaper than JSON for big batches.
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc']
    })
    deprioritise(child.pid, this.opts.nice)
    const tail = new Tail()
    child.stderr?.on('data', (c: Buffer) => tail.push(c))
    let exited = false
    // The exit handshake (worker/protocol.ts `exiting`): answered here for every user of the handle.
    child.on('message', (m) => {
      acknowledgeExit(m, (ack) => {
        if (!exited && child.connected) child.send(ack)
      })
    })
    return {
      pid: child.pid,
      send: (msg) => {
        if (!exited && child.connected) child.send(msg)
      },
      onMessage: (cb) => {
        child.on('message', (m) => {
          if (isFromWorker(m) && !isExiting(m)) cb(m)
        })
      },
      onExit: (cb) => {
        child.once('exit', (code, signal) => {
          exited = true
          cb(code, signal)
        })
        // A spawn failure (missing script) emits 'error' and maybe no 'exit'.
        child.once('error', (err) => {
          if (exited) return
          tail.push(String(err.message))
          if (child.exitCode === null && child.signalCode === null && child.pid === undefined) {
            exited = true
            cb(1, null)
          }
        })
      },
      stderrTail: () => tail.get(),
      kill: (signal = 'SIGTERM') => {
        if (!exited) child.kill(signal)
      }
    }
  }
}
