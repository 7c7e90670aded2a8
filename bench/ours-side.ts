/**
 * The "ours" side of the benchmark, run in its own child process: the engine's tfjs-core, the
 * wasm backend with the project's kernels (or cpu when asked), and the workloads in ours.ts.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { tf } from '../src/main/engine/tf'
import { loadBackend, wasmDir } from '../src/main/engine/backend'
import { gpuBuffersInUse } from '../src/main/engine/backend-webgpu'
import { registerWasmTrainingKernels } from '../src/main/engine/kernels/wasm'
import { startKernelProfiler } from './kernel-profiler'
import { measure, type SideResult } from './measure'
import { round, rssMb } from './stats'
import { oursSeed, oursW1 } from './workloads/ours'
import type { BenchWorkload, WorkloadOptions } from './workloads/types'

/** Backends ours can run on. */
export type OursBackend = 'wasm' | 'cpu' | 'webgpu'

/**
 * Activates `backend` for ours: wasm always with the project's kernels; webgpu through the
 * engine's loader (its adapter choice and kernels; a software adapter is allowed, as with
 * `--backend webgpu`). Returns the adapter for webgpu.
 */
export async function setupOursBackend(backend: OursBackend): Promise<string | undefined> {
  tf.env().set('PROD', true)
  if (backend === 'webgpu') {
    const r = await loadBackend('webgpu')
    const a = r.gpuAdapter
    return a
      ? `${a.description || a.device} (${a.vendor}, ${a.architecture}${a.software ? '; software adapter' : '; hardware'})`
      : undefined
  }
  if (backend === 'wasm') {
    setWasmPaths(wasmDir())
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise')
    registerWasmTrainingKernels()
  } else if (!(await tf.setBackend('cpu'))) {
    throw new Error('the cpu backend failed to initialise')
  }
  return undefined
}

/** Builds one of our workloads by id. */
export async function makeOursWorkload(name: string, opts: WorkloadOptions): Promise<BenchWorkload> {
  if (name === 'w1') return oursW1(opts)
  if (name === 'seed') return oursSeed(opts)
  if (name === 'default') {
    const { oursDefault } = await import('./workloads/default')
    return oursDefault(opts)
  }
  throw new Error(`Expected workload w1, seed or default, but got ${name}`)
}

/** Times one workload on ours. */
export async function runOurs(
  name: string,
  backend: OursBackend,
  warmup: number,
  steps: number,
  opts: WorkloadOptions,
  log: (msg: string) => void
): Promise<SideResult> {
  const adapter = await setupOursBackend(backend)
  const w = await makeOursWorkload(name, opts)
  try {
    const r = await measure(w, 'ours', backend, warmup, steps, () => tf.memory().numTensors, log)
    return adapter ? { ...r, adapter } : r
  } finally {
    w.dispose()
  }
}

/** Per-kernel time of one step (after warm-up), summed by kernel name, largest first. */
export interface KernelProfileRow {
  kernel: string
  calls: number
  ms: number
  share: number
}

/**
 * Profiles `steps` steps (after two warm-up steps), charging process CPU time to each top-level
 * kernel (see kernel-profiler.ts); `Outer>Inner` rows show what our composite kernels spend inside.
 */
export async function profileOurs(
  name: string,
  backend: OursBackend,
  steps: number,
  opts: WorkloadOptions
): Promise<{ rows: KernelProfileRow[]; wallMsPerStep: number; cpuMsPerStep: number }> {
  await setupOursBackend(backend)
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
        share: round(e.ms / steps / cpuStep, 3)
      }))
      .sort((a, b) => b.ms - a.ms)
    return { rows, wallMsPerStep: round(wall, 1), cpuMsPerStep: round(cpuStep, 1) }
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
  log: (msg: string) => void
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
  await setupOursBackend(backend)
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
