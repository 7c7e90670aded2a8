/**
 * `utilityProcess.fork` as a real child process (https://www.electronjs.org/docs/latest/api/utility-process):
 * `child_process.fork` with structured-clone messages ('advanced' serialisation, as Electron's
 * MessagePort), the child's `process.parentPort` from utility-child.cjs, and the parent's port
 * closed when the child exits: Electron closes the port before it emits `exit`, so a message the
 * child posted that the parent has not yet read is dropped (issue 13, defect 7). Messages are
 * dispatched as Node reads them off the channel; a test can set `deliveryDelayMs` to hold each one
 * that long first, which widens the window between a child's last message and its exit the way a
 * busy main process does.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import path from 'node:path'
import type { Readable } from 'node:stream'

const CHILD_BOOTSTRAP = path.join(__dirname, 'utility-child.cjs')

/** Options the runtime applies to every utility process it starts. */
export interface UtilityProcessTuning {
  /** How long a message from the child waits before it is dispatched to the parent. */
  deliveryDelayMs: number
}

/** The part of Electron.UtilityProcess that the stand-in implements. */
export type UtilityProcessApi = Pick<
  Electron.UtilityProcess,
  'postMessage' | 'kill' | 'pid' | 'stdout' | 'stderr'
>

/** One utility process. */
export class UtilityProcessStandIn extends EventEmitter implements UtilityProcessApi {
  private readonly child: ChildProcess
  private portOpen = true
  private readonly queue: unknown[] = []
  private timer: NodeJS.Timeout | undefined
  readonly stdout: Readable | null
  readonly stderr: Readable | null

  constructor(
    modulePath: string,
    args: string[],
    options: Electron.ForkOptions,
    private readonly tuning: UtilityProcessTuning
  ) {
    super()
    // stdio: "Defaults to inherit"; 'pipe' gives the stream; the IPC channel is the parentPort.
    type Io = 'pipe' | 'ignore' | 'inherit'
    const stdio = options.stdio ?? 'inherit'
    const io = (typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio) as Io[]
    this.child = fork(modulePath, args, {
      cwd: options.cwd,
      env: (options.env as NodeJS.ProcessEnv | undefined) ?? process.env,
      execArgv: [...(options.execArgv ?? []), '--require', CHILD_BOOTSTRAP],
      stdio: [io[0] ?? 'inherit', io[1] ?? 'inherit', io[2] ?? 'inherit', 'ipc'],
      serialization: 'advanced'
    })
    this.stdout = this.child.stdout
    this.stderr = this.child.stderr
    // Event 'spawn': "Emitted once the child process has spawned successfully."
    this.child.once('spawn', () => this.emit('spawn'))
    this.child.on('message', (m: unknown) => {
      if (!this.portOpen) return
      if (this.tuning.deliveryDelayMs <= 0 && this.queue.length === 0) {
        this.emit('message', m)
        return
      }
      this.queue.push(m)
      this.schedule()
    })
    this.child.once('exit', (code, signal) => {
      // The port closes first: undispatched messages are gone.
      this.portOpen = false
      this.queue.length = 0
      if (this.timer) clearTimeout(this.timer)
      // Event 'exit' (code): the exit code from waitpid; a signal shows as a non-zero code.
      this.emit('exit', code ?? (signal ? 1 : 0))
    })
    // Event 'error' (type, location, report) is for fatal V8 errors; a failed spawn surfaces as exit.
    this.child.once('error', () => undefined)
  }

  private schedule(): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      const batch = this.queue.splice(0)
      for (const data of batch) {
        if (!this.portOpen) return
        this.emit('message', data)
      }
    }, this.tuning.deliveryDelayMs)
  }

  get pid(): number | undefined {
    // "pid Integer | undefined: ... undefined if the process has not spawned or has exited".
    return this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined
  }

  postMessage(message: unknown): void {
    if (this.portOpen && this.child.connected) this.child.send(message as object)
  }

  kill(): boolean {
    // "Terminates the process gracefully. On POSIX, it uses SIGTERM".
    return this.child.kill('SIGTERM')
  }
}

/** The `utilityProcess` module. */
export function createUtilityProcessModule(tuning: UtilityProcessTuning): {
  fork: (modulePath: string, args?: string[], options?: Electron.ForkOptions) => UtilityProcessStandIn
  live: Set<UtilityProcessStandIn>
} {
  const live = new Set<UtilityProcessStandIn>()
  return {
    live,
    fork: (modulePath, args = [], options = {}) => {
      const p = new UtilityProcessStandIn(modulePath, args, options, tuning)
      live.add(p)
      p.once('exit', () => live.delete(p))
      return p
    }
  }
}
