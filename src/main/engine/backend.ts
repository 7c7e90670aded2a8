/**
 * Compute-backend loading: tries tfjs-node-gpu, `webgpu` (hardware adapters only; see
 * backend-webgpu.ts), tfjs-node, `wasm`, `cpu` in that order, or only the one asked for, and
 * records every failure with its real reason so `doctor` and the status bar can tell the user
 * what to install.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { tf } from './tf'
import type { BackendAttempt, BackendReport } from '../../shared/domain'
import type { BackendChoice, BackendName } from '../../shared/hyperparams'
import { registerWasmTrainingKernels } from './kernels/wasm'
import { logicalCoreCount, resolveThreads, threadsFromEnv } from './thread-count'
import { createThreadedBackend, threadedFiles, type WasmPackage } from './wasm-threaded'
import {
  activeGpuAdapter,
  listGpuAdapters,
  loadWebGpu,
  type DawnImporter,
  type DawnModule
} from './backend-webgpu'

/** Loads a module by name; replaceable in tests to simulate missing or broken packages. */
export type ModuleImporter = (name: string) => Promise<unknown>

// require, not import(): the tfjs packages are CommonJS, and a require resolves the same way in
// the bundled app, the CLI and tests.
const defaultImporter: ModuleImporter = async (name) => createRequire(import.meta.url)(name) as unknown

/** Tests inject an importer; the real one keeps the per-process Dawn probe. */
function dawnImporter(importer: ModuleImporter): DawnImporter | undefined {
  return importer === defaultImporter ? undefined : async () => (await importer('webgpu')) as DawnModule
}

interface Candidate {
  name: BackendName
  variant: string
  load: (importer: ModuleImporter) => Promise<void>
}

/** Turns a loader error into one line a user can act on. */
export function describeLoadError(variant: string, err: unknown): string {
  const e = err as { code?: string; message?: string }
  const msg = (e?.message ?? String(err)).split('\n')[0] ?? ''
  if (
    e?.code === 'MODULE_NOT_FOUND' ||
    e?.code === 'ERR_MODULE_NOT_FOUND' ||
    /Cannot find (module|package)/.test(msg)
  ) {
    if (msg.includes(variant) || !msg.includes("'")) {
      return `package not installed (${variant} is optional; its install downloads libtensorflow, which failed or was skipped)`
    }
  }
  return msg
}

async function loadNative(importer: ModuleImporter, pkg: string): Promise<void> {
  await importer(pkg)
  // tfjs-node registers 'tensorflow' on import; make sure it really initialises here and now.
  const ok = await tf.setBackend('tensorflow')
  if (!ok) throw new Error(`${pkg} loaded but the tensorflow backend failed to initialise`)
  if (pkg.endsWith('-gpu')) {
    const backend = tf.backend() as unknown as {
      isUsingGpuDevice?: () => boolean
      binding?: { isUsingGpuDevice?: () => boolean }
    }
    const usingGpu = backend.isUsingGpuDevice?.() ?? backend.binding?.isUsingGpuDevice?.()
    if (usingGpu === false) {
      tf.removeBackend('tensorflow')
      throw new Error(
        'libtensorflow (GPU build) loaded but found no CUDA device: needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1'
      )
    }
  }
}

/** Maps a path inside app.asar to its unpacked copy (a no-op outside a packaged app). */
function unpacked(p: string): string {
  return p.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
}

/** Directory holding tfjs-backend-wasm's .wasm files, unpacked from asar in a packaged app. */
export function wasmDir(): string {
  const file = createRequire(import.meta.url).resolve(
    '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'
  )
  return unpacked(path.dirname(file)) + path.sep
}

/** The package's own `wasm` backend factory (single-threaded SIMD in Node), kept to switch back to. */
let stockWasmFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined
/** Thread count of the `wasm` factory registered now (1 = the package's own). */
let registeredWasmThreads = 1
/** tfjs-backend-wasm registers `wasm` with priority 2; ours keeps it. */
const WASM_PRIORITY = 2

/**
 * Registers the `wasm` backend factory for `threads`: the package's own single-threaded SIMD
 * build for 1, our threaded loader (wasm-threaded.ts) for more. A different count than the one
 * registered drops the old backend instance (and its thread pool) first.
 */
function useWasmThreads(pkg: WasmPackage, threads: number): void {
  stockWasmFactory ??= tf.findBackendFactory('wasm') ?? undefined
  if (threads === registeredWasmThreads && tf.findBackendFactory('wasm') != null) return
  if (stockWasmFactory === undefined)
    throw new Error('tfjs-backend-wasm did not register its backend on import')
  if (tf.findBackendFactory('wasm') != null) tf.removeBackend('wasm')
  const threaded = async (): Promise<tf.KernelBackend> => {
    try {
      return await createThreadedBackend(pkg, threadedFiles(unpacked), threads)
    } catch (err) {
      // tfjs's setBackend swallows a factory's error; keep it for the report.
      threadedFailure = (err as Error)?.message ?? String(err)
      throw err
    }
  }
  const factory = threads > 1 ? threaded : stockWasmFactory
  tf.registerBackend('wasm', factory, WASM_PRIORITY)
  registeredWasmThreads = threads
}

async function loadWasm(importer: ModuleImporter): Promise<void> {
  const threads = requestedThreads
  const wasm = (await importer('@tensorflow/tfjs-backend-wasm')) as WasmPackage & {
    setWasmPaths: (p: string) => void
  }
  wasm.setWasmPaths(wasmDir())
  // The package's own loader must take the single-threaded SIMD build: its threaded path cannot
  // start in Node (see wasm-threaded.ts), which is why more than one thread goes through ours.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  threadedFailure = undefined
  useWasmThreads(wasm, threads)
  let ok = await tf.setBackend('wasm')
  if (!ok && threads > 1) {
    // One thread still trains: fall back to the package's own build and say why in the report.
    threadsProblem = `${threads} threads failed to start (${threadedFailure ?? 'unknown error'}); using 1`
    useWasmThreads(wasm, 1)
    ok = await tf.setBackend('wasm')
  }
  if (!ok) throw new Error('the wasm backend failed to initialise (WebAssembly unavailable?)')
  registerWasmTrainingKernels()
  wasmThreadsInUse = wasm.getThreadsCount()
}

/** Threads asked of the wasm backend by the current loadBackend call (resolved from the setting). */
let requestedThreads = 1
/** Threads the wasm backend reported after its last start. */
let wasmThreadsInUse = 1
/** The threaded factory's last error (tfjs's setBackend returns only false). */
let threadedFailure: string | undefined
/** Why fewer threads than asked are in use, for the report. */
let threadsProblem: string | undefined

async function loadCpu(): Promise<void> {
  const ok = await tf.setBackend('cpu')
  if (!ok) throw new Error('the cpu backend failed to initialise')
}

const CANDIDATES: Candidate[] = [
  {
    name: 'tensorflow',
    variant: '@tensorflow/tfjs-node-gpu',
    load: (i) => loadNative(i, '@tensorflow/tfjs-node-gpu')
  },
  // Before tfjs-node: any GPU through WebGPU beats libtensorflow on the CPU.
  {
    name: 'webgpu',
    variant: '@tensorflow/tfjs-backend-webgpu',
    load: async (i) => void (await loadWebGpu(webgpuForced, dawnImporter(i)))
  },
  {
    name: 'tensorflow',
    variant: '@tensorflow/tfjs-node',
    load: (i) => loadNative(i, '@tensorflow/tfjs-node')
  },
  { name: 'wasm', variant: '@tensorflow/tfjs-backend-wasm', load: loadWasm },
  { name: 'cpu', variant: '@tensorflow/tfjs-backend-cpu', load: loadCpu }
]

let current: BackendReport | undefined
let gpuReport: BackendReport['gpu']
let webgpuForced = false

/**
 * Activates the first backend that loads (or only the chosen one) and returns the report. A
 * forced backend that fails throws with the reason; `auto` never throws while cpu works.
 * `threadsSetting` is the wasm thread count (0 = one per physical core; default
 * GAN_STUDIO_THREADS, else 0). Calling again with another count restarts the wasm backend:
 * tensors made on the old one are gone.
 */
export async function loadBackend(
  choice: BackendChoice = 'auto',
  importer: ModuleImporter = defaultImporter,
  threadsSetting?: number
): Promise<BackendReport> {
  requestedThreads = resolveThreads(threadsSetting ?? threadsFromEnv())
  threadsProblem = undefined
  // Production mode silences tfjs's "install tfjs-node" banner on stdout (our --json output).
  tf.env().set('PROD', true)
  const attempts: BackendAttempt[] = []
  // Listed whichever backend wins (when webgpu is in the running), so doctor, the status bar and
  // About can show them.
  if (choice === 'auto' || choice === 'webgpu') gpuReport = await listGpuAdapters(dawnImporter(importer))
  // Only an explicit `webgpu` may train on a software adapter.
  webgpuForced = choice === 'webgpu'
  const candidates = choice === 'auto' ? CANDIDATES : CANDIDATES.filter((c) => c.name === choice)
  for (const c of candidates) {
    try {
      await c.load(importer)
      attempts.push({ name: c.name, variant: c.variant, ok: true })
      current = makeReport(c, attempts)
      return current
    } catch (err) {
      attempts.push({
        name: c.name,
        variant: c.variant,
        ok: false,
        reason: describeLoadError(c.variant, err)
      })
    }
  }
  const reasons = attempts.map((a) => `${a.variant}: ${a.reason}`).join('; ')
  throw Object.assign(new Error(`backend ${choice} is unavailable: ${reasons}`), {
    code: 'unavailable',
    attempts
  })
}

function makeReport(c: Candidate, attempts: BackendAttempt[]): BackendReport {
  return {
    active: c.name,
    variant: c.variant,
    attempts: [...attempts],
    tfjsVersion: tf.version_core,
    cpuThreads: logicalCoreCount(),
    wasmThreads: c.name === 'wasm' ? wasmThreadsInUse : undefined,
    ...(c.name === 'wasm' && threadsProblem ? { threadsProblem } : {}),
    simd: c.name === 'wasm' ? true : undefined,
    platform: `${process.platform}-${process.arch}`,
    nodeVersion: process.versions.node,
    gpu: gpuReport,
    gpuAdapter: c.name === 'webgpu' ? activeGpuAdapter() : undefined
  }
}

/** The report of the backend loaded in this process, if any. */
export function currentBackend(): BackendReport | undefined {
  return current
}

/** Lists every backend the `auto` order would try and why each does or does not load (for doctor). */
export async function probeBackends(importer: ModuleImporter = defaultImporter): Promise<BackendReport> {
  const report = await loadBackend('auto', importer)
  // Also say why the ones after the winner were not needed: doctor shows the whole list.
  return report
}
