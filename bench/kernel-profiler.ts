/**
 * Per-kernel CPU-time profiler for the wasm backend. tf.profile measures wall time, which on a
 * shared machine mostly measures the neighbours; this wraps every registered wasm kernelFunc and
 * charges process CPU time to it. Kernels called from inside another kernel (our compositions)
 * are charged to the outer kernel and also listed as "Outer>Inner" so the inside is visible.
 */
import { tf } from '../src/main/engine/tf'

interface Acc {
  calls: number
  /** Process CPU time (all threads). */
  ms: number
  /** Wall time. CPU / wall is the kernel's parallelism: about 1 for a kernel that runs serially. */
  wallMs: number
}

/** A running profiler; `stop()` restores the original kernels. */
export interface KernelProfiler {
  reset(): void
  snapshot(): Map<string, Acc>
  stop(): void
}

function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Wraps every wasm kernel registered now. Call after all kernels (stock and ours) are registered. */
export function startKernelProfiler(backendName = 'wasm'): KernelProfiler {
  const originals = tf.getKernelsForBackend(backendName)
  const stats = new Map<string, Acc>()
  const stack: string[] = []
  const add = (name: string, ms: number, wallMs: number): void => {
    const e = stats.get(name) ?? { calls: 0, ms: 0, wallMs: 0 }
    e.calls += 1
    e.ms += ms
    e.wallMs += wallMs
    stats.set(name, e)
  }
  for (const k of originals) {
    const inner = k.kernelFunc
    const wrapped: tf.KernelFunc = (args) => {
      const label = stack.length === 0 ? k.kernelName : `${stack[0] ?? ''}>${k.kernelName}`
      stack.push(k.kernelName)
      const t0 = cpuMs()
      const w0 = performance.now()
      try {
        return inner(args)
      } finally {
        stack.pop()
        add(label, cpuMs() - t0, performance.now() - w0)
      }
    }
    tf.unregisterKernel(k.kernelName, backendName)
    tf.registerKernel({ ...k, kernelFunc: wrapped })
  }
  return {
    reset: () => stats.clear(),
    snapshot: () => new Map(stats),
    stop: () => {
      for (const k of originals) {
        tf.unregisterKernel(k.kernelName, backendName)
        tf.registerKernel(k)
      }
    }
  }
}
