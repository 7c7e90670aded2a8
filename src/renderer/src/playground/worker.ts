/**
 * The playground's Web Worker: training runs here so the page keeps its frame rate. Loaded by
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`, which Vite bundles as
 * a same-origin file: the CSP's script-src 'self' allows it under serve (http) and app://.
 */
import { PlaygroundHost } from './host'
import type { FromWorker, ToWorker } from './protocol'

const scope = self as unknown as {
  postMessage(msg: FromWorker, transfer: Transferable[]): void
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null
}

const host = new PlaygroundHost({
  post: (msg, transfer) => scope.postMessage(msg, transfer),
  later: (fn, ms) => void setTimeout(fn, ms),
  now: () => performance.now()
})

scope.onmessage = (ev): void => host.handle(ev.data)
