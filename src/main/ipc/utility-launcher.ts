/**
 * Trainer workers in the app: Electron's utilityProcess (a Node child that Electron manages and
 * that survives without a window), speaking the same protocol as child_process.fork.
 */
import { utilityProcess, type UtilityProcess } from 'electron'
import path from 'node:path'
import { acknowledgeExit, isExiting, isFromWorker } from '../worker/protocol'
import { deprioritise, workerEnv, type WorkerHandle, type WorkerLauncher } from '../services/worker-launcher'

/** Launches a worker script (trainer or inference) as a utility process. */
export class UtilityWorkerLauncher implements WorkerLauncher {
  /** `serviceName` names the process in the OS task manager, so each kind gets its own. */
  constructor(
    private readonly script: string = path.join(__dirname, 'trainer-worker.js'),
    private readonly serviceName: string = 'GAN Studio trainer'
  ) {}

  launch(): WorkerHandle {
    const child: UtilityProcess = utilityProcess.fork(this.script, [], {
      serviceName: this.serviceName,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: workerEnv(process.env)
    })
    // Same policy as under serve: the UI's process wins CPU contention against its trainer.
    child.once('spawn', () => deprioritise(child.pid))
    let tail = ''
    child.stderr?.on('data', (c: Buffer) => {
      tail = (tail + c.toString()).slice(-4096)
    })
    let exited = false
    // The exit handshake (worker/protocol.ts `exiting`): Electron closes this port before it
    // emits 'exit', so the worker waits for this ack, which proves its last status was read.
    child.on('message', (m: unknown) => {
      acknowledgeExit(m, (ack) => {
        if (!exited) child.postMessage(ack)
      })
    })
    return {
      get pid() {
        return child.pid
      },
      send: (msg) => {
        if (!exited) child.postMessage(msg)
      },
      onMessage: (cb) => {
        child.on('message', (m: unknown) => {
          if (isFromWorker(m) && !isExiting(m)) cb(m)
        })
      },
      onExit: (cb) => {
        child.once('exit', (code: number) => {
          exited = true
          // utilityProcess reports no signal; a native crash shows as a non-zero code.
          cb(code, null)
        })
      },
      stderrTail: () => tail,
      kill: () => {
        if (!exited) child.kill()
      }
    }
  }
}
