/**
 * Loads the webgpu backend for tests (software adapters allowed: CI has only lavapipe) or says
 * why it cannot. Tests skip with that reason printed; they never pretend to pass.
 */
import { loadBackend } from '../../src/main/engine/backend'

export interface WebGpuAvailability {
  ok: boolean
  reason: string
  adapter: string
}

let cached: Promise<WebGpuAvailability> | undefined

export function webgpuAvailability(): Promise<WebGpuAvailability> {
  cached ??= loadBackend('webgpu').then(
    (r) => ({
      ok: true,
      reason: '',
      adapter: `${r.gpuAdapter?.description || r.gpuAdapter?.device} (${r.gpuAdapter?.software ? 'software' : 'hardware'})`
    }),
    (err: Error) => ({ ok: false, reason: err.message, adapter: '' })
  )
  return cached
}

/** Prints why a webgpu suite is skipped (vitest shows only "skipped" otherwise). */
export function printSkip(suite: string, a: WebGpuAvailability): void {
  if (!a.ok) console.warn(`[skipped] ${suite}: no WebGPU adapter from Dawn: ${a.reason}`)
  else console.warn(`[webgpu] ${suite} runs on ${a.adapter}`)
}
