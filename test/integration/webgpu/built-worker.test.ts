/**
 * The webgpu binding (Dawn's N-API addon, an ES module) loads in the BUILT trainer worker
 * (out/main/trainer-worker.js, the bundle the app and serve fork), and a probe there reports the
 * adapters. Where Dawn finds an adapter, the worker also activates the webgpu backend on it.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ForkWorkerLauncher } from '../../../src/main/services/worker-launcher'
import type { BackendReport } from '../../../src/shared/domain'
import type { BackendChoice } from '../../../src/shared/hyperparams'

const WORKER = path.resolve(__dirname, '..', '..', '..', 'out', 'main', 'trainer-worker.js')

function probe(backend: BackendChoice): Promise<BackendReport> {
  const handle = new ForkWorkerLauncher({ script: WORKER }).launch()
  return new Promise((resolve, reject) => {
    handle.onMessage((m) => {
      if (m.type === 'backend') resolve(m.report)
    })
    handle.onExit((code) =>
      reject(new Error(`worker exited (${code}) before answering: ${handle.stderrTail().slice(-800)}`))
    )
    handle.send({ type: 'probe', backend })
  })
}

describe('webgpu in the built trainer worker', () => {
  it('loads Dawn and lists the adapters (or why there are none)', async () => {
    expect(existsSync(WORKER), 'run `npx electron-vite build` first').toBe(true)
    const report = await probe('wasm')
    expect(report.gpu).toBeDefined()
    // "did not load" would mean the bundle could not import the webgpu package or its addon.
    expect(report.gpu?.note ?? '').not.toMatch(/did not load/)
    if (report.gpu?.adapters.length === 0) {
      expect(report.gpu.note).toMatch(/Dawn found no/)
      console.warn(`[skipped] webgpu backend in the built worker: ${report.gpu.note}`)
      return
    }
    const forced = await probe('webgpu')
    expect(forced.active).toBe('webgpu')
    expect(forced.gpuAdapter?.description ?? forced.gpuAdapter?.device).toBeTruthy()
  })
})
