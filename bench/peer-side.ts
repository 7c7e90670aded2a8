/**
 * The peer's child process: plain TensorFlow.js on its best stock backend that can train the
 * workload. Stock wasm is tried first with one tiny step; it throws on conv gradients (no
 * Conv2DBackpropFilter kernel), and that reason is reported with the cpu result.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { wasmDir } from '../src/main/engine/backend'
import { measure, type SideResult } from './measure'
import { peerWorkload, tfl } from './workloads/peer'
import type { WorkloadOptions } from './workloads/types'

/** Tries one training step of `name` on stock wasm; returns null if it works, else the error. */
async function stockWasmFailure(name: string): Promise<string | null> {
  setWasmPaths(wasmDir())
  tfl.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  if (!(await tfl.setBackend('wasm'))) return 'the wasm backend failed to initialise'
  const w = peerWorkload(name, { batch: 2 })
  try {
    await w.step()
    return null
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? String(err)
  } finally {
    w.dispose()
  }
}

/** Times the peer on `backend` ('auto' = stock wasm if it can train this, else cpu). */
export async function runPeer(
  name: string,
  backend: 'auto' | 'wasm' | 'cpu',
  warmup: number,
  steps: number,
  opts: WorkloadOptions,
  log: (msg: string) => void
): Promise<SideResult> {
  tfl.env().set('PROD', true)
  let chosen: 'wasm' | 'cpu' = backend === 'cpu' ? 'cpu' : 'wasm'
  let note: string | undefined
  if (chosen === 'wasm') {
    const failure = await stockWasmFailure(name)
    if (failure !== null) {
      if (backend === 'wasm') throw new Error(`stock wasm cannot train ${name}: ${failure}`)
      note = `stock wasm cannot train this model: ${failure}`
      chosen = 'cpu'
    }
  }
  if (!(await tfl.setBackend(chosen))) throw new Error(`the ${chosen} backend failed to initialise`)
  log(`peer ${name}: stock ${chosen}${note ? ` (${note})` : ''}`)
  const w = peerWorkload(name, opts)
  try {
    const r = await measure(w, 'peer', chosen, warmup, steps, () => tfl.memory().numTensors, log)
    return note ? { ...r, backendNote: note } : r
  } finally {
    w.dispose()
  }
}
