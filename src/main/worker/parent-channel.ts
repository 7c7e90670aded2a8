/**
 * A worker's channel to its parent, the same under Electron's utilityProcess
 * (`process.parentPort`) and Node's child_process.fork (`process.send`), with the exit handshake:
 * the worker's last message is `exiting`, and it exits only when the parent answers `exit-ack`
 * (protocol.ts says why). Channels are ordered, so the ack proves every earlier message was read.
 */
import type { FromWorker, ToWorker } from './protocol'

/** How long a worker waits for the ack before exiting anyway (a parent that hung or is gone). */
export const EXIT_ACK_TIMEOUT_MS = 10_000

interface ParentPort {
  postMessage(msg: unknown): void
  on(event: 'message', cb: (e: { data: unknown }) => void): void
}

/** What a worker process looks like to the channel (the real `process` in production). */
export interface WorkerProcess {
  parentPort?: ParentPort
  send?: (msg: unknown, handle?: undefined, options?: object, cb?: (err: Error | null) => void) => boolean
  connected?: boolean
  on(event: 'message', cb: (m: unknown) => void): unknown
  on(event: 'disconnect', cb: () => void): unknown
  exit(code: number): never
}

export interface ParentChannel {
  /** Sends one message; resolves when it is handed to the transport. */
  post(msg: FromWorker): Promise<void>
  /** Sends `exiting`, waits for the parent's ack (or its absence), then ends the process. */
  exit(code: number): Promise<never>
}

/**
 * Connects to the parent; `onMessage` gets every message but the ack. Returns undefined when the
 * process was not started as a worker (no channel at all).
 */
export function connectToParent(
  onMessage: (msg: ToWorker) => void,
  proc: WorkerProcess = process as unknown as WorkerProcess,
  ackTimeoutMs: number = EXIT_ACK_TIMEOUT_MS
): ParentChannel | undefined {
  let acked: (() => void) | undefined
  let ackSeen = false
  const receive = (m: unknown): void => {
    if ((m as { type?: unknown } | null)?.type === 'exit-ack') {
      ackSeen = true
      acked?.()
      return
    }
    onMessage(m as ToWorker)
  }
  let post: (msg: FromWorker) => Promise<void>
  let gone = false
  const port = proc.parentPort
  if (port) {
    port.on('message', (e) => receive(e.data))
    post = async (msg) => port.postMessage(msg)
  } else if (proc.send) {
    proc.on('message', receive)
    proc.on('disconnect', () => {
      gone = true
      acked?.()
    })
    post = (msg) =>
      new Promise<void>((resolve) => {
        if (proc.connected === false) return resolve()
        proc.send?.(msg, undefined, {}, () => resolve())
      })
  } else return undefined

  let exiting: Promise<never> | undefined
  const exit = (code: number): Promise<never> =>
    (exiting ??= (async (): Promise<never> => {
      if (!gone) {
        const ack = new Promise<void>((resolve) => {
          acked = resolve
          if (ackSeen) resolve()
        })
        const timer = setTimeout(() => acked?.(), ackTimeoutMs)
        await post({ type: 'exiting', code })
        await ack
        clearTimeout(timer)
      }
      return proc.exit(code)
    })())
  return { post, exit }
}
