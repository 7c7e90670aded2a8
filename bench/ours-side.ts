/**
 * The "ours" side of the benchmark, run in its own child process: the engine's tfjs-core, the
 * wasm backend with the project's kernels (or cpu when asked), and the workloads in ours.ts.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { tf } from '../src/main/engine/tf'
import { loadBackend } from '../src/main/engine/backend'
import { gpuBuffersInUse } from '../src/main/engine/backend-webgpu'
import { startKernelProfiler } from './kernel-profiler'
import { measure, type SideResult } from './measure'
import { round, rssMb } from './stats'
import { oursSeed, oursW1 } from './workloads/ours'
import type { BenchWorkload, WorkloadOptions } from './workloads/types'

/** Backends ours can run on. */
export type OursBackend = 'wasm' | 'cpu' | 'webgpu'

/**
 * Activates `backend` for ours through the product's own loader: wasm with the project's kernels
 * and `threads` XNNPACK threads; webgpu with its adapter choice and kernels (a software adapter is
 * allowed, as with `--backend webgpu`). Returns the thread count in use (1 off wasm) and, on
 * webgpu, the adapter.
 */
export async function setupOursBackend(
  backend: OursBackend,
  threads?: number
): Promise<{ threads: number; adapter?: string }> {
  const report = await loadBackend(backend, undefined, threads)
  if (report.threadsProblem) throw new Error(report.threadsProblem)
  const a = report.gpuAdapter
  const adapter = a
    ? `${a.description || a.device} (${a.vendor}, ${a.architecture}${a.software ? '; software adapter' : '; hardware'})`
    : undefined
  return { threads: report.wasmThreads ?? 1, ...(adapter ? { adapter } : {}) }
}

/** Builds one of our workloads by id. */
export async function makeOursWorkload(name: string, opts: WorkloadOptions): Promise<BenchWorkload> {
  if (name === 'w1') {
    const { trainerW1 } = await import('./workloads/w1-trainer')
    return trainerW1(opts)
  }
  if (name === 'w1-raw') return oursW1(opts)
  if (name === 'seed') return oursSeed(opts)
  if (name === 'default') {
    const { oursDefault } = await import('./workloads/default')
    return oursDefault(opts)
  }
  throw new Error(`Expected workload w1, w1-raw, seed or default, but got ${name}`)
}

/** Times one workload on ours. */
export async function runOurs(
  name: string,
  backend: OursBackend,
  warmup: number,
  steps: number,
  opts: WorkloadOptions,
  log: (msg: string) => void,
  threads?: number
): Promise<SideResult> {
  const { threads: inUse, adapter } = await setupOursBackend(backend, threads)
  const w = await makeOursWorkload(name, opts)
  try {
    const r = await measure(w, 'ours', backend, warmup, steps, () => tf.memory().numTensors, log)
    return { ...r, threads: inUse, ...(adapter ? { adapter } : {}) }
  } finally {
    w.dispose()
  }
}

/** Per-kernel time of one step (after warm-up), summed by kernel name, largest first. */
export interface KernelProfileRow {
  kernel: string
  calls: number
  /** CPU ms per step (all threads). */
  ms: number
  /** Wall ms per step. */
  wallMs: number
  /** Share of the step's wall time. */
  share: number
  /** CPU / wall: near 1 = runs on one thread while the others wait. */
  parallelism: number
}

/**
 * Profiles `steps` steps (after two warm-up steps), charging process CPU time to each top-level
 * kernel (see kernel-profiler.ts); `Outer>Inner` rows show what our composite kernels spend inside.
 */
export async function profileOurs(
  name: string,
  backend: OursBackend,
  steps: number,
  opts: WorkloadOptions,
  threads?: number
): Promise<{ rows: KernelProfileRow[]; wallMsPerStep: number; cpuMsPerStep: number; threads: number }> {
  const { threads: inUse } = await setupOursBackend(backend, threads)
  const w = await makeOursWorkload(name, opts)
  const profiler = startKernelProfiler(backend)
  try {
    await w.step()
    await w.step()
    profiler.reset()
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    for (let i = 0; i < steps; i++) await w.step()
    const c = process.cpuUsage(c0)
    const wall = (performance.now() - t0) / steps
    const cpuStep = (c.user + c.system) / 1000 / steps
    const rows = [...profiler.snapshot().entries()]
      .map(([kernel, e]) => ({
        kernel,
        calls: e.calls / steps,
        ms: round(e.ms / steps, 1),
        wallMs: round(e.wallMs / steps, 1),
        share: round(e.wallMs / steps / wall, 3),
        parallelism: e.wallMs > 0 ? round(e.ms / e.wallMs, 2) : 0
      }))
      .sort((a, b) => b.wallMs - a.wallMs)
    return { rows, wallMsPerStep: round(wall, 1), cpuMsPerStep: round(cpuStep, 1), threads: inUse }
  } finally {
    profiler.stop()
    w.dispose()
  }
}

/**
 * Long-run memory check: `steps` steps of a workload, sampling tensor count and RSS. Flat count
 * and RSS growth under 50 MB (from step 10 on, after allocator warm-up) pass.
 */
export async function memoryCheck(
  name: string,
  backend: OursBackend,
  steps: number,
  opts: WorkloadOptions,
  log: (msg: string) => void,
  threads?: number
): Promise<{
  workload: string
  steps: number
  tensorsAt10: number
  tensorsAtEnd: number
  rssMbAt10: number
  rssMbAtEnd: number
  rssGrowthMb: number
  /** GPU buffers the webgpu backend holds (webgpu only). */
  gpuBuffersAt10?: number
  gpuBuffersAtEnd?: number
  pass: boolean
}> {
  await setupOursBackend(backend, threads)
  const w = await makeOursWorkload(name, opts)
  let tensorsAt10 = 0
  let rssAt10 = 0
  let buffersAt10: number | undefined
  try {
    for (let i = 0; i < steps; i++) {
      await w.step()
      if (i === 9) {
        tensorsAt10 = tf.memory().numTensors
        rssAt10 = rssMb()
        buffersAt10 = gpuBuffersInUse()
      }
      if (i % 100 === 99)
        log(
          `memory ${name} step ${i + 1}/${steps}: ${tf.memory().numTensors} tensors, RSS ${rssMb().toFixed(0)} MB`
        )
    }
    const tensorsAtEnd = tf.memory().numTensors
    const rssEnd = rssMb()
    const growth = rssEnd - rssAt10
    const buffersAtEnd = gpuBuffersInUse()
    return {
      ...(buffersAt10 !== undefined ? { gpuBuffersAt10: buffersAt10, gpuBuffersAtEnd: buffersAtEnd } : {}),
      workload: name,
      steps,
      tensorsAt10,
      tensorsAtEnd,
      rssMbAt10: round(rssAt10, 1),
      rssMbAtEnd: round(rssEnd, 1),
      rssGrowthMb: round(growth, 1),
      pass: tensorsAtEnd === tensorsAt10 && growth < 50 && buffersAtEnd === buffersAt10
    }
  } finally {
    w.dispose()
  }
}
